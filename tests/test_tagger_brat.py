"""brat standoff -> per-token BIO labels -> spans, on a tiny hand-made PolNeAR split."""

from __future__ import annotations

from pathlib import Path

import spacy

from newstrace.analysis.tagger.brat import gold_files, label_runs, read_ann, token_labels

FIXTURE = Path(__file__).parent / "fixtures" / "polnear"


def _doc_and_labels() -> tuple[spacy.tokens.Doc, list[str], str]:
    files = gold_files(FIXTURE)
    text_path, ann = files["smith-plan"]
    text = text_path.read_text(encoding="utf-8")
    doc = spacy.blank("en")(text)
    spans = [(t.idx, t.idx + len(t.text)) for t in doc]
    return doc, token_labels(spans, read_ann(ann)), text


def test_first_annotator_is_gold() -> None:
    files = gold_files(FIXTURE)
    assert list(files) == ["smith-plan"]
    assert files["smith-plan"][1].name == "smith-plan_1a2b.ann"


def test_read_ann_skips_notes_and_continuation_lines() -> None:
    atts = read_ann(FIXTURE / "attributions" / "smith-plan_1a2b.ann")
    assert len(atts) == 2
    said, according = atts
    assert said.content is not None and len(said.content) == 2  # "…," he said, "…"
    assert according.source is not None and according.cue is not None


def test_bio_round_trip() -> None:
    doc, labels, text = _doc_and_labels()
    runs = label_runs(labels)
    got = {(role, text[doc[a].idx : doc[b - 1].idx + len(doc[b - 1].text)]) for role, a, b in runs}
    assert ("source", "Senator Smith") in got
    assert ("cue", "said") in got
    assert ("cue", "According to") in got
    assert ("source", "the report") in got
    # The two pieces of the discontinuous content come back as two runs.
    assert ("content", '"The plan is dead,"') in got
    assert ("content", '"We will try again."') in got
    assert ("content", "the deal\nwas never signed") in got
    assert labels[[t.text for t in doc].index("Senator")] == "B-SRC"
    assert labels[[t.text for t in doc].index("Smith")] == "I-SRC"


def test_adjacent_runs_of_one_role_stay_apart() -> None:
    assert label_runs(["B-CON", "I-CON", "B-CON", "O", "I-CUE"]) == [
        ("content", 0, 2),
        ("content", 2, 3),
        ("cue", 4, 5),
    ]
