"""The local web app and JSON HTTP API (``rhetorica serve``).

Built on the same spine as the CLI: one :class:`~rhetorica.pipeline.Pipeline` per process,
the store from :func:`~rhetorica.store.open_store`, the registered report writers and
sections. Safe by default: loopback only unless a token is configured, strict CSP, every
piece of untrusted text escaped, request bodies capped, no outbound requests.
"""
