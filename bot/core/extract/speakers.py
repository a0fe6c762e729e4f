"""Who said what: the speaker of a quotation, and reported speech ("X said (that) ...").

Apart from the walk over the article because these are the rules that are tuned article by article; every
look-back is bounded, so any input stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.core.extract.dates import _DATES
from bot.core.extract.vocabulary import (
    _AUXILIARIES,
    _CONNECTORS,
    _DOCUMENTS,
    _GENERIC,
    _NOT_SUBJECTS,
    _NOUN_PARTS,
    _PARTICIPLES,
    _PRONOUNS,
    _ROLE_WORDS,
    _STOP,
    _VERBS,
    _WHEN_WORDS,
    _WORD,
)

AddQuote = Callable[[str, str, str, str], None]  # (words, kind, who, sentence)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _capital(word: str) -> bool:
    return word[:1].isupper()


def _np_before(words: list[str]) -> tuple[str, int]:
    """Who stands right before a reporting verb, and how many tokens that took.

    "North Korean leader Kim Jong Un", "KCNA", "it", "Seoul, Washington and Kyiv", "Ukrainian forensic
    experts" (up to two common words after a name). The look-back is bounded, so any input stays linear.
    """
    skip = 0
    if words and words[-1] == ",":  # "The minister, Jane Roe, said"
        words, skip = words[:-1], 1
    while skip < 6 and words and words[-1].lower() in _AUXILIARIES | _WHEN_WORDS:
        words, skip = words[:-1], skip + 1  # "Tass on Saturday reported", "the Ministry also on Tuesday said"
    if not words:
        return "", 0
    last = words[-1]
    if last.lower() in _PRONOUNS:
        return last, 1 + skip
    taken: list[str] = []
    loose = 0  # common words taken since the last name: kept only when a name comes before them
    for i in range(len(words) - 1, max(-1, len(words) - 14), -1):
        w = words[i]
        bare = w if re.fullmatch(r"(?:[A-Za-z]\.){2,}", w) else w.strip(".")
        low = bare.lower()
        if w == ",":
            listing = " and " in f" {' '.join(taken).lower()} " and taken and _capital(taken[-1])
            if listing and i > 0 and _capital(words[i - 1]):
                taken.append(",")  # a list of names: "Seoul, Washington and Kyiv"
                continue
            break
        if _capital(bare) or (bare.isdigit() and i > 0 and words[i - 1] == "Article"):
            taken.append(bare)
            loose = 0
        elif low in _ROLE_WORDS | _GENERIC | _DOCUMENTS | _CONNECTORS | _NOUN_PARTS:
            taken.append(bare)
        elif loose < 2 and bare.isalpha() and low not in _STOP:
            taken.append(bare)
            loose += 1
        else:
            break
    popped = 0
    while taken and not _capital(taken[-1]):
        taken.pop()  # a phrase starts with a name
        popped += 1
    while taken and (taken[0].lower() in _CONNECTORS or taken[0] == ","):
        taken.pop(0)  # "Russia and the North and (have accused)": the "and" joins two predicates
    if not taken:
        low_last = last.lower()
        known = _GENERIC | _DOCUMENTS | _ROLE_WORDS
        if len(words) >= 2 and low_last in known and words[-2].lower() in ("the", "its", "his", "her"):
            return f"{words[-2]} {last}", 2 + skip
        return "", 0
    phrase = " ".join(reversed(taken)).replace(" ,", ",")
    if phrase.lower() in ("the", "a"):
        return "", 0
    return phrase, len(taken) + skip + popped  # "the" before a name is in its span, not in its name


def _noun_phrase_before(words: list[str]) -> str:
    return _np_before(words)[0]


def _noun_phrase_after(words: list[str]) -> str:
    """Who follows an inverted verb: `said Kim`, `reads the statement`, `the Ministry added` is not this."""
    if not words:
        return ""
    if words[0].lower() in ("the", "a") and len(words) > 1:
        return f"{words[0]} {words[1]}" if words[1].lower() in _GENERIC else ""
    taken: list[str] = []
    for w in words[:8]:
        bare = w.strip(".")
        if _capital(bare) or (taken and bare.lower() in _CONNECTORS | _ROLE_WORDS):
            taken.append(bare)
        else:
            break
    return " ".join(taken)


def _attribution(before: str, after: str) -> str:
    """The speaker of a quote, from the words of its sentence before and after the quotation marks."""
    after_words = _words(after)[:40]
    while after_words and after_words[0] in ",;:":
        after_words = after_words[1:]
    for i, w in enumerate(after_words):
        if w.lower().strip(".,") in _VERBS:
            who = _noun_phrase_before(after_words[:i])
            return who or _noun_phrase_after(after_words[i + 1 :])
    m = re.search(r"\baccording to ((?:the )?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,5})", before)
    if m:
        return m.group(1)
    before_words = _words(before)[-30:]
    for i in range(len(before_words) - 1, -1, -1):
        verb = before_words[i].lower()
        if verb in _VERBS:
            who = _noun_phrase_before(before_words[:i])
            if who:
                return who
        if verb in _PARTICIPLES and i > 0 and before_words[i - 1] == ",":
            lead = re.match(r"\s*((?:[A-Z][\w'’.-]*\s?)+)", before)  # ", saying": the sentence's subject
            return lead.group(1).strip() if lead else ""
    return ""


def person_name(who: str) -> tuple[str, str]:
    """("Ukrainian President Volodymyr Zelenskiy") → ("Volodymyr Zelenskiy", "Ukrainian President")."""
    words = who.split()
    if words and words[0].lower() in ("the", "a", "its"):
        words = words[1:]
    cut = max((i for i, w in enumerate(words) if w.lower() in _ROLE_WORDS | _GENERIC), default=-1)
    if 0 <= cut < len(words) - 1 and all(_capital(w) for w in words[cut + 1 :]):
        return " ".join(words[cut + 1 :]), " ".join(words[: cut + 1])
    return " ".join(words), ""


_LEAD_IN = re.compile(
    r"^(?:\s+(?:to|in)\s+an?\s+[\w\s-]{1,40}?(?=\s+that\b))?(?:\s+that\b)?[\s,:]*",
    re.IGNORECASE,
)


def _lead_in(text: str) -> str:
    """What was said starts after "on Tuesday", "the previous day", "that", "to reporters that"."""
    text = text.lstrip()
    m = _DATES.match(text)
    if m:
        text = text[m.end() :].lstrip()
    return _LEAD_IN.sub("", " " + text, count=1)


def _reported(sentence: str, add_quote: AddQuote, quoted: Sequence[tuple[int, int]] = ()) -> None:
    """Reported speech: "X said (that) ...", "..., X said." and "..., X reported Tuesday, amid ..."."""
    words = list(_WORD.finditer(sentence))
    tokens = [w.group(0) for w in words]
    found: list[tuple[int, str, int]] = []  # (verb token index, who, index of who's first token)
    for i, w in enumerate(tokens):
        verb = w.lower()
        if any(a <= words[i].start() < b for a, b in quoted):
            continue  # inside a quotation: the quotation is proposed whole
        if verb not in _VERBS or verb in ("read", "reads", "quoted", "cited", "called", "described", "asked"):
            continue
        appositive = i > 1 and tokens[i - 1] == ","  # "..., the advisor, Chang Ho-jin, said."
        who, n = _np_before(tokens[: i - 1] if appositive else tokens[:i])
        n += appositive
        # "X, during talks with his counterpart Y, said": X said it (a lower-case aside sits between)
        seg_start = next((j for j in range(i - 2, max(-1, i - 30), -1) if tokens[j] == ","), -1) if appositive else -1
        if appositive and seg_start >= 0 and seg_start + 1 < i and tokens[seg_start + 1].islower():
            who, n = _np_before(tokens[:seg_start])
            n = i - seg_start + n
        if who.lower() in ("he", "she"):
            subject = re.match(r"((?:[A-Z][\w'’.-]*\s){1,5}[A-Z][\w'’-]*)\s+[a-z]", sentence)
            if subject and subject.group(1).split()[0] not in _NOT_SUBJECTS:
                who = subject.group(1)  # "Zelenskyy confirming ... and he said": the sentence's own subject
        if not who and i > 0 and tokens[i - 1] == "and":  # "South Korea responded ... and said it would ..."
            lead = tokens[:8]
            k = next((j for j, t in enumerate(lead) if not (_capital(t) or t.lower() in _CONNECTORS)), len(lead))
            who, n = _np_before(lead[:k])[0], 0
        if who and not (i - n > 0 and re.search(r"[\"”]\s*$", sentence[: words[i - n].start()].rstrip(" ,"))):
            found.append((i, who, i - n))  # (after '..., ” it says' the quotation is the speech: proposed as such)
    for k, (i, who, first) in enumerate(found):
        after = sentence[words[i].end() :].lstrip()
        when = _DATES.match(after)
        after = after[when.end() :].lstrip() if when else after
        after = re.sub(r"^,?\s*(?:citing|quoting)\s+[^,.;]+(?:\.[A-Z]\w*)?", "", after).lstrip()  # ", citing TASS"
        if re.match(r"[,:]?\s*[\"“]", after):
            continue  # 'he replied, "..."': the quotation is the speech, proposed as a direct quote
        inverted = first > 0 and tokens[first - 1] == "," and (not after or after[:1] in ",.;")
        if inverted:  # "CLAUSE, the KCNA reported(, amid ...)."
            before = sentence[: words[first - 1].start()]
            named = _capital(who) and tokens[i - 1] == ","
            if named and re.search(r", (?:the|a|an|its|his|her) [^,]{2,60}$", before):
                appositive_start = before.rfind(",")
                before = before[:appositive_start] if len(before[:appositive_start].split()) >= 3 else before
            clause = before.rstrip(" ,")
            if clause.endswith(('"', "”")):
                continue  # the quotation before it is the speech, proposed as a direct quote
        else:
            end = len(sentence)
            if k + 1 < len(found) and found[k + 1][2] > i:
                end = words[found[k + 1][2]].start()
            clause = re.sub(r"[\s,]*(?:and|but|while)?\s*$", "", _lead_in(sentence[words[i].end() : end]))
        quote_at = min((p for p in (clause.find("“"), clause.find('"')) if p >= 0), default=-1)
        if quote_at >= 0 and not inverted:
            clause = clause[:quote_at]  # "X said ..., and “...”": the quotation is proposed on its own
            if len(clause.split()) < 6:
                continue  # "X said the country's forces “...”": the quotation is the speech
        clause = re.sub(r"[\s,;:]*(?:and|but)?[\s,;:]*$", "", clause).rstrip(".").strip()
        if len(clause.split()) >= 3:
            add_quote(clause, "reported", who, sentence)
