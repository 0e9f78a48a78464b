"""A DNS budget spent in rounds that learn from what exists (issue 12, item 1).

A gang names its domains from a small vocabulary: the same pinyin words, gov tokens and cheap
TLDs come back on name after name. The operators' prior cannot know which words a gang chose
this year, but the registered look-alikes found in the first round show it. After each round
the words (segments of the hits' labels, brands excepted: every name carries those) and TLDs of
the non-wildcard hits earn a bonus, and the rest of the budget goes to the names that share
them, likeliest first. A hit's TLD costs no more than .com from then on (and joins the list
when the list lacks it); once enough hits are seen, the TLDs none of them used cost more, by
how concentrated the hits are (Good-Turing); a hit's label is tried under the other TLDs.
The next night starts from the words of the look-alike leads already in the queue, whichever
source found them.

The bonuses are sizes on the operators' cost scale (one word ≈ the gap between a pinyin pair and
a keyword-brand name), chosen on generated tuning worlds (seeds 11-13, tune split: the surface is
flat, every setting within ±0.4 of these found 111-115 of 157 look-alikes against 102 without
learning; with the hedge in `take`, 111) and never on the held-out split. The TLD ceiling and
penalty, sibling labels and the hedge on learned TLDs were added on tune seeds 11-13 and on
tune worlds re-drawn with other vocabularies and TLDs (a stress test of generality), checked
on tune seeds 14-15.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from core.netpath.domains import split_host
from core.profiles import TargetProfile
from crawler.sources.base import KnownLead, SourceContext
from crawler.sources.namefit import fit_vocabulary, looks_like, name_fit
from crawler.sources.operators import Generated, LabelTable, _Label, label_table, merged

#: share of the budget spent on the prior order before anything is learned
FIRST_SHARE = 0.5
#: the rest of the budget is spent in this many learning rounds
ROUNDS = 4
#: cost bonus of a label per learned word in it (at most MAX_WORDS count)
WORD_BONUS = 1.2
MAX_WORDS = 2
#: the bonus per learned word when the label also has words nobody registered yet
PARTIAL_BONUS = 0.6
#: a TLD a registered look-alike used costs at most this: the gang's own TLD is as likely as
#: .com, whatever the prior thought of it (an uncommon gTLD learned costs no more than .com)
LEARNED_TLD_COST = 0.0
#: once this many registered look-alikes were seen, a TLD none of them used costs up to
#: UNSEEN_TLD_PENALTY more: scaled by 1 - n1/N, the Good-Turing estimate of the share of names
#: on TLDs not seen yet (n1: TLDs seen once, N: names seen) — a gang that spreads over many
#: TLDs keeps them all open, one that sticks to a few narrows the search
MIN_TLD_EVIDENCE = 8
UNSEEN_TLD_PENALTY = 1.0
#: cost bonus of the label of a registered look-alike under every other TLD: registrants take
#: the same label under several suffixes (bulk and defensive registration)
SIBLING_BONUS = 3.0
#: cost bonus of a technique a registered look-alike was built with (homoglyphs, IDNs)
TECHNIQUE_BONUS = 0.3
#: a one-letter segment teaches nothing
MIN_WORD = 2


@dataclass
class Learned:
    """Words, TLDs and techniques of the registered look-alikes seen so far."""

    words: dict[str, int] = field(default_factory=dict)
    tlds: dict[str, int] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    techniques: dict[str, int] = field(default_factory=dict)


class AdaptivePlan:
    """The generated names of one profile, handed out in rounds; `learn` re-ranks the rest."""

    def __init__(
        self,
        profile: TargetProfile,
        tlds: Iterable[str],
        keep: Callable[[str], bool],
    ) -> None:
        self.table: LabelTable = label_table(profile, tlds)
        self.keep = keep
        self.learned = Learned()
        self.vocabulary = fit_vocabulary(profile)
        brands = {b.lower() for b in profile.brand_labels}
        for host in profile.official_hosts:
            brands |= set(host.lower().split("."))
        self.brands = frozenset(brands)
        self.asked: set[str] = set()
        self._prior: Iterator[Generated] = merged(self.table)
        self._stream: Iterator[Generated] = self._prior
        #: the hedge: the prior order of the shapes, on the TLDs learned so far
        self._hedge: Iterator[Generated] = self._prior
        self._learned_any = False

    def take(self, n: int) -> list[Generated]:
        """The next `n` names not yet handed out: once something is learned, every other one
        from the learned order and the rest from the hedge, the prior order of the shapes on the
        learned TLDs (a gang's words never starve the shapes no hit has shown yet, IDNs and
        typos among them)."""
        out: list[Generated] = []
        streams = [self._stream, self._hedge] if self._learned_any else [self._prior]
        dry: set[int] = set()
        turn = 0
        while len(out) < n and len(dry) < len(streams):
            k = turn % len(streams)
            turn += 1
            if k in dry:
                continue
            g = self._pull(streams[k])
            if g is None:
                dry.add(k)
                continue
            out.append(g)
        return out

    def _pull(self, stream: Iterator[Generated]) -> Generated | None:
        for g in stream:
            if g.domain in self.asked:
                continue
            self.asked.add(g.domain)
            if self.keep(g.domain):
                return g
        return None

    def learn(self, hits: Iterable[Generated]) -> None:
        """Count the words, TLD and technique of each registered (non-wildcard) hit."""
        self._learn([(g.domain, g.technique) for g in hits])

    def learn_hosts(self, hosts: Iterable[str]) -> None:
        """Learn from look-alikes found some other way (CT, search, links, earlier nights)."""
        self._learn([(h, "") for h in hosts])

    def _learn(self, hits: list[tuple[str, str]]) -> None:
        for domain, technique in hits:
            _, label, suffix = split_host(domain)
            for word in self._words(label):
                self.learned.words[word] = self.learned.words.get(word, 0) + 1
            # a suffix nobody can register (gov.cn) teaches nothing
            if suffix and self.keep(f"{label or 'x'}.{suffix}"):
                self.learned.tlds[suffix] = self.learned.tlds.get(suffix, 0) + 1
            if label:
                self.learned.labels[label] = self.learned.labels.get(label, 0) + 1
            if technique:
                self.learned.techniques[technique] = self.learned.techniques.get(technique, 0) + 1
        if hits:
            self._stream = self._order()
            self._hedge = self._order(words=False)
            self._learned_any = True

    def _words(self, label: str) -> list[str]:
        if label.startswith("xn--"):
            return []
        fit = name_fit(label, self.vocabulary)
        return [
            w
            for w in dict.fromkeys(fit.tokens)
            if len(w) >= MIN_WORD and w not in self.brands and w != "gov"
        ]

    def _order(self, *, words: bool = True) -> Iterator[Generated]:
        """The rest re-ranked by what was learned; without `words`, only the TLDs are (the
        hedge keeps the prior order of the shapes, on the gang's TLDs)."""
        learned = self.learned.words
        techniques = self.learned.techniques

        siblings = self.learned.labels

        def bonus(lab: _Label) -> tuple[float, tuple[str, ...]]:
            extra = -TECHNIQUE_BONUS if lab.technique in techniques else 0.0
            if lab.label in siblings:
                extra -= SIBLING_BONUS
            if lab.idn or not any(w in lab.label for w in learned):
                return extra, ()
            words = self._words(lab.label)
            hit = tuple(w for w in words if w in learned)
            if not hit:
                return extra, ()
            # a label made only of learned words (and brands) is the gang's own vocabulary;
            # one learned word beside an unknown one is a weaker hint
            full = len(hit) == len(words)
            extra -= (WORD_BONUS if full else PARTIAL_BONUS) * min(len(hit), MAX_WORDS)
            return extra, hit[:MAX_WORDS]

        tld_ceiling = {t: LEARNED_TLD_COST for t in self.learned.tlds}
        active = words and (learned or techniques or siblings)
        return merged(
            self.table,
            bonus if active else None,
            tld_ceiling=tld_ceiling,
            tld_penalty=self._unseen_tld_penalty(),
        )

    def _unseen_tld_penalty(self) -> float:
        seen = self.learned.tlds
        total = sum(seen.values())
        if total < MIN_TLD_EVIDENCE:
            return 0.0
        once = sum(1 for n in seen.values() if n == 1)
        return UNSEEN_TLD_PENALTY * (1.0 - once / total)


#: leads whose host names teach words: what the queue holds as imitation, not what an analyst
#: dismissed or marked official
LEARN_VERDICTS = frozenset({"counterfeit", "suspicious"})
IGNORE_STATUSES = frozenset({"dismissed", "official"})


def known_lookalikes(
    leads: Iterable[KnownLead], profile: TargetProfile, is_official: Callable[[str], bool]
) -> list[str]:
    """Hosts of the stored leads of `profile` (or of no target) that imitate something."""
    out: list[str] = []
    for lead in leads:
        if lead.verdict not in LEARN_VERDICTS or lead.status in IGNORE_STATUSES:
            continue
        if lead.target not in (None, profile.key):
            continue
        try:
            host = (urlsplit(lead.url).hostname or "").lower()
        except ValueError:
            continue
        if host and not is_official(host):
            out.append(host)
    return out


class OutsideFindings:
    """The look-alike hosts other sources of this run found (CT, search, seeds), each handed
    out once; a host counts only when it is built from the target's tokens (`looks_like`), so a
    training school found by search teaches nothing."""

    def __init__(
        self, ctx: SourceContext, profile: TargetProfile, source: str, vocabulary: dict[str, float]
    ) -> None:
        self.ctx = ctx
        self.profile = profile
        self.source = source
        self.vocabulary = vocabulary
        self.seen: set[str] = set()

    def new(self) -> list[str]:
        out = []
        for host in self.ctx.findings.hosts(besides=self.source):
            if host in self.seen:
                continue
            self.seen.add(host)
            if not self.ctx.is_official(host) and looks_like(host, self.profile, self.vocabulary):
                out.append(host)
        return out


def rounds(budget: int) -> list[int]:
    """Round sizes: half the budget on the prior, the rest in ROUNDS learning rounds."""
    if budget <= 0:
        return []
    first = max(1, int(budget * FIRST_SHARE))
    rest = budget - first
    sizes = [first] + [rest // ROUNDS] * ROUNDS
    sizes[-1] += rest - sum(sizes[1:])
    return [s for s in sizes if s > 0]
