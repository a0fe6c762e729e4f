"""A search index built once per knowledge load, fast at 100,000 entries.

Design, and why:
- an inverted index over stemmed, folded tokens, so a query touches only the entries that share a word
  with it instead of scanning every entry (a fuzzy scan of 100k entries costs ~2 s a query);
- typo tolerance by correcting *query tokens* against the vocabulary, through a symmetric-deletion table
  (one deletion on each side covers one insertion, deletion, substitution or swap), with rapidfuzz picking
  the best of the few candidates it yields; the vocabulary is far smaller than the entries;
- very common words are scored by set membership on the candidates that rarer words found, so a query
  with "treaty" in it does not walk a posting list as long as the knowledge base.
"""

from __future__ import annotations

import heapq
import math
import re
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from rapidfuzz.distance import OSA

from bot.core.gcpause import release
from bot.core.text import abbreviated, fold

KEY_BOOST = 2.0
NAMING_MAX = 256  # an alias word shared by more entries than this names none of them: no key boost
MAX_SUBSET_TERMS = 6  # up to 63 subsets; longer queries take the plain accumulation
COMMON_MIN = 256  # a word in more entries than this (or 2% of them) is "common": scored by set membership
PHRASE_BOOST = 25.0
CORRECTED_WEIGHT = 0.8
_SUFFIXES = ("ing", "ed", "es", "e", "s")
_WORDS = re.compile(r"[^\W\d_]+|\d+")
_ASCII_WORDS = re.compile(r"[a-z]+|[0-9]+")
_STEMS: dict[str, str] = {}
MAX_CORRECTED = 4096
_CORRECTED: WeakKeyDictionary[SearchIndex, dict[str, int | None]] = WeakKeyDictionary()


def _stem(token: str) -> str:
    if token.isdigit():
        return token
    if len(token) >= 6 and token.endswith(("ies", "ied")):  # "countries", "ratified": "country", "ratify"
        return token[:-3] + "y"
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)]
    return token


def stem(token: str) -> str:
    """A deliberately light stemmer: enough to meet "collapse" with "collapsed", "ratified" with "ratify",
    "allies" with "ally"; numbers are kept. Not "consultation" with "consult" ("federation" would no longer
    correct "federaton"), nor "korean" with "korea" ("russian troops" are not troops sent to Russia)."""
    out = _STEMS.get(token)
    if out is None:
        out = _stem(token)
        if len(_STEMS) < 500_000:  # bounded: queries must not grow it without limit
            _STEMS[token] = out
    return out


def words_of(text: str) -> list[str]:
    """Folded word and number runs. ASCII text (most of it) takes a regex ~5x faster than the Unicode one."""
    if text.isascii():
        return _ASCII_WORDS.findall(abbreviated(text.lower()))
    return _WORDS.findall(abbreviated(fold(text)))


def analyse(text: str) -> list[str]:
    """Folded word and number runs, stemmed: "Article4" → ["articl", "4"]."""
    return [stem(t) for t in words_of(text)]


def phrase(text: str) -> str:
    return " ".join(analyse(text))


