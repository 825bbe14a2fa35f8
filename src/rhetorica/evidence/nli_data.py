"""Loading natural-language-inference and claim-verification pairs for the stance model.

Every set is read from ``../shared/data`` (never copied into the repository) into one shape,
:class:`NLIPair`: *premise* (the evidence passage), *hypothesis* (the claim), and a label in
``entailment / neutral / contradiction``, or ``not_entailment`` where the set is two-way
(RTE-style sets merge neutral and contradiction; the trainer scores those through the
entailment probability alone instead of guessing which of the two was meant).

:func:`load_jsonl_pairs` reads the *official* JSONL releases of SNLI, MultiNLI, ANLI and FEVER-
style claim/evidence files, so anyone with the full data can train on it with the same command
(``rhetorica train stance --extra snli_1.0_train.jsonl``); it is tested on the small sets here.

Which sets may train a model we redistribute is decided in :data:`TRAIN_SETS` from
``nli/README.md``; evaluation-only sets (ANLI, NaN-NLI, AVeriTeC) are only ever loaded by
``rhetorica eval stance``.
"""

from __future__ import annotations

import csv
import gzip
import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

LABELS3 = ("entailment", "neutral", "contradiction")
_LABEL_ALIASES = {
    "entailment": "entailment", "e": "entailment", "supports": "entailment",
    "supported": "entailment", "support": "entailment", "entails": "entailment",
    "neutral": "neutral", "n": "neutral", "not_enough_info": "neutral",
    "not enough info": "neutral", "nei": "neutral", "unrelated": "neutral",
    "contradiction": "contradiction", "c": "contradiction", "refutes": "contradiction",
    "refuted": "contradiction", "refute": "contradiction", "contradicts": "contradiction",
    "not_entailment": "not_entailment", "non-entailment": "not_entailment",
}


@dataclass(frozen=True, slots=True)
class NLIPair:
    premise: str
    hypothesis: str
    label: str  # one of LABELS3, or "not_entailment" for two-way sets
    source: str


def normalise_label(raw: object) -> str | None:
    """Map a set's label spelling to ours; ``None`` for no-consensus rows ("-")."""
    return _LABEL_ALIASES.get(str(raw).strip().lower())


_DETOK = [
    (re.compile(r" ([.,!?;:%)\]}])"), r"\1"), (re.compile(r"([(\[{$]) "), r"\1"),
    (re.compile(r" (n't|'s|'re|'ve|'ll|'m|'d)\b", re.I), r"\1"),
    (re.compile(r"`` ?| ?''"), '"'), (re.compile(r"-LRB-"), "("), (re.compile(r"-RRB-"), ")"),
    (re.compile(r"-LSB-"), "["), (re.compile(r"-RSB-"), "]"), (re.compile(r"\s+"), " "),
]


def detokenise(text: str) -> str:
    """Undo Penn-Treebank tokenisation ("packages ." -> "packages.") so text looks like news."""
    for pat, rep in _DETOK:
        text = pat.sub(rep, text)
    return text.strip()


def _pair(premise: str, hypothesis: str, raw_label: object, source: str) -> NLIPair | None:
    label = normalise_label(raw_label)
    premise, hypothesis = (premise or "").strip(), (hypothesis or "").strip()
    if label is None or not premise or not hypothesis:
        return None
    return NLIPair(premise, hypothesis, label, source)


def _tsv(path: Path, encoding: str = "utf-8-sig") -> Iterator[dict[str, str]]:
    # errors="replace": the Hossain files are mostly cp1252 with a few stray bytes.
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        yield from csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


