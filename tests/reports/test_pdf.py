"""The PDF route: LibreOffice converts the Word file; the pages are not blank (pixel variance of
pdftoppm's images), the text layer holds the Chinese text and the board's numbers, and the CJK
fonts are embedded. Without soffice the route fails with a message naming the package."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.plans import service as plans
from gaodi.reports import pdf_render
from gaodi.reports.fonts import ToolMissing
from gaodi.reports.monthly import build_monthly
from gaodi.reports.render import render
from tests.reports.conftest import require_tools


@pytest.fixture(scope="module")
def pdf(demo_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    require_tools("soffice", "pdftoppm", "pdftotext", "pdffonts")
    with session_scope(demo_engine) as s:
        report = build_monthly(s, SYSTEM, "2023-06")
        board = plans.board(s, SYSTEM, "2023-06")
    path = render(report, "pdf", tmp_path_factory.mktemp("pdf") / "monthly.pdf")
    return path, board


@pytest.mark.office
@pytest.mark.slow
def test_pages_are_not_blank(pdf: tuple[Path, object], tmp_path: Path) -> None:
    path, _ = pdf
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 5
    for page in pages:
        grey = Image.open(page).convert("L")
        stat = ImageStat.Stat(grey)
        # a blank page is one shade (variance 0); text and tables give dark pixels on white
        assert stat.var[0] > 50, page.name
        assert grey.getextrema()[0] < 100, page.name


@pytest.mark.office
@pytest.mark.slow
def test_text_layer_has_the_chinese_text_and_the_numbers(pdf: tuple[Path, object]) -> None:
    path, board = pdf
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    compact = "".join(text.split())
    for phrase in ("总体情况", "各行动目标完成情况", "数据来源与说明", "示例数据"):
        assert phrase in compact
    row = board.actions[0].rows[0]  # type: ignore[attr-defined]
    assert f"{row.completion * 100:.1f}%" in compact
    assert "—2—" in compact  # page numbers in the official form


@pytest.mark.office
@pytest.mark.slow
def test_cjk_fonts_are_embedded(pdf: tuple[Path, object]) -> None:
    path, _ = pdf
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    cjk = [r for r in rows if "CJK" in r[0]]
    assert cjk, out.stdout
    # columns: name type encoding emb sub uni …; "emb" is the third from the end of the flags
    assert all("yes" in r[-5:-2] for r in cjk), out.stdout


def test_missing_soffice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import datetime as dt

    from gaodi.reports.model import Report

    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on the PATH
    assert pdf_render.soffice_path() is None
    report = Report("t", "zh", "T", "S", "I", dt.date(2023, 7, 1), False)
    with pytest.raises(ToolMissing) as err:
        render(report, "pdf", tmp_path / "x.pdf")
    assert "libreoffice-writer-nogui" in err.value.zh and "libreoffice-writer-nogui" in err.value.en
    assert err.value.status_code == 503


@pytest.mark.office
def test_a_conversion_starts_from_the_profile_an_earlier_one_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second conversion copies the first one's LibreOffice profile (made once, not for
    every report); each still converts with a private copy, and a seed that stops working is
    dropped and the file converted with a profile of its own."""
    import docx

    require_tools("soffice", "pdftotext")
    monkeypatch.setattr(pdf_render, "_seed_profile", None)
    source = tmp_path / "a.docx"
    document = docx.Document()
    document.add_paragraph("示例数据 seed")
    document.save(source)

    pdf_render.docx_to_pdf(source, tmp_path / "a.pdf")
    seed = pdf_render._seed_profile
    assert seed is not None and (seed / "user").is_dir()  # a profile LibreOffice made

    copied: list[Path] = []
    real_copytree = pdf_render.shutil.copytree

    def copytree(src: Path, *args: object, **kw: object) -> object:
        copied.append(Path(src))  # shutil calls itself for each folder inside
        return real_copytree(src, *args, **kw)

    monkeypatch.setattr(pdf_render.shutil, "copytree", copytree)
    pdf_render.docx_to_pdf(source, tmp_path / "b.pdf")
    assert copied and copied[0] == seed  # started from the seed's copy
    assert pdf_render._seed_profile == seed  # which stays the seed
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "示例数据 seed" in text

    # a seed LibreOffice cannot start from: dropped, and the file converted with a profile of
    # its own (LibreOffice stood in for, its real runs are above)
    seen: list[bool] = []

    def convert(soffice: str, d: Path, tmp: Path, seeded: bool) -> tuple[Path, str, int]:
        seen.append(seeded)
        made = tmp / "out" / f"{d.stem}.pdf"
        if not seeded:
            made.parent.mkdir(parents=True)
            made.write_bytes(b"%PDF-1.7 made without the seed")
        return made, "", 0 if not seeded else 1

    monkeypatch.setattr(pdf_render, "_convert", convert)
    pdf_render.docx_to_pdf(source, tmp_path / "c.pdf")
    assert seen == [True, False]
    assert (tmp_path / "c.pdf").read_bytes() == b"%PDF-1.7 made without the seed"
    assert pdf_render._seed_profile is None
    assert not seed.parent.exists()  # the dropped seed's folder is removed, not left behind


