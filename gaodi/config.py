"""One registry of settings, read from ``GAODI_*`` environment variables (or a ``.env`` file).

Every setting has a default and a description; ``docs/configuration.md`` is generated from this
class (``gaodi config docs``) and a test fails when a setting is undocumented.
"""

from __future__ import annotations

import os
import secrets
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("gaodi", appauthor=False))


class Settings(BaseSettings):
    """Gaodi's settings. Environment variables are the field names upper-cased with ``GAODI_``."""

    model_config = SettingsConfigDict(env_prefix="GAODI_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Directory for the SQLite database, the secret key, uploads and generated "
        "reports. Default: the per-user data directory (e.g. ~/.local/share/gaodi).",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database, e.g. "
        "postgresql+psycopg://user:pass@127.0.0.1/gaodi. Default: sqlite:///<data_dir>/gaodi.sqlite.",
    )
    secret_key: str | None = Field(
        default=None,
        description="Key that signs session cookies and CSRF tokens. Default: generated on first "
        "run and stored in <data_dir>/secret_key (mode 0600); never commit it.",
    )
    language: Literal["zh", "en"] = Field(
        default="zh",
        description="Default language of the interface, the reports and the command line's "
        "messages: zh (中文) or en.",
    )
    host: str = Field(default="127.0.0.1", description="Address `gaodi serve` binds to.")
    port: int = Field(default=8000, description="Port `gaodi serve` listens on.")
    https: bool = Field(
        default=False,
        description="Set when served behind HTTPS: session cookies get the Secure flag.",
    )
    session_max_age: int = Field(
        default=8 * 3600, description="Seconds a login session stays valid."
    )
    login_max_failures: int = Field(
        default=5,
        description="Free password checks per user name and address; each further check waits "
        "1 s, 2 s, 4 s … (4x as many per address, 10x per name from any address).",
    )
    login_lockout_minutes: int = Field(
        default=15,
        description="Longest wait between log-in tries (minutes); counters idle this long "
        "start again from zero. Accounts are never locked.",
    )
    token_default_days: int = Field(
        default=90,
        description="Days an API token stays valid when its creator names no expiry. A token "
        "that never expires must be asked for explicitly (--expires-days 0) by an administrator.",
    )
    sql_echo: bool = Field(default=False, description="Log every SQL statement (debugging).")
    today: date | None = Field(
        default=None,
        description="The city's today (YYYY-MM-DD): the default as-of date of every page, list, "
        "report and CLI command, and the day workflow steps are stamped on (their time of day "
        "moves on with real time, ever slower, and never past the day's end, so later steps are "
        "never stamped before earlier ones). Default: the demo dataset's own day (2024-01-15), "
        "else the real date in GAODI_TIMEZONE.",
    )
    timezone: str = Field(
        default="Asia/Shanghai",
        description="IANA time zone of the city's dates (today, end of an as-of day, deadlines).",
    )
    engine: Literal["polars", "duckdb", "spark"] = Field(
        default="polars",
        description="Engine of the large reductions (registry mapping, national panels): polars "
        "(embedded, streaming), duckdb (embedded, out-of-core) or spark (needs pyspark).",
    )
    spark_master: str | None = Field(
        default=None,
        description="Spark master URL for --engine spark, e.g. spark://host:7077; default: what "
        "spark-submit gives, else a local session.",
    )
    upload_max_mb: int = Field(
        default=100,
        description="Largest file (MiB) any upload or import accepts; the body is refused before "
        "it is parsed. The default takes the large demo city's 300,000 enterprises exported as "
        "CSV (69 MB; as .xlsx 23 MB).",
    )
    import_background_kb: int = Field(
        default=1024,
        description="Uploads to 数据交换 larger than this (KiB) are imported in the background: "
        "the page shows the import's progress and tells when the data is in, and nobody waits "
        "on a long request. 0: every upload.",
    )
    import_queue_max: int = Field(
        default=10,
        description="Most background imports queued or running at once on the server (their "
        "files wait on disk); a further upload is refused until one finishes.",
    )
    request_max_kb: int = Field(
        default=2048,
        description="Largest request body (KiB) of a signed-in user's form or JSON request; file "
        "uploads have GAODI_UPLOAD_MAX_MB, anonymous requests 64 KiB. Bodies are refused (413) "
        "before they are read.",
    )
    import_max_rows: int = Field(
        default=1_000_000,
        description="Most rows one sheet of an imported workbook or CSV file may have, the header "
        "row included. The default takes every enterprise of the large demo city (300,000) as "
        "its export writes them; the cell limit below bounds what a wide sheet may hold.",
    )
    import_max_columns: int = Field(
        default=256,
        description="Most columns one sheet of an imported workbook or CSV file may have.",
    )
    import_max_cells: int = Field(
        default=10_000_000,
        description="Most cells (rows x columns of the used area) one imported sheet may span; the "
        "reader allocates that area, so a single far cell such as XFD1048576 is refused.",
    )
    import_max_uncompressed_mb: int = Field(
        default=400,
        description="Most bytes (MiB) an .xlsx workbook may unpack to (zip-bomb guard).",
    )
    parse_memory_mb: int = Field(
        default=2048,
        description="Address-space limit (MiB) of the worker process that parses uploaded "
        "workbooks; a file that needs more is refused and the server carries on. 0 turns the "
        "worker off (parse in-process).",
    )
    report_jobs_per_user: int = Field(
        default=2,
        description="Most report jobs one user may have queued or running at once; more are "
        "refused (429) until one finishes.",
    )
    report_queue_max: int = Field(
        default=20,
        description="Most report jobs queued or running in the whole server; more are refused "
        "(429). Queued jobs run one at a time, taking users in turn.",
    )
    io_max_sectors: int = Field(
        default=500,
        description="Most sectors (region-sector pairs) an uploaded input-output table may have; "
        "memory and time grow with the square and the cube of this number.",
    )
    smart_form_max_rows: int = Field(
        default=2000,
        description="Most rows one sheet of an uploaded smart-manufacturing questionnaire may "
        "have (the bundled form has under 100).",
    )

    @field_validator("data_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'gaodi.sqlite'}"

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    @property
    def effective_secret_key(self) -> str:
        """The configured key, or the one stored under data_dir (created on first use)."""
        if self.secret_key:
            return self.secret_key
        path = self.ensure_data_dir() / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key)
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change GAODI_* variables)."""
    get_settings.cache_clear()


def settings_markdown() -> str:
    """The configuration reference, generated from the registry (docs/configuration.md)."""
    lines = [
        "# Configuration",
        "",
        "Gaodi reads its settings from environment variables prefixed `GAODI_` (or a `.env` file",
        "in the working directory). `gaodi config show` prints the values in effect.",
        "This page is generated by `gaodi config docs`; a test keeps it in step with the code.",
        "",
        "| variable | default | description |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        if field.default_factory is not None:
            default = "(computed)"
        else:
            default = "" if field.default is None else f"`{field.default}`"
        desc = (field.description or "").replace("|", "\\|")
        lines.append(f"| `GAODI_{name.upper()}` | {default} | {desc} |")
    return "\n".join(lines) + "\n"
