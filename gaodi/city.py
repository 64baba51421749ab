"""The analyst's entry point: ``city = gaodi.open()``; every entity as a Polars DataFrame.

Example (on a built database; see docs/analysts.md)::

    import gaodi
    city = gaodi.open()
    city.enterprises().filter(pl.col("park_id") == 1)
"""

from __future__ import annotations

import numbers
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from gaodi import migrate
from gaodi.config import get_settings
from gaodi.core import clock
from gaodi.core.errors import ConflictError, GaodiError, NotFoundError, ValidationError
from gaodi.core.permissions import SYSTEM, Principal, restrict
from gaodi.core.selects import AnySelect
from gaodi.db import get_engine, make_engine, sqlite_file
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.models import (
    Action,
    Chain,
    Cluster,
    Enterprise,
    EnterpriseLink,
    EnterpriseYear,
    ExternalEnterprise,
    Indicator,
    IndustryCode,
    Link,
    Observation,
    PanelValue,
    Park,
    Plan,
    Region,
    SystemInfo,
    Target,
    cluster_chain,
)
from gaodi.plans.models import latest_revisions


class City:
    """Read access to a Gaodi database, as Polars DataFrames.

    Parameters
    ----------
    url
        A SQLAlchemy URL; default: the configured database (``GAODI_DATABASE_URL``).
    principal
        Whose permissions apply; default: the system (everything). Pass a user's principal to
        see exactly what that user would see.
    """

    def __init__(
        self, url: str | None = None, principal: Principal = SYSTEM, engine: Engine | None = None
    ) -> None:
        if engine is None:
            _require_file(url or get_settings().effective_database_url)
        self.engine = engine or (_engine(url) if url else get_engine())
        self.principal = principal
        _require_schema(self.engine)

    def __repr__(self) -> str:
        return f"<gaodi.City {self.engine.url.render_as_string(hide_password=True)}>"

    def _frame(self, query: AnySelect, restricted: bool = True) -> pl.DataFrame:
        if restricted:
            query = restrict(query, self.principal, "read")
        with self.engine.connect() as conn:
            result = conn.execute(query)
            columns = list(result.keys())
            rows = result.fetchall()
        if not rows:
            # typed as the table's columns: an empty frame concatenates and filters like a full
            # one (untyped, every column was Null)
            types = {c.key: _dtype(c.type) for c in query.selected_columns}
            return pl.DataFrame({c: pl.Series(c, [], dtype=types.get(c, pl.Null)) for c in columns})
        return pl.DataFrame(
            [tuple(r) for r in rows], schema=columns, orient="row", infer_schema_length=None
        )

    def info(self) -> dict[str, Any]:
        """Facts about the dataset (demo or not, built when, with which seed)."""
        with self.engine.connect() as conn:
            return {k: v for k, v in conn.execute(select(SystemInfo.key, SystemInfo.value))}

    def regions(self) -> pl.DataFrame:
        return self._frame(select(Region))

    def industry_codes(self) -> pl.DataFrame:
        return self._frame(select(IndustryCode))

    def parks(self) -> pl.DataFrame:
        return self._frame(select(Park))

    def clusters(self) -> pl.DataFrame:
        return self._frame(select(Cluster))

    def cluster_chains(self) -> pl.DataFrame:
        """Which chain belongs to which cluster: the pairs whose cluster and chain the principal
        may both read (the table has no scope of its own; read unrestricted, it told a role
        that may not see chains or clusters the ids of both)."""
        chains = restrict(select(Chain.id), self.principal, "read")
        clusters = restrict(select(Cluster.id), self.principal, "read")
        query = select(cluster_chain).where(
            cluster_chain.c.chain_id.in_(chains.scalar_subquery()),
            cluster_chain.c.cluster_id.in_(clusters.scalar_subquery()),
        )
        return self._frame(query, restricted=False)

    def chains(self) -> pl.DataFrame:
        return self._frame(select(Chain))

    def _known(self, model: Any, found: Any, words: tuple[str, str], choices: Any = None) -> None:
        """Refuse a filter naming nothing the principal may read: a typo is an error, not an
        empty frame that looks like an answer. ``choices``, a one-column select, lists what
        there is (the first :data:`CHOICES_SHOWN`), so the message says what to type instead."""
        query = restrict(select(model.id).where(found), self.principal, "read").limit(1)
        with self.engine.connect() as conn:
            if conn.execute(query).first() is not None:
                return
        zh, en = words
        if choices is not None:
            zh, en = _with_choices(zh, en, self._choices(choices))
        raise NotFoundError(zh, en)

    def _choices(self, query: AnySelect) -> list[str]:
        """The distinct rows of a select the principal may read, sorted (ids as numbers), each
        as its values joined by a space (``3 高新区``)."""
        query = restrict(query, self.principal, "read")
        with self.engine.connect() as conn:
            rows = {tuple(r) for r in conn.execute(query.distinct()) if r[0] is not None}
        return [" ".join(str(v) for v in row) for row in sorted(rows)]

    def links(self, chain: int | str | None = None) -> pl.DataFrame:
        query = select(Link)
        if chain is not None:
            chain = _id_or_code(chain, "chain", "CM")
            if isinstance(chain, int):
                found = Chain.id == chain
            else:
                found = (Chain.code == chain) | (Chain.name == chain)
            self._known(
                Chain, found, (f"没有产业链“{chain}”。", f"No chain {chain!r}."), select(Chain.code)
            )
        if isinstance(chain, int):
            query = query.where(Link.chain_id == chain)
        elif isinstance(chain, str):
            query = query.join(Chain).where((Chain.code == chain) | (Chain.name == chain))
        return self._frame(query)

    def enterprises(
        self,
        park: int | None = None,
        industry: str | None = None,
        on: date | str | None = None,
    ) -> pl.DataFrame:
        """Enterprises, of one park (its id) and/or of an industry code prefix (GB/T 4754).

        ``on`` (a date or ``"2023-06-30"``): the firms as they stood at the end of that day in
        the city — their tags, park and industry code rebuilt from the audit log
        (:mod:`gaodi.enterprises.history`), firms created after it left out — and the park and
        industry filters apply to that day's values. Without it: the rows as stored today.

        An unknown park or code is an error naming the choices; a park or code with no
        enterprises (to the principal) is an empty frame."""
        day = _day(on)
        query = select(Enterprise)
        if park is not None:
            park = _whole(park, "park")
            self._known(
                Park,
                Park.id == park,
                (f"没有编号为 {park!r} 的园区。", f"No park with id {park!r}."),
                select(Park.id, Park.name),
            )
            if day is None:
                query = query.where(Enterprise.park_id == park)
        if industry is not None:
            industry = _code(industry, "industry", "35")
            self._known_industry(industry)
            if day is None:
                query = query.where(Enterprise.industry_code.startswith(industry))
        frame = self._frame(query)
        if day is None:
            return frame
        with Session(self.engine) as session:
            frame = enterprise_loaders.as_of(session, frame, day, "id")
        if park is not None:
            frame = frame.filter(pl.col("park_id") == park)
        if industry is not None:
            frame = frame.filter(pl.col("industry_code").str.starts_with(industry))
        return frame

    def _known_industry(self, prefix: str) -> None:
        """A code prefix is known when an industry code (the GB/T 4754 table) or an
        enterprise's code starts with it."""
        codes = select(IndustryCode.code).where(IndustryCode.code.startswith(prefix)).limit(1)
        with self.engine.connect() as conn:
            if conn.execute(codes).first() is not None:
                return
        # the 大类 (two digits) the enterprises are in: a prefix to start from
        divisions = select(func.substr(Enterprise.industry_code, 1, 2))
        self._known(
            Enterprise,
            Enterprise.industry_code.startswith(prefix),
            (f"没有以“{prefix}”开头的行业代码。", f"No industry code starts with {prefix!r}."),
            divisions,
        )

    def enterprise_years(self, year: int | None = None) -> pl.DataFrame:
        """Enterprises' yearly figures, of one year if given. A year outside the years the
        database holds is an error naming them; a year inside them with no rows (to the
        principal) is an empty frame."""
        query = select(EnterpriseYear)
        if year is not None:
            year = _whole(year, "year", "2023")
            restrict(select(EnterpriseYear.id), self.principal, "read")  # may the principal?
            span = select(func.min(EnterpriseYear.year), func.max(EnterpriseYear.year))
            with self.engine.connect() as conn:
                first, last = conn.execute(span).one()
            if first is None or not first <= year <= last:
                held = "无" if first is None else f"{first}–{last}"
                raise NotFoundError(
                    f"没有 {year!r} 年的企业年度数据（现有年份：{held}）。",
                    f"No enterprise figures for {year!r} (years held: "
                    f"{'none' if first is None else f'{first}–{last}'}).",
                )
            query = query.where(EnterpriseYear.year == year)
        return self._frame(query)

    def enterprise_links(self, current: bool = True, on: date | str | None = None) -> pl.DataFrame:
        """Enterprise–link assignments: the current ones (``current``), every row with its
        validity (``current=False``), or those in force at the end of the day ``on`` (a date or
        ``"2023-06-30"``, the city's day; ``current`` is then not used): opened by then and
        not closed by then, as the chain pages of a past day count them."""
        query = select(EnterpriseLink)
        day = _day(on)
        if day is not None:
            end = clock.end_of_day(day)
            query = query.where(
                EnterpriseLink.valid_from <= end,
                or_(EnterpriseLink.valid_to.is_(None), EnterpriseLink.valid_to > end),
            )
        elif current:
            query = query.where(EnterpriseLink.valid_to.is_(None))
        return self._frame(query)

    def external_enterprises(self) -> pl.DataFrame:
        return self._frame(select(ExternalEnterprise))

    def plans(self) -> pl.DataFrame:
        return self._frame(select(Plan))

    def _known_plan(self, plan: int) -> int:
        plan = _whole(plan, "plan")
        self._known(
            Plan,
            Plan.id == plan,
            (f"没有编号为 {plan!r} 的规划。", f"No plan with id {plan!r}."),
            select(Plan.id),
        )
        return plan

    def actions(self, plan: int | None = None) -> pl.DataFrame:
        query = select(Action)
        if plan is not None:
            query = query.where(Action.plan_id == self._known_plan(plan))
        return self._frame(query)

    def indicators(self) -> pl.DataFrame:
        return self._frame(select(Indicator))

    def targets(self, plan: int | None = None) -> pl.DataFrame:
        query = select(Target)
        if plan is not None:
            query = query.where(Target.plan_id == self._known_plan(plan))
        return self._frame(query)

    def observations(
        self,
        indicator: int | str | None = None,
        latest: bool = True,
    ) -> pl.DataFrame:
        """Observations; ``latest`` keeps only the newest revision of each value."""
        query = select(Observation)
        if indicator is not None:
            indicator = _id_or_code(indicator, "indicator", "industrial_investment")
            found = (
                Indicator.id == indicator
                if isinstance(indicator, int)
                else (Indicator.code == indicator)
            )
            self._known(
                Indicator,
                found,
                (f"没有指标“{indicator}”。", f"No indicator {indicator!r}."),
                select(Indicator.code),
            )
        if isinstance(indicator, int):
            query = query.where(Observation.indicator_id == indicator)
        elif isinstance(indicator, str):
            query = query.join(Indicator).where(Indicator.code == indicator)
        if latest:
            query = latest_revisions(query)
        return self._frame(query.order_by(Observation.indicator_id, Observation.period))

    def panel(self, measure: str | None = None) -> pl.DataFrame:
        """The region x industry x year panel, of one measure if given (``output``,
        ``employment`` …); a measure the panel does not hold is an error naming those it does."""
        query = select(PanelValue)
        if measure is not None:
            measure = _code(measure, "measure", "output")
            held = self._choices(select(PanelValue.measure))
            if measure not in held:
                zh, en = _with_choices(
                    f"面板中没有口径“{measure}”。", f"The panel has no measure {measure!r}.", held
                )
                raise NotFoundError(zh, en)
            query = query.where(PanelValue.measure == measure)
        return self._frame(query)


