"""The review UI as a Starlette app: login, lead queue, lead detail, audited review actions.

Everything that came from a crawled page (titles, reasons, URLs) is shown as escaped text;
captured HTML is evidence and is only ever offered as a text/plain download.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from core import labels
from core.config import ConfigError, Settings
from core.platforms import platform_label
from storage.artifacts import ArtifactError, StoreUnavailable
from storage.audit import RoleError, StatusError, check_transition
from storage.db import Database
from storage.keyfile import MIN_KEY_BYTES
from storage.records import CaptureRecord, LeadDetail
from storage.repository import NotFoundError, Repository
from zhenwei.web import labelling
from zhenwei.web.campaigns import routes as campaign_routes
from zhenwei.web.context import WebContext, tip_check_process
from zhenwei.web.queue import routes as queue_routes
from zhenwei.web.reports import routes as report_routes
from zhenwei.web.security import (
    EVIDENCE_CSP,
    SecurityHeaders,
    SessionAuth,
    checked_form,
    csrf_token,
    current_user,
    form_text,
    login_required,
    session_token,
    start_session,
)
from zhenwei.web.throttle import Throttle
from zhenwei.web.tips import routes as tip_routes

log = logging.getLogger(__name__)
#: sign-ins and sign-outs; `zhenwei serve` sends it to ZHENWEI_LOG_FILE or stderr
auth_log = logging.getLogger("zhenwei.auth")

HERE = Path(__file__).parent
BEIJING = timedelta(hours=8)
#: artifact roles served inline as PNG; every other role is a download
IMAGE_ROLES = ("screenshot", "viewport")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
NOTE_LIMIT = 4000


def _beijing(value: datetime | None) -> str:
    """Analysts read Beijing time; the database keeps UTC."""
    if value is None:
        return "—"
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return (value.astimezone(UTC) + BEIJING).strftime("%Y-%m-%d %H:%M")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.StrictUndefined,
    )
    env.filters["bjt"] = _beijing
    env.filters["verdict"] = labels.verdict_label
    env.filters["status"] = lambda v: labels.STATUSES.get(v, v)
    env.filters["role"] = lambda v: labels.ROLES.get(v, v)
    env.filters["category"] = labels.category_label
    env.filters["source"] = lambda v: labels.SOURCES.get(v, v)
    env.filters["action"] = labels.action_label
    env.filters["artifact"] = labels.artifact_label
    env.filters["host_label"] = labels.host_label
    env.filters["platform"] = platform_label
    env.filters["label_reason"] = labels.label_reason
    env.filters["pretty"] = lambda v: json.dumps(
        v, ensure_ascii=False, indent=2, sort_keys=True, default=str
    )
    return env


def _download_name(lead_id: int, capture_id: int, role: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", role)
    return f"lead{lead_id}-capture{capture_id}-{safe}.txt"


def create_app(
    settings: Settings,
    *,
    secret_key: str | None = None,
    launch_tip_check: Callable[[int], None] | None = None,
) -> Starlette:
    """The review UI over the database of `settings`; without a key, cookies last one process
    (`zhenwei serve` always gives one). Tip checks run as background processes unless
    `launch_tip_check` says otherwise."""
    if secret_key is not None and len(secret_key.encode("utf-8")) < MIN_KEY_BYTES:
        raise ConfigError(
            f"the session secret key has {len(secret_key.encode('utf-8'))} bytes; "
            f"at least {MIN_KEY_BYTES} are needed"
        )
    absolute = timedelta(hours=settings.session_hours)
    idle = timedelta(minutes=settings.session_idle_minutes)
    throttle = Throttle()
    db = Database.from_settings(settings)
    repo = Repository(db)
    templates = Jinja2Templates(env=_environment())

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        user = current_user(request)
        ctx = {
            "user": user,
            # every signed-in page says so when the audit trail no longer proves itself
            "audit_alarm": repo.reviews.head_problem() if user is not None else "",
            "csrf": csrf_token(request),
            "flash": request.session.pop("flash", None),
            **context,
        }
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    async def login_form(request: Request) -> Response:
        if current_user(request) is not None:
            return RedirectResponse("/leads", status_code=303)
        return page(request, "login.html", {"error": None, "name": ""})

    def auth_event(kind: str, name: str, address: str) -> None:
        """To the keyed auth trail and the configured log (`serve` sets it up)."""
        auth_log.info("%s user=%r address=%s", kind, name, address)
        repo.auth_log.record(kind, name, address)

    async def login(request: Request) -> Response:
        form = await checked_form(request)
        name = form_text(form, "name", 200).strip()
        password = form_text(form, "password", 1000)
        address = request.client.host if request.client else ""
        keys = (f"user:{name}", f"addr:{address}")
        wait = throttle.wait(*keys)
        if wait:
            # refused before any password hashing: a spray cannot starve the other users
            await run_in_threadpool(auth_event, "throttled", name, address)
            return page(
                request,
                "login.html",
                {"error": f"尝试次数过多，请 {wait} 秒后再试", "name": name},
                429,
            )
        role = (
            await run_in_threadpool(repo.users.verify, name, password)
            if name and password
            else None
        )
        if role is None:
            throttle.failed(*keys)
            await run_in_threadpool(auth_event, "login_failed", name, address)
            return page(request, "login.html", {"error": "用户名或密码错误", "name": name}, 401)
        throttle.succeeded(keys[0])
        token = await run_in_threadpool(
            lambda: repo.sessions.open(name, lifetime=absolute, address=address)
        )
        start_session(request, token)
        await run_in_threadpool(auth_event, "login", name, address)
        return RedirectResponse("/leads", status_code=303)

    async def logout(request: Request) -> Response:
        await checked_form(request)
        token = session_token(request)
        user = current_user(request)
        if token:
            await run_in_threadpool(repo.sessions.revoke, token)
        if user is not None:
            address = request.client.host if request.client else ""
            await run_in_threadpool(auth_event, "logout", user["name"], address)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @login_required
    async def home(request: Request) -> Response:
        return RedirectResponse("/leads", status_code=303)

    async def _detail(lead_id: int) -> LeadDetail:
        try:
            return await run_in_threadpool(repo.leads.get, lead_id)
        except NotFoundError:
            raise HTTPException(404, "没有这条线索") from None

    def _lead_page(
        request: Request,
        detail: LeadDetail,
        audit: Any,
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        user = current_user(request)
        role = user["role"] if user else ""
        buttons = []
        for action in labels.ACTIONS.values():
            if not labels.may(role, action):
                continue
            if action.new_status is not None:
                try:
                    check_transition(detail.lead.status, action.new_status, role)
                except StatusError:
                    continue
                if action.new_status == detail.lead.status:
                    continue
            buttons.append(action)
        return page(
            request,
            "lead.html",
            {
                "d": detail,
                "lead": detail.lead,
                "audit": audit,
                "buttons": buttons,
                "error": error,
                "image_roles": IMAGE_ROLES,
                # campaigns, tips and pivots (zhenwei/web/campaigns.py, tips.py)
                "tips": repo.tips.for_lead(detail.lead.id),
                "features": repo.campaigns.features_of(detail.lead.id),
                # the analysts' label of the host and every decision about it
                "label": repo.labels.for_host(detail.lead.host),
                "label_history": repo.labels.history(detail.lead.host),
                "dismiss_reasons": labels.DISMISS_REASONS,
                "label_scopes": labels.LABEL_SCOPES,
            },
            status,
        )

    @login_required
    async def lead_page(request: Request) -> Response:
        lead_id = int(request.path_params["lead_id"])
        detail = await _detail(lead_id)
        audit = await run_in_threadpool(repo.reviews.verify_chain, lead_id)
        return _lead_page(request, detail, audit)

    @login_required
    async def review(request: Request) -> Response:
        lead_id = int(request.path_params["lead_id"])
        form = await checked_form(request)
        user = current_user(request)
        assert user is not None  # login_required
        action = labels.ACTIONS.get(form_text(form, "action", 50))
        if action is None:
            raise HTTPException(400, "未知的审核操作")
        if not labels.may(user["role"], action):
            raise HTTPException(
                403,
                f"您的角色（{labels.ROLES.get(user['role'], user['role'])}）无权执行「{action.label}」",
            )
        note = form_text(form, "note", NOTE_LIMIT).strip()
        current = await _detail(lead_id)  # 404 before anything is written
        error: str | None = None
        decision = labelling.decision(action.name, current.lead, form, note)
        wanted = action.new_status or current.lead.status
        try:  # the role first: a refused analyst learns nothing about the form
            check_transition(current.lead.status, wanted, user["role"])
        except RoleError as exc:
            raise labelling.role_refused(user, action, exc) from None
        except StatusError:
            pass  # reported below, from the transaction that would have written it
        if action.name == "note" and not note:
            error = "备注不能为空"
        elif isinstance(decision, str):
            error = decision
        else:
            try:
                await run_in_threadpool(
                    lambda: labelling.record(
                        repo, lead_id, user["name"], action, note, decision, role=user["role"]
                    )
                )
            except RoleError as exc:
                raise labelling.role_refused(user, action, exc) from None
            except StatusError as exc:
                log.info("refused status change on lead %d: %s", lead_id, exc)
                error = f"当前状态不允许「{action.label}」"
        if error is not None:
            detail = await _detail(lead_id)
            audit = await run_in_threadpool(repo.reviews.verify_chain, lead_id)
            return _lead_page(request, detail, audit, error, 409)
        request.session["flash"] = f"已记录：{action.label}"
        return RedirectResponse(f"/leads/{lead_id}", status_code=303)

    def _capture(detail: LeadDetail, capture_id: int) -> CaptureRecord:
        for cap in detail.captures:
            if cap.id == capture_id:
                return cap
        raise HTTPException(404, "没有这次抓取")

    @login_required
    async def artifact(request: Request) -> Response:
        lead_id = int(request.path_params["lead_id"])
        capture_id = int(request.path_params["capture_id"])
        role = str(request.path_params["role"])
        cap = _capture(await _detail(lead_id), capture_id)
        sha = cap.artifacts.get(role)
        if sha is None:
            raise HTTPException(404, "没有这个证据文件")
        try:
            data = await run_in_threadpool(db.artifacts.open, sha)
        except ArtifactError as exc:
            log.warning("artifact %s of capture %d: %s", sha, capture_id, exc)
            raise HTTPException(409, "证据文件缺失或已被篡改（哈希不符）") from None
        except StoreUnavailable as exc:
            log.error("evidence store: %s", exc)
            raise HTTPException(503, "证据存储暂时无法访问，请稍后再试") from None
        headers = {
            "Content-Security-Policy": EVIDENCE_CSP,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
            "X-Evidence-SHA256": sha,
        }
        if role in IMAGE_ROLES and data.startswith(PNG_MAGIC):
            return Response(data, media_type="image/png", headers=headers)
        # Captured pages are hostile: never let a browser render them.
        headers["Content-Disposition"] = (
            f'attachment; filename="{_download_name(lead_id, capture_id, role)}"'
        )
        return Response(data, media_type="text/plain; charset=utf-8", headers=headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "页面不存在"
        return page(
            request, "error.html", {"code": exc.status_code, "message": detail}, exc.status_code
        )

    async def favicon(_request: Request) -> Response:
        return Response(status_code=204)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            db.close()

    web = WebContext(
        repo,
        settings,
        lambda request, name, context, status: page(request, name, context, status),
        launch_tip_check or tip_check_process(settings),
    )
    routes = [
        *campaign_routes(web),
        *tip_routes(web),
        *report_routes(web),
        *queue_routes(web),
        Route("/", home),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/favicon.ico", favicon),
        Route("/leads/{lead_id:int}", lead_page),
        Route("/leads/{lead_id:int}/review", review, methods=["POST"]),
        Route("/leads/{lead_id:int}/captures/{capture_id:int}/{role:str}", artifact),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(
            SessionMiddleware,
            secret_key=secret_key or secrets.token_urlsafe(32),
            session_cookie="zhenwei_session",
            # the browser may keep the cookie this long; the server-side row decides
            max_age=settings.session_hours * 3600,
            same_site="strict",
            https_only=settings.secure_cookies,
        ),
        Middleware(SessionAuth, resolve=lambda token: repo.sessions.resolve(token, idle=idle)),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.repository = repo
    return app
