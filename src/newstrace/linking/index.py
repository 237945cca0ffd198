"""The linking indexes kept in the store, and the incremental update of copies and stories.

Adding k articles to a store of N costs what the k articles cost, and gives exactly what a full
relink of the N + k gives (``tests/test_linking_incremental.py``):

- copies: each article's MinHash signature and LSH buckets are kept (``copy_signatures``,
  ``copy_bands``). A newcomer is paired, in each of its buckets, with the bucket's first member
  and its predecessor (``syndication.bucket_pairs``: the pairs a full pass makes, since a bucket
  only grows at its end); verified pairs join the newcomer to the copy groups it touches, whose
  earliest version is picked again (``syndication.earliest_version``).
- stories: each article's features (``stories.doc_features``, a function of the article alone)
  and its kept neighbours (``story_edges``: the ``MAX_NEIGHBOURS`` most similar within its row
  of ``stories.row_columns``) are kept. A newcomer's row is computed against the articles within
  ``WINDOW_DAYS`` (every article when it is undated); an older article whose row now holds a
  newcomer merges it into its kept neighbours (a neighbour pushed out of its top list was beaten
  by the ones kept, so the top of the old list plus the newcomers is the new list). Average
  linkage never merges across connected components of the graph of edges >= ``THRESHOLD``, so
  only the components holding a changed article (closed over copy groups: a copy is in its
  original's story) are clustered again; the others keep their stories.

All reads go through one ``Store`` connection inside the caller's snapshot; nothing here
writes except ``write_*``, which the caller runs in its write transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newstrace.linking import stories as S
from newstrace.linking import syndication as Y
from newstrace.linking.text import instant
from newstrace.store import Store

# Parameters the kept indexes depend on: a store linked under other values is relinked fully.
FINGERPRINT = hashlib.sha1(
    json.dumps(
        [
            S.WINDOW_DAYS,
            S.MAX_TERMS,
            S.TITLE_WEIGHT,
            S.LEDE_WORDS,
            S.LEDE_WEIGHT,
            S.EDGE_MIN,
            S.MAX_NEIGHBOURS,
            S.NAME_WEIGHT,
            S.DAY_DECAY,
            S.THRESHOLD,
            Y.SHINGLE,
            Y.NUM_PERM,
            Y.LSH_THRESHOLD,
            Y.LEAD_WORDS,
            Y.LEAD_THRESHOLD,
            Y.MIN_CONTAINMENT,
            Y.MIN_CONTAINMENT_SAME_AGENCY,
            Y.MIN_WORDS,
            Y.FULL_TEXT,
            "idf-1",
        ]
    ).encode()
).hexdigest()[:16]


def _i64(keys: np.ndarray) -> list[int]:
    return [int(v) for v in keys.astype(np.uint64).view(np.int64)]


# -- rows of the index tables ----------------------------------------------------------------
def feature_row(seq: int, d: S.DocFeatures) -> tuple[object, ...]:
    return (
        seq,
        d.day,
        d.seconds,
        d.key,
        d.terms.astype("<i8").tobytes(),
        d.weights.astype("<f4").tobytes(),
        d.names.astype("<i8").tobytes(),
    )


def _features(row: Sequence[Any]) -> S.DocFeatures:
    return S.DocFeatures(
        np.frombuffer(row[4], dtype="<i8").astype(np.int64),
        np.frombuffer(row[5], dtype="<f4").astype(np.float32),
        np.frombuffer(row[6], dtype="<i8").astype(np.int64),
        None if row[1] is None else int(row[1]),
        None if row[2] is None else float(row[2]),
        bytes(row[3]),
    )


_FEATURES = "article_seq, day, seconds, content_key, terms, weights, names"


def write_copy_index(store: Store, seqs: Sequence[int], sigs: Y.Signatures) -> None:
    """Signatures and LSH buckets of ``seqs`` (rows of ``sigs``), inside the caller's
    transaction."""
    store.conn.executemany(
        "INSERT INTO copy_signatures (article_seq, size, ok, signature) VALUES (?, ?, ?, ?)",
        [
            (s, int(sigs.size[i]), int(bool(sigs.ok[i])), sigs.full[i].astype("<u4").tobytes())
            for i, s in enumerate(seqs)
        ],
    )
    ok = np.flatnonzero(sigs.ok)
    if len(ok):
        keys = Y.all_band_keys(sigs.full[ok], sigs.lead[ok])
        rows = []
        for r, i in enumerate(ok):
            for band, bucket in enumerate(_i64(keys[r])):
                rows.append((band, bucket, seqs[int(i)]))
        store.conn.executemany(
            "INSERT INTO copy_bands (band, bucket, article_seq) VALUES (?, ?, ?)", rows
        )


def write_features(store: Store, rows: Iterable[tuple[int, S.DocFeatures]]) -> None:
    store.conn.executemany(
        f"INSERT INTO story_features ({_FEATURES}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [feature_row(s, d) for s, d in rows],
    )


def write_edges(store: Store, edges: Iterable[tuple[int, int, float]]) -> None:
    store.conn.executemany("INSERT INTO story_edges (src, dst, sim) VALUES (?, ?, ?)", edges)


def clear(store: Store) -> None:
    for table in ("copy_signatures", "copy_bands", "story_features", "story_edges", "media_names"):
        store.conn.execute(f"DELETE FROM {table}")


def write_media(store: Store, names: Iterable[str]) -> None:
    store.conn.executemany(
        "INSERT OR IGNORE INTO media_names (name) VALUES (?)", [(n,) for n in sorted(names)]
    )


# -- the incremental update --------------------------------------------------------------------
@dataclass(slots=True)
class Article:
    """What the incremental update needs of a stored article."""

    seq: int
    key: str
    published: str | None
    publisher: str | None
    agencies: tuple[str, ...]


@dataclass(slots=True)
class Update:
    """What adding the newcomers changes: new links of every article of the changed region,
    the new rows of the indexes, and the stories before and after."""

    links: dict[int, tuple[str | None, str]] = field(default_factory=dict)
    old_story: dict[int, str | None] = field(default_factory=dict)
    new_edges: list[tuple[int, int, float]] = field(default_factory=list)
    dropped_edges: list[tuple[int, int]] = field(default_factory=list)
    copies_changed: set[int] = field(default_factory=set)


class Increment:
    """Computes an ``Update`` for newcomers (seq order, all after the linked articles)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.conn = store.conn
        self._art: dict[int, Article] = {}
        self._link: dict[int, tuple[str | None, str | None]] = {}
        self._feat: dict[int, S.DocFeatures] = {}
        self._out: dict[int, list[tuple[int, float]]] = {}  # overlay of changed rows
        self._in_added: dict[int, dict[int, float]] = defaultdict(dict)
        self._in_dropped: dict[int, set[int]] = defaultdict(set)
        self._seq_of_key: dict[str, int] = {}

    # look-ups ------------------------------------------------------------------------------
    def articles(self, seqs: Iterable[int]) -> dict[int, Article]:
        todo = sorted({s for s in seqs if s not in self._art})
        for lo in range(0, len(todo), 500):
            chunk = todo[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            for seq, key, pub, publisher, agencies, copy_of, story in self.conn.execute(
                "SELECT a.seq, a.key, a.published, a.publisher, a.agencies, l.copy_of, l.story "
                f"FROM articles a LEFT JOIN links l ON l.article_seq = a.seq "
                f"WHERE a.seq IN ({marks})",
                chunk,
            ):
                self._art[seq] = Article(
                    seq, key, pub, publisher, tuple(json.loads(agencies or "[]"))
                )
                self._link[seq] = (copy_of, story)
                self._seq_of_key[key] = seq
        return {s: self._art[s] for s in seqs if s in self._art}

    def seq_of(self, key: str) -> int:
        if key not in self._seq_of_key:
            row = self.conn.execute("SELECT seq FROM articles WHERE key = ?", (key,)).fetchone()
            self._seq_of_key[key] = int(row[0])
        return self._seq_of_key[key]

    def features(self, seqs: Iterable[int]) -> None:
        todo = sorted({s for s in seqs if s not in self._feat})
        for lo in range(0, len(todo), 500):
            chunk = todo[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT {_FEATURES} FROM story_features WHERE article_seq IN ({marks})", chunk
            ):
                self._feat[int(row[0])] = _features(row)

    def stored_out(self, seq: int) -> list[tuple[int, float]]:
        if seq in self._out:
            return self._out[seq]
        return [
            (int(d), float(s))
            for d, s in self.conn.execute("SELECT dst, sim FROM story_edges WHERE src = ?", (seq,))
        ]

    def neighbours(self, seq: int) -> dict[int, float]:
        """Undirected neighbours in the current (updated) graph."""
        out = dict(self.stored_out(seq))
        for src, s in self.conn.execute("SELECT src, sim FROM story_edges WHERE dst = ?", (seq,)):
            if int(src) not in self._in_dropped[seq]:
                out.setdefault(int(src), float(s))
        for src, s in self._in_added[seq].items():
            out.setdefault(src, s)
        return out

    # copies --------------------------------------------------------------------------------
    def copies(
        self, new: Sequence[int], sigs: Y.Signatures, arts: dict[int, Article]
    ) -> dict[int, int | None]:
        """The copy_of (seq) of every member of every copy group the newcomers touch."""
        pos = {s: i for i, s in enumerate(new)}
        ok = np.flatnonzero(sigs.ok)
        keys = Y.all_band_keys(sigs.full[ok], sigs.lead[ok]) if len(ok) else None
        buckets: dict[tuple[int, int], list[int]] = {}
        cands: set[tuple[int, int]] = set()
        for r, i in enumerate(ok):
            seq = new[int(i)]
            assert keys is not None
            for band, bucket in enumerate(_i64(keys[r])):
                k = (band, bucket)
                if k not in buckets:
                    buckets[k] = [
                        int(x)
                        for (x,) in self.conn.execute(
                            "SELECT article_seq FROM copy_bands WHERE band = ? AND bucket = ? "
                            "ORDER BY article_seq",
                            (band, bucket),
                        )
                    ]
                members = buckets[k]
                if members:
                    cands.add((members[0], seq))
                    cands.add((members[-1], seq))
                members.append(seq)
        old = sorted({a for a, _ in cands} - set(new))
        full = {s: sigs.full[pos[s]] for s in new}
        size = {s: int(sigs.size[pos[s]]) for s in new}
        self._signatures(old, full, size)
        self.articles(old)
        nodes = sorted(set(new) | set(old))
        local = {s: i for i, s in enumerate(nodes)}
        lsig = Y.Signatures(
            np.stack([full[s] for s in nodes]) if nodes else np.zeros((0, Y.NUM_PERM), np.uint32),
            np.zeros((len(nodes), Y.NUM_PERM), np.uint32),
            np.asarray([size[s] for s in nodes], dtype=np.int64),
            np.ones(len(nodes), dtype=bool),
        )
        ags = [self._art[s].agencies if s in self._art else arts[s].agencies for s in nodes]
        pairs = Y.verified(lsig, ags, [(local[a], local[b]) for a, b in cands])
        # union-find over the touched groups: each old article's group comes with it
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: int, b: int) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        for pi, pj, _ in pairs:
            union(nodes[pi], nodes[pj])
        for s in old:
            for m in self.group(s):
                union(s, m)
        groups: dict[int, list[int]] = defaultdict(list)
        for x in list(parent):
            groups[find(x)].append(x)
        out: dict[int, int | None] = {s: None for s in new}
        for members in groups.values():
            members.sort()
            if len(members) < 2:
                continue
            self.articles(members)
            self._signatures(members, full, size)
            info = {m: self._art.get(m) or arts[m] for m in members}
            times = {m: instant(info[m].published) for m in members}
            first = Y.earliest_version(
                members,
                times,  # type: ignore[arg-type]
                lambda k: size[k],
                lambda k, info=info: Y.is_agency_copy(info[k].publisher, info[k].agencies),  # type: ignore[misc]
                lambda k: full[k].tobytes(),
            )
            for m in members:
                out[m] = None if m == first else first
        return out

    def _signatures(
        self, seqs: Iterable[int], full: dict[int, np.ndarray], size: dict[int, int]
    ) -> None:
        todo = sorted({s for s in seqs if s not in full})
        for lo in range(0, len(todo), 500):
            chunk = todo[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            for seq, sz, blob in self.conn.execute(
                "SELECT article_seq, size, signature FROM copy_signatures "
                f"WHERE article_seq IN ({marks})",
                chunk,
            ):
                full[int(seq)] = np.frombuffer(blob, dtype="<u4").astype(np.uint32)
                size[int(seq)] = int(sz)

    def group(self, seq: int) -> list[int]:
        """The stored copy group of ``seq`` (its original and every copy of it)."""
        self.articles([seq])
        copy_of = self._link[seq][0]
        orig = seq if copy_of is None else self.seq_of(copy_of)
        self.articles([orig])
        rows = self.conn.execute(
            "SELECT article_seq FROM links WHERE copy_of = ?", (self._art[orig].key,)
        ).fetchall()
        return [orig, *(int(r[0]) for r in rows)]

    # stories -------------------------------------------------------------------------------
    def stories(
        self, new: Sequence[int], feats: dict[int, S.DocFeatures], copy_new: dict[int, int | None]
    ) -> tuple[list[int], dict[int, int], Update]:
        """The changed region (sorted seqs), each one's story root (a seq), and the edge
        changes."""
        upd = Update()
        self._feat.update(feats)
        newset = set(new)
        days = sorted({d.day for d in feats.values() if d.day is not None})
        undated_new = any(d.day is None for d in feats.values())
        if undated_new:
            where, params = "1 = 1", []
        else:
            spans: list[list[int]] = []
            for d in days:
                if spans and d - S.WINDOW_DAYS <= spans[-1][1] + 1:
                    spans[-1][1] = d + S.WINDOW_DAYS
                else:
                    spans.append([d - S.WINDOW_DAYS, d + S.WINDOW_DAYS])
            where = " OR ".join(["day IS NULL"] + ["day BETWEEN ? AND ?"] * len(spans))
            params = [v for sp in spans for v in sp]
        old = [
            int(r[0])
            for r in self.conn.execute(
                f"SELECT article_seq FROM story_features WHERE {where}", params
            )
        ]
        old = [s for s in old if s not in newset]
        self.features(old)
        local = sorted(old + list(new), key=self._order)
        at = {s: i for i, s in enumerate(local)}
        f = S.assemble([self._feat[s] for s in local])
        # the newcomers' rows, over the columns a full pass gives them
        new_out: dict[int, list[tuple[int, float]]] = {}
        for rows, cols in S.row_columns(f):
            mine = [r for r in rows if local[r] in newset]
            if not mine:
                continue
            sim = S.block_similarity(f, mine, cols)
            for ri, r in enumerate(mine):
                new_out[local[r]] = [(local[c], s) for c, s in S.top_neighbours(sim[ri], cols)]
        # older rows that now hold newcomers
        changed: set[int] = set()
        dropped_dst: set[int] = set()
        new_dated = [s for s in new if feats[s].day is not None]
        rows_old = [s for s in old if self._feat[s].day is None or new_dated]
        sims = (
            S.block_similarity(f, [at[s] for s in rows_old], [at[n] for n in new])
            if rows_old
            else np.zeros((0, len(new)), dtype=np.float32)
        )
        for ri, s in enumerate(rows_old):
            row_day = self._feat[s].day
            cand = []
            for k in (int(x) for x in np.flatnonzero(sims[ri] >= S.EDGE_MIN)):
                n, dn = new[k], feats[new[k]].day
                # a dated row holds the dated articles of its day and the WINDOW_DAYS before
                if row_day is None or (dn is not None and row_day - S.WINDOW_DAYS <= dn <= row_day):
                    cand.append((n, float(sims[ri, k])))
            if not cand:
                continue
            before = self.stored_out(s)
            merged = before + cand
            self.features([j for j, _ in merged])
            dated = row_day is not None
            merged.sort(key=lambda e: (-e[1], *self._col(e[0], dated)))
            after = merged[: S.MAX_NEIGHBOURS]
            keep = {j for j, _ in after}
            had = {j for j, _ in before}
            if keep == had:
                continue
            changed.add(s)
            for j, _ in before:
                if j not in keep:
                    dropped_dst.add(j)
                    upd.dropped_edges.append((s, j))
                    self._in_dropped[j].add(s)
            for j, v in after:
                if j not in had:
                    upd.new_edges.append((s, j, v))
                    self._in_added[j][s] = v
            self._out[s] = after
        for s, lst in new_out.items():
            self._out[s] = lst
            for j, v in lst:
                upd.new_edges.append((s, j, v))
                self._in_added[j][s] = v
        # the changed region: thresholded components of every changed article, closed over
        # copy groups
        self.articles(copy_new)
        copy_old = {s: self._link.get(s, (None, None))[0] for s in copy_new}
        for s, c in copy_new.items():
            was = None if copy_old[s] is None else self.seq_of(copy_old[s])  # type: ignore[arg-type]
            if s in newset or was != c:
                upd.copies_changed.add(s)
        seeds = newset | changed | dropped_dst | upd.copies_changed
        region: set[int] = set()
        todo = sorted(seeds)
        while todo:
            x = todo.pop()
            if x in region:
                continue
            region.add(x)
            for y, v in self.neighbours(x).items():
                if v >= S.THRESHOLD and y not in region:
                    todo.append(y)
            orig = self._orig(x, copy_new)
            if orig not in region:
                todo.append(orig)
            self.articles([x])
            if x not in newset:
                for (c,) in self.conn.execute(
                    "SELECT article_seq FROM links WHERE copy_of = ?", (self._art[x].key,)
                ):
                    if int(c) not in region:
                        todo.append(int(c))
            for c, o in copy_new.items():
                if o == x and c not in region:
                    todo.append(c)
        nodes = sorted(region)
        self.features(nodes)
        self.articles(nodes)
        ordered = sorted(nodes, key=self._order)
        pos = {s: i for i, s in enumerate(ordered)}
        edges: dict[tuple[int, int], float] = {}
        for s in ordered:
            for j, v in self.neighbours(s).items():
                if j in pos:
                    a, b = pos[s], pos[j]
                    key = (a, b) if a < b else (b, a)
                    edges.setdefault(key, v)
        labels = S.average_linkage(len(ordered), edges, S.THRESHOLD)
        cluster = {s: ordered[labels[pos[s]]] for s in ordered}
        root = {s: cluster[self._orig(s, copy_new)] for s in nodes}
        for s in nodes:
            upd.old_story[s] = self._link.get(s, (None, None))[1]
        return nodes, root, upd

    def _orig(self, s: int, copy_new: dict[int, int | None]) -> int:
        if s in copy_new:
            c = copy_new[s]
            return s if c is None else c
        self.articles([s])
        key = self._link[s][0]
        return s if key is None else self.seq_of(key)

    def _order(self, s: int) -> tuple[bytes, int, int]:
        d = self._feat[s]
        return (d.key, d.day or 0, s)

    def _col(self, s: int, dated: bool) -> tuple[object, ...]:
        """Where ``s`` stands among a row's columns (``stories.row_columns``): by day, then
        document order, for a dated row; document order for an undated one."""
        d = self._feat[s]
        if dated:
            return (d.day if d.day is not None else -1, d.key, d.day or 0, s)
        return (d.key, d.day or 0, s)
