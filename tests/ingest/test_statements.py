"""Bad input gets a clear one-line error naming the file and line; good input keeps metadata."""

from __future__ import annotations

import io

import pytest

from rhetorica.ingest.errors import InputError
from rhetorica.ingest.statements import read_statements


def write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("space.txt", b"  \n\t \n", "is empty"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
        ("latin.txt", "Caf\xe9 cr\xe8me".encode("latin-1"), "not valid utf-8 at byte 3 (line 1)"),
        ("bad.jsonl", b'{"text": "ok"}\n{"text": "broken"\n', "malformed JSON"),
        ("notext.jsonl", b'{"speaker": "A"}\n', "no text field"),
        ("list.jsonl", b"[1, 2]\n", "expected a JSON object"),
        ("empty.json", b"[]", "no posts"),
        ("deep.json", b'{"text": "x", "a": ' + b'{"b": ' * 40 + b"1" + b"}" * 41, "nested deeper"),
    ],
)
def test_bad_input_clear_error(tmp_path, name, data, message):
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as info:
        read_statements(path)
    assert message in str(info.value)
    assert str(info.value).startswith(path)
    assert "\n" not in str(info.value)


def test_malformed_jsonl_names_the_line(tmp_path):
    path = write(tmp_path, "posts.jsonl", b'{"text": "a"}\n\n{"text": "b"}\n{oops}\n')
    with pytest.raises(InputError) as info:
        read_statements(path)
    assert info.value.line == 4
    assert f"{path}:4:" in str(info.value)


def test_huge_file_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.seek(50 * 1024 * 1024)
        fh.write(b"x")
    with pytest.raises(InputError, match=r"above the 1\.0 MB limit"):
        read_statements(str(path))


def test_other_encoding_on_request(tmp_path):
    path = write(tmp_path, "latin.txt", "Café crème, said the mayor.".encode("latin-1"))
    (doc,) = read_statements(path, encoding="latin-1")
    assert doc.text == "Café crème, said the mayor."


def test_bom_and_crlf_normalised(tmp_path):
    path = write(tmp_path, "win.txt", b"\xef\xbb\xbfLine one.\r\nLine two.\r\n")
    (doc,) = read_statements(path)
    assert doc.text == "Line one.\nLine two.\n"


def test_stdin_and_meta_override():
    (doc,) = read_statements("-", stdin=io.BytesIO(b"From stdin."), meta={"speaker": "S"})
    assert doc.text == "From stdin."
    assert doc.meta.speaker == "S"
    assert doc.meta.origin == "<stdin>"


def test_json_fields_and_aliases(tmp_path):
    path = write(tmp_path, "posts.json",
                 b'[{"content": "A post.", "author": {"name": "Gov"}, "created_at": "2025-01-02",'
                 b' "link": "https://example.org/1", "id": 9}]')
    (doc,) = read_statements(path)
    assert (doc.text, doc.meta.speaker, doc.meta.date, doc.meta.url) == (
        "A post.", "Gov", "2025-01-02", "https://example.org/1")
    assert doc.meta.extra == {"id": "9"}


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_statements(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="is a folder"):
        read_statements(str(tmp_path))


def test_posts_file_may_exceed_one_statement_limit_but_not_a_post(tmp_path):
    line = b'{"text": "' + b"word " * 100 + b'"}\n'
    path = write(tmp_path, "many.jsonl", line * 50)
    assert len(read_statements(path, max_bytes=1000)) == 50
    big = write(tmp_path, "big.jsonl", line + b'{"text": "' + b"x" * 2000 + b'"}\n')
    with pytest.raises(InputError, match=r"post is 0\.0 MB, above the 0\.0 MB limit") as info:
        read_statements(big, max_bytes=1000)
    assert str(info.value).startswith(f"{big}:2:")


def test_markdown_front_matter_is_the_statements_metadata_not_its_text(tmp_path):
    """New-user trial: the front matter of an article.md was analysed as its first claim."""
    p = tmp_path / "article.md"
    p.write_text("---\ntitle: Council funds 12 officers\ndate: 2025-07-08\nauthor: Nina Castell\n"
                 "source: Tarrow Ledger\n---\nTARROW, July 8 — The council approved funding for "
                 "12 new police officers.\n", encoding="utf-8")
    (doc,) = read_statements(str(p))
    assert doc.text.startswith("TARROW, July 8") and "title:" not in doc.text
    assert (doc.meta.title, doc.meta.date, doc.meta.speaker, doc.meta.source) == (
        "Council funds 12 officers", "2025-07-08", "Nina Castell", "Tarrow Ledger")
    # a plain text file keeps its dashes
    t = tmp_path / "note.txt"
    t.write_text("---\ntitle: x\n---\nSome text here.", encoding="utf-8")
    assert read_statements(str(t))[0].text.startswith("---")
