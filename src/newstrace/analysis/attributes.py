"""spaCy's ``attribute_ruler`` + rule ``lemmatizer``, memoised: the same output, a fraction
of the time.

Both components are pure functions of a token's own text, tag and dependency label, except
for a handful of two-token patterns ("let 's", "gon na", "there is"). On news text they cost
about a third of the whole parse (the ruler runs ~180 patterns over every token, the
lemmatizer is per-token Python), so ``newstrace analyze`` spent more time on them than on
finding attributions. Here each (text, tag, dep) is computed once by the real components and
remembered; new ones, and tokens a two-token pattern touches, are run through the real
components in a small document of their own. ``tests/test_attributes.py`` checks the output
against the unmodified pipeline, attribute by attribute.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

NAME = "newstrace_attributes"
# Parts of the small document are kept apart by this token: no two-token pattern of the
# English pipelines starts or ends with it, so no pattern can match across two parts.
_SEPARATOR = "|"
# The memo is bounded: a long run over new vocabulary must not grow it without end.
MAX_MEMO = 500_000

Result = tuple[int, int, int, int]  # pos, morph, lemma, dep


class MemoAttributes:
    def __init__(self, ruler: Any, lemmatizer: Any) -> None:
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.vocab = ruler.vocab
        self.memo: dict[tuple[int, int, int], Result] = {}
        # Keys whose token can open a multi-token pattern (its first token's conditions
        # read only the token itself, so this is a property of the key too).
        self.opens: set[tuple[int, int, int]] = set()
        self.first = Matcher(self.vocab)
        self.span = 1
        for k, p in enumerate(ruler.patterns):
            for pattern in p["patterns"]:
                if len(pattern) > 1:
                    self.first.add(f"first{k}", [pattern[:1]])
                    self.span = max(self.span, len(pattern))
        self.dep_class = _dep_classes(ruler.patterns, self.vocab)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        rows = doc.to_array([ORTH, TAG, DEP]).tolist()
        deps = [row[2] for row in rows]
        if self.dep_class is not None:
            # Labels no pattern names behave alike: one memo entry for all of them.
            cls = self.dep_class
            keys = [(o, t, d if d in cls else _OTHER) for o, t, d in rows]
        else:
            keys = [tuple(row) for row in rows]
        misses: dict[tuple[int, int, int], int] = {}
        for i, key in enumerate(keys):
            if key not in self.memo and key not in misses:
                misses[key] = i
        if misses and len(self.memo) + len(misses) > MAX_MEMO:
            # Start afresh, then every key of this document is new.
            self.memo.clear()
            self.opens.clear()
            misses = {}
            for i, key in enumerate(keys):
                misses.setdefault(key, i)
        if misses:
            # Each new key alone: what the single-token patterns and the lemmatizer make of it.
            alone = [[i] for i in misses.values()]
            computed, opening = self._compute(doc, alone)
            for key, i in misses.items():
                self.memo[key] = computed[i]
                if i in opening:
                    self.opens.add(key)
        # Tokens a multi-token pattern may cover, run through the real components in runs
        # long enough that every pattern sees the same neighbours as in the document.
        runs: list[list[int]] = []
        for i, key in enumerate(keys):
            if key in self.opens:
                stop = min(n, i + self.span)
                if runs and runs[-1][-1] >= i - 1:
                    runs[-1].extend(range(runs[-1][-1] + 1, stop))
                else:
                    runs.append(list(range(i, stop)))
        joint = self._compute(doc, runs)[0] if runs else {}
        out = np.empty((n, 3), dtype=np.uint64)
        new_dep: list[tuple[int, int]] = []
        for i, key in enumerate(keys):
            pos, morph, lemma, dep = joint[i] if i in joint else self.memo[key]
            out[i] = (pos, morph, lemma)
            if dep and dep != deps[i]:
                new_dep.append((i, dep))
        doc.from_array([POS, MORPH, LEMMA], out)  # type: ignore[arg-type]
        for i, dep in new_dep:
            doc[i].dep = dep
        return doc

    def _compute(self, doc: Doc, parts: list[list[int]]) -> tuple[dict[int, Result], set[int]]:
        """Run the real components over the tokens of ``parts`` (each part a run of the
        document's tokens), in one small document: results by token index in ``doc``, and
        the indices whose token can open a multi-token pattern."""
        words: list[str] = []
        where: list[int] = []  # index in doc, -1 for a separator
        for part in parts:
            if words:
                words.append(_SEPARATOR)
                where.append(-1)
            for i in part:
                words.append(doc[i].text)
                where.append(i)
        small = Doc(self.vocab, words=words, spaces=[True] * len(words))
        given: list[int] = []
        for tok, i in zip(small, where, strict=True):
            if i >= 0:
                tok.tag = doc[i].tag
                dep = doc[i].dep
                if self.dep_class is not None and dep not in self.dep_class:
                    # One label for the whole class, one no pattern assigns: a label that
                    # comes out different is one the ruler set, for every member alike.
                    dep = self.vocab.strings.add(_UNNAMED_LABEL)
                tok.dep = dep
                given.append(dep)
            else:
                tok.tag_ = ":"
                given.append(0)
        opening = {where[s] for _id, s, _e in self.first(small) if where[s] >= 0}
        small = self.lemmatizer(self.ruler(small))
        out: dict[int, Result] = {}
        for tok, i, dep in zip(small, where, given, strict=True):
            if i >= 0:
                # A dependency label the ruler set (0: it left the token's own).
                out[i] = (tok.pos, tok.morph.key, tok.lemma, tok.dep if tok.dep != dep else 0)
        return out, opening


_OTHER = -1
_UNNAMED_LABEL = "newstrace-unnamed-dep"


def _dep_classes(patterns: list[dict[str, Any]], vocab: Any) -> frozenset[int] | None:
    """The dependency labels some pattern names (by equality, IN or NOT_IN); any label
    outside them matches exactly the same patterns. None when a pattern tests labels in
    another way (a regex), and every label must then be told apart."""
    named: set[int] = set()
    for p in patterns:
        for pattern in p["patterns"]:
            for spec in pattern:
                value = spec.get("DEP")
                if value is None:
                    continue
                if isinstance(value, str):
                    named.add(vocab.strings.add(value))
                elif isinstance(value, dict) and set(value) <= {"IN", "NOT_IN"}:
                    for label in (*value.get("IN", ()), *value.get("NOT_IN", ())):
                        named.add(vocab.strings.add(label))
                else:
                    return None
    return frozenset(named)


def _separable(patterns: list[dict[str, Any]]) -> bool:
    """Whether no multi-token pattern can match the separator past its first token (each
    later token names its words explicitly): only then may parts share a small document."""
    for p in patterns:
        for pattern in p["patterns"]:
            for spec in pattern[1:]:
                words = [spec[k] for k in ("LOWER", "ORTH", "TEXT") if k in spec]
                if not words:
                    return False
                for value in words:
                    if isinstance(value, str):
                        if value == _SEPARATOR:
                            return False
                    elif isinstance(value, dict) and set(value) <= {"IN", "REGEX"}:
                        if _SEPARATOR in value.get("IN", ()):
                            return False
                        if "REGEX" in value and re.search(value["REGEX"], _SEPARATOR):
                            return False
                    else:
                        return False
    return True


@Language.factory(NAME)
def _make(nlp: Language, name: str) -> MemoAttributes:
    return MemoAttributes(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))


def install(nlp: Language) -> bool:
    """Replace the pipeline's attribute_ruler + rule lemmatizer with the memoised pair.
    False (pipeline unchanged) when it lacks them or lemmatizes otherwise."""
    names = nlp.pipe_names
    if NAME in names:
        return True
    if "attribute_ruler" not in names or "lemmatizer" not in names:
        return False
    if getattr(nlp.get_pipe("lemmatizer"), "mode", None) != "rule":
        return False
    ruler: Any = nlp.get_pipe("attribute_ruler")
    if not _separable(ruler.patterns):
        return False
    if names.index("lemmatizer") != names.index("attribute_ruler") + 1:
        return False
    nlp.add_pipe(NAME, after="lemmatizer")
    nlp.remove_pipe("attribute_ruler")
    nlp.remove_pipe("lemmatizer")
    return True