# -- official JSONL releases (SNLI / MNLI / ANLI / FEVER-style) -------------------------------
def load_jsonl_pairs(path: Path, source: str | None = None) -> list[NLIPair]:
    """Pairs from an official JSONL file, whichever of the usual field spellings it uses.

    SNLI / MultiNLI: ``sentence1``, ``sentence2``, ``gold_label``; ANLI: ``context`` or
    ``premise``, ``hypothesis``, ``label`` (e/n/c); FEVER-style: ``evidence`` (a string),
    ``claim``, ``label`` (SUPPORTS / REFUTES / NOT ENOUGH INFO). A ``.gz`` file is read
    compressed. A row's own ``source`` wins over ``source`` (files written by
    :func:`save_jsonl_pairs` keep where each pair came from). Rows without a consensus label
    are skipped; a line that is not JSON raises ``ValueError`` naming file and line.
    """
    path = Path(path)
    source = source or path.name.split(".")[0]
    out: list[NLIPair] = []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from None
            premise = r.get("sentence1") or r.get("premise") or r.get("context") \
                or r.get("evidence") or r.get("evidence_sentence") or ""
            hypothesis = r.get("sentence2") or r.get("hypothesis") or r.get("claim") or ""
            label = r.get("gold_label", r.get("label"))
            if isinstance(premise, list):  # FEVER keeps evidence as a list of sentences
                premise = " ".join(str(p) for p in premise)
            p = _pair(str(premise), str(hypothesis), label, str(r.get("source") or source))
            if p:
                out.append(p)
    return out


