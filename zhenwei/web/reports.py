"""The monthly report for supervisors: a form, and the xlsx as a download."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core import labels
from zhenwei.reports.monthly import MonthError, build_monthly, month_bounds, write_xlsx
from zhenwei.web.context import WebContext
from zhenwei.web.security import current_user, login_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_ROLE = "supervisor"


def _supervisor(request: Request) -> None:
    user = current_user(request)
    if user is None or labels.ROLE_RANK.get(user["role"], 0) < labels.ROLE_RANK[MIN_ROLE]:
        raise HTTPException(403, "月度报表仅主管及以上角色可以下载")


def routes(ctx: WebContext) -> list[Route]:
    @login_required
    async def form(request: Request) -> Response:
        _supervisor(request)
        month = datetime.now(UTC).strftime("%Y-%m")
        return ctx.render(request, "reports.html", {"month": month}, 200)

    @login_required
    async def monthly(request: Request) -> Response:
        _supervisor(request)
        q = request.query_params
        month = (q.get("month") or "").strip()
        try:
            month_bounds(month)
        except MonthError as exc:
            raise HTTPException(400, str(exc)) from None
        unit, region = (q.get("unit") or "")[:100], (q.get("region") or "")[:100]

        def build() -> bytes:
            buf = io.BytesIO()
            write_xlsx(build_monthly(ctx.repo, month, unit=unit, region=region), buf)
            return buf.getvalue()

        data = await run_in_threadpool(build)
        name = f"月度报表-{month}.xlsx"
        return Response(
            data,
            media_type=XLSX,
            headers={
                "Content-Disposition": f'attachment; filename="monthly-{month}.xlsx"; '
                f"filename*=UTF-8''{quote(name)}"
            },
        )

    return [Route("/reports", form), Route("/reports/monthly.xlsx", monthly)]