def _whole(value: object, name: str, example: str = "1") -> int:
    """An id or a year as a Python ``int``. numpy's and pandas' integers (a value read from a
    frame) are taken as the number they are: handed to the database as they came, SQLite
    compared them as bytes and matched nothing, so ``enterprise_years(year=np.int64(2023))``
    was an empty frame. Anything else (a string, a float, ``True``) is refused in words."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    raise ValidationError(
        f"参数 {name} 应为整数（如 {example}），收到的是 {type(value).__name__} {value!r}。",
        f"{name} must be a whole number (such as {example}), not {type(value).__name__} {value!r}.",
        parameter=name,
        value=repr(value),
    )


def _day(value: object) -> date | None:
    """The day of an ``on`` parameter: a date or an ISO day (``"2023-06-30"``), not after the
    city's today (a day to come has no state to show); None when not given."""
    if value is None:
        return None
    day: date | None = None
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None:
        raise ValidationError(
            f'参数 on 应为日期（如 date(2023, 6, 30) 或 "2023-06-30"），收到的是 '
            f"{type(value).__name__} {value!r}。",
            f'on must be a day (such as date(2023, 6, 30) or "2023-06-30"), not '
            f"{type(value).__name__} {value!r}.",
            parameter="on",
            value=repr(value),
        )
    today = clock.today()
    if day > today:
        raise ValidationError(
            f"日期 {day.isoformat()} 晚于今天（{today.isoformat()}）：未来的状态无从读取。",
            f"The day {day.isoformat()} is after today ({today.isoformat()}): there is no state "
            "of a day to come to read.",
            parameter="on",
            value=day.isoformat(),
        )
    return day


