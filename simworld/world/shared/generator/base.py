"""Shared helpers for generating the simulated world's site directories."""
from __future__ import annotations
import json, shutil
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]  # simworld/world
SITES = ROOT / "sites"

def tv(v):
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, (int, float)): return repr(v)
    if isinstance(v, str): return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list): return "[" + ", ".join(tv(x) for x in v) + "]"
    if isinstance(v, dict): return "{" + ", ".join(f"{json.dumps(k)} = {tv(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)

def table(name, d):
    out = [f"[{name}]"] if name else []
    for k, v in d.items():
        out.append(f"{k} = {tv(v)}")
    return "\n".join(out) + "\n"

ALL = []

def site(host, meta, dns, whois=None, tls=None, ct=None, routes=(), files=None):
    d = SITES / host
    # keep generated images (files/img, favicon) but rewrite text files
    (d / "files").mkdir(parents=True, exist_ok=True)
    m = {"host": host}
    m.update(meta)
    text = table("", m) + "\n" + table("dns", dns_defaults(dns))
    if whois: text += "\n" + table("whois", whois)
    if tls: text += "\n" + table("tls", tls)
    if ct: text += "\n" + table("ct", ct)
    for r in routes:
        text += "\n" + table("[routes]", r)
    (d / "site.toml").write_text(text, encoding="utf-8")
    for rel, body in (files or {}).items():
        p = d / "files" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(body, encoding="utf-8")
    ALL.append(host)

def dns_defaults(d):
    out = {"a": [], "aaaa": [], "cname": [], "ns": [], "mx": [], "txt": [], "wildcard": False}
    out.update(d)
    return out

def whois(registrar, created, expires, registrant, country="CN", org="", privacy=False,
          ns=(), status=("clientTransferProhibited",), updated=None):
    return {"registrar": registrar, "created": created, "updated": updated or created,
            "expires": expires, "registrant": registrant, "registrant_country": country,
            "registrant_org": org, "privacy": privacy, "status": list(status),
            "name_servers": list(ns)}

def tls(valid=True, expired=False, names=(), issuer="R11"):
    return {"valid": valid, "expired": expired, "names": list(names), "issuer": issuer}

def ct(logged, extra=()):
    return {"logged": logged, "extra_names": list(extra)}

def page(title, body, head="", lang="zh-CN", charset="utf-8", css="", viewport=True):
    vp = '<meta name="viewport" content="width=device-width, initial-scale=1">\n' if viewport else ""
    style = f"<style>\n{css}\n</style>\n" if css else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="{charset}">\n{vp}'
            f"<title>{title}</title>\n{head}{style}</head>\n<body>\n{body}\n</body>\n</html>\n")

IDS = {
    "wangxm": "110101199003071233",
    "lijh": "320582198511123014",
    "zhaowd": "330102197806152457",
    "chensy": "440304199210235671",
    "liuzh": "420106198802143395",
    "sunlq": "370102199508182048",
    "zhouht": "11010519830909456X",
}

def idcard(p17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return p17 + "10X98765432"[sum(int(a) * b for a, b in zip(p17, w)) % 11]

IDS["majf"] = idcard("51010719870416283")
IDS["heyl"] = idcard("41010519910722351")

def route(path, **kw):
    d = {"path": path}
    d.update(kw)
    return d

NGINX_404 = "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
NGINX_502 = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx/1.20.1</center>\n</body>\n</html>\n"

def meta(label, note, discoverable_by, *, variants=(), categories=(), template="", target="", entry="/",
         schemes=("http",), aliases=(), search_terms=()):
    return {"aliases": list(aliases), "label": label, "categories": list(categories), "variants": list(variants),
            "template": template, "target": target, "entry": entry, "schemes": list(schemes), "note": note,
            "discoverable_by": list(discoverable_by), "search_terms": list(search_terms)}