def test_the_seed_profile_is_removed_when_the_process_ends(tmp_path: Path) -> None:
    """The seed's folder lives as long as the process that made it: a server run or a test
    worker leaves no LibreOffice profile in the temporary folder (they used to, one each)."""
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text("<x/>")
    code = (
        "import sys; from pathlib import Path; from gaodi.reports import pdf_render\n"
        "pdf_render._keep_seed(Path(sys.argv[1]))\n"
        "print(pdf_render._seed_profile)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(profile)], capture_output=True, text=True, check=True
    )
    seed = Path(done.stdout.strip())
    assert seed.name == "profile" and seed.parent.name.startswith("gaodi-soffice-seed-")
    assert not seed.parent.exists()
    assert (profile / "user" / "registrymodifications.xcu").exists()  # the source is untouched


def test_a_killed_process_seed_is_removed_by_the_next_one(tmp_path: Path) -> None:
    """A process killed outright runs no exit handler and leaves its seed; the next process
    that keeps a seed removes the seeds of processes that are gone, and only those."""
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text("<x/>")
    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    keep = (
        "import sys; from pathlib import Path; from gaodi.reports import pdf_render\n"
        "pdf_render._keep_seed(Path(sys.argv[1]))\n"
        "print(pdf_render._seed_profile, flush=True)\n"
    )
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            keep + "import os, signal; os.kill(os.getpid(), signal.SIGKILL)\n",
            str(profile),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    orphan = Path(killed.stdout.strip()).parent
    assert orphan.is_dir() and orphan.parent == temp  # left behind: no exit handler ran
    # a process still running keeps its seed, and a folder not named for a process is not ours
    running = subprocess.Popen(
        [sys.executable, "-c", keep + "sys.stdin.read()\n", str(profile)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert running.stdout is not None
        alive = Path(running.stdout.readline().strip()).parent
        unnamed = temp / "gaodi-soffice-seed-abc123"
        unnamed.mkdir()
        # the next process to keep a seed sweeps first
        done = subprocess.run(
            [sys.executable, "-c", keep, str(profile)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        assert not orphan.exists()
        assert alive.is_dir() and unnamed.is_dir()
        assert not Path(done.stdout.strip()).parent.exists()  # its own, removed at its exit
    finally:
        running.communicate("", timeout=60)
    assert not alive.exists()  # removed by its owner at exit
    assert pdf_render.sweep_orphan_seeds(temp) == []  # nothing of a gone process is left
    assert sorted(p.name for p in temp.iterdir()) == ["gaodi-soffice-seed-abc123"]


def test_where_processes_cannot_be_probed_no_seed_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off POSIX, ``os.kill(pid, 0)`` would end the process rather than ask about it: there the
    sweep takes every seed for its owner's and removes none, not even a gone process's."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    orphan = tmp_path / f"{pdf_render.SEED_PREFIX}{gone.stdout.strip()}-x"
    orphan.mkdir()
    monkeypatch.setattr(pdf_render, "PROBE_PROCESSES", False)
    assert pdf_render.sweep_orphan_seeds(tmp_path) == [] and orphan.is_dir()
    monkeypatch.setattr(pdf_render, "PROBE_PROCESSES", True)
    assert pdf_render.sweep_orphan_seeds(tmp_path) == [orphan] and not orphan.exists()