def _deletes(term: str) -> Iterable[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


@dataclass(frozen=True, slots=True)
class Doc:
    """One searchable entry. `ref` is the model object the engine renders."""

    kind: str
    entry_id: str
    keys: tuple[str, ...]  # aliases, names, titles: words that name the entry; the first is its label
    body: str  # everything else it says
    ref: object = field(compare=False)


@dataclass(frozen=True, slots=True)
class Entry:
    """What the index keeps of a `Doc`: enough to name and render it, not its whole text."""

    kind: str
    entry_id: str
    label: str
    ref: object = field(compare=False)


def _entry(doc: Doc) -> Entry:
    return Entry(doc.kind, doc.entry_id, doc.keys[0] if doc.keys else "", doc.ref)


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    score: float
    coverage: float  # share of the query's weight that this entry matched
    doc: int  # the entry's number in the index, for questions about what it holds (`relevance`)


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[Hit, ...]


def ids(table: Mapping[str, int | tuple[int, ...]], key: str) -> tuple[int, ...]:
    """The numbers (entries or terms) a phrase or typo table holds for `key`. Most keys hold one, stored bare:
    a 1-tuple costs ~60 bytes more, and the tables have hundreds of thousands of keys at 100,000 entries."""
    found = table.get(key, ())
    return (found,) if isinstance(found, int) else found


def _bare(table: dict[str, list[int]]) -> dict[str, int | tuple[int, ...]]:
    return {k: v[0] if len(v) == 1 else tuple(v) for k, v in table.items()}


def common_sets(postings: Sequence[array[int]], common_df: int, n: int) -> dict[int, set[int]]:
    """The entries of each common word as a set, for membership tests. Built in posting order, so each set
    iterates as it always did; every set holds the same int objects (one per entry), not one copy per set."""
    ints = list(range(n))
    return {t: set(map(ints.__getitem__, p)) for t, p in enumerate(postings) if len(p) > common_df}


class SearchIndex:
    def __init__(self, docs: Iterable[Doc]) -> None:
        entries: list[Entry] = []
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        postings: list[list[int]] = []
        key_postings: dict[int, list[int]] = {}
        phrases: dict[str, list[int]] = {}
        words: dict[str, int] = {}  # a word as written → its stemmed term id, computed once per word

        def term_ids(text: str) -> set[int]:
            found = set(words_of(text))
            for word in [w for w in found if w not in words]:
                term = stem(word)
                tid = self.vocab.get(term)
                if tid is None:
                    tid = self.vocab[term] = len(self.terms)
                    self.terms.append(term)
                    postings.append([])
                words[word] = tid
            return set(map(words.__getitem__, found))

        for d, doc in enumerate(docs):
            entries.append(_entry(doc))
            key_ids = term_ids(" ".join(doc.keys))
            for tid in key_ids | term_ids(doc.body):
                postings[tid].append(d)
            for tid in key_ids:
                key_postings.setdefault(tid, []).append(d)
            for key in doc.keys:
                p = phrase(key)
                if p:
                    phrases.setdefault(p, []).append(d)
        self.entries = tuple(entries)
        self.size = n = len(self.entries)
        self.postings = [array("I", p) for p in postings]
        self.key_postings = {t: array("I", p) for t, p in key_postings.items()}
        self.df = [len(p) for p in postings]
        self.idf = [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in self.df]
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.common_df = max(COMMON_MIN, n // 50)
        self.common = common_sets(self.postings, self.common_df, n)
        deletes: dict[str, list[int]] = {}
        for tid, term in enumerate(self.terms):
            if len(term) >= 4 and not term.isdigit():
                for variant in _deletes(term):
                    deletes.setdefault(variant, []).append(tid)
        # Hundreds of thousands of keys, most with one value: that value bare, else a tuple (read with `ids`).
        self.phrases = _bare(phrases)
        self.deletes = _bare(deletes)
        for scaffolding in (postings, key_postings, phrases, deletes, words):  # no stall freeing millions at once
            release(scaffolding)

    def __len__(self) -> int:
        return len(self.entries)

    def __getstate__(self) -> dict[str, object]:
        """Pickle the index without its entries: they point into the model, which is cached on its own."""
        return {k: v for k, v in self.__dict__.items() if k != "entries"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.entries = ()

    def rebind(self, docs: Iterable[Doc]) -> SearchIndex:
        """Re-attach the entries of a cached index to the freshly loaded model they were built from."""
        entries = tuple(_entry(doc) for doc in docs)
        if len(entries) != self.size:
            raise ValueError("cached index does not match the knowledge")
        self.entries = entries
        return self

    def correct(self, term: str) -> int | None:
        """The vocabulary term a typo'd query term most likely meant, or None. Remembered (a few thousand
        words): the search corrects a word, then the relevance check asks again for each hit."""
        if len(term) < 4 or term.isdigit():
            return None
        known = _CORRECTED.get(self)
        if known is None:
            known = _CORRECTED[self] = {}
        if term in known:
            return known[term]
        if len(known) >= MAX_CORRECTED:
            known.clear()
        found = known[term] = self._correct(term)
        return found

    def _correct(self, term: str) -> int | None:
        candidates: set[int] = set(ids(self.deletes, term))
        for variant in _deletes(term):
            tid = self.vocab.get(variant)
            if tid is not None:
                candidates.add(tid)
            candidates.update(ids(self.deletes, variant))
        # One deletion on each side also pairs words two edits apart ("arctic" and "articl(e)"): keep only true
        # one-edit typos (a swap counts as one), two for long words, or a reporter's "arctic" becomes Article 4.
        allowed = 1 if len(term) < 8 else 2
        best: tuple[int, int, int] | None = None
        for tid in candidates:
            edits = OSA.distance(term, self.terms[tid], score_cutoff=allowed)
            key = (-edits, self.df[tid], -tid)
            if edits <= allowed and (best is None or key > best):
                best = key
        return None if best is None else -best[2]

    def _accumulate(self, terms: list[tuple[int, float]], boost: dict[int, float]) -> dict[int, float]:
        """Score every entry a rare query word names; common words only add to those (long queries)."""
        matched: dict[int, float] = dict.fromkeys(boost, 0.0)
        rare = [(t, w) for t, w in terms if t not in self.common]
        common = [(t, w) for t, w in terms if t in self.common]
        for tid, w in rare:
            gain = self.idf[tid] * w
            for d in self.postings[tid]:
                matched[d] = matched.get(d, 0.0) + gain
        if not matched and common:
            sets = sorted((self.common[t] for t, _ in common), key=len)
            found = set.intersection(*sets) if len(sets) > 1 else sets[0]
            for d in list(found)[: self.common_df]:
                matched[d] = 0.0
        for tid, w in common:
            members = self.common[tid]
            gain = self.idf[tid] * w
            for d in matched:
                if d in members:
                    matched[d] += gain
        return matched

    def _by_subsets(
        self, terms: list[tuple[int, float]], boost: dict[int, float], limit: int, wanted: frozenset[str] | None
    ) -> dict[int, float]:
        """The same scores and tie order as `_accumulate` when the query has a word that is not common, for
        the entries that can rank, with set algebra done in C. (With only common words, `_accumulate`, used
        for long queries, bounds its cost by scoring only entries holding all of them; this also ranks those
        holding some.)

        An unboosted entry's rank depends only on which of the query's words it contains. So the subsets of
        the query's words are visited heaviest first; each entry is first met at exactly the subset it
        matches (any heavier subset it matched would have been visited before), and once `limit` entries are
        in hand no lighter subset can beat them. Subsets of the same weight as the last one needed are still
        visited: ties rank by entry order, so their first entries may rank above ones already in hand. A few
        words make a few dozen set intersections instead of a Python loop over every posting (~10x faster on
        free text at 100k entries).
        """
        # Rare words first, then common ones, as `_accumulate` adds them: float sums in the same order are equal.
        terms = [x for x in terms if x[0] not in self.common] + [x for x in terms if x[0] in self.common]
        ids = [t for t, _ in terms]
        sets = [self.common[t] if t in self.common else set(self.postings[t]) for t in ids]
        gains = [self.idf[t] * w for t, w in terms]
        rare_mask = sum(1 << i for i, t in enumerate(ids) if t not in self.common)
        n = len(terms)
        # A subset's weight is its heaviest-numbered word's gain added to the rest's: the sum in the order of
        # `sum(gains[i] for i in subset)`, so the very same floats, at one addition per subset.
        weight = [0.0] * (1 << n)
        for m in range(1, 1 << n):
            top = m.bit_length() - 1
            weight[m] = weight[m ^ (1 << top)] + gains[top]
        masks = [m for m in range(1, 1 << n) if not rare_mask or m & rare_mask]
        masks.sort(key=lambda m: -weight[m])
        matched: dict[int, float] = {}
        docs = self.entries
        floor: float | None = None  # the weight at which `limit` entries were first in hand
        for m in masks:
            w = weight[m]
            if floor is not None and w < floor:
                break
            chosen = sorted((i for i in range(n) if m >> i & 1), key=lambda i: len(sets[i]))
            # At most `limit` entries of one subset can rank: its first ones (entry order) beat its others.
            need = limit
            # Entries in ascending order (ties rank by entry order), from the shortest posting list of the
            # subset, kept when in every other list of it, and not already met at a heavier subset.
            others = [sets[i] for i in chosen[1:]]
            walk: Iterable[int] = self.postings[ids[chosen[0]]]
            found: set[int] | None = None
            if others:
                found = sets[chosen[0]].intersection(*others)  # in C; then only its few smallest are walked
                if len(found) <= 4 * need + 64:
                    walk, found = sorted(found), None
            for d in walk:
                if d in matched or (found is not None and d not in found):
                    continue
                if wanted is None or docs[d].kind in wanted:
                    matched[d] = w
                    need -= 1
                    if need <= 0:
                        break
            if floor is None and len(matched) >= limit:
                floor = w
        # Boosted entries rank on their own terms: score them whatever subset they are in (word by word, in the
        # order `_accumulate` adds them).
        rest = {d: 0.0 for d in boost if d not in matched}
        for i in range(n) if rest else ():
            for d in sets[i].intersection(rest):
                rest[d] += gains[i]
        matched.update(rest)
        return matched

    def search(
        self,
        query_terms: Sequence[str],
        *,
        kinds: Iterable[str] | None = None,
        limit: int = 5,
        whole: str | None = None,
    ) -> SearchResult:
        """Rank entries for the query terms (folded, without stop-words); `whole` is the query as typed,
        which, when it is an entry's alias word for word, makes that entry the answer."""
        wanted = frozenset(kinds) if kinds else None
        terms: list[tuple[int, float]] = []
        corrected = False
        total = 0.0
        for raw in dict.fromkeys(stem(t) for t in query_terms):
            tid = self.vocab.get(raw)
            weight = 1.0
            if tid is None:
                tid = self.correct(raw)
                weight = CORRECTED_WEIGHT
                corrected = corrected or tid is not None
            if tid is None:
                total += self.max_idf
                continue
            terms.append((tid, weight))
            total += self.idf[tid]
        if not terms:
            return SearchResult(())

        boost: dict[int, float] = {}
        for tid, w in terms:
            keyed = self.key_postings.get(tid)
            if keyed is not None and len(keyed) <= NAMING_MAX:
                gain = self.idf[tid] * w * KEY_BOOST
                for d in keyed:
                    boost[d] = boost.get(d, 0.0) + gain
        if len(terms) <= MAX_SUBSET_TERMS:
            matched = self._by_subsets(terms, boost, limit, wanted)
        else:
            matched = self._accumulate(terms, boost)
        phrased = {phrase(" ".join(query_terms)), phrase(whole or "")}
        if corrected:  # "thrid countries" is the alias "third countries", typed with a typo
            phrased.add(" ".join(self.terms[t] for t, _ in terms))
        for d in {d for p in phrased for d in ids(self.phrases, p)}:
            boost[d] = boost.get(d, 0.0) + PHRASE_BOOST
            matched.setdefault(d, 0.0)
            matched[d] = max(matched[d], total)  # a whole alias typed is a full match

        docs = self.entries
        pool = matched.items() if wanted is None else ((d, s) for d, s in matched.items() if docs[d].kind in wanted)

        def rank(ds: tuple[int, float]) -> tuple[float, int]:
            # Coverage first: an entry with every word asked beats one that names a single word in an alias.
            d, matched_idf = ds
            coverage = matched_idf / total if total else 0.0
            return ((matched_idf + boost.get(d, 0.0)) * coverage * coverage, -d)

        top = heapq.nlargest(limit, pool, key=rank)
        hits = tuple(Hit(docs[d], rank((d, s))[0], min(1.0, s / total) if total else 0.0, d) for d, s in top)
        return SearchResult(hits)
