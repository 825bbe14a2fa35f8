"""Where every built-in component, backend and format is registered, by import path.

One line per plug-in; the module is only imported when the name is first used.
"""

from __future__ import annotations

from rhetorica import registry

_COMPONENTS = {
    "parse": "rhetorica.nlp.parse:make_parser",
    "language": "rhetorica.nlp.language:make_language",
    "segment": "rhetorica.nlp.segment:make_segmenter",
    "entities": "rhetorica.nlp.entities:make_entities",
    "claims": "rhetorica.claims.checkworthiness:make_checkworthiness",
    "claims_heuristic": "rhetorica.claims.checkworthiness:make_checkworthiness_heuristic",
    "atomic_claims": "rhetorica.claims.atomic:make_atomic_claims",
    "rhetoric": "rhetorica.rhetoric.lexicon:make_rhetoric_lexicon",
    "rhetoric_model": "rhetorica.rhetoric.model:make_rhetoric_model",
    "tone": "rhetorica.rhetoric.tone:make_tone",
    "verify": "rhetorica.evidence.verify:make_verify",
    "actors": "rhetorica.actors.component:make_actors",
    "quotes": "rhetorica.voices.component:make_quotes",
    "voices": "rhetorica.voices.component:make_voices",
    "context": "rhetorica.context.component:make_context",
}

# The models a component will use, by component name (see registry.warmers).
_WARMERS = {
    "claims": "rhetorica.claims.ranker:warm",
    "rhetoric_model": "rhetorica.rhetoric.span_tagger:warm",
    "quotes": "rhetorica.voices.tagger:warm",
    "context": "rhetorica.context.precedents:warm",
}

_STORES = {
    "sqlite": "rhetorica.store.sqlite:SQLiteStore",
    "postgresql": "rhetorica.store.postgres:PostgresStore",
}

_FORMATS = {
    "json": "rhetorica.report.json_writer:write_json",
    "markdown": "rhetorica.report.markdown:write_markdown",
    "html": "rhetorica.report.html:write_html",
    "claimreview": "rhetorica.evidence.claimreview:write_claimreview",
}

_EMBEDDERS: dict[str, str] = {
    "wordllama": "rhetorica.evidence.embed:WordLlamaEmbedder",
    "minilm": "rhetorica.evidence.embed:MiniLMEmbedder",
}

# Report sections, in the order they appear (see rhetorica.report.sections).
_SECTIONS = {
    "claims": "rhetorica.report.sections:CLAIMS",
    "atomic_claims": "rhetorica.claims.report:ATOMIC_CLAIMS",
    "rhetoric": "rhetorica.report.sections:RHETORIC",
    "voices": "rhetorica.voices.report:VOICES",
    "entities": "rhetorica.report.sections:ENTITIES",
    "evidence": "rhetorica.evidence.report:EVIDENCE",
    "actors": "rhetorica.actors.report:ACTORS",
    "context": "rhetorica.context.report:CONTEXT",
    "indicators": "rhetorica.monitor.report:INDICATORS",
}


def register_builtins() -> None:
    for table, reg in (
        (_COMPONENTS, registry.components),
        (_STORES, registry.stores),
        (_FORMATS, registry.formats),
        (_EMBEDDERS, registry.embedders),
        (_SECTIONS, registry.sections),
        (_WARMERS, registry.warmers),
    ):
        for name, path in table.items():
            reg.register_lazy(name, path)
