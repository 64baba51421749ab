"""Advanced-manufacturing clusters (the "1+2+N" system) and the chains they group."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from gaodi.core.provenance import SourceCited
from gaodi.db import Base

cluster_chain = Table(
    "cluster_chain",
    Base.metadata,
    Column("cluster_id", ForeignKey("cluster.id", ondelete="CASCADE"), primary_key=True),
    Column("chain_id", ForeignKey("chain.id", ondelete="CASCADE"), primary_key=True),
)


class Cluster(SourceCited, Base):
    __tablename__ = "cluster"
    __audited__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # world / national / provincial / cultivation / national_sme / provincial_sme
    tier: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="planned")  # planned / recognised
    year: Mapped[int | None] = mapped_column(Integer, default=None)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("park.id"), default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
