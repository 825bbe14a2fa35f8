"""Counterfactual training pairs: negation flipped, figures changed (for the stance model).

The public NLI sets teach a shortcut that breaks fact-checking: "not" in the claim means
contradiction, and a passage that shares the claim's words supports it whatever its figures.
Hossain et al. (2020) show the first, Breaking NLI the second. The remedy used here is
counterfactual augmentation (Kaushik et al., 2020): edit the *claim* of an existing pair so its
label changes for a known reason, and train on both.

- Negation flipped: if the passage entails H it contradicts not-H, and if it contradicts H it
  entails not-H; a neutral pair stays neutral. "The mayor is not in the city" becomes "The mayor
  is in the city" and the other way round, so "not" alone predicts nothing.
- A figure changed: if the passage entails a claim stating "36", the same claim stating "72"
  is contradicted (only for exact figures that the passage itself states; "more than 30" and
  "about 30" are left alone, since changing them need not make the claim false).

Edits use spaCy's parse (the claim's root verb and its auxiliaries). Every choice is seeded;
the pairs are generated from the training sets only, never from held-out or evaluation data.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from rhetorica.evidence.nli_data import NLIPair

_FLIP = {"entailment": "contradiction", "contradiction": "entailment", "neutral": "neutral"}
_DO = {"VBD": "did", "VBZ": "does", "VBP": "do"}
_BOUND = re.compile(r"\b(about|around|roughly|nearly|almost|over|under|more|fewer|less|"
                    r"least|most|up to|some|approximately|than)\s*$", re.I)
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?![\w.,]\d)")
_QUANTIFIERS = {"every", "all", "each", "no", "some", "none", "both", "many", "most", "few",
                "several", "any", "nobody", "everyone", "everybody", "someone", "somebody",
                "nothing", "everything", "something", "anyone", "anybody"}
_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"]


def negate(doc: object) -> str | None:
    """The sentence with its main clause negated, or un-negated; ``None`` when unsure.

    Works on a spaCy ``Doc``: a root already carrying "not"/"n't" loses it; a root with an
    auxiliary or a copula gets "not" after the first one; a bare present or past verb gets
    do-support ("walked" -> "did not walk").
    """
    toks = list(doc)  # type: ignore[call-overload]
    roots = [t for t in toks if t.dep_ == "ROOT"]
    if len(roots) != 1:
        return None
    root = roots[0]
    negs = [c for c in root.children if c.dep_ == "neg"]
    words = [t.text_with_ws for t in toks]
    subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(t.lower_ in _QUANTIFIERS for s in subj for t in s.subtree):
        return None  # "some X are not Y" is no negation of "some X are Y"
    if negs:
        n = negs[0]
        if n.lower_ not in ("not", "n't"):
            return None  # "never", "no": rewriting those needs more than deleting a word
        if n.lower_ == "n't":
            aux = toks[n.i - 1]
            fixed = {"ca": "can", "wo": "will", "sha": "shall"}.get(aux.lower_, aux.text)
            words[n.i - 1] = fixed + n.whitespace_
            words[n.i] = ""
        else:
            words[n.i] = ""
            words[n.i - 1] = toks[n.i - 1].text + (" " if toks[n.i - 1].whitespace_ else "")
        out = "".join(words)
        # "did walk" -> "walked" is beyond a rule; a stranded do-support stays grammatical
        return re.sub(r"\s+", " ", out).strip()
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    if auxes:
        a = auxes[0]
        if a.lower_ in ("to",):
            return None
        words[a.i] = a.text + " not" + a.whitespace_
        return "".join(words).strip()
    if root.lemma_ == "be" and root.tag_ in ("VBZ", "VBP", "VBD"):
        words[root.i] = root.text + " not" + root.whitespace_
        return "".join(words).strip()
    if root.pos_ == "VERB" and root.tag_ in _DO:
        if not subj or subj[0].i > root.i:
            return None
        words[root.i] = f"{_DO[root.tag_]} not {root.lemma_}{root.whitespace_}"
        return "".join(words).strip()
    return None


def change_figure(premise: str, hypothesis: str, rng: random.Random) -> str | None:
    """The hypothesis with one exact figure the premise also states replaced by another."""
    for m in _NUMBER.finditer(hypothesis):
        raw = m.group(1)
        value = int(raw.replace(",", ""))
        if value in range(1900, 2101) or _BOUND.search(hypothesis[:m.start()]):
            continue  # a year, or a bounded figure: changing it need not falsify the claim
        if not re.search(rf"(?<![\w.,]){re.escape(raw)}(?![\w]|[.,]\d)", premise):
            continue
        new = value + rng.choice([1, 2, 3, 5]) if value < 32 \
            else round(value * rng.choice([0.3, 0.5, 2.0, 3.0]))
        if new == value:
            continue
        text = f"{new:,}" if "," in raw else str(new)
        return hypothesis[:m.start()] + text + hypothesis[m.end():]
    for w in _WORDS:
        m = re.search(rf"\b{w}\b", hypothesis, re.I)
        if m and re.search(rf"\b{w}\b", premise, re.I) \
                and not _BOUND.search(hypothesis[:m.start()]):
            other = rng.choice([x for x in _WORDS if x != w.lower()])
            return hypothesis[:m.start()] + other + hypothesis[m.end():]
    return None


def augment(pairs: Sequence[NLIPair], nlp: object, seed: int = 0, negations: int = 12000,
            batch_size: int = 256) -> list[NLIPair]:
    """Counterfactual pairs for ``pairs``: up to ``negations`` negation flips (sampled with the
    seed, three-way labels only) and every figure change the rule allows (entailed pairs)."""
    rng = random.Random(seed)
    three = [p for p in pairs if p.label in _FLIP]
    sample = rng.sample(three, min(negations, len(three)))
    out: list[NLIPair] = []
    docs = nlp.pipe((p.hypothesis for p in sample), batch_size=batch_size)  # type: ignore[attr-defined]
    for p, doc in zip(sample, docs, strict=True):
        h = negate(doc)
        if h and h != p.hypothesis:
            out.append(NLIPair(p.premise, h, _FLIP[p.label], p.source + "+negated"))
    for p in pairs:
        if p.label == "entailment" and (h := change_figure(p.premise, p.hypothesis, rng)):
            out.append(NLIPair(p.premise, h, "contradiction", p.source + "+figure"))
    return out


# Sets whose premises are reports (encyclopaedia, science, news, MNLI's genres). SNLI and the
# sets built from it (SNLI-CAD, Breaking NLI, ConjNLI, MED) are left out: SNLI assumes a
# premise and its hypothesis describe the same photograph, so another caption is not
# "another report".
_REPORTS = ("fever", "scifact", "climate-fever", "healthver", "lingnli", "taxinli-mnli",
            "hossain-MNLI", "mnli", "anli")


def elsewhere_pairs(pairs: Sequence[NLIPair], n: int = 15000, seed: int = 0,
                    max_shared: float = 0.5, batch: int = 2048) -> list[NLIPair]:
    """Neutral pairs of a claim and *another* pair's passage on the same subject.

    SNLI-style data teach a model that a passage on the claim's subject which does not say
    what the claim says contradicts it (both describe one scene). For fact-checking that is
    wrong: a report on the guard's deployment that never mentions the mayor neither supports
    nor refutes "the mayor never asked for the guard". Each pair here joins a claim (a
    hypothesis of a set of reports, :data:`_REPORTS`) with the passage of a different pair
    that shares its vocabulary most (TF-IDF cosine), labelled neutral. A passage that
    carries more than ``max_shared`` of the claim's content words, or that any pair joins
    to this claim, is skipped: it may well address the claim. Seeded; built from training
    pairs only.
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from rhetorica.evidence.checks import content

    usable = [p for p in pairs if p.source.startswith(_REPORTS) and "+" not in p.source]
    premises = sorted({p.premise for p in usable})
    if not premises:
        return []
    joined: dict[str, set[str]] = {}
    for p in usable:
        joined.setdefault(p.hypothesis, set()).add(p.premise)
    claims = sorted(joined)
    rng = random.Random(seed)
    claims = rng.sample(claims, min(n, len(claims)))
    vec = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True,
                          dtype=np.float32).fit(premises)
    P = vec.transform(premises)
    source = {p.hypothesis: p.source for p in usable}
    out: list[NLIPair] = []
    for k in range(0, len(claims), batch):
        chunk = claims[k:k + batch]
        sims = (vec.transform(chunk) @ P.T).toarray()
        for h, row in zip(chunk, sims, strict=True):
            words = content(h)
            for j in np.argsort(-row)[:10]:
                if row[j] <= 0:
                    break
                prem = premises[j]
                if prem in joined[h]:
                    continue
                if words and len(words & content(prem)) > max_shared * len(words):
                    continue
                out.append(NLIPair(prem, h, "neutral", source[h] + "+elsewhere"))
                break
    return out
