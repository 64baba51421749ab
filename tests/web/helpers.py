"""Helpers for driving the app through its HTTP interface in tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF_META.search(html)
    assert match, "page has no CSRF meta tag"
    return match.group(1)


def login(client: TestClient, username: str, password: str) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, (response.status_code, response.text[:500])
    return csrf_of(client.get("/account").text)


def post_form(client: TestClient, url: str, data: dict, csrf: str, **kwargs):  # type: ignore[no-untyped-def]
    return client.post(url, data={**data, "csrf_token": csrf}, follow_redirects=False, **kwargs)