def save_jsonl_pairs(pairs: Iterable[NLIPair], path: Path) -> Path:
    """Write pairs as JSONL (gzip-compressed when ``path`` ends in ``.gz``), readable by
    :func:`load_jsonl_pairs`: a training set built where the data and spaCy are can then be
    trained on elsewhere (a lent GPU machine) without either."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as fh:
        for p in pairs:
            fh.write(json.dumps({"premise": p.premise, "hypothesis": p.hypothesis,
                                 "label": p.label, "source": p.source},
                                ensure_ascii=False) + "\n")
    return path


# -- the sets in ../shared/data/nli ----------------------------------------------------------
def load_snli_esnli(nli: Path, split: str) -> list[NLIPair]:
    base = nli / "snli_esnli" / "dataset" / "eSNLI"
    s1 = (base / f"s1.{split}").read_text(encoding="utf-8").splitlines()
    s2 = (base / f"s2.{split}").read_text(encoding="utf-8").splitlines()
    lab = (base / f"labels.{split}").read_text(encoding="utf-8").splitlines()
    return [p for a, b, c in zip(s1, s2, lab, strict=True)
            if (p := _pair(detokenise(a), detokenise(b), c, f"snli-{split}"))]


def load_snli_cad(nli: Path) -> list[NLIPair]:
    out = []
    for sub in ("original", "revised_combined"):
        for r in _tsv(nli / "snli_cad" / "NLI" / sub / "train.tsv"):
            if p := _pair(r["sentence1"], r["sentence2"], r["gold_label"], "snli-cad"):
                out.append(p)
    return out


def load_breaking_nli(nli: Path) -> list[tuple[NLIPair, str]]:
    """(pair, category): the category (cardinals, ordinals, antonyms...) picks the numeric items."""
    out = []
    with (nli / "breaking_nli" / "data" / "dataset.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if p := _pair(r["sentence1"], r["sentence2"], r["gold_label"], "breaking-nli"):
                out.append((p, r.get("category", "")))
    return out


def load_conjnli(nli: Path, split: str = "train") -> list[NLIPair]:
    name = "adversarial_train_15k.tsv" if split == "train" else "conj_dev.tsv"
    return [p for r in _tsv(nli / "conjnli" / "data" / "NLI" / name)
            if (p := _pair(r["Premise"], r["Hypothesis"], r["Label"], "conjnli"))]


def load_taxinli(nli: Path) -> list[NLIPair]:
    return [p for r in _tsv(nli / "taxinli_mnli" / "taxinli10k.tsv")
            if (p := _pair(r["prem"], r["hyp"], r["label"], "taxinli-mnli"))]


def load_rte_fever(nli: Path) -> list[NLIPair]:
    base = nli / "covidfact" / "RTE-Fever" / "processed"
    ev = (base / "dev.raw.input0").read_text(encoding="utf-8").splitlines()
    cl = (base / "dev.raw.input1").read_text(encoding="utf-8").splitlines()
    lab = (base / "dev.label").read_text(encoding="utf-8").splitlines()
    return [p for a, b, c in zip(ev, cl, lab, strict=True)
            if (p := _pair(detokenise(a), b, c, "fever-rte"))]


def load_rte_scifact(nli: Path) -> list[NLIPair]:
    return [p for r in _tsv(nli / "covidfact" / "RTE-scifact" / "train.tsv")
            if (p := _pair(r["sentence1"], r["sentence2"], r["entailment"], "scifact-rte"))]


def load_med(nli: Path) -> list[NLIPair]:
    return [p for r in _tsv(nli / "med" / "MED.tsv")
            if (p := _pair(r["sentence1"], r["sentence2"], r["gold_label"], "med"))]


def load_lingnli(nli: Path, split: str = "train") -> list[NLIPair]:
    """LingNLI (Parrish et al., 2021), MultiNLI-style pairs; no licence stated, so training
    only with that caveat in the model card."""
    out = []
    for path in sorted((nli / "lingnli" / "NLI_data").glob(f"*/{split}_round*.jsonl")):
        out.extend(load_jsonl_pairs(path, "lingnli"))
    return out


def load_healthver(nli: Path, split: str) -> list[NLIPair]:
    """HealthVer (Sarrouti et al., 2021) evidence/claim pairs; no licence stated (caveat)."""
    with (nli / "healthver" / "data" / f"healthver_{split}.csv").open(
            encoding="utf-8", newline="") as fh:
        return [p for r in csv.DictReader(fh)
                if (p := _pair(r["evidence"], r["claim"], r["label"], "healthver"))]


def load_hossain(nli: Path, part: str) -> list[NLIPair]:
    """Hossain et al. (2020) negation benchmark, SNLI or MNLI part (cp1252-encoded TSV)."""
    name = {"SNLI": "SNLI/dev.tsv", "MNLI": "MNLI/dev_matched.tsv"}[part]
    path = nli / "negation_nli_hossain2020" / "data" / "new_benchmarks" / "processed_for_run"
    return [p for r in _tsv(path / name, encoding="cp1252")
            if (p := _pair(r["sentence1"], r["sentence2"], r["gold_label"], f"hossain-{part}"))]


def load_nan_nli(nli: Path) -> list[NLIPair]:
    with (nli / "nan_nli" / "data" / "nan.csv").open(encoding="utf-8", newline="") as fh:
        return [p for r in csv.DictReader(fh)
                if (p := _pair(r["premise"], r["hypothesis"], r["label"], "nan-nli"))]


def load_anli_dev(nli: Path, round_: int = 1) -> list[NLIPair]:
    """ANLI dev (CC BY-NC: evaluation only)."""
    path = nli / "anli" / "anlizinganli" / "anli_annot_v0.2" / f"ANLI_analysis_r{round_}_dev.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return [p for r in csv.DictReader(fh)
                if (p := _pair(r["context"], r["statement"], r["gold_label"], f"anli-r{round_}"))]


def climate_fever_pairs(items: Iterable[object]) -> list[NLIPair]:
    """(evidence sentence, claim) pairs of CLIMATE-FEVER claim items (``datasets.ClaimItem``)."""
    to_nli = {"supports": "entailment", "refutes": "contradiction", "unrelated": "neutral"}
    return [NLIPair(sent, it.claim, to_nli[stance], "climate-fever")  # type: ignore[attr-defined]
            for it in items for _, sent, stance in it.evidence]  # type: ignore[attr-defined]


# -- splits ------------------------------------------------------------------------------------
def pair_key(p: NLIPair) -> tuple[str, str]:
    norm = re.compile(r"\W+")
    return norm.sub(" ", p.premise.lower()).strip(), norm.sub(" ", p.hypothesis.lower()).strip()


def seeded_split(pairs: list[NLIPair], frac: float, seed: int) -> tuple[list[NLIPair],
                                                                        list[NLIPair]]:
    """Split by *premise*, so no held-out hypothesis shares its premise with a training pair."""
    premises = sorted({p.premise for p in pairs})
    random.Random(seed).shuffle(premises)
    held = set(premises[:round(frac * len(premises))])
    return [p for p in pairs if p.premise not in held], [p for p in pairs if p.premise in held]


def is_numeric_category(category: str) -> bool:
    return category.lower() in {"cardinals", "ordinals", "numbers"}


@dataclass
class StanceData:
    """Training pairs (redistributable sets, plus CLIMATE-FEVER with its caveat) and the
    held-out evaluation sets, all built deterministically from one seed."""

    train: list[NLIPair]
    held_out: dict[str, list[NLIPair]]


def build_stance_data(data_dir: Path, seed: int = 0,
                      climate_fever_train: Iterable[object] = (),
                      climate_fever_test: Iterable[object] = (),
                      extra: Iterable[Path] = (), caveat_sets: bool = True) -> StanceData:
    """Everything ``rhetorica train stance`` trains on and ``eval stance`` scores on.

    Held out (never trained on): 2,000 SNLI test pairs (split by premise), half of the
    Hossain negation pairs and of Breaking NLI's numeric items (by premise), CLIMATE-FEVER test
    claims, HealthVer test; the evaluation-only sets (ANLI, NaN-NLI) are added by the
    evaluator itself.
    Pairs that appear in a held-out set are removed from training (Hossain and TaxiNLI rows
    overlap SNLI/MNLI). ``caveat_sets``: also train on LingNLI and HealthVer dev, which state
    no licence (CLIMATE-FEVER, likewise without one, is passed in by the caller).
    """
    nli = Path(data_dir) / "nli"
    snli_test_train, snli_held = seeded_split(load_snli_esnli(nli, "test"), 0.2, seed)
    hossain = load_hossain(nli, "SNLI") + load_hossain(nli, "MNLI")
    hossain_train, hossain_held = seeded_split(hossain, 0.5, seed)
    breaking = load_breaking_nli(nli)
    numeric = [p for p, c in breaking if is_numeric_category(c)]
    numeric_train, numeric_held = seeded_split(numeric, 0.5, seed)
    other_breaking = [p for p, c in breaking if not is_numeric_category(c)]
    random.Random(seed).shuffle(other_breaking)

    held_out = {"snli-test-held": snli_held, "hossain-negation-held": hossain_held,
                "breaking-nli-numeric-held": numeric_held,
                "climate-fever-test": climate_fever_pairs(climate_fever_test)}
    if (nli / "healthver").is_dir():
        held_out["healthver-test"] = load_healthver(nli, "test")
    cf_train = climate_fever_pairs(climate_fever_train)
    train = [*load_snli_esnli(nli, "dev"), *snli_test_train, *load_snli_cad(nli),
             *load_conjnli(nli), *load_taxinli(nli), *load_rte_fever(nli),
             *load_rte_scifact(nli), *load_med(nli), *hossain_train, *numeric_train,
             *other_breaking[:3000], *cf_train, *cf_train]  # CLIMATE-FEVER seen twice
    # No licence stated: trained on with that caveat in the model card (nli/README.md);
    # ``caveat_sets=False`` leaves them out.
    if caveat_sets and (nli / "lingnli").is_dir():
        train.extend(load_lingnli(nli))
    if caveat_sets and (nli / "healthver").is_dir():
        train.extend(load_healthver(nli, "dev"))
    for path in extra:
        train.extend(load_jsonl_pairs(Path(path)))
    blocked = {pair_key(p) for pairs in held_out.values() for p in pairs}
    train = [p for p in train if pair_key(p) not in blocked]
    return StanceData(train, held_out)
