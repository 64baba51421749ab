"""Evidence files of tier facts and declarations (certificates, award notices …).

Stored as the appeals store their attachments (same checks of size, type and content from the
one upload policy, ``gaodi/data/uploads.yaml``; same directory ``<data_dir>/attachments``, under
``tier/<enterprise id>/``), so one backup and one set of upload rules cover both.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.core import attachments, clock
from gaodi.core.errors import ConflictError, NotFoundError
from gaodi.core.permissions import Principal, restrict
from gaodi.enterprises.models import TierEvidence

NOT_FOUND = ("找不到该证明材料（或无权查看）。", "No such evidence file (or not yours to see).")


def store(
    session: Session,
    principal: Principal,
    enterprise_id: int,
    year: int,
    filename: str,
    content: bytes,
    *,
    field: str | None = None,
    declaration_id: int | None = None,
) -> TierEvidence:
    """Check and store one file; the caller has checked that ``principal`` may attach it."""
    rules = attachments.upload_policy()  # the one upload policy, the appeals' too
    name = attachments.safe_name(filename)
    content_type = attachments.check_file(name, content, rules)
    count = select(func.count()).select_from(TierEvidence)
    if declaration_id is not None:
        count = count.where(TierEvidence.declaration_id == declaration_id)
    else:
        count = count.where(
            TierEvidence.enterprise_id == enterprise_id,
            TierEvidence.year == year,
            TierEvidence.declaration_id.is_(None),
        )
    limit = rules.max_files * 4  # a declaration backs many facts; four files each on average
    if (session.scalar(count) or 0) >= limit:
        raise ConflictError(
            f"证明材料最多 {limit} 个。", f"At most {limit} evidence files may be attached."
        )
    stored = f"tier/{enterprise_id}/{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    row = TierEvidence(
        enterprise_id=enterprise_id,
        year=year,
        field=field,
        declaration_id=declaration_id,
        filename=name,
        stored_name=stored,
        content_type=content_type,
        size=len(content),
        sha256=attachments.sha256(content),
        uploaded_by=principal.username,
        uploaded_at=clock.now(),
    )
    session.add(row)
    session.flush()
    attachments.write(stored, content)
    return row


def evidence_file(
    session: Session, principal: Principal, evidence_id: int
) -> tuple[TierEvidence, Path]:
    """An evidence file the principal may read (its enterprise is in scope), and its path."""
    row = session.scalars(
        restrict(select(TierEvidence).where(TierEvidence.id == evidence_id), principal)
    ).first()
    if row is None:
        raise NotFoundError(*NOT_FOUND)
    path = attachments.attachments_dir() / row.stored_name
    if not path.is_file():
        raise ConflictError(
            f"证明材料“{row.filename}”的文件已丢失。",
            f"The file of evidence '{row.filename}' is missing.",
        )
    return row, path
