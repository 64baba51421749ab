"""``gaodi user …`` through the real Typer app."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.accounts import service
from gaodi.cli import app
from gaodi.db import session_scope
from gaodi.models import Chain, Park

runner = CliRunner()


def test_add_list_passwd_token(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        s.add_all([Chain(code="EM", name="工程机械"), Park(name="甲园区")])
    result = runner.invoke(
        app, ["user", "add", "office1", "--role", "chain_office", "--chain", "EM", "--password-stdin"],
        input="long-password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "office1" in result.output and "工程机械" in result.output
    listed = runner.invoke(app, ["user", "list"])
    assert listed.exit_code == 0 and "office1" in listed.output and "chain_office" in listed.output
    passwd = runner.invoke(
        app, ["user", "passwd", "office1", "--password-stdin"], input="another-pass\n"
    )
    assert passwd.exit_code == 0
    with session_scope(sqlite_db) as s:
        user = service.get_user(s, "office1")
        assert service.verify_password(user.password_hash, "another-pass")
        assert user.session_version == 2
    token = runner.invoke(app, ["user", "token", "office1", "--name", "cron"])
    assert token.exit_code == 0
    secret = token.output.strip().splitlines()[-1]
    with session_scope(sqlite_db) as s:
        assert service.user_for_token(s, secret) is not None


def test_errors_exit_2_with_both_languages(sqlite_db: Engine) -> None:
    unknown_chain = runner.invoke(
        app, ["user", "add", "x1", "--role", "chain_office", "--chain", "无此链", "--password-stdin"],
        input="long-password\n",
    )  # fmt: skip
    assert unknown_chain.exit_code == 2
    assert "找不到产业链" in unknown_chain.output and "No chain" in unknown_chain.output
    bad_role = runner.invoke(
        app, ["user", "add", "x2", "--role", "king", "--password-stdin"], input="long-password\n"
    )
    assert bad_role.exit_code == 2 and "未知角色" in bad_role.output
    short = runner.invoke(
        app, ["user", "add", "x3", "--role", "viewer", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 2 and "至少需要 8" in short.output
    missing = runner.invoke(
        app, ["user", "passwd", "ghost", "--password-stdin"], input="long-password\n"
    )
    assert missing.exit_code == 2 and "找不到用户" in missing.output


def test_demo_accounts_prints_the_table(sqlite_db: Engine) -> None:
    result = runner.invoke(app, ["user", "demo-accounts"])
    assert result.exit_code == 0, result.output
    for name in ("demo-admin", "demo-analyst", "demo-viewer", service.DEMO_PASSWORD):
        assert name in result.output
    again = runner.invoke(app, ["user", "demo-accounts"])
    assert again.exit_code == 0