def _code(value: object, name: str, example: str) -> str:
    """A code filter: a non-empty string. An empty one names nothing (it had read as no
    filter at all: ``panel("")`` was the whole panel); leave the filter out for every row."""
    if isinstance(value, str) and value != "":
        return value
    zh_got = "空字符串" if value == "" else f"{type(value).__name__} {value!r}"
    en_got = "an empty string" if value == "" else f"{type(value).__name__} {value!r}"
    raise ValidationError(
        f"参数 {name} 应为非空的代码（如 {example!r}），收到的是{zh_got}；要全部数据请不传此参数。",
        f"{name} must be a non-empty code (such as {example!r}), not {en_got}; leave it out "
        "for every row.",
        parameter=name,
        value=repr(value),
    )


def _id_or_code(value: object, name: str, example: str) -> int | str:
    """A filter that takes an id (a whole number) or a code (a string)."""
    if isinstance(value, str):
        return _code(value, name, example)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    raise ValidationError(
        f"参数 {name} 应为代码（如 {example!r}）或编号（整数），"
        f"收到的是 {type(value).__name__} {value!r}。",
        f"{name} must be a code (such as {example!r}) or an id (a whole number), not "
        f"{type(value).__name__} {value!r}.",
        parameter=name,
        value=repr(value),
    )


