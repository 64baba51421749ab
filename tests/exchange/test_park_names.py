"""Park names that differ only in letter width (Ａ/A) or in spaces (ideographic, non-breaking)
look the same on every page: the importer takes them for one park, in the file and against the
database, instead of making a second park that looks identical."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.core.errors import ImportRejected
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.models import Enterprise, Park
from tests.exchange.helpers import USCCS, load_city, table_counts, write_xlsx


def _parks(engine: Engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Park)) or 0


def test_near_duplicate_park_names_in_one_file_are_refused(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    rows = [
        ["园区名称", "级别"],
        ["新园区A", "省级"],
        ["新园区Ａ", "省级"],
        ["新园区\u3000A", "省级"],
    ]
    before = table_counts(sqlite_db)
    with pytest.raises(ImportRejected) as err:
        import_file(
            sqlite_db, "parks", write_xlsx(tmp_path / "p.xlsx", {"园区": rows}), principal=SYSTEM
        )
    assert table_counts(sqlite_db) == before
    assert [(e.row, e.column) for e in err.value.errors] == [(3, "园区名称"), (4, "园区名称")]
    assert "第 2 行" in err.value.errors[0].reason_zh


def test_a_name_that_looks_like_a_stored_park_is_that_park(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    load_city(sqlite_db, tmp_path, upto="enterprises")
    first = [["园区名称", "级别"], ["新园区A1", "省级"]]
    import_file(
        sqlite_db, "parks", write_xlsx(tmp_path / "a.xlsx", {"园区": first}), principal=SYSTEM
    )
    count = _parks(sqlite_db)
    again = [["园区名称", "级别", "简称"], ["新园区Ａ１", "省级", "新园"]]
    report = import_file(
        sqlite_db,
        "parks",
        write_xlsx(tmp_path / "b.xlsx", {"园区": again}),
        mode="upsert",
        principal=SYSTEM,
    )
    assert (report.created, report.updated) == (0, 1) and _parks(sqlite_db) == count
    firms = [
        ["统一社会信用代码", "企业名称", "所在园区"],
        [USCCS[4], "示例园区企业", "新园区\u00a0Ａ1"],
    ]
    import_file(
        sqlite_db, "enterprises", write_xlsx(tmp_path / "e.xlsx", {"企业": firms}), principal=SYSTEM
    )
    with session_scope(sqlite_db) as s:
        park = s.scalars(
            select(Park.name)
            .join(Enterprise, Enterprise.park_id == Park.id)
            .where(Enterprise.uscc == USCCS[4])
        ).one()
    assert park == "新园区A1"
