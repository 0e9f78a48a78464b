"""The simulated internet used by the tests and `zhenwei demo` (ARCHITECTURE §8).

`SimulatedInternet` runs the forward proxy, DNS (UDP+TCP) and WHOIS servers for a `World`
on free 127.0.0.1 ports, in one background thread with its own asyncio loop, so the test
process and its subprocesses (Scrapy, Chromium) can all use it through `env`.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from simworld.certs import CertStore
from simworld.dns_server import DnsServer
from simworld.handlers.pdns import DEMO_KEY as DNSDB_DEMO_KEY
from simworld.loader import default_world, load_world
from simworld.proxy import Fault, Proxy
from simworld.requestlog import LogEntry, RequestLog
from simworld.whois_server import WhoisServer
from simworld.world import Domain, SimRequest, SimResponse, Site, World, WorldError

if TYPE_CHECKING:
    from core.config import Settings

log = logging.getLogger(__name__)
HOST = "127.0.0.1"


class SimulatedInternet:
    """Context manager: `with SimulatedInternet() as net: subprocess.run(..., env=net.env)`."""

    def __init__(self, world: World | None = None, *, workdir: Path | None = None) -> None:
        self.world = world if world is not None else default_world()
        self._own_workdir = workdir is None
        self.workdir = (
            Path(tempfile.mkdtemp(prefix="zhenwei-simnet-")) if workdir is None else workdir
        )
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ca_cert_path = self.workdir / "simnet-ca.pem"
        self.log = RequestLog(self.workdir / "requests.jsonl")
        self._faults: dict[str, Fault] = {}
        self._certs = CertStore(self.world)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._proxy = Proxy(self.world, self._certs, self.log, self._faults)
        self._dns = DnsServer(self.world, self.log)
        self._whois = WhoisServer(self.world, self.log)
        self.env: dict[str, str] = {}

    # ------------------------------------------------------------ lifecycle

    def start(self) -> SimulatedInternet:
        """Start every server; returns once all of them listen."""
        if self._thread is not None:
            return self
        self.ca_cert_path.write_bytes(self._certs.ca_bundle_pem())
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._start_servers())
            except OSError as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._stop_servers())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="simnet", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        proxy = self.proxy_url
        no_proxy = "localhost,127.0.0.1,::1"
        self.env = {
            "HTTP_PROXY": proxy,
            "HTTPS_PROXY": proxy,
            "NO_PROXY": no_proxy,
            "http_proxy": proxy,
            "https_proxy": proxy,
            "no_proxy": no_proxy,
            "ZHENWEI_DNS_SERVERS": f"{HOST}:{self._dns.port}",
            "ZHENWEI_WHOIS_SERVER": f"{HOST}:{self._whois.port}",
            "SSL_CERT_FILE": str(self.ca_cert_path),
            # the simulated DNSDB's documented key: the passive-DNS source runs by default here
            "ZHENWEI_DNSDB_KEY": DNSDB_DEMO_KEY,
        }
        log.info(
            "Simulated internet up: proxy %s, DNS %s:%d, WHOIS %s:%d",
            proxy,
            HOST,
            self._dns.port,
            HOST,
            self._whois.port,
        )
        return self

    async def _start_servers(self) -> None:
        await self._proxy.start(HOST)
        await self._dns.start(HOST)
        await self._whois.start(HOST)

    async def _stop_servers(self) -> None:
        await self._proxy.stop()
        await self._dns.stop()
        await self._whois.stop()
        await asyncio.sleep(0)  # let closed transports release their sockets

    def stop(self) -> None:
        """Close every server and connection (hanging ones too) and free the ports."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._thread = None
        self._loop = None
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> SimulatedInternet:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ addresses

    @property
    def proxy_url(self) -> str:
        return f"http://{HOST}:{self._proxy.port}"

    @property
    def dns_address(self) -> tuple[str, int]:
        return HOST, self._dns.port

    @property
    def whois_address(self) -> tuple[str, int]:
        return HOST, self._whois.port

    def settings(self) -> Settings:
        from core.config import Settings

        return Settings.from_env(self.env)

    # ------------------------------------------------------------ faults

    def fault(
        self, host: str, *, status: int | None = None, hang: bool = False, down: bool = False
    ) -> None:
        """From now on, every request to `host`'s site fails: with `status`, by hanging, or as
        if the server were down (502 `X-Simnet-Error: down`, CONNECT refused; DNS unchanged)."""
        if status is None and not hang and not down:
            raise ValueError("fault() needs status, hang or down")
        site = self.world.site_for(host)
        self._faults[site.host if site else host.lower()] = Fault(status, hang, down)

    def clear_faults(self) -> None:
        self._faults.clear()


__all__ = [
    "Domain",
    "Fault",
    "LogEntry",
    "RequestLog",
    "SimRequest",
    "SimResponse",
    "SimulatedInternet",
    "Site",
    "World",
    "WorldError",
    "default_world",
    "load_world",
]
