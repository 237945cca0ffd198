"""The transformer tagger at run time: int8 ONNX on onnxruntime, windows, BIO decoding."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newstrace.analysis.tagger.brat import LABELS
from newstrace.analysis.tagger.onnx_tagger import (
    DEFAULT_ONNX_PATH,
    OnnxTagger,
    load_onnx_tagger,
    viterbi,
)
from newstrace.analysis.tagger.windows import MAX_CONTEXT, MAX_LEN, RUN_CONTEXT, cores, windows
from newstrace.errors import ModelError

shipped = pytest.mark.skipif(
    not DEFAULT_ONNX_PATH.is_file(), reason="no transformer tagger shipped in this checkout"
)


@pytest.fixture(scope="module")
def nlp():
    from newstrace.analysis.tagger.crf import make_nlp

    return make_nlp()


def test_windows_cover_every_wordpiece_once_and_fit() -> None:
    # 3 paragraphs of 150, 150 and 500 word-pieces (one longer than a core).
    text_parts, offsets, pos = [], [], 0
    for n in (150, 150, 500):
        for _ in range(n):
            offsets.append((pos, pos + 1))
            text_parts.append("a ")
            pos += 2
        text_parts.append("\n")
        pos += 1
    text = "".join(text_parts)
    for context in (MAX_CONTEXT, RUN_CONTEXT):
        covered = [0] * len(offsets)
        for w in windows(text, offsets, context):
            assert w.stop - w.start <= MAX_LEN
            assert w.start <= w.core_start < w.core_stop <= w.stop
            assert w.core_start - w.start <= context and w.stop - w.core_stop <= context
            for i in range(w.core_start, w.core_stop):
                covered[i] += 1
        assert covered == [1] * len(offsets)
    # Paragraphs are not cut when they fit: the first core ends where a paragraph ends.
    assert cores(text, offsets)[0] == (0, 150)


def test_viterbi_never_continues_what_was_not_begun() -> None:
    rng = np.random.default_rng(0)
    scores = np.log(rng.dirichlet(np.ones(len(LABELS)), size=200)).astype(np.float32)
    labels = [LABELS[i] for i in viterbi(scores)]
    prev = "O"
    for lab in labels:
        if lab.startswith("I-"):
            assert prev[2:] == lab[2:], (prev, lab)
        prev = lab


def test_a_missing_model_file_is_a_model_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "attribution.onnx"
    with pytest.raises(ModelError, match="attribution.onnx"):
        OnnxTagger(missing)


@shipped
def test_tags_a_real_sentence_with_valid_offsets(nlp) -> None:
    tagger = load_onnx_tagger()
    assert load_onnx_tagger() is tagger  # loaded once per process
    text = (
        "Senate Majority Leader Mitch McConnell said on Tuesday that the bill “will cost jobs"
        " and raise taxes.”\n\nThe White House declined to comment."
    )
    doc = nlp(text)
    labels = tagger.labels(doc)
    assert len(labels) == len(doc) and set(labels) <= set(LABELS)
    cands = tagger.predict(doc)
    assert cands
    for c in cands:
        for frags in (c.source, c.cue, c.content):
            for s, e in frags or ():
                assert 0 <= s < e <= len(text)
    cues = [text[c.cue[0][0] : c.cue[-1][1]] for c in cands if c.cue]
    assert any("said" in cue for cue in cues), cues
    sources = [text[c.source[0][0] : c.source[-1][1]] for c in cands if c.source]
    assert any("McConnell" in s for s in sources), sources


@shipped
def test_the_runtime_never_imports_torch() -> None:
    # torch may be installed (spaCy's thinc then imports it on its own): block it, so the
    # transformer profile must work as in an install without it.
    code = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "from newstrace.analysis.pipeline import Analyzer\n"
        "from newstrace.model import Article, ArticleMeta\n"
        "a = Analyzer(profile='transformer')\n"
        "a.analyze_one(Article(path='t', text='“Yes,” he said.', meta=ArticleMeta()))\n"
        "assert sys.modules['torch'] is None, 'torch imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@shipped
def test_an_encoder_run_started_before_the_parse_gives_the_same_labels(
    nlp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two cores for this tagger whatever the machine or the test run's OMP_NUM_THREADS.
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    tagger = OnnxTagger()
    assert tagger._pool is not None
    texts = [
        "“We will not pay,” the minister told reporters on Monday.",
        "The report, citing two officials, said the talks had stalled.\n\nNo one else commented.",
    ]
    direct = [tagger.labels(nlp(t)) for t in texts]
    for t in texts:
        tagger.prefetch(t)
    assert len(tagger._pending) == 2
    assert [tagger.labels(nlp(t)) for t in texts] == direct
    assert not tagger._pending  # each result is taken once, then computed afresh


@shipped
def test_a_process_held_to_one_core_runs_the_encoder_in_line() -> None:
    code = (
        "from newstrace.analysis.tagger.onnx_tagger import OnnxTagger\n"
        "t = OnnxTagger()\n"
        "t.prefetch('He said so.')\n"
        "assert t._pool is None and not t._pending\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def _copy_model(tmp_path: Path, ensemble: list[str]) -> Path:
    import json
    import shutil

    target = tmp_path / "attribution.onnx"
    shutil.copy(DEFAULT_ONNX_PATH, target)
    side = json.loads(DEFAULT_ONNX_PATH.with_name(DEFAULT_ONNX_PATH.name + ".json").read_text())
    side["ensemble"] = ensemble
    target.with_name(target.name + ".json").write_text(json.dumps(side))
    return target


@shipped
def test_an_ensemble_of_a_model_with_its_twin_scores_as_the_model(tmp_path: Path) -> None:
    import shutil

    target = _copy_model(tmp_path, ["twin.onnx"])
    shutil.copy(DEFAULT_ONNX_PATH, tmp_path / "twin.onnx")
    text = "“The bill will cost jobs,” McConnell said.\n\nThe White House declined to comment."
    alone = OnnxTagger(DEFAULT_ONNX_PATH).wordpiece_scores(text)
    pair = OnnxTagger(target)
    assert len(pair._sessions) == 2
    together = pair.wordpiece_scores(text)
    assert alone[0] == together[0]
    np.testing.assert_allclose(alone[1], together[1], atol=1e-4)


@shipped
def test_a_missing_ensemble_member_is_a_model_error_naming_it(tmp_path: Path) -> None:
    target = _copy_model(tmp_path, ["second.onnx"])
    with pytest.raises(ModelError, match="second.onnx"):
        OnnxTagger(target)
