"""Uploaded files kept beside the database (appeal attachments, tier-fact evidence): one place
for where they live, how a user's file name is made safe, and how bytes are written so that a
crash never leaves half a file under the stored name."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from gaodi.config import get_settings

_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def attachments_dir() -> Path:
    """Where uploaded files are kept: ``<GAODI_DATA_DIR>/attachments``."""
    return get_settings().data_dir / "attachments"


def safe_name(filename: str | None) -> str:
    """The user's file name without directories or characters a file system or a header could
    misread (letters, digits, Chinese, ``.`` ``-`` ``_`` stay).

    >>> safe_name("../../etc/passwd")
    'passwd'
    >>> safe_name("证明 材料(1).pdf")
    '证明_材料_1_.pdf'
    >>> safe_name("..")
    'file'
    """
    return _UNSAFE.sub("_", Path(filename or "").name).strip("._") or "file"


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
