"""Response hardening, sessions and CSRF for the review UI.

Pages need no JavaScript at all, so the CSP allows none; evidence files get an even
stricter policy of their own (set by their route and kept here).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
EVIDENCE_CSP = "default-src 'none'; img-src 'self'"
_ALWAYS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Adds CSP and friends to every HTTP response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-security-policy" not in headers:
                    headers["content-security-policy"] = PAGE_CSP
                for name, value in _ALWAYS.items():
                    if name not in headers:
                        headers[name] = value
                if "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (also for the anonymous login form)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def checked_form(request: Request) -> FormData:
    """The POSTed form, after its CSRF token matched the session's; 403 otherwise."""
    form = await request.form()
    sent = form.get("csrf")
    expected = request.session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not expected
        or not secrets.compare_digest(sent.encode(), expected.encode())
    ):
        raise HTTPException(403, "CSRF 校验失败：请刷新页面后重试")
    return form


def current_user(request: Request) -> Mapping[str, str] | None:
    user = request.session.get("user")
    if (
        isinstance(user, dict)
        and isinstance(user.get("name"), str)
        and isinstance(user.get("role"), str)
    ):
        return user
    return None


Endpoint = Callable[[Request], Awaitable[Response]]


def login_required(endpoint: Endpoint) -> Endpoint:
    """Anonymous visitors are sent to the login page."""

    async def wrapper(request: Request) -> Response:
        if current_user(request) is None:
            return RedirectResponse("/login", status_code=303)
        return await endpoint(request)

    wrapper.__name__ = endpoint.__name__
    wrapper.__doc__ = endpoint.__doc__
    return wrapper


def start_session(request: Request, name: str, role: str) -> None:
    """A fresh session on login (no fixation), with a new CSRF token."""
    request.session.clear()
    request.session["user"] = {"name": name, "role": role}
    request.session["csrf"] = secrets.token_urlsafe(32)


def form_text(form: FormData, key: str, limit: int) -> str:
    value: Any = form.get(key)
    return value[:limit] if isinstance(value, str) else ""
