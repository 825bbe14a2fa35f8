"""PostgreSQL-only behaviour: clear connection errors, secrets kept out of messages, indexes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from rhetorica.store import StoreError, open_store
from rhetorica.store.postgres import PostgresStore, redact

pytest.importorskip("psycopg")


def test_redact_hides_the_password_only():
    assert redact("postgresql://u:s3cret@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"


def test_unreachable_server_is_a_one_line_store_error():
    with pytest.raises(StoreError) as info:
        open_store("postgresql://u:s3cret@127.0.0.1:1/nowhere")
    msg = str(info.value)
    assert "cannot connect" in msg and "s3cret" not in msg and "\n" not in msg


def test_url_selects_postgres_and_migrations_are_recorded_once(pg_url):
    with open_store(pg_url) as st:
        assert isinstance(st, PostgresStore)
        v = st.schema_version()
    with open_store(pg_url) as st:  # reopen: nothing re-applied
        rows = st.query("SELECT version, count(*) AS n FROM schema_migrations GROUP BY version")
        assert all(r["n"] == 1 for r in rows) and st.schema_version() == v


def test_search_uses_the_gin_index(pg_url):
    with open_store(pg_url) as st:
        idx = st.query("SELECT indexdef FROM pg_indexes WHERE indexname = 'documents_tsv'")
        assert idx and "gin" in idx[0]["indexdef"].lower()


def test_nul_characters_are_a_clear_error(pg_url):
    from rhetorica.document import Document

    with open_store(pg_url) as st, pytest.raises(StoreError, match="NUL"):
        st.save(Document("bad \x00 text"))


def test_db_cli_works_against_postgres(pg_url):
    from rhetorica.cli.main import app
    from rhetorica.document import Document, DocumentMeta

    with open_store(pg_url) as st:
        st.save(Document("Bridges and roads for the city.", DocumentMeta(speaker="Mayor")))
    runner = CliRunner()
    res = runner.invoke(app, ["db", "info", "--db", pg_url, "--json"])
    assert res.exit_code == 0, res.output
    assert '"backend": "postgresql"' in res.output and '"documents": 1' in res.output
    res = runner.invoke(app, ["db", "search", "bridge", "--db", pg_url, "--json"])
    assert res.exit_code == 0 and "Bridges and roads" in res.output
    res = runner.invoke(app, ["db", "search", "volcano", "--db", pg_url, "--json"])
    assert res.exit_code == 1
