"""Campaign pages of the review UI: the list, one campaign (members, shared evidence, graph)
and the pivot ("every capture with this ID", dismissed and old ones included)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from storage.linking import PIVOT_KINDS, links_from_json, shared_evidence
from storage.sql import NotFoundError
from zhenwei.web.context import WebContext
from zhenwei.web.graph import HEIGHT, WIDTH, layout
from zhenwei.web.security import login_required

PIVOT_LIMIT = 500


def routes(ctx: WebContext) -> list[Route]:
    repo = ctx.repo

    @login_required
    async def campaign_list(request: Request) -> Response:
        campaigns = await run_in_threadpool(repo.campaigns.list)
        return ctx.render(request, "campaigns.html", {"campaigns": campaigns}, 200)

    @login_required
    async def campaign_page(request: Request) -> Response:
        campaign_id = int(request.path_params["campaign_id"])
        try:
            campaign = await run_in_threadpool(repo.campaigns.get, campaign_id)
        except NotFoundError:
            raise HTTPException(404, "没有这个团伙") from None
        members = await run_in_threadpool(
            lambda: [repo.leads.get(i).lead for i in campaign.lead_ids]
        )
        links = links_from_json(campaign.links)
        nodes, edges = layout(members, links)
        return ctx.render(
            request,
            "campaign.html",
            {
                "c": campaign,
                "members": members,
                "evidence": shared_evidence(links),
                "nodes": nodes,
                "edges": edges,
                "width": WIDTH,
                "height": HEIGHT,
                "pivot_kinds": PIVOT_KINDS,
            },
            200,
        )

    @login_required
    async def pivot(request: Request) -> Response:
        value = (request.query_params.get("value") or "").strip()[:500]
        kind = request.query_params.get("kind") or None
        if kind not in PIVOT_KINDS:
            kind = None
        hits = (
            await run_in_threadpool(
                lambda: repo.campaigns.pivot(value, kind=kind, limit=PIVOT_LIMIT)
            )
            if value
            else []
        )
        return ctx.render(
            request,
            "pivot.html",
            {"value": value, "kind": kind or "", "hits": hits, "kinds": PIVOT_KINDS},
            200,
        )

    return [
        Route("/campaigns", campaign_list),
        Route("/campaigns/{campaign_id:int}", campaign_page),
        Route("/pivot", pivot),
    ]
