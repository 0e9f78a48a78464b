"""Fast look-alike scoring of one host name against every protected target.

`score_domain(host, index)` is a pure function shared by the domain detector, the bulk
`zhenwei score-domains` feed and the discovery sources, so it must stay cheap. The package:
`vocabulary` (tokens, compiled targets, the result type), `confusables` (homoglyph
skeletons), `lexicon` (finding tokens in labels), `techniques` (what they say about a
target) and `index` (official hosts, the fast reject, the whole judgement).
"""

from __future__ import annotations

from core.names.index import DomainIndex, score_domain
from core.names.vocabulary import DomainScore, normalise_host

__all__ = ["DomainIndex", "DomainScore", "normalise_host", "score_domain"]
