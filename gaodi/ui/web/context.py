"""The context every page function receives: who asks, in which language, with which database.

A page function never touches the request directly: it reads ``ctx.principal``, queries through
``ctx.restrict(...)`` / ``ctx.get(...)`` and translates with ``ctx._(...)``. The same object
carries what the base layout needs (navigation, CSRF token, demo banner, flash messages).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import Principal, allowed, require, restrict
from gaodi.core.selects import AnySelect
from gaodi.ui.web import nav, providers
from gaodi.ui.web.auth import Identity
from gaodi.ui.web.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Translator
from gaodi.ui.web.session import WebSession

M = TypeVar("M", bound=BaseModel)
Q = TypeVar("Q", bound=AnySelect)

DATASET_TTL_SECONDS = 10.0


class FormInvalid(Exception):
    """A submitted form has errors: ``errors`` maps field name to a translated message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def dataset_flags(request: Request, db: Session | None = None) -> dict[str, Any]:
    """SystemInfo "dataset" (is it the demo …), cached per process for a few seconds.

    Read through ``db`` (the request's session) when given, so a request never holds two
    pooled connections at once.
    """
    state = request.app.state
    cached = getattr(state, "dataset_cache", None)
    now = time.monotonic()
    if cached and now - cached[0] < DATASET_TTL_SECONDS:
        return dict(cached[1])
    dataset_info = providers.get().dataset_info
    try:
        if db is not None:
            info = dataset_info(db)
        else:
            with state.session_factory() as own:
                info = dataset_info(own)
    except SQLAlchemyError:  # a database without tables yet: no banner rather than an error
        if db is not None:
            db.rollback()
        info = {}
    state.dataset_cache = (now, info)
    return dict(info)


def kept_dataset(request: Request) -> dict[str, Any] | None:
    """:func:`dataset_flags` if this process read them less than ``DATASET_TTL_SECONDS`` ago,
    else None — without reading the database."""
    cached = getattr(request.app.state, "dataset_cache", None)
    if cached and time.monotonic() - cached[0] < DATASET_TTL_SECONDS:
        return dict(cached[1])
    return None


async def fresh_dataset(request: Request) -> dict[str, Any] | None:
    """:func:`kept_dataset`, else read again in a worker thread (once for all the requests
    waiting for it); None if that failed."""
    kept = kept_dataset(request)
    if kept is not None:
        return kept
    try:
        return await providers.single_flight(
            ("dataset", request.app), lambda: dataset_flags(request)
        )
    except Exception:
        return None


# Pydantic error types -> messages a person can act on (msgids; translated when shown).
_FORM_MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("Too short: at least %(min_length)s characters."),
    "string_too_long": N_("Too long: at most %(max_length)s characters."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "float_parsing": N_("Enter a number."),
    "finite_number": N_("Enter a finite number."),
    "greater_than_equal": N_("Must be at least %(ge)s."),
    "less_than_equal": N_("Must be at most %(le)s."),
    "literal_error": N_("Choose one of the offered values."),
    "enum": N_("Choose one of the offered values."),
    "date_from_datetime_parsing": N_("Enter a date as YYYY-MM-DD."),
    "date_parsing": N_("Enter a date as YYYY-MM-DD."),
    "string_pattern_mismatch": N_("This value has the wrong format."),
    "bool_parsing": N_("Choose yes or no."),
    "control_character": N_(
        "Delete the invisible control character (%(char)s) from this field and try again."
    ),
    "invisible_text": N_("This field must have a visible character."),
}


#: Pydantic error facts that are a number of characters (written 2,000 on the page).
_LENGTHS = frozenset({"max_length", "min_length"})


#: The databases store integers in 64 bits: a larger one (an id typed as 30 digits) passes the
#: form's model and then fails in the database, which answered a page without the form.
_INT64 = 2**63 - 1


