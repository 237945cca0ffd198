"""Claims as propositions: which statements enter claims, how wordings group, provenance, the
look-up, and the `claims` / `trace` commands. Real analysis of three hand-written outlets
(tests/fixtures/claims/pompeo.jsonl: one story told by a "Times" citing two people briefed, a
"Fox" crediting The Washington Post, a "Breitbart" stating it as fact)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from newstrace.cli import cli
from newstrace.linking.claims import AVERAGE_WEIGHT, average_linkage, refine
from newstrace.linking.query import claims, stories, trace
from newstrace.linking.statements import (
    Statement,
    is_claim_bearing,
    is_dispute,
    sentences,
    statements,
)
from newstrace.model import (
    AnalyzedArticle,
    Article,
    ArticleMeta,
    Attribution,
    Claim,
    Source,
    Span,
)
from newstrace.store import open_store

POMPEO = Path(__file__).resolve().parent / "fixtures" / "claims" / "pompeo.jsonl"


def _attr(text: str, source: str, cue: str, content: str, **kw: Any) -> Attribution:
    s, c, o = text.index(source), text.index(cue), text.index(content)
    return Attribution(
        source=Source(Span.of(text, s, s + len(source)), kw.pop("resolved", source), "person"),
        cue=Span.of(text, c, c + len(cue)),
        content=Span.of(text, o, o + len(content)),
        **kw,
    )


def _article(text: str, *attrs: Attribution) -> AnalyzedArticle:
    return AnalyzedArticle(Article("t.txt", text, ArticleMeta(title=None)), list(attrs))


# -- which statements enter claims -------------------------------------------------------------


def test_intentions_and_stances_are_not_claims() -> None:
    t = "Trump welcomed Prime Minister Abe. He plans to visit Tokyo next year, aides said."
    welcomed = _attr(t, "Trump", "welcomed", "Prime Minister Abe", kind="stance")
    plans = _attr(t, "He", "plans", "to visit Tokyo next year", kind="intention")
    assert not is_claim_bearing(welcomed) and not is_claim_bearing(plans)
    said = _attr(t, "aides", "said", "He plans to visit Tokyo next year")
    assert is_claim_bearing(said)


def test_requests_and_aims_are_acts_and_leave_the_sentence_to_the_outlet() -> None:
    # claims-dev: the annotators read "Macron urged Trump to stay in the deal" as the outlets'
    # own report of an act; as Macron's claims, the contents joined unrelated ones.
    t = (
        "Macron and other European leaders have encouraged Trump to remain in the agreement. Mr."
        " Macron came to Washington anxious to persuade Mr. Trump to preserve the Iran agreement."
    )
    urged = _attr(t, "Macron", "encouraged", "Trump to remain in the agreement", stance="urge")
    aim = _attr(t, "Mr. Macron", "anxious", "to persuade Mr. Trump to preserve the Iran agreement")
    assert not is_claim_bearing(urged) and not is_claim_bearing(aim)
    found = statements(0, _article(t, urged, aim))
    assert [(st.sort, st.text[:24]) for st in found] == [
        ("unattributed", "Macron and other Europea"),
        ("unattributed", "Mr. Macron came to Washi"),
    ]
    # A content that only mentions an infinitive later is still a proposition.
    said = _attr(t, "Macron", "encouraged", "Macron and other European leaders have encouraged")
    assert is_claim_bearing(said)


def test_a_short_content_without_a_verb_names_a_thing_and_states_no_claim(analyzer: Any) -> None:
    # claims-dev, DNC lawsuit: "the meddling of a foreign power" and a list of defendants,
    # taken as propositions, joined claims they do not make.
    t = (
        "Democrats condemned the meddling of a foreign power. Officials said that the talks had"
        " stalled. Perez named the Russian government, the Trump campaign and WikiLeaks."
    )
    rec = analyzer.analyze_one(Article("t.txt", t, ArticleMeta(title=None)))
    shapes = {a.content.text: a.content_shape for a in rec.attributions if a.content}
    assert shapes["the meddling of a foreign power"] == "phrase"
    assert shapes["that the talks had stalled"] == "clause"
    # A verb form modifying a noun ("a ruling party meeting") makes no clause: a photo caption
    # ranked among a story's top claims, "carried by 4 outlets".
    caption = "A photograph shows the leader, Kim Jong-un, center, at a ruling party meeting."
    rec2 = analyzer.analyze_one(Article("c.txt", caption, ArticleMeta(title=None)))
    assert [a.content_shape for a in rec2.attributions if a.content] == ["phrase"]
    claimed = [st.text for st in statements(0, rec) if st.sort == "claim"]
    assert claimed == ["that the talks had stalled"]
    # Records analysed before the shape existed keep the old rule: 4 words are a proposition.
    old = _attr(t, "Democrats", "condemned", "the meddling of a foreign power")
    assert old.content_shape is None and is_claim_bearing(old)


def test_two_reported_propositions_in_one_sentence_are_two_statements() -> None:
    # claims-dev: five sites for the summit and none of them in the U.S. are two claims.
    t = (
        "Trump said that five locations were being considered for the summit, but that none of"
        " them were in the United States. Aides said that Trump and Kim would meet and that they"
        " agreed."
    )
    sites = _attr(t, "Trump", "said", "that five locations were being considered for the")
    sites = Attribution(
        source=sites.source,
        cue=sites.cue,
        content=Span.of(t, t.index("that five"), t.index(" Aides") - 1),
    )
    short = _attr(t, "Aides", "said", "that Trump and Kim would meet and that they agreed")
    texts = [st.text for st in statements(0, _article(t, sites, short)) if st.sort == "claim"]
    assert texts == [
        "that five locations were being considered for the summit",
        "that none of them were in the United States",
        # a part shorter than a proposition ("that they agreed") keeps the sentence whole
        "that Trump and Kim would meet and that they agreed",
    ]


def test_a_short_exclamation_does_not_keep_a_quote_one_statement() -> None:
    # claims-dev: Trump's tweet makes two claims (no collusion; Comey leaked); "WOW!" had kept
    # it one statement, which could join only one of them.
    t = (
        'Trump wrote: "James Comey Memos just out and show clearly that there was NO COLLUSION'
        " and NO OBSTRUCTION. Also, he leaked classified information. WOW! Will the Witch Hunt"
        ' continue?"'
    )
    tweet = _attr(t, "Trump", "wrote", t[t.index("James") : t.index('continue?"') + 9])
    texts = [st.text for st in statements(0, _article(t, tweet)) if st.sort == "claim"]
    assert texts == [
        "James Comey Memos just out and show clearly that there was NO COLLUSION and NO"
        " OBSTRUCTION.",
        "Also, he leaked classified information. WOW!",
        "Will the Witch Hunt continue?",
    ]


def test_regression_a_fired_man_is_not_a_disputer() -> None:
    t = "Comey, who was abruptly dismissed, said the memos were accurate and complete."
    fired = _attr(t, "Comey", "was abruptly dismissed", "the memos", stance="dismiss")
    assert not is_dispute(fired)
    scoffed = _attr(t, "Comey", "said", "the memos were accurate", stance="dismiss")
    assert is_dispute(scoffed)


def test_unattributed_sentences_skip_attributed_text_and_layout() -> None:
    t = (
        "# Headline of the page\n\n"
        "Officials said the talks were held in secret over the Easter weekend.\n\n"
        "The meeting in Pyongyang lasted two hours and covered the planned summit.\n\n"
        "**Related article:** [Other news about the summit and the talks](#)\n"
    )
    said = _attr(t, "Officials", "said", "the talks were held in secret over the Easter weekend")
    found = statements(0, _article(t, said))
    assert [(s.sort, s.text) for s in found] == [
        ("claim", "the talks were held in secret over the Easter weekend"),
        (
            "unattributed",
            "The meeting in Pyongyang lasted two hours and covered the planned summit.",
        ),
    ]


def test_sentences_keep_abbreviations_together() -> None:
    t = "Mr. Kim met the U.S. envoy on Friday. They spoke for an hour."
    assert [t[s:e].strip() for s, e in sentences(t)] == [
        "Mr. Kim met the U.S. envoy on Friday.",
        "They spoke for an hour.",
    ]


def test_average_linkage_keeps_one_statement_per_article() -> None:
    # Statements 0 and 1 are one article's; both resemble statement 2 of another article.
    sim = np.array([[1.0, 0.9, 0.8], [0.9, 1.0, 0.7], [0.8, 0.7, 1.0]])
    labels = average_linkage(sim, [0, 0, 1], threshold=0.5)
    assert labels[0] == labels[2] and labels[1] != labels[0]
    # ... unless they are sentences of one quote (the same part of the article).
    assert len(set(average_linkage(sim, [0, 0, 1], 0.5, parts=[7, 7, 3]))) == 1


def _random_statements(
    rng: np.random.Generator, low: int, high: int, per_article: int
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine similarities of n random unit vectors, and an article for each (about
    ``per_article`` statements an article)."""
    n = int(rng.integers(low, high))
    x = rng.normal(size=(n, 5))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x @ x.T, rng.integers(0, max(2, n // per_article), size=n)


def test_refine_moves_a_statement_a_greedy_merge_left_in_the_way() -> None:
    # a (article 0) first merges with b (article 1); c is article 1's other statement, so
    # {a, b} and {c, d} can never merge, though a fits c and d better than it fits b.
    sim = np.array(
        [
            [1.0, 0.92, 0.85, 0.8],
            [0.92, 1.0, 0.5, 0.3],
            [0.85, 0.5, 1.0, 0.9],
            [0.8, 0.3, 0.9, 1.0],
        ]
    )
    articles = [0, 1, 1, 2]
    greedy = average_linkage(sim, articles, threshold=0.6)
    assert greedy == [0, 0, 1, 1]
    conflict = np.zeros((4, 4), dtype=bool)
    conflict[1, 2] = conflict[2, 1] = True
    assert refine(sim, conflict, greedy, bar=0.6) == [0, 1, 0, 0]


def test_refine_does_not_depend_on_the_order_of_statements() -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        sim, arts = _random_statements(rng, 4, 30, per_article=3)
        n = len(arts)
        conflict = (arts[:, None] == arts[None, :]) & ~np.eye(n, dtype=bool)
        labels = average_linkage(sim, list(arts), 0.3)
        got = refine(sim, conflict, labels, 0.35)
        order = rng.permutation(n)
        back = refine(
            sim[np.ix_(order, order)],
            conflict[np.ix_(order, order)],
            [labels[i] for i in order],
            0.35,
        )
        partition = {frozenset(np.flatnonzero(np.asarray(got) == c)) for c in set(got)}
        moved = {frozenset(order[np.flatnonzero(np.asarray(back) == c)]) for c in set(back)}
        assert partition == moved
        # Never two conflicting statements in one cluster.
        same = np.asarray(got)[:, None] == np.asarray(got)[None, :]
        assert not (same & conflict).any()


# -- across outlets ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pompeo_db(tmp_path_factory: pytest.TempPathFactory, analyzer: Any) -> Path:
    from newstrace.linking.ingest import ingest

    db = tmp_path_factory.mktemp("claims") / "pompeo.db"
    summary = ingest([str(POMPEO)], db, lambda: analyzer)
    assert summary.stored == 3
    return db


def test_one_proposition_in_three_wordings_is_one_claim(pompeo_db: Path) -> None:
    with open_store(pompeo_db) as store:
        record = trace(store, "CIA Director Mike Pompeo secretly met Kim Jong-un over Easter")
    assert record is not None
    assert set(record["articles"]) == {"pompeo-times", "pompeo-fox", "pompeo-breitbart"}
    roles = {(m["article"], m["role"]) for m in record["attributions"]}
    # Breitbart prints it as fact (a relay with the attribution dropped); Fox re-reports what
    # "The Washington Post first reported".
    assert {("pompeo-fox", "relay"), ("pompeo-breitbart", "unattributed")} <= roles
    assert {(r["kind"], r["name"], r.get("of")) for r in record["relays"]} == {
        ("re-report", "Fox News", "The Washington Post"),
        ("unattributed", "Breitbart", None),
    }
    # Two independent sources, as the claims-dev guidelines count them: the Times's anonymous
    # people (once, however many) and the Post's own reporting; the relays add none.
    backers = {b["name"]: b["anonymous"] for b in record["independent_backers"]}
    assert record["independent_sources"] == 2
    assert backers == {
        "two people briefed on the secret trip (via The New York Times)": True,
        "The Washington Post": False,
    }
    # "The Washington Post first reported": the origin the texts state.
    assert record["origin"]["source"] == "The Washington Post" and record["origin"]["stated"]
    assert record["first_report"]["id"] == "pompeo-times"
    assert [d["party"] for d in record["disputers"]] == ["North Korea"]
    # "called the report false": its cue asserts, its stance toward the claim contradicts.
    assert record["disputers"][0]["stances"] == ["contradict"]


def test_different_propositions_stay_apart(pompeo_db: Path) -> None:
    with open_store(pompeo_db) as store:
        talks = trace(store, "Trump said the US is holding direct talks with North Korea")
        jobs = trace(store, "unemployment claims fell last week")
    assert talks is not None and jobs is not None
    assert talks["claim"] != jobs["claim"]
    assert set(talks["articles"]) == {"pompeo-times", "pompeo-fox"}
    assert talks["origin"]["source"] == "Trump" and talks["disputers"] == []
    assert jobs["articles"] == ["pompeo-breitbart"]


def test_claim_record_contract(pompeo_db: Path) -> None:
    with open_store(pompeo_db) as store:
        records = claims(store)
        texts = {a.id: a.text for _row, a in ((r, rec.article) for r, rec in store.records())}
    assert records and all(r["schema"] == 2 for r in records)
    for r in records:
        assert set(r) >= {
            "claim",
            "story",
            "text",
            "origin",
            "first_report",
            "independent_sources",
            "disputers",
            "attributions",
        }
        assert Claim.from_json(r).to_json() == r
        for m in r["attributions"]:
            assert set(m) == {
                "article",
                "url",
                "index",
                "source",
                "cue",
                "content",
                "stance",
                "role",
            }
            assert m["url"].startswith("https://example.com/")
            c = m["content"]
            assert texts[m["article"]][c["start"] : c["end"]] == c["text"]
    # Most outlets first.
    assert len(records[0]["outlets"]) == 3


def test_trace_finds_a_verbatim_quote_and_ranks_alternatives(pompeo_db: Path) -> None:
    with open_store(pompeo_db) as store:
        record = trace(store, "five locations for the summit are under consideration", top=2)
        assert trace(store, "the price of tea in a distant province") is None
    assert record is not None
    assert "pompeo-breitbart" in record["articles"]
    assert len(record["alternatives"]) == 2
    assert all(a["score"] <= record["score"] for a in record["alternatives"])


def test_stories_list_top_claims(pompeo_db: Path) -> None:
    with open_store(pompeo_db) as store:
        (story,) = stories(store)
    assert story["outlets"] == ["Breitbart", "Fox News", "The New York Times"]
    assert story["claims"][0]["outlets"] == 3
    assert story["start"].startswith("2018-04-17") and story["end"].startswith("2018-04-18")


def test_cli_claims_and_trace(pompeo_db: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["claims", "--db", str(pompeo_db), "--min-outlets", "2"])
    assert out.exit_code == 0, out.output
    assert "origin:        The Washington Post" in out.output
    js = runner.invoke(
        cli, ["trace", "Pompeo met Kim over Easter", "--db", str(pompeo_db), "--format", "json"]
    )
    assert js.exit_code == 0, js.output
    record = json.loads(js.output)
    assert record["independent_sources"] == 2 and "alternatives" in record
    text = runner.invoke(cli, ["trace", "Pompeo met Kim over Easter", "--db", str(pompeo_db)])
    assert "what each source said:" in text.output and "pompeo-fox" in text.output
    miss = runner.invoke(cli, ["trace", "the price of tea", "--db", str(pompeo_db)])
    assert miss.exit_code == 1


def test_a_document_speaks_for_whoever_filed_it() -> None:
    from newstrace.linking.provenance import _is_acronym_of, document_author

    texts = [
        "On Friday the D.N.C. filed a multimillion-dollar lawsuit in federal court in Manhattan.",
        "The lawsuit filed by the Democratic National Committee names the Trump campaign.",
        "The suit names several Trump campaign aides.",
    ]
    spelled = {"Democratic National Committee", "D.N.C."}
    assert document_author(texts, spelled) == "Democratic National Committee"
    assert document_author(["Comey's memos show", "memos written by James Comey"]) == "James Comey"
    # Nobody named as author: no guess.
    assert document_author(["The lawsuit alleges a conspiracy."]) is None
    # An acronym expands only to a spelled-out name, never to another acronym.
    assert _is_acronym_of("D.N.C.", "Democratic National Committee")
    assert not _is_acronym_of("DNC", "D.N.C.")
    assert not _is_acronym_of("Trump", "Tom Rex Ulm Mark Paul")
    # A document is a document with a hyphenated word before it too (claims-dev, transformer
    # profile: "The 66-page complaint" stood as the origin of the DNC's claims).
    from newstrace.linking.provenance import _DOC_SOURCE

    assert _DOC_SOURCE.match("The 66-page complaint") and _DOC_SOURCE.match("the lawsuit")
    assert not _DOC_SOURCE.match("The Democratic National Committee")


def test_several_voices_of_one_state_are_one_origin() -> None:
    from newstrace.linking.provenance import _vote_key
    from newstrace.model import Attribution, Source, Span

    def said(span: str, resolved: str, kind: str) -> Attribution:
        text = f"{span} said so."
        src = Source(span=Span.of(text, 0, len(span)), resolved=resolved, type=kind)
        return Attribution(source=src, cue=None, content=None)

    rouhani = said("Iranian President Hassan Rouhani", "Hassan Rouhani", "person")
    iranians = said("The Iranians", "The Iranians", "unknown")
    assert _vote_key("rouhani", rouhani) == _vote_key("iranians", iranians) == "state:Iran"
    # A person who does not speak for a state keeps their own vote.
    assert _vote_key("kerry", said("John Kerry", "John Kerry", "person")) == "kerry"


def _reference_linkage(sim: np.ndarray, articles: list[int], threshold: float) -> list[int]:
    """The textbook loop: every pair's linkage recomputed before each merge."""
    n = sim.shape[0]
    clusters = [[i] for i in range(n)]
    while True:
        best, pair = -np.inf, None
        for x in range(len(clusters)):
            for y in range(x + 1, len(clusters)):
                cx, cy = clusters[x], clusters[y]
                if {articles[i] for i in cx} & {articles[j] for j in cy}:
                    continue
                block = sim[np.ix_(cx, cy)]
                score = AVERAGE_WEIGHT * block.mean() + (1 - AVERAGE_WEIGHT) * block.max()
                if score > best:
                    best, pair = score, (x, y)
        if pair is None or best < threshold:
            break
        x, y = pair
        clusters[x] = clusters[x] + clusters[y]
        del clusters[y]
    label = {i: min(c) for c in clusters for i in c}
    relabel: dict[int, int] = {}
    return [relabel.setdefault(label[i], len(relabel)) for i in range(n)]


def test_incremental_linkage_equals_the_textbook_loop() -> None:
    rng = np.random.default_rng(7)
    for _ in range(40):
        sim, ids = _random_statements(rng, 2, 25, per_article=2)
        arts = [int(a) for a in ids]
        threshold = float(rng.uniform(0.0, 0.5))
        assert average_linkage(sim, arts, threshold) == _reference_linkage(sim, arts, threshold)


HALT = POMPEO.with_name("halt.jsonl")


def test_trace_lists_the_same_proposition_in_another_story(tmp_path: Path, analyzer: Any) -> None:
    from newstrace.linking.ingest import ingest

    db = tmp_path / "two-stories.db"
    ingest([str(POMPEO), str(HALT)], db, lambda: analyzer)
    with open_store(db) as store:
        record = trace(store, "CIA Director Mike Pompeo secretly met Kim Jong-un over Easter")
        assert record is not None
        found = record["elsewhere"]
        # The test-halt coverage is its own story, and it too says Trump sent Pompeo to Kim.
        assert found, record["alternatives"]
        assert all(e["story"] != record["story"] for e in found)
        assert {a for e in found for a in e["articles"]} <= {"halt-times", "halt-usa"}
        assert any("Pompeo" in e["text"] for e in found)
        halt = trace(store, "North Korea will suspend nuclear and missile tests")
        assert halt is not None and halt["story"] != record["story"]
        assert halt["elsewhere"] == []


def test_a_statement_is_embedded_with_the_sentence_it_stands_in() -> None:
    from newstrace.linking.statements import context

    text = "The talks began. Trump said on Tuesday that the meeting went well. Kim left."
    start = text.index("the meeting")
    content = Span.of(text, start, text.index(" Kim") - 1)
    assert context(text, content) == "Trump said on Tuesday that the meeting went well."
    # Across a sentence end it takes every sentence the content touches.
    wide = Span.of(text, start, len(text))
    assert context(text, wide) == text[text.index("Trump") :]


def test_one_person_in_two_spellings_is_one_backer() -> None:
    from newstrace.linking.provenance import person_key

    assert person_key("Kim Jong-un") == person_key("Kim Jong Un")
    assert person_key("Mr. Trump") == person_key("Donald J. Trump") == "trump"
    assert person_key("Melania Trump") == person_key("Trump")  # a surname alone cannot tell
    assert person_key("Emmanuel Macron") != person_key("Donald Trump")


def test_a_giant_story_is_clustered_in_bounded_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    from newstrace.linking import link

    monkeypatch.setattr(link, "MAX_BLOCK", 5)
    text = "One. Two. Three."
    per_article = [
        [Statement(a, None, "unattributed", Span.of(text, 0, 4)) for _ in range(n)]
        for a, n in enumerate([2, 2, 3, 6, 1])
    ]
    blocks = list(link._blocks(per_article))
    # Whole articles, in order, none over the bound unless one article alone is.
    assert [[s.article for s in b] for b in blocks] == [
        [0, 0, 1, 1],
        [2, 2, 2],
        [3] * 6,
        [4],
    ]
    monkeypatch.setattr(link, "MAX_BLOCK", 4000)
    assert len(list(link._blocks(per_article))) == 1


DNC_SUIT = [
    {
        "id": "dnc-a",
        "title": "Democrats sue Trump campaign and Russia",
        "date_publish": "2018-04-20 15:00:00",
        "maintext": "The Democratic National Committee filed a lawsuit on Friday, alleging that "
        "top Trump campaign officials conspired with Russia to hurt Hillary Clinton.\n\n"
        '"This is a sham lawsuit about a bogus collusion claim," said Brad Parscale, the '
        "campaign manager.\n\nDenying any financial motive, DNC Chair Tom Perez said the "
        "lawsuit had been taking shape for months.",
    },
    {
        "id": "dnc-b",
        "title": "DNC files suit alleging conspiracy",
        "date_publish": "2018-04-20 17:00:00",
        "maintext": "The Democratic National Committee sued on Friday, alleging that Trump "
        "campaign officials conspired with the Russian government to hurt Hillary Clinton.\n\n"
        "Tom Perez, the chairman of the Democratic Party, denied that the lawsuit was a "
        "fundraising stunt.\n\nTrump campaign manager Brad Parscale called the lawsuit "
        "frivolous.",
    },
]


def _ingested(tmp_path: Path, articles: list[dict[str, str]], analyzer: Any) -> Path:
    """A store holding ``articles`` (news-please records), analysed and linked."""
    from newstrace.linking.ingest import ingest

    src = tmp_path / "articles.jsonl"
    src.write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")
    db = tmp_path / "store.db"
    ingest([str(src)], db, lambda: analyzer)
    return db


def test_the_voice_of_a_claims_origin_is_not_its_disputer(tmp_path: Path, analyzer: Any) -> None:
    """The DNC's chair denying a motive answers the critics of the DNC's lawsuit; he does not
    dispute the DNC's own claim (claims-dev listed him among its disputers)."""
    from newstrace.linking.provenance import affiliated

    with open_store(_ingested(tmp_path, DNC_SUIT, analyzer)) as store:
        record = trace(store, "Trump campaign officials conspired with Russia to hurt Clinton")
    assert record is not None
    assert record["origin"]["source"] == "Democratic National Committee"
    parties = [d["party"] for d in record["disputers"]]
    assert parties == ["Brad Parscale"], parties
    org = "Democratic National Committee"
    assert affiliated("Tom Perez", org, ["said Tom Perez, chair of the DNC."])
    assert affiliated("Tom Perez", org, ["DNC Chairman Tom Perez said in a statement"])
    # A title naming another organisation, or no title at all, ties no one to it.
    assert not affiliated("Donald Trump", org, ["U.S. President Donald Trump said Democrats lie"])
    assert not affiliated("Tom Perez", org, ["Mr. Perez said the D.N.C. decided to sue"])


def test_a_state_voice_quoted_by_a_medium_is_the_origin_not_its_unnamed_sources(
    tmp_path: Path, analyzer: Any, seed_path: Path
) -> None:
    """The seed analysed for real: "The newspaper quoted a Kremlin spokesman saying only that
    Russia was unaware of the accusations" was credited to "anonymous officials (via The New
    York Times)", the sources the Times keeps unnamed elsewhere in the article."""
    from newstrace.linking.ingest import ingest

    db = tmp_path / "seed.db"
    ingest([str(seed_path)], db, lambda: analyzer)
    with open_store(db) as store:
        record = trace(store, "a Kremlin spokesman said Russia was unaware of the accusations")
        bounty = trace(store, "a Russian unit offered rewards to Taliban-linked militants")
    assert record is not None and "unaware" in record["text"]
    assert record["origin"]["source"] == "a Kremlin spokesman (via The New York Times)"
    assert [b["name"] for b in record["independent_backers"]] == [record["origin"]["source"]]
    # The Moscow Times and AFP still only relay the Times' report of it.
    assert {r["name"] for r in record["relays"]} >= {"The Moscow Times", "AFP"}
    # The bounty claim keeps its one anonymous source.
    assert bounty is not None
    assert bounty["origin"]["source"] == "anonymous officials (via The New York Times)"


def test_a_denial_inside_the_origins_own_account_does_not_answer_it() -> None:
    # claims-dev: Comey's memo reports Trump calling "the hookers thing" nonsense; the span
    # ran on to "Mr. Comey wrote", which named the origin and listed Trump against five of
    # Comey's claims.
    from newstrace.linking.provenance import answering_disputes

    t = (
        "The president said he wanted honest loyalty. He said “the hookers thing is nonsense,”"
        " Mr. Comey wrote. Trump has disputed parts of Mr. Comey's account."
    )
    loyalty = _attr(t, "The president", "said", "he wanted honest loyalty")
    claim = Statement(0, 0, "claim", loyalty.content, loyalty)
    record = {"origin": {"source": "James Comey"}, "articles": ["memo", "other"]}

    def dispute(a: Attribution, index: int) -> Statement:
        return Statement(0, index, "dispute", a.content, a)

    reported = _attr(
        t, "He", "said", "the hookers thing is nonsense,” Mr. Comey wrote", stance="deny"
    )
    answer = _attr(t, "Trump", "has disputed", "parts of Mr. Comey's account", stance="deny")
    nested = dispute(replace(reported, nested=True), 1)
    assert answering_disputes(record, [claim], [nested], False, None) == []
    # The same words outside anyone's account, and a denial in the reporter's voice, answer.
    assert answering_disputes(record, [claim], [dispute(reported, 1)], False, None)
    assert answering_disputes(record, [claim], [dispute(answer, 2)], False, None)


def test_the_outlet_that_first_reported_is_the_origin_not_what_it_reported() -> None:
    from newstrace.linking.provenance import ArticleInfo, stated_origin

    def origin(text: str, near: str) -> tuple[str, bool] | None:
        art = ArticleInfo(1, "k", "a", "a.txt", None, "Breitbart", "2018-04-20", text=text)
        return stated_origin(art, text.index(near))

    # claims-dev: the transformer profile named "DNC's" as the origin the text states.
    said = (
        "According to the Washington Post, who first reported the DNC's lawsuit, it does not "
        "name Trump as a defendant."
    )
    assert origin(said, "it does not") == ("Washington Post", True)
    assert origin("The talks were first reported by Politico on Monday.", "talks") == (
        "Politico",
        True,
    )
    # claims-dev (NYT): "Mr." does not end the sentence; the origin was "Mr".
    pompeo = "The Washington Post first reported Mr. Pompeo’s trip, which took place over Easter."
    assert origin(pompeo, "trip") == ("The Washington Post", True)


DNC_REACTIONS = [
    {
        "id": "dnc-c",
        "title": "Democrats sue Trump campaign, Russia and WikiLeaks",
        "date_publish": "2018-04-20 15:00:00",
        "maintext": "The Democratic National Committee filed a lawsuit on Friday, alleging that "
        "top Trump campaign officials conspired with Russia to hurt Hillary Clinton.\n\n"
        "Trump campaign manager Brad Parscale said the Democrats filed the lawsuit to raise "
        "money for their struggling party.\n\n"
        'Roger J. Stone Jr. called the lawsuit "a left-wing conspiracy theory dressed up as a '
        'lawsuit."\n\n"The suit gives Democrats a compelling narrative to counter the '
        "president's mantra of 'no collusion,'\" said Leonard Williams, a political science "
        "professor.",
    },
    {
        "id": "dnc-d",
        "title": "DNC files suit alleging conspiracy with Russia",
        "date_publish": "2018-04-20 17:00:00",
        "maintext": "The Democratic National Committee sued on Friday, alleging that Trump "
        "campaign officials conspired with the Russian government to hurt Hillary Clinton.\n\n"
        "Brad Parscale, the campaign manager, said Democrats filed the suit to raise money for "
        "their failing party.\n\n"
        'Stone called the suit "a sham" and said he had never spoken to Russian agents.',
    },
]


def test_disputers_are_parties_answering_this_claim(tmp_path: Path, analyzer: Any) -> None:
    """claims-dev's DNC event listed its critics as disputers of every claim in the story,
    the critics' own claims included, one person under two spellings twice, and an analyst who
    only mentioned the "no collusion" line (disputer precision 0.17)."""
    from newstrace.linking.provenance import person_key
    from newstrace.linking.statements import is_dispute
    from newstrace.model import Attribution

    with open_store(_ingested(tmp_path, DNC_REACTIONS, analyzer)) as store:
        accusation = trace(store, "Trump campaign officials conspired with Russia")
        motive = trace(store, "the Democrats filed the lawsuit to raise money")
    assert accusation is not None and motive is not None
    assert accusation["claim"] != motive["claim"]
    parties = [d["party"] for d in accusation["disputers"]]
    assert [person_key(p) for p in parties].count("stone") == 1, parties
    assert "Leonard Williams" not in parties
    # Parscale's claim is not what Stone's dismissal of the lawsuit answers.
    assert not any(person_key(d["party"]) == "stone" for d in motive["disputers"])
    assert person_key("Roger J. Stone Jr.") == "stone"

    def said(content: str) -> Attribution:
        return Attribution.from_json(
            {
                "source": {"text": "Leonard Williams", "start": 0, "end": 16},
                "cue": {"text": "said", "start": 17, "end": 21},
                "content": {"text": content, "start": 22, "end": 22 + len(content)},
                "kind": "speech",
                "stance": "assert",
            }
        )

    assert not is_dispute(said("to counter the president's mantra of 'no collusion,'"))
    assert is_dispute(said('the lawsuit "frivolous"'))


def test_a_dismissed_lawsuit_is_answered_whoever_the_story_credits() -> None:
    """The transformer profile credited the DNC story's main claim to The Washington Post
    (which first reported the suit): "a sham lawsuit" must still dispute what the suit
    alleges, and not a claim the suit does not back."""
    from newstrace.linking.provenance import answering_disputes
    from newstrace.linking.statements import Statement
    from newstrace.model import Attribution, Span

    def reaction(who: str, cue: str, content: str, stance: str, article: int) -> Statement:
        start = len(who) + len(cue) + 2
        a = Attribution.from_json(
            {
                "source": {"text": who, "start": 0, "end": len(who), "type": "person"},
                "cue": {"text": cue, "start": len(who) + 1, "end": start - 1},
                "content": {"text": content, "start": start, "end": start + len(content)},
                "kind": "speech",
                "stance": stance,
            }
        )
        return Statement(article, 3, "dispute", Span(content, start, start + len(content)), a)

    sham = "This is a sham lawsuit about a bogus collusion claim"
    dispute = reaction("Brad Parscale", "said", sham, "assert", 1)
    main = {"origin": {"source": "The Washington Post"}}

    def claim(origin: str, backer: str) -> dict[str, Any]:
        return {
            "origin": {"source": origin},
            "articles": ["a", "b"],
            "independent_backers": [{"name": backer}],
        }

    alleged = claim("Democratic National Committee's lawsuit", "Democratic National Committee")
    assert answering_disputes(alleged, [], [dispute], False, main) == [dispute]
    unrelated = claim("Emmanuel Macron", "Emmanuel Macron")
    assert answering_disputes(unrelated, [], [dispute], False, main) == []
    # A "sham" quoted as the campaign's line, in a contradiction about something else, does
    # not reject the suit (the same rule as ``is_dispute``'s); nor does naming "the lawsuit":
    # a document's noun is not a name of its origin.
    for noun in ("suit", "lawsuit"):
        line = f'that the "sham" talking point about the {noun} will not last'
        quoted = reaction("Leonard Williams", "predicted", line, "contradict", 2)
        assert answering_disputes(alleged, [], [quoted], False, main) == [], noun


def test_an_outlet_passing_on_another_outlets_report_is_no_independent_source() -> None:
    """claims-dev: Kim's announcement, carried by KCNA, counted three independent sources
    (KCNA; The Associated Press, cited for what KCNA said; Yonhap, reporting that KCNA
    published it). The gold counts one."""
    from newstrace.linking.provenance import _relaying_outlets
    from newstrace.linking.statements import Statement
    from newstrace.model import Attribution, Span

    def cited(article: str, source: str, cue: str, content: str, start: int = 0) -> Any:
        a = Attribution.from_json(
            {
                "source": {"text": source, "start": 0, "end": len(source), "type": "media"},
                "cue": {"text": cue, "start": 0, "end": len(cue)},
                "content": {"text": content, "start": start, "end": start + len(content)},
                "kind": "speech",
                "stance": "assert",
            }
        )
        return (article, Statement(0, 0, "claim", Span(content, start, start + len(content)), a), a)

    halt = "that the country was halting nuclear tests and missile launches"
    kcna = ("via", "korean central news agency")
    ap = ("via", "associated press")
    yonhap = ("via", "yonhap")
    out = _relaying_outlets(
        {
            kcna: [
                cited("LL", "The Korean Central News Agency", "said", halt, 100),
                cited("L", "KCNA", "reported", "North Korea will stop nuclear tests"),
            ],
            ap: [cited("LL", "The Associated Press", "according to", halt, 100)],
            yonhap: [
                cited(
                    "RR",
                    "Yonhap",
                    "reports",
                    "that the Korean Central News Agency (KCNA) published the announcement",
                )
            ],
        }
    )
    assert sorted(out) == [ap, yonhap]
    # Two outlets each with their own report both count.
    own = _relaying_outlets(
        {
            ("via", "the washington post"): [cited("a", "The Post", "reported", halt)],
            ("via", "fox news"): [cited("b", "Fox News", "learned", halt)],
        }
    )
    assert own == []


def test_a_member_of_a_credited_group_is_not_a_second_source() -> None:
    """claims-dev: the GOP chairmen's statement on Comey's memos counted four independent
    sources, the group, "Bob Goodlatte" and their joint statement among them (gold: one)."""
    from newstrace.linking.provenance import _merge_into_groups

    def backer(name: str, article: str) -> dict[str, Any]:
        return {"name": name, "anonymous": False, "articles": [article], "attributions": []}

    backers = {
        ("named", "group"): backer("Robert W. Goodlatte, Devin Nunes and Trey Gowdy", "L"),
        ("named", "goodlatte"): backer("Bob Goodlatte", "R"),
        ("named", "statement"): backer(
            "a joint statement from House Judiciary Chairman Bob Goodlatte", "RR"
        ),
        ("named", "cummings"): backer("Elijah Cummings", "M"),
    }
    _merge_into_groups(backers)
    assert sorted(backers) == [("named", "cummings"), ("named", "group")]
    assert backers[("named", "group")]["articles"] == ["L", "R", "RR"]


def test_an_origin_named_by_surname_is_said_in_full() -> None:
    from newstrace.linking.provenance import _full_name

    spelled = {"James Comey", "Former Director James Comey", "Director Comey", "Mr. Comey"}
    assert _full_name("Comey", spelled) == "James Comey"
    # Two people of that surname: no guess.
    assert _full_name("Trump", {"Donald Trump", "Melania Trump", "President Trump"}) is None
    assert _full_name("Perez", {"Director Perez"}) is None


def test_a_surname_alone_is_the_same_disputer_as_the_full_name() -> None:
    """claims-dev: the analysis typed "Parscale" an organisation in one article and "Brad
    Parscale" a person in another; the DNC claims listed both as disputing parties."""
    from newstrace.linking.provenance import _merge_surnames

    def entry(name: str, article: str) -> dict[str, Any]:
        return {
            "party": name,
            "sources": [name],
            "stances": ["dismiss"],
            "articles": [article],
            "attributions": [{"article": article, "index": 1}],
        }

    disputers = {
        "person:parscale": entry("Brad Parscale", "a"),
        "parscale": entry("Parscale", "b"),
        "kremlin": entry("Kremlin", "c"),
    }
    where = {"person:parscale": {1}, "parscale": {2}, "kremlin": {3}}
    _merge_surnames(disputers, where)
    assert list(disputers) == ["person:parscale", "kremlin"]
    merged = disputers["person:parscale"]
    assert merged["party"] == "Brad Parscale"
    assert merged["sources"] == ["Brad Parscale", "Parscale"]
    assert merged["articles"] == ["a", "b"]
    assert where == {"person:parscale": {1, 2}, "kremlin": {3}}


def test_an_attribution_split_into_sentences_is_pointed_at_once() -> None:
    # claims-dev: a quoted paragraph is one statement per sentence, and the origin of the
    # Pompeo claim listed ["wcl50-0_M", 9] twice.
    from newstrace.linking.provenance import ArticleInfo, provenance

    text = (
        '"The meeting went very well. A relationship was formed," Trump said of Pompeo\'s trip. '
        "Pompeo met Kim over Easter weekend, officials said."
    )
    quote = _attr(text, "Trump", "said", "The meeting went very well. A relationship was formed,")
    art = ArticleInfo(1, "k", "a", "a.txt", None, "Fox News", "2018-04-18", text=text)
    art.attributions = [quote]
    first, second = (
        Statement(0, 0, "claim", Span.of(text, s, e), quote) for s, e in ((1, 28), (29, 55))
    )
    record = provenance("c1", [first, second], [art], frozenset())
    assert record["origin"]["attributions"] == [["a", 0]]
    assert record["independent_backers"]
    for backer in record["independent_backers"]:
        assert backer["attributions"] == [["a", 0]]


def test_the_reporters_word_for_the_sources_own_claims_is_no_denial() -> None:
    # claims-dev (HuffPost): Trump "once again repeating his false and misleading claims from
    # the campaign trail" listed Trump as a disputer of Macron's claims.
    t = "Trump said earlier this week, once again repeating his false and misleading claims."
    repeating = _attr(t, "Trump", "repeating", "his false and misleading claims")
    assert not is_dispute(repeating)
    # The speaker's own words still deny.
    t2 = "Russia said their claims are false and called the report baseless."
    assert is_dispute(_attr(t2, "Russia", "said", "their claims are false"))
    assert is_dispute(_attr(t2, "Russia", "called", "the report baseless"))


def test_a_dispute_word_in_a_title_is_no_denial() -> None:
    from newstrace.linking.statements import rejects_in_own_words

    # claims-dev (USA Today): Comey "disputed" eight claims through his book's title.
    assert not rejects_in_own_words(
        "a book, Higher Loyalty: Truth, Lies, and Leadership, in which he details the encounters"
    )
    assert rejects_in_own_words("Will the Witch Hunt continue?")
    assert rejects_in_own_words("there was NO COLLUSION")
    assert rejects_in_own_words("It is all Lies, he said")
