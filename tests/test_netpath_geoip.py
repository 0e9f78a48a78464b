"""IP → country / network owner from the database shipped in geoip2fast's wheel (offline)."""

from __future__ import annotations

import pytest

from core.netpath.geoip import DATA_FILE, ip_info


def test_the_database_ships_with_the_wheel():
    assert DATA_FILE.is_file() and "asn" in DATA_FILE.name


@pytest.mark.parametrize(
    "ip", ["8.8.8.8", "47.242.10.21", "114.114.114.114", "1.1.1.1", "2001:4860:4860::8888"]
)
def test_public_ips_get_a_country_and_an_owner(ip):
    country, owner = ip_info(ip)
    assert country is not None and len(country) == 2 and country.isalpha() and country.isupper()
    assert owner


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "::1", "not-an-ip"])
def test_private_and_invalid_addresses_have_no_country(ip):
    assert ip_info(ip) == (None, None)


def test_flattened_tables_answer_as_geoip2fast_does(tmp_path):
    """The memory-mapped arrays give geoip2fast's countries for 4,000 random public addresses,
    and its network owners wherever the owner's network really contains the address
    (geoip2fast measures an IPv4 owner's network with IPv6 sizes, so past a gap it names the
    network before)."""
    import ipaddress
    import random

    import geoip2fast

    from core.netpath import geoip

    geoip.build(tmp_path / "arrays")
    tables = geoip._mapped(tmp_path / "arrays")
    assert isinstance(tables.countries.ids, __import__("numpy").memmap)
    reference = geoip2fast.GeoIP2Fast(geoip2fast_data_file=str(DATA_FILE))
    rnd = random.Random(7)
    owners = 0
    for i in range(4000):
        if i % 2:
            ip = str(ipaddress.IPv4Address(rnd.getrandbits(32)))
        else:
            ip = str(ipaddress.IPv6Address((0x2000 << 112) | rnd.getrandbits(116)))
        theirs = reference.lookup(ip)
        index = tables.countries.find(int(ipaddress.ip_address(ip)))
        mine = None
        if index is not None and index >= geoip.PRIVATE_COUNTRY_INDEXES:
            mine = tables.country_names[index].split(":", 1)[0]
        code = str(theirs.country_code)
        known = not theirs.is_private and len(code) == 2 and code.isalpha()  # "--": not found
        assert mine == (code if known else None), ip
        owner = tables.asns.find(int(ipaddress.ip_address(ip)))
        if owner is not None and mine is not None:
            owners += 1
            assert tables.asn_name(owner) == theirs.asn_name, ip
    assert owners > 1000


def test_lookups_leave_the_tables_out_of_this_process(tmp_path, monkeypatch):
    """The arrays are built by a child process into the cache and mapped, not unpickled here."""
    import subprocess
    import sys

    code = (
        "import psutil; from core.netpath import geoip; p = psutil.Process();"
        "before = p.memory_info().rss; print(geoip.ip_info('8.8.8.8'));"
        "print((p.memory_info().rss - before) >> 20); print(geoip.cache_dir())"
    )
    env = {**__import__("os").environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "('US', 'GOOGLE')"
    assert int(out[1]) < 40  # geoip2fast's own load: 107 MiB
    assert out[2].startswith(str(tmp_path)) and (tmp_path / out[2]).joinpath("c_hi.npy").is_file()
