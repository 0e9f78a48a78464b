"""Tips in the review UI: an analyst pastes URLs or text, or uploads a certificate photo
(its QR codes are read); the tip is stored with its provenance and checked in the background
through the crawl's network path; its result shows here and on the lead."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from core.qr import QrError
from storage.tips import NewTip
from zhenwei.tips.read import tip_from_photo, urls_in
from zhenwei.web.context import WebContext
from zhenwei.web.security import checked_form, current_user, form_text, login_required

TEXT_LIMIT = 10_000
PHOTO_LIMIT = 10 * 1024 * 1024
CHANNELS = {"12345": "12345 热线", "analyst": "分析员", "email": "邮件", "other": "其他"}


def routes(ctx: WebContext) -> list[Route]:
    repo = ctx.repo

    def _page(request: Request, error: str | None = None, status: int = 200) -> Response:
        tips = repo.tips.list(limit=200)
        return ctx.render(
            request, "tips.html", {"tips": tips, "error": error, "channels": CHANNELS}, status
        )

    @login_required
    async def tip_list(request: Request) -> Response:
        return await run_in_threadpool(_page, request)

    @login_required
    async def tip_add(request: Request) -> Response:
        form = await checked_form(request)
        user = current_user(request)
        assert user is not None
        channel = form_text(form, "channel", 50)
        channel = channel if channel in CHANNELS else "analyst"
        reference = form_text(form, "reference", 200).strip()
        text = form_text(form, "text", TEXT_LIMIT).strip()
        now = datetime.now(UTC)
        origin = {"form": "web", "user": user["name"]}
        photo = form.get("photo")
        tip: NewTip | None = None
        if isinstance(photo, UploadFile) and photo.filename:
            data = await photo.read(PHOTO_LIMIT + 1)
            if len(data) > PHOTO_LIMIT:
                raise HTTPException(413, "照片超过 10 MB")
            try:
                tip = tip_from_photo(
                    data,
                    channel=channel,
                    reference=reference,
                    received_at=now,
                    origin={**origin, "photo": photo.filename[:200]},
                )
            except QrError:
                return await run_in_threadpool(_page, request, "上传的文件不是可读取的图片", 400)
            if text:
                tip = NewTip(
                    tip.channel,
                    tip.reference,
                    now,
                    f"{text}\n{tip.text}",
                    tuple(dict.fromkeys((*tip.urls, *urls_in(text)))),
                    tip.origin,
                )
        elif text:
            tip = NewTip(
                channel,
                reference or f"web-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3)}",
                now,
                text,
                urls_in(text),
                origin,
            )
        if tip is None:
            return await run_in_threadpool(_page, request, "请粘贴网址或上传证书照片", 400)
        record, created = await run_in_threadpool(repo.tips.add, tip)
        if not created:
            request.session["flash"] = f"举报 {record.channel} {record.reference} 已登记过"
        elif record.status == "pending":
            ctx.launch_tip_check(record.id)
            request.session["flash"] = (
                f"已登记举报 #{record.id}，正在后台查验 {len(tip.urls)} 个网址"
            )
        else:
            request.session["flash"] = f"已登记举报 #{record.id}，但其中没有可识别的网址"
        return RedirectResponse("/tips", status_code=303)

    return [
        Route("/tips", tip_list, methods=["GET"]),
        Route("/tips", tip_add, methods=["POST"]),
    ]
