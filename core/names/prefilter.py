"""The sound first pass: which host names can score at all, decided without scoring them.

A name reaches a score only through a token the lexicon knows (a brand, its typo or
homoglyph spelling, a pinyin term, a strong government word), a structural mark (an
official host or registrable domain inside it, `gov.cn`, an allowlisted host, an IDN) or a
non-ASCII character. One Aho–Corasick automaton over every spelling of those (see
`variants`) finds them in a whole chunk of names at once, so the common name costs a
fraction of a microsecond; the few names it touches are then scanned by the scorer's own
`Lexicon`, and only those whose tokens can make a technique fire are scored in full.

Every step only ever lets more names through than the full scorer keeps, never fewer:
`tests/test_names_prefilter.py` checks this over generated look-alikes of every technique.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

import ahocorasick

from core.names.lexicon import Lexicon
from core.names.variants import skeleton_preimages
from core.names.vocabulary import STRONG_GOV, CompiledTarget

#: A line holding any of these is scored in full without the lexicon check.
_STRUCTURAL = 1
#: A line holding any of these is checked with the lexicon first.
_TOKEN = 2
_NON_ASCII = re.compile(rb"[\x80-\xff]")
#: Labels whose verdict is remembered (cleared when full: feeds are long, words repeat).
_VERDICT_CACHE = 1 << 16


class Prefilter:
    """Every spelling of every token that can make a host score, compiled into one automaton."""

    def __init__(
        self, targets: Sequence[CompiledTarget], lexicon: Lexicon, allowlist: Iterable[str]
    ) -> None:
        self.lexicon = lexicon
        #: tokens whose presence in a clean reading makes a technique fire (brand, term)
        self._scoring_tokens = frozenset(
            tok for tok, roles in lexicon.roles.items() if any(r != "service" for _, r in roles)
        )
        structural = {"xn--", "gov.cn", *allowlist}
        for t in targets:
            structural |= t.official_hosts | set(t.registrable_domains)
        tokens: set[str] = set()
        for tok in (*self._scoring_tokens, *STRONG_GOV):
            tokens |= skeleton_preimages(tok)
        tokens |= set(lexicon.typos)  # typos are read in the label as written only
        self.patterns = {p: _TOKEN for p in tokens}
        self.patterns.update({p: _STRUCTURAL for p in structural if p})
        self._automaton = ahocorasick.Automaton()
        for pattern, kind in self.patterns.items():
            self._automaton.add_word(pattern, kind)
        self._automaton.make_automaton()
        self._verdicts: dict[str, bool] = {}

    def may_score(self, host: str) -> bool:
        """False only when the lower-case `host` certainly scores nothing."""
        if not host.isascii():
            return True  # an IDN label IDNA refused: only the full reading can judge it
        kinds = 0
        for _, kind in self._automaton.iter(host):
            kinds |= kind
            if kinds & _STRUCTURAL:
                return True
        if not kinds:
            return False
        return any(self._label_can_score(label) for label in host.split("."))

    def _label_can_score(self, label: str) -> bool:
        """Whether the lexicon's reading of `label` holds something a technique scores: a
        brand or term read cleanly, a typo of a brand, or a strong government word.

        What a label yields does not depend on its neighbours, so labels no token touches
        are skipped and the answer is cached per label (feeds repeat words); reading the
        public suffix labels too only ever adds tokens.
        """
        cached = self._verdicts.get(label)
        if cached is not None:
            return cached
        verdict = False
        if next(self._automaton.iter(label), None) is not None:
            scan = self.lexicon.scan((label,), -1)
            verdict = bool(
                scan.typos
                or scan.gov_strong
                or scan.unicode_labels
                or any(tok in self._scoring_tokens for tok, _, _ in scan.clean)
            )
        if len(self._verdicts) >= _VERDICT_CACHE:
            self._verdicts.clear()
        self._verdicts[label] = verdict
        return verdict

    def candidate_lines(self, chunk: bytes) -> Iterator[bytes]:
        """The lines of `chunk` (newline-terminated) that may hold a scoring name.

        Matching runs over the whole lower-cased chunk at once; a line with any byte outside
        ASCII is always a candidate (its host may be an IDN).
        """
        text = chunk.lower().decode("latin-1")  # one character per byte: offsets agree
        starts: set[int] = set()
        rfind = text.rfind
        for end, _ in self._automaton.iter(text):
            starts.add(rfind("\n", 0, end) + 1)
        if not chunk.isascii():
            for match in _NON_ASCII.finditer(chunk):
                starts.add(chunk.rfind(b"\n", 0, match.start()) + 1)
        for start in sorted(starts):
            end = chunk.find(b"\n", start)
            yield chunk[start : end if end >= 0 else len(chunk)]
