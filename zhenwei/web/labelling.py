"""Which review actions are also decisions about the host, and what label each one gives.

Confirming labels the host with what it was flagged for (counterfeit, seller, parked); dismissing
asks why (无关 / 误报 / 其他) and labels it benign; an admin's 标记为官方 labels it official;
reopening (开始审核) a dismissed or official lead withdraws its label. The label may cover the
whole registrable domain. Each is one audited review event plus one label row, written together.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException

from core import labels
from storage.audit import RoleError
from storage.hostlabels import label_for_lead
from storage.records import LeadRecord
from storage.repository import Repository
from zhenwei.web.security import form_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    """The label a review action gives (None: the action withdraws the lead's label)."""

    label: str | None
    reason: str
    scope: str = "host"


def decision(action: str, lead: LeadRecord, form: FormData, note: str) -> Decision | str | None:
    """The decision of `action` on `lead`, None when it is not one, or the error to show."""
    scope = "domain" if form_text(form, "label_scope", 10) == "domain" else "host"
    if action == "dismiss":
        reason = form_text(form, "dismiss_reason", 30)
        if reason not in labels.DISMISS_REASONS:
            return "请选择排除理由（无关、误报或其他）"
        if reason == "other" and not note:
            return "排除理由为「其他」时请在备注中说明"
        return Decision("benign", reason, scope)
    if action == "official":
        return Decision("official", "official", scope)
    if action == "confirm":
        return Decision(label_for_lead(lead.verdict, lead.categories), "confirmed", scope)
    if action == "reviewing" and lead.status in ("dismissed", "official"):
        return Decision(None, "reopened")
    return None


def record(
    repo: Repository,
    lead_id: int,
    user: str,
    action: labels.Action,
    note: str,
    made: Decision | None,
    *,
    role: str | None = None,
) -> None:
    """Write the review event, and the label when the action is a decision, as far as the
    workflow allows `role`."""
    if made is None:
        repo.reviews.add(
            lead_id,
            user=user,
            action=action.name,
            note=note,
            new_status=action.new_status,
            role=role,
        )
        return
    repo.labels.decide(
        lead_id,
        user=user,
        action=action.name,
        note=note,
        new_status=action.new_status,
        label=made.label,
        reason=made.reason,
        scope=made.scope,
        role=role,
    )


def role_refused(user: Mapping[str, str], action: labels.Action, exc: RoleError) -> HTTPException:
    """The 403 of a review action the workflow refuses to this role."""
    log.info("refused %s to %s: %s", action.name, user["name"], exc)
    return HTTPException(
        403,
        f"您的角色（{labels.ROLES.get(user['role'], user['role'])}）无权在当前状态执行「{action.label}」",
    )
