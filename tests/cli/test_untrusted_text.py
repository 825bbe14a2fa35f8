"""Untrusted text reaches the terminal as text (issue 14, finding 3).

Speakers, titles, feed names, file names and error messages come from documents and users;
rich would read ``[/bold]`` in them as markup (a crash: MarkupError), ``[link=...]`` as a
real terminal hyperlink, and an ESC byte would reach the terminal as a control sequence.
Every such string goes through ``rhetorica.cli.common.safe`` before rich sees it.
"""

from __future__ import annotations

import sys

import pytest

from rhetorica.document import Document, DocumentMeta
from rhetorica.store import open_store

LINK = "[link=https://example.invalid]Click me[/link]"
HOSTILE_SPEAKERS = ["Evil [/bold] S", LINK, "[bold red]Loud[/] Mayor", "Trailing\\",
                    "Esc\x1b]8;;https://example.invalid\x1b\\Hidden", "Bell\x07\x1b[31mRed",
                    ":warning: Mayor"]


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """The real entry point (with its last line of defence), in this process."""
    from rhetorica.cli import common
    from rhetorica.cli.main import main

    monkeypatch.setattr(sys, "argv", ["rhetorica", *args])
    monkeypatch.setattr(common.out, "width", 250)  # wide tables: nothing folded away
    monkeypatch.setattr(common.err, "width", 250)
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_inert(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text, repr(text)
    assert "internal error" not in text and "Traceback" not in text, text


def test_safe_shows_markup_and_control_characters_as_text():
    from rich.text import Text

    from rhetorica.cli.common import safe

    for raw in ["Evil [/bold] S", LINK, "[bold]x[/]", "\\[b]", "[/]", "[@click]x"]:
        text = Text.from_markup(safe(raw))
        assert text.plain == raw and not text.spans, raw  # no style, no hyperlink
        assert Text.from_markup(f"[bold]{safe(raw)}[/]").plain == raw
    # rich doubles a trailing backslash so that it cannot escape a tag that follows
    assert Text.from_markup(f"[bold]{safe('a[/x]b' + chr(92))}[/]").plain == "a[/x]b" + chr(92)
    assert safe("Esc\x1b]8;;u\x1b\\x\x07\x9b\u202e") == "Esc\\x1b]8;;u\\x1b\\x\\x07\\x9b\\u202e"
    assert safe("two\nlines\tand tab") == "two\nlines\tand tab"
    assert safe("two\nlines", oneline=True) == "two\\nlines"
    assert safe(None) == "" and safe(42) == "42"


@pytest.fixture
def hostile_db(tmp_path):
    db = str(tmp_path / "hostile.db")
    with open_store(db) as st:
        for n, speaker in enumerate(HOSTILE_SPEAKERS):
            st.save(Document(f"Statement {n} [/i] about the [link=https://example.invalid]"
                             f"harbour[/link] budget \x1b[2J.",
                             DocumentMeta(speaker=speaker, date=f"2025-01-0{n + 1}",
                                          title="[/title]")))
    return db


def test_db_list_search_and_speakers_show_hostile_text_as_text(monkeypatch, capsys, hostile_db):
    for args in (["db", "list"], ["db", "speakers"], ["db", "search", "harbour"]):
        code, out, err = run_cli(monkeypatch, capsys, *args, "--db", hostile_db)
        assert code == 0, (args, out, err)
        assert_inert(out + err)
        assert "Evil [/bold] S" in out and LINK in out and "[bold red]Loud[/] Mayor" in out
        assert "Esc\\x1b]8;;https://example.invalid\\x1b\\Hidden" in out
        assert ":warning: Mayor" in out  # no emoji substitution either


def test_db_speakers_after_the_statement_is_deleted(monkeypatch, capsys, hostile_db):
    """The speakers row outlives the statement: `db speakers` kept crashing."""
    for ref in range(1, len(HOSTILE_SPEAKERS) + 1):
        code, out, err = run_cli(monkeypatch, capsys, "db", "delete", str(ref),
                                 "--db", hostile_db)
        assert code == 0, err
    code, out, err = run_cli(monkeypatch, capsys, "db", "speakers", "--db", hostile_db)
    assert code == 0 and "Evil [/bold] S" in out, (out, err)
    assert_inert(out + err)


def test_corpus_list_and_stats_show_a_hostile_feed_title_as_text(monkeypatch, capsys, tmp_path):
    from rhetorica.ingest.corpus import CorpusDocument
    from rhetorica.store.corpus import open_corpus_store

    db = str(tmp_path / "corpus.db")
    store = open_corpus_store(db)
    with store:
        store.add_documents([CorpusDocument(
            "The harbour authority said cargo volumes rose in 2024.", "feed.example#1",
            title="Item [/b] \x1b[31m" + LINK, source="Feed [/i]", published="2025-02-01")],
            None, "none")
    for args in (["corpus", "list"], ["corpus", "stats"]):
        code, out, err = run_cli(monkeypatch, capsys, *args, "--db", db)
        assert code == 0, (args, out, err)
        assert "Feed [/i]" in out
        assert_inert(out + err)
    code, out, _err = run_cli(monkeypatch, capsys, "corpus", "list", "--db", db)
    assert LINK in out
    code, out, err = run_cli(monkeypatch, capsys, "corpus", "list", "--source", "Nope [/x]",
                             "--db", db)
    assert code == 1 and "Nope [/x]" in out, err  # nothing matches: exit 1


def test_a_missing_file_named_like_markup_is_a_plain_error(monkeypatch, capsys, tmp_path):
    """`rhetorica analyze 'files/[/x].txt'` crashed inside the error handler itself."""
    missing = str(tmp_path / "files" / "[/x].txt")
    code, out, err = run_cli(monkeypatch, capsys, "analyze", missing, "--no-store")
    assert code == 3, err
    assert missing in err and "no such file" in err
    assert_inert(out + err)
    code, _out, err = run_cli(monkeypatch, capsys, "db", "show", "[/x]\x1b[2J",
                              "--db", str(tmp_path / "s.db"))
    assert code == 1 and "[/x]\\x1b[2J" in err
    assert_inert(err)


def test_an_unexpected_error_with_markup_in_its_message_is_still_one_line(monkeypatch, capsys,
                                                                       tmp_path):
    from rhetorica.cli import db as db_cli

    def boom(_db):
        raise RuntimeError("bad [/x] value \x1b[2J")

    monkeypatch.setattr(db_cli, "_open", boom)
    code, _out, err = run_cli(monkeypatch, capsys, "db", "list", "--db", str(tmp_path / "s.db"))
    assert code == 5
    assert err.startswith("internal error: RuntimeError: bad [/x] value \\x1b[2J")
    assert "\x1b" not in err and "Traceback" not in err


def test_reports_on_a_terminal_show_control_characters(monkeypatch, capsys, hostile_db):
    """`db show` prints a stored statement: to a terminal its escape sequences are shown,
    not obeyed; to a pipe the report is exact; JSON never carries a raw C1 control."""
    import io
    import json

    code, out, _err = run_cli(monkeypatch, capsys, "db", "show", "1", "-f", "markdown",
                              "--db", hostile_db)
    assert code == 0 and "\x1b\\[2J" in out  # piped: as written (Markdown escapes "[")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", screen)
        code, _out, _err = run_cli(monkeypatch, capsys, "db", "show", "1", "-f", "markdown",
                                   "--db", hostile_db)
    assert code == 0 and "\\x1b\\[2J" in screen.getvalue() and "\x1b" not in screen.getvalue()
    with open_store(hostile_db) as st:
        st.save(Document("C1 control \x9b31m and an override \u202e here.",
                         DocumentMeta(speaker="\x9b")))
    code, out, _err = run_cli(monkeypatch, capsys, "db", "show", str(len(HOSTILE_SPEAKERS) + 1),
                              "-f", "json", "--db", hostile_db)
    assert code == 0 and "\x9b" not in out and "\u202e" not in out and "\\u009b" in out
    assert json.loads(out)["meta"]["speaker"] == "\x9b"
