"""``newstrace eval …`` (accuracy against the shared annotated corpora) and ``newstrace train``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from newstrace.cli.analyze import profile_option
from newstrace.errors import NewstraceError


def _print(result: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    for line in _flatten(result):
        click.echo(line)


def _flatten(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        lines: list[str] = []
        for key, sub in value.items():
            lines.extend(_flatten(sub, f"{prefix}{key}."))
        return lines
    if isinstance(value, float):
        value = f"{value:.3f}"
    return [f"{prefix.rstrip('.')}: {value}"]


_FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
_DIR = click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))


@click.group("eval")
def eval_group() -> None:
    """Score newstrace against annotated news (PolNeAR, NAEB, BASIL)."""


@eval_group.command("polnear")
@_DIR
@click.option("--limit", type=int, default=None, help="Score only the first N articles (sorted).")
@click.option(
    "--predictions",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write predictions in the shared scorer's JSONL format here.",
)
@click.option(
    "--system",
    type=click.Choice(["analyzer", "tagger"]),
    default="analyzer",
    show_default=True,
    help="analyzer: what `analyze` outputs (tagger + rules); tagger: the trained tagger alone.",
)
@profile_option
@_FORMAT
def eval_polnear(
    directory: Path,
    limit: int | None,
    predictions: Path | None,
    system: str,
    profile: str | None,
    fmt: str,
) -> None:
    """Attribution spans vs. a PolNeAR split (DIR holds text/ and attributions/)."""
    from newstrace.eval import polnear

    try:
        result = polnear.run(
            directory, limit=limit, predictions_out=predictions, system=system, profile=profile
        )
    except NewstraceError as exc:
        raise click.ClickException(str(exc)) from exc
    _print(result, fmt)


@eval_group.command("naeb")
@_DIR
@_FORMAT
def eval_naeb(directory: Path, fmt: str) -> None:
    """Title, date, authors and body of saved pages vs. NAEB gold (DIR holds gold.json, html/)."""
    from newstrace.eval import naeb

    _print(naeb.run(directory), fmt)


@eval_group.command("agencies")
@_DIR
@_FORMAT
def eval_agencies(directory: Path, fmt: str) -> None:
    """Wire-agency credits vs. PolNeAR's metadata (DIR is the PolNeAR root with metadata.tsv)."""
    from newstrace.eval import agencies

    _print(agencies.run(directory), fmt)


@eval_group.command("basil")
@_DIR
@_FORMAT
def eval_basil(directory: Path, fmt: str) -> None:
    """Story linking vs. BASIL's same-event triplets (DIR holds articles/)."""
    from newstrace.eval import basil

    _print(basil.run(directory), fmt)


@eval_group.command("stories")
@_DIR
@_FORMAT
def eval_stories(directory: Path, fmt: str) -> None:
    """Story linking vs. the events of a claims-dev folder (DIR holds articles.jsonl)."""
    from newstrace.eval import stories

    try:
        result = stories.run(directory)
    except NewstraceError as exc:
        raise click.ClickException(str(exc)) from exc
    _print(result, fmt)


@eval_group.command("claims")
@_DIR
@click.option(
    "--distractors",
    multiple=True,
    help="Also ingest these inputs (as `ingest` reads them) so claims must be told apart.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Store to ingest into and keep (reruns skip the analysis); default a temporary one.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write claims.jsonl and traces.jsonl (the shared scorer's inputs) here.",
)
@_FORMAT
def eval_claims(
    directory: Path, distractors: tuple[str, ...], db: Path | None, out: Path | None, fmt: str
) -> None:
    """Claims and `trace` vs. claims-dev gold (DIR holds articles.jsonl and gold/)."""
    from newstrace.eval import claims

    try:
        result = claims.run(directory, distractors=distractors, db=db, out_dir=out)
    except NewstraceError as exc:
        raise click.ClickException(str(exc)) from exc
    _print(result, fmt)


@eval_group.command("speakers")
@_DIR
@click.option("--no-tagger", is_flag=True, help="Use the dependency rules only.")
@_FORMAT
def eval_speakers(directory: Path, no_tagger: bool, fmt: str) -> None:
    """Quote speakers vs. BASIL's annotations (DIR holds articles/ and annotations/)."""
    from newstrace.eval import speakers

    _print(speakers.run(directory, use_tagger=not no_tagger), fmt)


@click.command("train")
@click.argument("train_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Model file to write (default: the one shipped in the package).",
)
def train_cmd(train_dir: Path, out: Path | None) -> None:
    """Train the attribution tagger on a PolNeAR split (text/ + attributions/)."""
    from newstrace.analysis import tagger

    target = out or tagger.DEFAULT_MODEL_PATH
    _print(tagger.train(train_dir, target), "text")
