"""Counterfeit kits: one module per independent kit, each with a tuning (a) and a held-out (b)
template version. `BUILDERS[kit](spec)` renders one site of that kit."""

from __future__ import annotations

from collections.abc import Callable

from simworld.generate.kits import jsp_copy, relayout, result_qr, spa_js, vue_clone, wechat_result
from simworld.generate.kits.common import KitSite, KitSpec

BUILDERS: dict[str, Callable[[KitSpec], KitSite]] = {
    "vue-clone": vue_clone.build,
    "jsp-copy": jsp_copy.build,
    "result-qr": result_qr.build,
    "wechat-result": wechat_result.build,
    "relayout": relayout.build,
    "spa-js": spa_js.build,
}
