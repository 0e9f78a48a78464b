"""Delivers a digest to a webhook and/or by SMTP; a failed delivery is reported, never raised."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import httpx

from core.config import NotifyConfig, Settings
from zhenwei.notify.digest import Digest, webhook_payload

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    channel: str
    ok: bool
    detail: str


def send_webhook(digest: Digest, cfg: NotifyConfig, settings: Settings) -> Delivery:
    from core.netpath.http import http_client

    assert cfg.webhook_url
    try:
        with http_client(settings, timeout=20.0, policed=False) as client:  # operator's own
            resp = client.post(cfg.webhook_url, json=webhook_payload(digest, cfg.webhook_format))
        ok = 200 <= resp.status_code < 300
        return Delivery("webhook", ok, f"HTTP {resp.status_code}")
    except (httpx.HTTPError, ValueError) as exc:
        return Delivery("webhook", False, f"{type(exc).__name__}: {exc}")


def send_mail(digest: Digest, cfg: NotifyConfig) -> Delivery:
    assert cfg.smtp_host and cfg.mail_to
    msg = EmailMessage()
    msg["Subject"] = digest.title
    msg["From"] = cfg.mail_from
    msg["To"] = ", ".join(cfg.mail_to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="zhenwei.local")
    msg.set_content("\n".join(digest.text_lines()), charset="utf-8")
    try:
        with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=30) as smtp:
            if cfg.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if cfg.smtp_user and cfg.smtp_password:
                smtp.login(cfg.smtp_user, cfg.smtp_password)
            refused = smtp.send_message(msg)
        return Delivery("smtp", not refused, f"refused: {sorted(refused)}" if refused else "sent")
    except (OSError, smtplib.SMTPException) as exc:
        return Delivery("smtp", False, f"{type(exc).__name__}: {exc}")


def deliver(digest: Digest, cfg: NotifyConfig, settings: Settings) -> list[Delivery]:
    """Send to every configured channel; return what happened to each."""
    out: list[Delivery] = []
    if cfg.webhook_url:
        out.append(send_webhook(digest, cfg, settings))
    if cfg.smtp_host and cfg.mail_to:
        out.append(send_mail(digest, cfg))
    for d in out:
        (logger.info if d.ok else logger.warning)("digest via %s: %s", d.channel, d.detail)
    return out
