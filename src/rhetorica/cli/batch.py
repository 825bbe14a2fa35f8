"""``rhetorica batch``: analyse a corpus (JSONL or a folder) into one Parquet/JSONL row per post.

Exit codes: 0 all records analysed; 1 finished but some records were skipped (see
OUT.errors.jsonl); 2 usage (output exists, checkpoint mismatch, bad flags); 3 unreadable
input (or a bad record with ``--on-error fail``); 4 store error; 130 interrupted (continue
with ``--resume``).
"""

from __future__ import annotations

import os
import sys

import typer

from rhetorica.cli.common import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_STORE,
    EXIT_USAGE,
    cli_settings,
    err,
    fail,
    out,
    print_json,
    safe,
    say,
)

_EXECUTORS = {"inline": "in-process worker", "processes": "local worker processes",
              "dask": "Dask worker thread(s)"}


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)


def batch(
    input: str = typer.Argument(..., help="A .jsonl/.json/.txt file, or a folder of them."),
    output: str = typer.Option(..., "--out", "-o",
                               help="OUT.parquet or OUT.jsonl: one row per post."),
    workers: str = typer.Option("1", "--workers", "-j",
                                help="Local worker processes (a number or 'auto' = all cores)."),
    dask: str | None = typer.Option(None, "--dask",
                                    help="Run on Dask: tcp://scheduler:8786, or local:N for a "
                                    "local cluster of N worker processes."),
    chunk_size: int = typer.Option(256, "--chunk-size", help="Posts per work unit (and per "
                                   "Parquet row group)."),
    prefetch: int = typer.Option(0, "--prefetch", help="Chunks in flight (default 2 x "
                                 "workers); bounds memory."),
    ordered: bool = typer.Option(True, "--ordered/--unordered",
                                 help="JSONL rows in input order, or as finished (Parquet is "
                                 "always in input order)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace an existing output."),
    store: bool = typer.Option(False, "--store/--no-store",
                               help="Also save every analysis in the store (--db)."),
    db: str | None = typer.Option(None, "--db", help="Store path or postgresql:// URL "
                                  "(implies --store)."),
    full: bool = typer.Option(False, "--full", help="Add a document_json column with every "
                              "span and result."),
    pipeline: str | None = typer.Option(None, "--pipeline",
                                        help="Comma-separated component names (default: all)."),
    on_error: str = typer.Option("skip", "--on-error",
                                 help="skip: log bad records to OUT.errors.jsonl; fail: stop."),
    progress: bool | None = typer.Option(None, "--progress/--no-progress",
                                         help="Progress bar (default: when stderr is a "
                                         "terminal)."),
    as_json: bool = typer.Option(False, "--json", help="Print the run summary as JSON."),
) -> None:
    """Analyse millions of posts with bounded memory, in parallel, resumably."""
    from rhetorica import __version__
    from rhetorica.batch.runner import BatchConfig, BatchError, run_batch
    from rhetorica.ingest.errors import InputError
    from rhetorica.store import StoreError

    if on_error not in ("skip", "fail"):
        fail("--on-error must be 'skip' or 'fail'", EXIT_USAGE)
    try:
        n_workers = (os.cpu_count() or 1) if workers == "auto" else int(workers)
    except ValueError:
        fail(f"--workers must be a number or 'auto', not {workers!r}", EXIT_USAGE)
    if n_workers < 1 or chunk_size < 1 or prefetch < 0:
        fail("--workers and --chunk-size must be at least 1, --prefetch at least 0", EXIT_USAGE)
    if dask and not (dask.startswith(("tcp://", "tls://")) or dask.startswith("local")):
        fail("--dask must be tcp://host:port, tls://host:port or local:N", EXIT_USAGE)
    settings = cli_settings(db, pipeline)
    store_url = settings.db if (store or db) else None
    if store_url and not store_url.startswith(("postgresql://", "postgres://")):
        store_url = os.path.abspath(store_url.removeprefix("sqlite:///"))  # workers' cwd

    cfg = BatchConfig(input=input, output=output, settings=settings, workers=n_workers,
                      chunk_size=chunk_size, prefetch=prefetch, ordered=ordered, resume=resume,
                      overwrite=overwrite, store_url=store_url, full=full, dask=dask,
                      fail_on_error=on_error == "fail", version=__version__)
    try:
        cfg.out_format  # noqa: B018 - validates the suffix before any work starts
    except BatchError as exc:
        fail(str(exc), EXIT_USAGE)

    show = sys.stderr.isatty() if progress is None else progress
    bar = None
    if show:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        from rhetorica.batch.reader import list_inputs, total_bytes

        try:
            total = total_bytes(list_inputs(input))
        except InputError as exc:
            fail(str(exc), EXIT_INPUT)
        bar = Progress(TextColumn("[bold]batch"), BarColumn(), DownloadColumn(),
                       TextColumn("{task.fields[docs]:,} posts, {task.fields[rate]:,.0f}/s"),
                       TimeRemainingColumn(), console=err, transient=False)
        task = bar.add_task("batch", total=total, docs=0, rate=0.0)
        bar.start()

    def on_progress(summary, bytes_read: int) -> None:
        if bar is not None:
            bar.update(task, completed=bytes_read, docs=summary.documents,
                       rate=summary.docs_per_s)

    try:
        summary = run_batch(cfg, on_progress)
    except InputError as exc:
        fail(str(exc), EXIT_INPUT)
    except BatchError as exc:
        fail(str(exc), EXIT_USAGE)
    except StoreError as exc:
        fail(f"{exc} (finished chunks are kept; continue with --resume)", EXIT_STORE)
    except KeyboardInterrupt:
        say(f"interrupted; finished chunks of {output} are kept: run the same command "
            "with --resume to continue")
        raise SystemExit(130) from None
    finally:
        if bar is not None:
            bar.stop()

    if as_json:
        print_json(summary.to_dict())
    else:
        out.print(f"wrote {safe(summary.output)}: {summary.documents:,} posts in "
                  f"{summary.seconds:.1f} s ({summary.docs_per_s:,.1f} posts/s on "
                  f"{summary.workers} {_EXECUTORS.get(summary.executor, 'worker(s)')}, driver "
                  f"peak RSS {summary.peak_rss_mib:,.0f} MiB)", highlight=False)
        if summary.stored:
            out.print(f"stored {summary.stored:,} new statement(s) in {safe(store_url)}",
                      highlight=False)
        if summary.errors:
            say(f"skipped {summary.errors:,} bad record(s); see {summary.errors_file}")
    if summary.errors:
        raise typer.Exit(EXIT_FINDINGS)