#: How many choices an unknown-filter message lists.
CHOICES_SHOWN = 20


def _with_choices(zh: str, en: str, choices: list[str]) -> tuple[str, str]:
    """The messages of an unknown filter followed by what there is to choose from."""
    shown = choices[:CHOICES_SHOWN]
    more = " …" if len(choices) > len(shown) else ""
    if not shown:
        return f"{zh}目前没有可选项。", f"{en} There is none to choose from."
    return f"{zh}可选：{'、'.join(shown)}{more}。", f"{en} Choices: {', '.join(shown)}{more}."


def _dtype(sql_type: Any) -> Any:
    """The Polars type of a column of ``sql_type`` (Null for one it has no equal of)."""
    for sql, polars in _POLARS:
        if isinstance(sql_type, sql):
            return polars
    return pl.Null


_POLARS = (
    (Boolean, pl.Boolean),
    (Integer, pl.Int64),
    (Numeric, pl.Float64),  # Float too: a subclass
    (DateTime, pl.Datetime),
    (Date, pl.Date),
    (String, pl.Utf8),  # Text, Enum: subclasses
)


def _engine(url: str) -> Engine:
    """The engine of ``url``; a string that is not a database URL (or names a driver that is
    not installed) is refused in words, not SQLAlchemy's ArgumentError."""
    try:
        return make_engine(url)
    except (ArgumentError, ImportError) as exc:  # ImportError: the URL's driver is missing
        raise ValidationError(
            f"“{url}”不是可用的数据库地址：请写成 sqlite:////数据库文件路径 或 "
            f"postgresql+psycopg://用户@主机/库名（{exc}）。",
            f"{url!r} is not a database URL Gaodi can open: write sqlite:////path/to/file "
            f"or postgresql+psycopg://user@host/name ({exc}).",
            url=url,
        ) from exc


