"""``newstrace analyze`` and ``newstrace info``."""

from __future__ import annotations

import json
import platform
import sys
from typing import Any, TextIO

import click

from newstrace import __version__, settings
from newstrace.errors import InputError, NewstraceError, one_line
from newstrace.model import AnalyzedArticle, Article, Failure

FORMATS = ("text", "json", "jsonl")


def profile_option(f: Any) -> Any:
    """``--profile default|fast|transformer`` (env ``NEWSTRACE_PROFILE``), shared by analyze,
    ingest and eval polnear."""
    return click.option(
        "--profile",
        envvar=settings.PROFILE.env,
        type=click.Choice(settings.PROFILES, case_sensitive=False),
        default=None,
        help=settings.PROFILE.help + f" [default: {settings.PROFILE.default}]",
    )(f)


def fail(message: str) -> None:
    click.echo(f"newstrace: error: {one_line(message)}", err=True)


def _load_analyzer(model: str | None, use_tagger: bool, profile: str | None = None) -> Any:
    from newstrace.analysis.pipeline import Analyzer

    try:
        return Analyzer(
            settings.SPACY_MODEL.value(model),
            batch_size=int(settings.BATCH_SIZE.value()),
            use_tagger=use_tagger,
            profile=profile,
        )
    except NewstraceError as exc:
        fail(str(exc))
        raise SystemExit(exc.exit_code) from exc


def _bundled_example() -> str:
    from importlib.resources import files

    return str(files("newstrace") / "data" / "moscow-times-russia-bounties.md")


@click.command("analyze")
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people; json (one object, or an array for several articles) or jsonl "
    "(one object per line) for machines.",
)
@click.option(
    "--model", envvar=settings.SPACY_MODEL.env, default=None, help=settings.SPACY_MODEL.help
)
@click.option(
    "--no-tagger", is_flag=True, help="Use the dependency rules only (no trained tagger)."
)
@profile_option
@click.option("--example", is_flag=True, help="Analyse the bundled example article (the seed).")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on stderr (default: on when stderr is a terminal and several files "
    "are read).",
)
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write results here instead of stdout.",
)
def analyze_cmd(
    paths: tuple[str, ...],
    fmt: str,
    model: str | None,
    no_tagger: bool,
    profile: str | None,
    example: bool,
    progress: bool | None,
    output: TextIO,
) -> None:
    """Analyse articles: metadata, every attribution, and the relay chain.

    PATHS are files (Markdown, text, HTML, JSONL, RSS/Atom, WARC), directories (read
    recursively), globs, or - for stdin. A file that cannot be read is reported on stderr and
    skipped; the exit status is then 2.
    """
    from newstrace.api import analyze_paths
    from newstrace.ingest import expand_paths

    targets = list(paths) + ([_bundled_example()] if example else [])
    if not targets:
        raise click.UsageError("give at least one file, directory or glob (or --example)")
    files = [p for p in expand_paths(targets) if not isinstance(p, InputError)]
    show_bar = progress if progress is not None else (sys.stderr.isatty() and len(files) > 1)

    analyzer = _load_analyzer(model, use_tagger=not no_tagger, profile=profile)
    failed = 0
    records: list[dict[str, Any]] = []
    bar = (
        click.progressbar(length=len(files), label="analysing", file=sys.stderr)
        if show_bar
        else None
    )
    seen_paths: set[str] = set()

    def tick(article: Article) -> None:
        if bar is not None and article.path not in seen_paths:
            seen_paths.add(article.path)
            bar.update(1)

    stdin = sys.stdin.buffer if "-" in targets else None
    try:
        for item in analyze_paths(targets, analyzer, stdin=stdin, on_article=tick):
            if isinstance(item, Failure):
                failed += 1
                if bar is not None:
                    click.echo("", err=True)
                fail(f"{item.path}: {item.reason}")
                continue
            _emit(item, fmt, output, records)
    finally:
        if bar is not None:
            bar.render_finish()
    if fmt == "json":
        doc: Any = records[0] if len(records) == 1 else records
        output.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    if failed:
        raise SystemExit(InputError.exit_code)


def _emit(record: AnalyzedArticle, fmt: str, output: TextIO, records: list[dict[str, Any]]) -> None:
    if fmt == "json":
        records.append(record.to_json())
    elif fmt == "jsonl":
        output.write(json.dumps(record.to_json(), ensure_ascii=False) + "\n")
        output.flush()
    else:
        from newstrace.render import article_text

        output.write(article_text(record) + "\n")
        output.flush()


def info() -> dict[str, Any]:
    """Versions and the pipeline the analysis would use, as plain data."""
    import spacy

    from newstrace.analysis.beside import spare_core
    from newstrace.analysis.tagger import load_tagger
    from newstrace.analysis.tagger.onnx_tagger import DEFAULT_ONNX_PATH, encoder_threads

    name = settings.SPACY_MODEL.value()
    try:
        profile = settings.profile()
    except NewstraceError as exc:  # a bad NEWSTRACE_PROFILE: info must still answer, and say so
        profile = f"invalid ({exc.message})"
    tagger_path: str | None
    encoder: str | None = None
    analysis: str | None = None
    if profile == "fast":
        try:
            tagger = load_tagger()
        except NewstraceError:  # a corrupt model file: info must still answer, and say so
            tagger = None
        tagger_path = str(tagger.path) if tagger is not None else None
    else:
        # Not loaded here: opening the ONNX session is slow, and only its presence matters.
        tagger_path = str(DEFAULT_ONNX_PATH) if DEFAULT_ONNX_PATH.is_file() else None
        beside, threads = encoder_threads()
        where = "beside the parse" if beside else "in line with the parse"
        encoder = f"{where}, {threads or 'one per core'} onnxruntime thread(s)"
    # The same test the Analyzer makes (Analyzer.beside), for either profile.
    if tagger_path is not None:
        beside_parse = spare_core()
        analysis = (
            "beside the parse, 1 worker process" if beside_parse else "in line with the parse"
        )
    return {
        "newstrace": __version__,
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "spacy_model": name,
        # None for a pipeline given by path: only installed packages have a version.
        "spacy_model_version": spacy.util.get_package_version(name),
        "spacy_model_installed": spacy.util.is_package(name),
        "profile": profile,
        "tagger": tagger_path,
        # The transformer's encoder: on its own core beside spaCy, or in line (one core).
        "encoder": encoder,
        # The tagger's decoding and the rules: in a worker process beside spaCy, or in line.
        "analysis": analysis,
        "settings": {s.name: s.value() for s in settings.ALL},
    }


@click.command("info")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def info_cmd(fmt: str) -> None:
    """Versions, the spaCy pipeline in use and the effective settings."""
    data = info()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    for key, value in data.items():
        if isinstance(value, dict):
            for sub, subvalue in value.items():
                click.echo(f"{key}.{sub}: {subvalue}")
        else:
            click.echo(f"{key}: {value}")
