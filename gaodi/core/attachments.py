"""Uploaded files kept beside the database (appeal attachments, tier-fact evidence): one place
for which files may be kept (the upload policy, ``gaodi/data/uploads.yaml``, and
:func:`check_file`), where they live, how a user's file name is made safe, and how bytes are
written so that a crash never leaves half a file under the stored name."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gaodi.config import get_settings
from gaodi.core.errors import ValidationError
from gaodi.core.rulefile import read_yaml

#: The upload policy shipped with Gaodi (a city may edit it; a change is a new ``version``).
UPLOAD_POLICY = Path(__file__).resolve().parents[1] / "data" / "uploads.yaml"

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")
#: Characters of a kept file name (the ``filename`` column of attachments and evidence).
MAX_NAME = 200
#: A longer "suffix" is part of the name (``报告.第一稿…``), not a type to keep.
_MAX_SUFFIX = 16


def attachments_dir() -> Path:
    """Where uploaded files are kept: ``<GAODI_DATA_DIR>/attachments``."""
    return get_settings().data_dir / "attachments"


def safe_name(filename: str | None) -> str:
    """The user's file name without directories or characters a file system or a header could
    misread (letters, digits, Chinese, ``.`` ``-`` ``_`` stay), at most :data:`MAX_NAME`
    characters: a longer one loses the end of its stem and keeps its suffix, which the
    download's reader opens it by.

    >>> safe_name("../../etc/passwd")
    'passwd'
    >>> safe_name("证明 材料(1).pdf")
    '证明_材料_1_.pdf'
    >>> safe_name("..")
    'file'
    >>> name = safe_name("x" * 300 + ".pdf")
    >>> len(name), name[-6:]
    (200, 'xx.pdf')
    """
    name = _UNSAFE.sub("_", Path(filename or "").name).strip("._") or "file"
    if len(name) <= MAX_NAME:
        return name
    suffix = Path(name).suffix
    if len(suffix) > _MAX_SUFFIX:
        suffix = ""
    return name[: MAX_NAME - len(suffix)].rstrip("._") + suffix


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def write(stored_name: str, content: bytes) -> Path:
    """Write ``content`` under ``stored_name`` (relative to :func:`attachments_dir`) through a
    temporary file and an atomic rename; returns the path."""
    path = attachments_dir() / stored_name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".part")
    tmp.write_bytes(content)
    tmp.replace(path)
    return path


# ---------------------------------------------------------------------------- the upload policy


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    magic: tuple[bytes, ...]


@dataclass(frozen=True)
class UploadPolicy:
    """Which files may be kept: size per file, files per record, types with their content
    signatures, and the executable signatures refused whatever the name says."""

    version: str
    max_bytes: int
    max_files: int
    file_types: dict[str, FileType]
    executable_magic: tuple[bytes, ...]


@lru_cache(maxsize=4)
def upload_policy(path: Path = UPLOAD_POLICY) -> UploadPolicy:
    """The policy of ``path`` (default: the shipped ``gaodi/data/uploads.yaml``)."""
    data = read_yaml(path)
    try:
        return UploadPolicy(
            version=str(data["version"]),
            max_bytes=int(data["max_bytes"]),
            max_files=int(data["max_files"]),
            file_types={
                str(ext): FileType(
                    str(ext),
                    str(spec["content_type"]),
                    tuple(bytes.fromhex(m) for m in spec["magic"]),
                )
                for ext, spec in data["types"].items()
            },
            executable_magic=tuple(bytes.fromhex(m) for m in data["executable_magic"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(
            f"上传规则文件 {path.name} 格式不对：{exc!r}。",
            f"The upload policy file {path.name} is malformed: {exc!r}.",
        ) from exc


def check_file(filename: str, content: bytes, policy: UploadPolicy | None = None) -> str:
    """The file's content type if it may be kept; ValidationError naming the reason.

    >>> check_file("证明.pdf", b"%PDF-1.7 ...")
    'application/pdf'
    >>> try:
    ...     check_file("证明.pdf", b"MZ" + bytes(2))
    ... except ValidationError as refused:
    ...     print(refused.zh)
    拒绝上传可执行文件或脚本。
    """
    policy = policy or upload_policy()
    size = len(content)
    if size == 0:
        raise ValidationError("文件为空。", "The file is empty.")
    if size > policy.max_bytes:
        raise ValidationError(
            f"文件过大（{size} 字节），上限 {policy.max_bytes} 字节。",
            f"The file is too large ({size} bytes); the limit is {policy.max_bytes} bytes.",
        )
    if any(content.startswith(m) for m in policy.executable_magic):
        raise ValidationError(
            "拒绝上传可执行文件或脚本。", "Executable files and scripts are refused."
        )
    ext = Path(filename).suffix.lower().lstrip(".")
    ftype = policy.file_types.get(ext)
    if ftype is None:
        raise ValidationError(
            f"不允许的文件类型“.{ext}”，允许：{'、'.join(policy.file_types)}。",
            f"File type '.{ext}' is not allowed; allowed: {', '.join(policy.file_types)}.",
        )
    if ftype.magic:
        if not any(content.startswith(m) for m in ftype.magic):
            raise ValidationError(
                f"文件内容与扩展名“.{ext}”不符。",
                f"The file's content does not match its extension '.{ext}'.",
            )
    else:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(
                "文本文件须为 UTF-8 编码。", "A text file must be UTF-8 encoded."
            ) from None
        if b"\x00" in content:
            raise ValidationError("文本文件含有二进制内容。", "The text file holds binary data.")
    return ftype.content_type
