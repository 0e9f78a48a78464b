"""Response hardening, server-side sessions and CSRF for the review UI.

Pages need no JavaScript at all, so the CSP allows none; evidence files get an even
stricter policy of their own (set by their route and kept here).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storage.sessions import SessionUser

PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
#: the cookie holds this random token of a `web_session` row, nothing about the user
SESSION_TOKEN = "sid"
USER_SCOPE_KEY = "zhenwei.user"
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
    """The signed-in user as the database says now (set by `SessionAuth`), or None."""
    user = request.scope.get(USER_SCOPE_KEY)
    return user if isinstance(user, dict) else None


class SessionAuth:
    """Resolves the session token of the signed cookie against the `web_session` table on
    every request: who it is and their role come from the database, never from the cookie.
    Sits inside Starlette's SessionMiddleware, which only signs the token and the CSRF value."""

    def __init__(self, app: ASGIApp, resolve: Callable[[str], SessionUser | None]) -> None:
        self.app = app
        self.resolve = resolve

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            session = scope.get("session")
            token = session.get(SESSION_TOKEN) if isinstance(session, dict) else None
            if isinstance(token, str) and token:
                user = await run_in_threadpool(self.resolve, token)
                if user is None:
                    session.pop(SESSION_TOKEN, None)  # type: ignore[union-attr]
                else:
                    scope[USER_SCOPE_KEY] = {"name": user.name, "role": user.role}
        await self.app(scope, receive, send)


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


def start_session(request: Request, token: str) -> None:
    """A fresh cookie on login (no fixation): the server-side session's token, a new CSRF."""
    request.session.clear()
    request.session[SESSION_TOKEN] = token
    request.session["csrf"] = secrets.token_urlsafe(32)


def session_token(request: Request) -> str:
    token = request.session.get(SESSION_TOKEN)
    return token if isinstance(token, str) else ""


def form_text(form: FormData, key: str, limit: int) -> str:
    value: Any = form.get(key)
    return value[:limit] if isinstance(value, str) else ""
