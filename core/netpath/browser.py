"""Chromium launch and context options: the proxy and the discreet, real-browser identity.

Used by scrapy-playwright (PLAYWRIGHT_LAUNCH_OPTIONS / PLAYWRIGHT_CONTEXTS) and by any direct
Playwright use. scrapy-playwright ignores meta['proxy'], so the proxy lives here, at launch.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from core.config import Settings

#: Debian's Chromium; `playwright install` is never used
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",  # QUIC (UDP) would bypass an HTTP proxy
    "--disable-dev-shm-usage",
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",
    # Discretion (issue 9, finding 7): nothing but the page's own resources leaves Chromium.
    "--no-pings",  # <a ping> hyperlink auditing
    "--disable-breakpad",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--disable-field-trial-config",
    # Bounded memory (finding 8): a script hoarding memory hits V8's heap limit and its page
    # fails (a typed render failure) long before the renderer takes gigabytes.
    "--js-flags=--max-old-space-size=256",
    # the GPU service in the browser process: one process (≈40 MiB) fewer per crawl
    "--in-process-gpu",
)
#: Playwright's own --disable-features list (playwright-core chromiumSwitches.ts). Chromium
#: keeps only the last --disable-features switch, so ours must repeat Playwright's entries;
#: tests/test_netpath_browser.py fails when a Playwright upgrade changes them.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch", "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
)  # fmt: skip
#: Headless Chromium still builds the omnibox popup of a window nobody sees, in a renderer of
#: its own (--top-chrome-webui): ≈55 MiB PSS for nothing (bench/bench_hostile_memory.py).
OUR_DISABLED_FEATURES = (
    "PreloadTopChromeWebUI", "WebUIOmniboxPopup", "WebUIOmniboxFullPopup", "WebUIOmniboxAimPopup",
)  # fmt: skip
DISABLE_FEATURES_ARG = "--disable-features=" + ",".join(
    (*PLAYWRIGHT_DISABLED_FEATURES, *OUR_DISABLED_FEATURES)
)
#: Debian's /usr/bin/chromium wrapper adds Google API keys and --enable-remote-extensions, so
#: Chromium calls update.googleapis.com, clients2.google.com and accounts.google.com (through our
#: proxy) whatever --disable-background-networking says. Those services are pointed at a
#: reserved name that is bypassed and never resolved: nothing leaves the machine.
SILENCED_HOST = "chromium-disabled.invalid"
_SILENCED = f"http://{SILENCED_HOST}"
SILENCING_ARGS = (
    f"--gaia-url={_SILENCED}",
    f"--google-apis-url={_SILENCED}",
    f"--lso-url={_SILENCED}",
    f"--component-updater=url-source={_SILENCED}",
    f"--apps-gallery-update-url={_SILENCED}",
    f"--variations-server-url={_SILENCED}",
    # Autofill describes every form it sees to content-autofill.googleapis.com otherwise.
    f"--autofill-server-url={_SILENCED}/",
    f"--sync-url={_SILENCED}",
    f"--host-resolver-rules=MAP {SILENCED_HOST} ~NOTFOUND",
)
DESKTOP_VIEWPORT = {"width": 1366, "height": 900}
MOBILE_VIEWPORT = {"width": 390, "height": 844}


def _bypass(settings: Settings) -> str:
    # Chromium sends loopback hosts direct unless told otherwise; Python's clients do not
    # (ProxySettings.bypass knows only NO_PROXY), so "<-loopback>" keeps both the same.
    rules = ["<-loopback>", SILENCED_HOST]
    for entry in settings.proxy.no_proxy:
        entry = entry.strip().lstrip("*").lstrip(".").lower()
        if entry:
            # NO_PROXY "example.com" covers its subdomains; Chromium needs both rules.
            rules += [entry, f"*.{entry}"]
    return ",".join(rules)


def proxy_option(settings: Settings) -> dict[str, str] | None:
    """Playwright's `proxy` option, or None when every fetch is direct."""
    server = settings.proxy.https or settings.proxy.http
    if not server or "*" in settings.proxy.no_proxy:
        return None
    parts = urlsplit(server if "://" in server else f"http://{server}")
    option = {
        "server": f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    }
    option["bypass"] = _bypass(settings)
    if parts.username is not None:
        option["username"] = unquote(parts.username)
        option["password"] = unquote(parts.password or "")
    return option


def egress_proxy_option(url: str) -> dict[str, str]:
    """Playwright's `proxy` option for core.netpath.egressproxy at `url`: every host, loopback
    included, goes through it (only the silenced Google services are bypassed, unresolved)."""
    return {"server": url, "bypass": f"<-loopback>,{SILENCED_HOST}"}


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `chromium.launch()` / PLAYWRIGHT_LAUNCH_OPTIONS."""
    options: dict[str, Any] = {
        "executable_path": CHROMIUM_PATH,
        "headless": True,
        "args": [*CHROMIUM_ARGS, *SILENCING_ARGS, DISABLE_FEATURES_ARG],
        # Chromium's own popup blocker stays on: a page's window.open (a popup storm, or a
        # popup aimed at an internal address that would be preconnected before any route
        # could refuse it) opens nothing.
        "ignore_default_args": ["--disable-popup-blocking"],
    }
    proxy = proxy_option(settings)
    if proxy is not None:
        options["proxy"] = proxy
    return options


def context_options(settings: Settings, *, mobile: bool = False) -> dict[str, Any]:
    """Keyword arguments for `browser.new_context()`: desktop Chrome, or WeChat on a phone.

    ignore_https_errors: a suspect site's bad certificate is recorded by the TLS check, it
    must not stop the capture.
    """
    options: dict[str, Any] = {
        "user_agent": settings.wechat_user_agent if mobile else settings.desktop_user_agent,
        "viewport": dict(MOBILE_VIEWPORT if mobile else DESKTOP_VIEWPORT),
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "ignore_https_errors": True,
        "accept_downloads": False,
        "java_script_enabled": True,
    }
    if mobile:
        options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
    return options
