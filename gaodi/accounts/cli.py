"""``gaodi user …``: accounts, passwords, API tokens and the demo accounts."""

from __future__ import annotations

import sys
from datetime import datetime

import typer
from rich.table import Table

from gaodi.accounts import service
from gaodi.core import clock
from gaodi.core.errors import ValidationError
from gaodi.db import session_scope
from gaodi.ui.cli.support import console, engine, handle_errors, operator, operator_name

app = typer.Typer(
    help="User accounts, passwords and API tokens. 用户账号、密码与接口令牌。", no_args_is_help=True
)


def _read_password(stdin: bool, username: str) -> str:
    if stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise ValidationError("标准输入中没有密码。", "No password on standard input.")
    else:
        password = typer.prompt("密码 Password", hide_input=True, confirmation_prompt=True)
    service.check_password(password, username)
    return password


@app.command("add")
@handle_errors
def add(
    username: str = typer.Argument(..., help="User name (log-in name)."),
    role: str = typer.Option(..., "--role", "-r", help="admin, analyst, chain_office, …"),
    chain: list[str] = typer.Option([], "--chain", help="Chain code or name (chain_office)."),
    park: list[str] = typer.Option([], "--park", help="Park name or id (park_office)."),
    enterprise: str | None = typer.Option(None, "--enterprise", help="USCC (enterprise)."),
    display_name: str | None = typer.Option(None, "--display-name", help="Name shown in pages."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (one line)."
    ),
) -> None:
    """Create a user with a role and, for scoped roles, the chains/parks/enterprise it sees."""
    eng = engine()
    service.check_username(username)
    service.check_role(role)
    password = _read_password(password_stdin, username)
    with session_scope(eng, actor=operator_name()) as session:
        user = service.create_user(
            session,
            username,
            role,
            password,
            chains=chain,
            parks=park,
            enterprise=enterprise,
            display_name=display_name,
            principal=operator(),
        )
        scope = ", ".join(service.describe_scopes(session, user)) or "—"
    console.print(f"[green]已创建用户 User created[/]: {username} ({role}) {scope}")


@app.command("passwd")
@handle_errors
def passwd(
    username: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin"),
) -> None:
    """Set a user's password (ends every session of the user)."""
    eng = engine()
    with session_scope(eng, actor=operator_name()) as session:
        user = service.get_user(session, username)
        service.set_password(session, user, _read_password(password_stdin, username))
    console.print(
        f"[green]密码已更新，会话已结束，接口令牌已吊销 Password changed; sessions ended, API "
        f"tokens revoked[/]: {username}"
    )


@app.command("unlock")
@handle_errors
def unlock(username: str = typer.Argument(...)) -> None:
    """Forget the user's log-in counters at every address: the next try is not delayed."""
    with session_scope(engine(), actor=operator_name()) as session:
        service.unlock(session, service.get_user(session, username))
    console.print(f"[green]已解锁 Unlocked[/]: {username}")


@app.command("list")
@handle_errors
def list_() -> None:
    """List users with their role, scope and state."""
    with session_scope(engine()) as session:
        table = Table(title=f"用户 Users ({_zone()})")
        for col in ("username", "role", "scope", "active", "last log-in"):
            table.add_column(col)
        for user in service.list_users(session, principal=operator()):
            table.add_row(
                user.username,
                user.role,
                ", ".join(service.describe_scopes(session, user)) or "—",
                "yes" if user.is_active else "no",
                _stamp(user.last_login_at),
            )
    console.print(table)


def _stamp(value: datetime | None) -> str:
    """A stored moment (naive UTC) in the city's time, as the pages show it."""
    return clock.local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _zone() -> str:
    """The zone :func:`_stamp`'s times are in, named as the rest of Gaodi names it (北京时间
    Beijing time; another city's IANA name once)."""
    zh, en = clock.zone_label(True), clock.zone_label(False)
    return zh if zh == en else f"{zh} {en}"


@app.command("token")
@handle_errors
def token(
    username: str = typer.Argument(...),
    name: str = typer.Option(..., "--name", "-n", help="What the token is for."),
    expires_days: int | None = typer.Option(
        None,
        "--expires-days",
        help="Days the token is valid (default GAODI_TOKEN_DEFAULT_DAYS, 90); 0: never expires.",
    ),
) -> None:
    """Create an API token (Authorization: Bearer …). It is printed once and stored hashed."""
    with session_scope(engine(), actor=operator_name()) as session:
        user = service.get_user(session, username)
        row, secret = service.create_token(
            session, user, name, expires_days=expires_days, principal=operator()
        )
        expires = _stamp(row.expires_at) or "永不 never"
    console.print(
        "[yellow]请立即保存此令牌，它不会再次显示。 Save this token now; it is not shown again.[/]"
    )
    console.print(f"到期 Expires ({_zone()}): {expires}")
    typer.echo(secret)


@app.command("tokens")
@handle_errors
def tokens(username: str = typer.Argument(...)) -> None:
    """List a user's API tokens: id, name, prefix, created, last used, expires, state."""
    with session_scope(engine()) as session:
        user = service.get_user(session, username)
        now = clock.real_now()  # expiry is a security timer on real time (accounts.service)
        table = Table(title=f"接口令牌 API tokens: {username} ({_zone()})")
        for col in ("id", "name", "prefix", "created", "last used", "expires", "state"):
            table.add_column(col)
        for row in service.list_tokens(session, user):
            table.add_row(
                str(row.id),
                row.name,
                f"{row.prefix}…",
                _stamp(row.created_at),
                _stamp(row.last_used_at),
                _stamp(row.expires_at) or "never",
                service.token_state(row, now),
            )
    console.print(table)


@app.command("revoke-token")
@handle_errors
def revoke_token(
    username: str = typer.Argument(...),
    token_id: int | None = typer.Argument(None, help="The id `gaodi user tokens` shows."),
    all_: bool = typer.Option(False, "--all", help="Revoke every token of the user."),
) -> None:
    """Revoke one API token of a user, or all of them (--all). A revoked token stays revoked."""
    if (token_id is None) == (not all_):
        raise ValidationError(
            "请给出令牌编号或 --all（二者选一）。", "Give a token id or --all (one of the two)."
        )
    with session_scope(engine(), actor=operator_name()) as session:
        user = service.get_user(session, username)
        if all_:
            count = service.revoke_all_tokens(session, user)
        else:
            assert token_id is not None
            service.revoke_token(session, token_id, user=user)
            count = 1
    console.print(f"[green]已吊销 Revoked[/]: {username} ({count})")


@app.command("demo-accounts")
@handle_errors
def demo_accounts(
    force: bool = typer.Option(False, "--force", help="Also on a database that is not the demo."),
) -> None:
    """Create (or reset) one demo account per role and print their passwords."""
    with session_scope(engine(), actor=operator_name()) as session:
        accounts = service.demo_accounts(session, force=force)
    table = Table(title="示例账号 Demo accounts (示例数据 demo data only)")
    for col in ("username", "password", "role", "scope"):
        table.add_column(col)
    for acc in accounts:
        label = f"{acc.role} ({service.role_label(acc.role)})"
        table.add_row(acc.username, acc.password, label, ", ".join(acc.scope) or "—")
    console.print(table)
