"""Settings.from_env: the one place that reads the environment (ARCHITECTURE §4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import DESKTOP_UA, ConfigError, Settings


def test_everything_is_parsed_from_the_given_mapping():
    settings = Settings.from_env(
        {
            "HTTP_PROXY": "http://127.0.0.1:8080",
            "HTTPS_PROXY": "http://127.0.0.1:8443",
            "NO_PROXY": " localhost, .mem.gov.cn ,,",
            "ZHENWEI_DNS_SERVERS": "127.0.0.1:5353, 10.0.0.2,[::1]:53",
            "ZHENWEI_WHOIS_SERVER": "127.0.0.1:4343",
            "ZHENWEI_DATA_DIR": "/tmp/zw",
            "ZHENWEI_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1/test",
            "SSL_CERT_FILE": "/tmp/ca.pem",
        }
    )
    assert settings.proxy.http == "http://127.0.0.1:8080"
    assert settings.proxy.https == "http://127.0.0.1:8443"
    assert settings.proxy.no_proxy == ("localhost", ".mem.gov.cn")
    assert settings.dns_servers == (("127.0.0.1", 5353), ("10.0.0.2", 53), ("::1", 53))
    assert settings.whois_server == ("127.0.0.1", 4343)
    assert settings.data_dir == Path("/tmp/zw")
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1/test"
    assert settings.ssl_cert_file == Path("/tmp/ca.pem")
    assert settings.desktop_user_agent == DESKTOP_UA


def test_proxy_variables_in_either_case_lower_case_wins():
    settings = Settings.from_env(
        {
            "https_proxy": "http://lower:1",
            "HTTPS_PROXY": "http://upper:2",
            "HTTP_PROXY": "http://u:3",
            "no_proxy": "a.test",
        }
    )
    assert settings.proxy.https == "http://lower:1"
    assert settings.proxy.http == "http://u:3"
    assert settings.proxy.no_proxy == ("a.test",)


def test_no_proxy_matches_the_host_and_its_subdomains():
    proxy = Settings.from_env(
        {"HTTPS_PROXY": "http://p:1", "NO_PROXY": ".mem.gov.cn,exact.test"}
    ).proxy
    assert proxy.for_url("https://cx.mem.gov.cn/") is None
    assert proxy.for_url("https://mem.gov.cn/") is None
    assert proxy.for_url("https://a.exact.test/") is None
    assert proxy.for_url("https://cx-mem.gov.cn.evil.test/") == "http://p:1"
    assert proxy.for_url("https://notexact.test/") == "http://p:1"
    assert proxy.for_url("http://cx.example/") is None  # no HTTP_PROXY: direct
    assert (
        Settings.from_env({"HTTP_PROXY": "http://p:1", "NO_PROXY": "*"}).proxy.for_url("http://x/")
        is None
    )


def test_defaults_with_an_empty_environment():
    settings = Settings.from_env({})
    assert settings.proxy.http is None and settings.proxy.https is None
    assert settings.dns_servers == () and settings.whois_server is None
    assert settings.data_dir == Path("var")
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "var/zhenwei.db"
    )
    assert settings.ssl_cert_file is None
    assert Settings.from_env({"ZHENWEI_WHOIS_SERVER": "whois.example"}).whois_server == (
        "whois.example",
        43,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ZHENWEI_DNS_SERVERS", "127.0.0.1:abc"),
        ("ZHENWEI_DNS_SERVERS", "127.0.0.1:70000"),
        ("ZHENWEI_WHOIS_SERVER", ":43"),
    ],
)
def test_bad_addresses_are_config_errors(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})


def test_artifacts_dir_and_redis_url() -> None:
    s = Settings.from_env(
        {"ZHENWEI_ARTIFACTS_DIR": "/srv/evidence", "ZHENWEI_REDIS_URL": "redis://r:6380/2"}
    )
    assert s.artifacts_dir == Path("/srv/evidence") and s.redis_url == "redis://r:6380/2"
    d = Settings.from_env({})
    assert d.artifacts_dir is None and d.redis_url == "redis://127.0.0.1:6379/0"