def _require_schema(engine: Engine) -> None:
    """Refuse a database that cannot be reached, or holds no Gaodi tables, or another
    Gaodi's schema, when it is opened: each had surfaced at the first read as a SQLAlchemy
    error (connection refused, ``no such table: enterprise``). A schema behind this code's
    is refused too: its tables would be read with columns they do not have."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        revision = migrate.check_known(engine)
    except DBAPIError as exc:
        raise GaodiError(
            f"无法连接数据库 {where}：{exc.orig}。请检查地址、网络和数据库服务是否在运行。",
            f"Cannot reach the database {where}: {exc.orig}. Check the URL, the network and "
            "that the database server is running.",
            url=where,
        ) from exc
    if revision is None:
        raise NotFoundError(
            f"{where} 不是高地数据库（没有高地的数据表）。请先运行 gaodi db upgrade（或 make "
            "demo），或检查地址是否写错。",
            f"{where} is not a Gaodi database (it has none of Gaodi's tables). Create it with "
            "`gaodi db upgrade` (or `make demo`), or check the URL for a typo.",
            url=where,
        )
    head = migrate.head_revision()
    if revision != head:
        raise ConflictError(
            f"数据库 {where} 的结构版本 {revision} 落后于此版本高地（{head}）：请先运行 "
            "gaodi db upgrade 升级后再读取。",
            f"The database {where} has schema revision {revision}, behind this Gaodi's "
            f"{head}: run `gaodi db upgrade` before reading it.",
            url=where,
            revision=revision,
            head=head,
        )


def _require_file(url: str) -> None:
    """Refuse a SQLite file that does not exist: reading never creates a database (the engine
    would create its directory and the first query an empty file, then fail on a missing
    table)."""
    path = sqlite_file(url) if url.startswith("sqlite") else None
    if path is not None and not path.exists():
        raise NotFoundError(
            f"数据库文件不存在：{path}。gaodi.open() 只读取已有的数据库：请先运行 gaodi db upgrade "
            "（或 make demo），或检查地址是否写错。",
            f"There is no database at {path}: gaodi.open() reads an existing database. Create "
            "it with `gaodi db upgrade` (or `make demo`), or check the URL for a typo.",
            path=str(path),
        )


def open(url: str | None = None, principal: Principal = SYSTEM) -> City:
    """Open a Gaodi database for reading: ``gaodi.open()`` or ``gaodi.open("sqlite:///x")``.

    Raises :class:`gaodi.core.errors.NotFoundError`, and creates nothing, when the URL names a
    SQLite file that does not exist.
    """
    return City(url, principal)
