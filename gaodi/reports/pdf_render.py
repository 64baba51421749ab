"""PDF rendering: the Word document converted by LibreOffice, so the PDF is the DOCX exactly.

The Word file converted here names the fonts installed on the server (Noto Serif CJK SC for
小标宋/仿宋/楷体, Noto Sans CJK SC for 黑体, unless the official fonts are installed), which
LibreOffice embeds. A long report is converted twice: first with placeholder page numbers in its
contents page, then with the headings' pages read from the first PDF's outline.

``soffice --headless --convert-to pdf`` (Debian package ``libreoffice-writer-nogui``) runs with
a private user profile in a temporary directory, so concurrent conversions do not share a lock.
LibreOffice embeds (subsets of) the fonts the document names; the text layer keeps the
Chinese text. Without soffice the PDF route fails with a clear message naming the package.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from gaodi.core.errors import GaodiError
from gaodi.reports import toc
from gaodi.reports.docx_render import DocxRenderer
from gaodi.reports.fonts import ToolMissing
from gaodi.reports.model import Report, number_headings

SOFFICE_PACKAGE = "libreoffice-writer-nogui"
TIMEOUT_S = 180


def soffice_path() -> str | None:
    """The LibreOffice binary on the PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    found = soffice_path()
    if found is None:
        raise ToolMissing(
            "找不到 LibreOffice（soffice），无法生成 PDF。请安装 Debian 软件包 "
            f"{SOFFICE_PACKAGE}（apt-get install {SOFFICE_PACKAGE}），或改选 Word 格式。",
            "LibreOffice (soffice) was not found, so the PDF cannot be made. Install the Debian "
            f"package {SOFFICE_PACKAGE} (apt-get install {SOFFICE_PACKAGE}) or choose Word.",
        )
    return found


#: A LibreOffice profile made by an earlier conversion of this process, copied for the next
#: ones: a conversion from a copy takes about 0.83 of one that makes its profile from nothing
#: (``benchmarks/soffice_profile.py``), and each conversion still gets a private copy, so
#: concurrent conversions share no lock.
_seed_profile: Path | None = None


#: a seed's folder is named for the process that owns it: ``gaodi-soffice-seed-<pid>-<random>``
SEED_PREFIX = "gaodi-soffice-seed-"


#: whether a process can be probed without harm: on POSIX ``os.kill(pid, 0)`` only asks; on
#: Windows it would end the process, so there every seed counts as its owner's
PROBE_PROCESSES = os.name == "posix"


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (one of another user counts as existing; where
    processes cannot be probed, every one does)."""
    if not PROBE_PROCESSES:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_orphan_seeds(folder: Path | None = None) -> list[Path]:
    """Remove the seed folders in ``folder`` (the temporary folder) whose owner has gone.

    A process that is killed (SIGKILL, out of memory, a power cut) runs no exit handler, so its
    seed stays behind; the next process to keep a seed removes it. A folder whose owner still
    runs, or whose name carries no process id, is left alone. Returns the folders removed."""
    folder = Path(tempfile.gettempdir()) if folder is None else folder
    removed: list[Path] = []
    try:
        candidates = list(folder.glob(f"{SEED_PREFIX}*"))
    except OSError:
        return removed
    for path in candidates:
        owner = path.name[len(SEED_PREFIX) :].split("-", 1)[0]
        if not owner.isdigit() or int(owner) == os.getpid() or _alive(int(owner)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            removed.append(path)
    return removed


def _keep_seed(profile: Path) -> None:
    """Keep ``profile`` (just used by a conversion that worked) as the seed of the next ones."""
    global _seed_profile
    if _seed_profile is not None and _seed_profile.is_dir():
        return
    sweep_orphan_seeds()
    seed = Path(tempfile.mkdtemp(prefix=f"{SEED_PREFIX}{os.getpid()}-")) / "profile"
    try:
        shutil.copytree(profile, seed, symlinks=True)
    except OSError:
        shutil.rmtree(seed.parent, ignore_errors=True)
        return  # no seed: the next conversion makes its own profile, as before
    _seed_profile = seed
    # the seed lives as long as the process: without this every server run and test worker
    # left its half-megabyte profile in the temporary folder
    atexit.register(_drop_seed, seed.parent, os.getpid())


def _drop_seed(folder: Path, owner: int) -> None:
    """Remove the seed's folder at exit, in the process that made it (not a forked child)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def _convert(soffice: str, docx: Path, tmp: Path, seeded: bool) -> tuple[Path, str, int]:
    profile = tmp / "profile"
    out = tmp / "out"
    if seeded and _seed_profile is not None:
        shutil.copytree(_seed_profile, profile, symlinks=True)
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(out),
        str(docx),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise GaodiError(
            f"LibreOffice 转换 PDF 超时（{TIMEOUT_S} 秒）。",
            f"LibreOffice did not finish the PDF within {TIMEOUT_S} s.",
        ) from None
    made = out / (docx.stem + ".pdf")
    detail = (done.stderr or done.stdout or "").strip()[-400:]
    if done.returncode == 0 and made.exists():
        _keep_seed(profile)
    return made, detail, done.returncode


def docx_to_pdf(docx: Path, pdf: Path) -> Path:
    """Convert ``docx`` to ``pdf`` with LibreOffice headless."""
    global _seed_profile
    soffice = require_soffice()
    with tempfile.TemporaryDirectory(prefix="gaodi-soffice-") as tmp:
        seeded = _seed_profile is not None and _seed_profile.is_dir()
        made, detail, code = _convert(soffice, docx, Path(tmp) / "a", seeded)
        if seeded and not made.exists():
            # a seed that no longer works (LibreOffice upgraded meanwhile): drop it and convert
            # once more with a profile of its own
            if _seed_profile is not None:
                shutil.rmtree(_seed_profile.parent, ignore_errors=True)
            _seed_profile = None
            made, detail, code = _convert(soffice, docx, Path(tmp) / "b", False)
        if code != 0 or not made.exists():
            raise GaodiError(
                f"LibreOffice 未能生成 PDF（退出码 {code}）：{detail}",
                f"LibreOffice could not make the PDF (exit {code}): {detail}",
            )
        shutil.move(str(made), pdf)
    return pdf


class PdfRenderer:
    """Report -> .docx (:class:`DocxRenderer`) -> .pdf (LibreOffice)."""

    format = "pdf"
    suffix = ".pdf"

    def render(self, report: Report, path: Path) -> Path:
        require_soffice()
        number_headings(report)
        word = DocxRenderer(for_pdf=True)
        with tempfile.TemporaryDirectory(prefix="gaodi-report-") as tmp:
            pages: list[int | None] | None = None
            if toc.wants_toc(report):
                # one conversion to find the headings' pages, a second with them in 目录
                pages = toc.measure(
                    report,
                    lambda docx, placeholder: word.write(report, docx, placeholder),
                    docx_to_pdf,
                    Path(tmp),
                )
            docx = Path(tmp) / f"{report.filename or 'report'}.docx"
            word.write(report, docx, pages)
            return docx_to_pdf(docx, path)