def _too_large(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) > _INT64
    if isinstance(value, dict):
        return any(_too_large(v) or _too_large(k) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(_too_large(v) for v in value)
    return False


def _too_large_errors(parsed: BaseModel, translate: Callable[[str], str]) -> dict[str, str]:
    """A field holding an integer beyond 64 bits, named, before it reaches the database."""
    return {
        name: translate(N_("The number is too large."))
        for name in type(parsed).model_fields
        if _too_large(getattr(parsed, name, None))
    }


def _control_character_errors(
    data: dict[str, Any], translate: Callable[..., str]
) -> dict[str, str]:
    from gaodi.core.text_safety import find_illegal

    errors: dict[str, str] = {}
    for key, value in data.items():
        for text in value if isinstance(value, list) else [value]:
            char = find_illegal(text) if isinstance(text, str) else None
            if char is not None:
                msgid = _FORM_MESSAGES["control_character"]
                errors[key] = translate(msgid, char=f"U+{ord(char):04X}")
                break
    return errors


@dataclass
class PageContext:
    request: Request
    db: Session | None
    identity: Identity
    lang: str
    form: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    form_name: str | None = None
    form_errors: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------------ language
    @cached_property
    def translator(self) -> Translator:
        return Translator(self.lang)

    def _(self, message: str, **values: object) -> str:
        return self.translator.gettext(message, **values)

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self.translator.ngettext(singular, plural, n, **values)

    @property
    def languages(self) -> list[tuple[str, str]]:
        return [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]

    # ------------------------------------------------------------------ who
    @property
    def principal(self) -> Principal | None:
        return self.identity.principal

    @cached_property
    def user(self) -> Any:
        """The signed-in user as an ORM object of this request's session (None if anonymous)."""
        if self.identity.user_id is None:
            return None
        return providers.get().get_user(self.session, self.identity.user_id)

    # ------------------------------------------------------------------ permissions and data
    @property
    def session(self) -> Session:
        if self.db is None:
            raise RuntimeError("this context has no database session")
        return self.db

    def can(self, action: str, domain: str) -> bool:
        return self.principal is not None and allowed(self.principal, action, domain)

    def require(self, action: str, domain: str) -> None:
        if self.principal is None:
            from gaodi.ui.web.errors import unauthorized

            raise unauthorized()
        require(self.principal, action, domain)

    def restrict(self, query: Q, action: str = "read") -> Q:
        """``gaodi.core.permissions.restrict`` for the current user (every query goes through)."""
        if self.principal is None:
            from gaodi.ui.web.errors import unauthorized

            raise unauthorized()
        return restrict(query, self.principal, action)

    def get(self, model: type[Any], ident: Any, action: str = "read") -> Any:
        """One row by primary key, within what the user may ``action``; else 404.

        Rows outside a scoped user's chains/parks answer 404 exactly like missing ones, so ids
        of other offices' data cannot be probed.
        """
        pk = model.__mapper__.primary_key[0]
        row = self.session.scalars(self.restrict(select(model), action).where(pk == ident)).first()
        if row is None:
            raise NotFoundError(
                f"找不到该记录（{model.__tablename__} {ident}）。",
                f"No such record ({model.__tablename__} {ident}).",
            )
        return row

    # ------------------------------------------------------------------ layout
    @property
    def web_session(self) -> WebSession:
        from gaodi.ui.web.auth import web_session

        return web_session(self.request)

    @property
    def csrf_token(self) -> str:
        return self.web_session.csrf_token

    @cached_property
    def dataset(self) -> dict[str, Any]:
        return dataset_flags(self.request, self.db)

    @property
    def is_demo(self) -> bool:
        return bool(self.dataset.get("demo"))

    @property
    def path(self) -> str:
        return self.request.url.path

    @property
    def full_path(self) -> str:
        query = self.request.url.query
        return self.request.url.path + (f"?{query}" if query else "")

    @cached_property
    def nav(self) -> list[nav.NavItem]:
        entries = nav.visible(self.principal)
        active = nav.active_key(self.path, entries)
        return [nav.NavItem(e.key, self._(e.label_msgid), e.url, e.key == active) for e in entries]

    @property
    def signed_in(self) -> bool:
        return self.identity.user_id is not None

    @property
    def user_label(self) -> str:
        return self.identity.display_name or self.identity.username

    @property
    def role_label(self) -> str:
        return (
            providers.get().role_label(self.identity.role, self.lang) if self.identity.role else ""
        )

    @cached_property
    def flashes(self) -> list[tuple[str, str]]:
        return self.web_session.pop_flashes()

    def flash(self, message: str, kind: str = "success") -> None:
        self.web_session.flash(message, kind)

    def redirect(self, url: str) -> RedirectResponse:
        return RedirectResponse(url, status_code=303)

    # ------------------------------------------------------------------ forms
    def value(self, name: str, default: Any = "") -> Any:
        """A submitted value to put back into a re-rendered form (never a password)."""
        if "password" in name:
            return ""
        return self.form.get(name, default)

    def parse_form(self, model: type[M], lists: tuple[str, ...] = ()) -> M:
        """Validate the submitted form against ``model``; raise FormInvalid with messages.

        ``lists`` names the fields that take several values (multi-selects, repeated inputs).
        """
        data: dict[str, Any] = {}
        for key, value in self.form.items():
            if key == "csrf_token":
                continue
            if key in lists:
                data[key] = value if isinstance(value, list) else [value]
            else:
                data[key] = value[-1] if isinstance(value, list) else value
        for key in lists:
            data.setdefault(key, [])
        # Every field of every form, whatever its model declares (core.text_safety).
        errors: dict[str, str] = _control_character_errors(data, self._)
        try:
            parsed = model.model_validate(data)
        except PydanticValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err.get("loc") else "__all__"
                # a field left empty reaches the model as None or "" (forms blank them):
                # it is a required field left out, whatever type the model then expected
                kind = "missing" if err.get("input") in (None, "") else err["type"]
                msgid = _FORM_MESSAGES.get(kind, N_("This value is not valid."))
                # a length is said with the thousands separator, as the API says it
                # ("at most 2,000"); a bound like ge/le may be a year and stays bare
                ctx_values = {
                    k: f"{v:,}" if k in _LENGTHS and isinstance(v, int) else v
                    for k, v in (err.get("ctx") or {}).items()
                }
                try:
                    errors.setdefault(
                        name, self._(msgid) % ctx_values if ctx_values else self._(msgid)
                    )
                except (KeyError, TypeError, ValueError):
                    errors.setdefault(name, self._(msgid))
            raise FormInvalid(errors) from None
        for name, message in _too_large_errors(parsed, self._).items():
            errors.setdefault(name, message)
        if errors:
            raise FormInvalid(errors)
        return parsed
