"""The lead queue of the review UI: best first, filtered, a page at a time at any size.

Pages follow keyset cursors (`storage/leadquery.py`), so the 1,000th page costs what the
first does; the count is bounded, so a queue of a million leads is never counted in full on
each request.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core import labels
from storage.leadquery import (
    CLOSED_STATUSES,
    COUNT_CAP,
    MIN_SEARCH,
    Cursor,
    LeadFilter,
    search_term,
)
from zhenwei.web.context import WebContext
from zhenwei.web.security import login_required

PAGE_SIZE = 100


def read_filter(q: QueryParams) -> tuple[LeadFilter, dict[str, str]]:
    """The filter of a queue URL, and the form values to show back (unknown values dropped)."""
    raw_status = q.get("status") or ""
    status = raw_status if raw_status in labels.STATUSES else None
    # by default the queue holds what is still to decide: dismissed and official leads stay
    # out (kept and re-checked) unless a status, or all, is asked for
    hide = () if status or raw_status == "all" else CLOSED_STATUSES
    verdict = q.get("verdict") if q.get("verdict") in labels.VERDICTS else None
    raw_score = (q.get("min_score") or "").strip()
    min_score = min(int(raw_score), 100) if raw_score.isdigit() else None
    typed = (q.get("q") or "").strip()[:100]
    host = search_term(typed)
    where = LeadFilter(
        status=(status,) if status else (),
        verdict=(verdict,) if verdict else (),
        min_score=min_score,
        host=host,
        hide=hide,
    )
    shown = {
        "status": status or ("all" if raw_status == "all" else ""),
        "verdict": verdict or "",
        "min_score": str(min_score) if min_score is not None else "",
        "q": typed,
    }
    return where, shown


def _url(shown: dict[str, str], **cursor: str) -> str:
    params = {k: v for k, v in shown.items() if v}
    params.update(cursor)
    return "/leads" + ("?" + urlencode(params) if params else "")


def routes(ctx: WebContext) -> list[Route]:
    repo = ctx.repo

    @login_required
    async def queue(request: Request) -> Response:
        where, shown = read_filter(request.query_params)
        after = Cursor.parse(request.query_params.get("after"))
        before = Cursor.parse(request.query_params.get("before"))

        page = await run_in_threadpool(
            lambda: repo.leads.page(where, after=after, before=before, size=PAGE_SIZE, count=True)
        )
        pager = {
            "first": _url(shown) if page.prev is not None else None,
            "prev": _url(shown, before=page.prev.token()) if page.prev is not None else None,
            "next": _url(shown, after=page.next.token()) if page.next is not None else None,
        }
        return ctx.render(
            request,
            "queue.html",
            {
                "leads": page.leads,
                "filters": shown,
                "total": page.total,
                "more": page.capped,
                "cap": COUNT_CAP,
                "short_search": bool(shown["q"]) and not where.host,
                "min_search": MIN_SEARCH,
                "pager": pager,
                "statuses": labels.STATUSES,
                "verdicts": labels.VERDICTS,
            },
            200,
        )

    return [Route("/leads", queue)]
