"""The bad-input corpus: every hostile or broken input gets a clear error or a safe result.

Inputs are generated here (never copied from anywhere). The CLI runs in a child process
(``child.py``) under an address-space cap, so "never unbounded memory" is enforced by the
OS, not hoped for, and the child's peak RSS is checked too.
"""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from rhetorica.ingest.errors import InputError
from rhetorica.ingest.statements import read_statements
from rhetorica.ingest.text import decode
from tests.reliability.helpers import assert_clean_failure, run_child

# Components that need no trained artefact: the corpus is about input handling, and this keeps
# the tests independent of model files other areas are still producing.
FAST = "parse,segment,entities"
MB = 1_000_000


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(p)


# -- the corpus, in-process (fast): the readers raise InputError and nothing else --------

CORPUS: list[tuple[str, str, bytes, str]] = [
    # (id, file name, bytes, words expected in the message)
    ("empty", "empty.txt", b"", "is empty"),
    ("whitespace", "ws.txt", b" \n\t \r\n  \n", "is empty"),
    ("binary-png", "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
     "binary"),
    ("binary-controls", "ctl.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 200, "binary"),
    ("invalid-utf8", "bad.txt", b"Taxes rose by 5% in caf\xe9 country.\n", "not valid utf-8"),
    ("mixed-encodings", "mixed.txt",
     "Line one is fine UTF-8: caf\u00e9.\n".encode() + "Line two is cp1252: \u201cquoted\u201d.\n"
     .encode("cp1252"), "line 2"),
    ("truncated-utf8", "trunc.txt", "A statement ending in \u20ac".encode()[:-1],
     "not valid utf-8"),
    ("json-empty-array", "e.json", b"[]", "is empty"),
    ("json-scalar", "s.json", b"42", "expected a JSON object"),
    ("json-no-text", "n.json", b'{"speaker": "A"}', "no text field"),
    ("json-text-not-string", "t.json", b'{"text": ["a", "b"]}', "no text field"),
    ("json-malformed", "m.json", b'{"text": "abc"', "malformed JSON"),
    ("json-deep-brackets", "deep.json", b"[" * 200_000 + b"]" * 200_000, "nested"),
    ("json-deep-objects", "deepobj.json",
     b'{"text": "A fine statement.", "x": ' + b'{"a": ' * 100 + b"1" + b"}" * 100 + b"}",
     "nested deeper"),
    ("jsonl-deep-line", "deep.jsonl", b'{"text": "ok."}\n' + b"[" * 100_000 + b"\n", "nested"),
    ("jsonl-bad-line-3", "b.jsonl", b'{"text": "a."}\n{"text": "b."}\n{"text": \n', ":3:"),
    ("jsonl-blank-only", "blank.jsonl", b"\n\n   \n", "is empty"),
    ("json-lone-surrogate", "sur.json", b'{"text": "Crime rose \\ud800 today."}', "surrogate"),
    ("json-surrogate-speaker", "surs.jsonl", b'{"text": "Fine.", "speaker": "\\udfff"}\n',
     "surrogate"),
    ("json-empty-text", "et.json", b'{"text": "   "}', "is empty"),
]


@pytest.mark.parametrize("name,data,needle", [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_reader_gives_a_clear_input_error(tmp_path, name, data, needle):
    path = write(tmp_path, name, data)
    with pytest.raises(InputError) as info:
        read_statements(path)
    message = str(info.value)
    assert needle.lower() in message.lower()
    assert "\n" not in message and len(message) < 400  # one line, not a dump of the input
    assert message.startswith(path)  # says which file


def test_missing_file_folder_and_device(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_statements(str(tmp_path / "nope.txt"))
    with pytest.raises(InputError, match="is a folder"):
        read_statements(str(tmp_path))
    # A character device reports size 0 and never ends: reading must stop at the limit.
    with pytest.raises(InputError, match="limit"):
        read_statements("/dev/zero", max_bytes=1 * MB)


def test_fifo_is_read_only_up_to_the_limit(tmp_path):
    import threading

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "wb") as fh:
            try:
                for _ in range(50):  # 5 MB offered, limit is 1 MB
                    fh.write(b"word " * 20_000)
            except BrokenPipeError:
                pass

    t = threading.Thread(target=feed, daemon=True)
    t.start()
    with pytest.raises(InputError, match="limit"):
        read_statements(str(fifo), max_bytes=1 * MB)


def test_other_encodings_are_read_when_declared_or_marked(tmp_path):
    text = "The minister said \u201cwe will win\u201d \u2014 caf\u00e9 society agreed."
    assert decode(text.encode("utf-16"), "x") == text  # BOM: detected without --encoding
    assert decode(text.encode("utf-16-le"), "x", "utf-16-le") == text
    assert decode(text.encode("cp1252"), "x", "cp1252") == text
    assert decode(b"\xef\xbb\xbf" + text.encode(), "x") == text  # UTF-8 BOM dropped
    assert decode(b"a\r\nb\rc", "x") == "a\nb\nc"
    with pytest.raises(InputError, match="unknown encoding"):
        decode(b"abc", "x", "no-such-codec")
    with pytest.raises(InputError, match="binary"):  # NULs that are not UTF-16 text
        decode(b"\x01\x00\x02\x00\x03\x00" * 100, "x", "utf-16-le")


# -- the same corpus through the real CLI, in a child process ----------------------------

CLI_CASES = ["empty", "whitespace", "binary-png", "invalid-utf8", "mixed-encodings",
             "json-deep-brackets", "jsonl-deep-line", "json-lone-surrogate", "json-malformed"]


@pytest.mark.parametrize("case", CLI_CASES)
def test_cli_exit_3_one_line_nothing_stored(tmp_path, case):
    _, name, data, needle = next(c for c in CORPUS if c[0] == case)
    path = write(tmp_path, name, data)
    db = tmp_path / "s.db"
    res = run_child(["analyze", path, "--db", str(db), "--pipeline", FAST], tmp_path)
    assert_clean_failure(res, 3, path)
    assert needle.lower() in res.stderr.lower()
    assert not db.exists()  # validation happens before the store is even opened


def _write_big_text(path: Path, size: int) -> None:
    line = ("The council said the budget would rise by four percent next year, and the "
            "opposition called it reckless. ") * 4 + "\n"
    chunk = (line * (1 * MB // len(line) + 1)).encode()[: 1 * MB]
    with path.open("wb") as fh:
        for _ in range(size // MB):
            fh.write(chunk)


def test_100_mb_text_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.txt"
    _write_big_text(big, 100 * MB)
    try:
        res = run_child(["analyze", str(big), "--db", str(tmp_path / "s.db")], tmp_path)
        assert_clean_failure(res, 3, "100.0 MB", "RHETORICA_MAX_BYTES")
        assert res.report["maxrss_kb"] < 400_000  # the CLI's baseline, not 100 MB more
    finally:
        big.unlink()


def test_100_mb_on_stdin_reads_only_up_to_the_limit(tmp_path):
    big = tmp_path / "big.txt"
    _write_big_text(big, 100 * MB)
    try:
        res = run_child(["analyze", "-", "--no-store"], tmp_path, input=big.read_bytes())
        assert_clean_failure(res, 3, "<stdin>", "limit")
        assert res.report["maxrss_kb"] < 400_000
    finally:
        big.unlink()


def test_dev_zero_through_the_cli(tmp_path):
    res = run_child(["analyze", "/dev/zero", "--no-store"], tmp_path)
    assert_clean_failure(res, 3, "/dev/zero", "limit")
    assert res.report["maxrss_kb"] < 400_000


@pytest.mark.slow
def test_largest_allowed_text_stays_bounded(tmp_path):
    """A text just under a 300 kB limit is analysed under the 3 GB address-space cap.

    spaCy's memory grows with the length of one text (3 GB for 1 MB unchunked); the parser
    works in pieces, so the peak stays far below the cap.
    """
    big = tmp_path / "long.txt"
    _write_big_text(big, 1 * MB)
    big.write_bytes(big.read_bytes()[:290_000])
    res = run_child(["analyze", str(big), "--no-store", "--json", "--pipeline", FAST], tmp_path,
                    env={"RHETORICA_MAX_BYTES": "300000"})
    assert res.returncode == 0, res.output[-2000:]
    data = json.loads(res.stdout)
    assert len(data["text"]) == 290_000
    for s in data["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(data["text"])
    assert res.report["maxrss_kb"] < 1_000_000


# -- HTML/script injection: reports never carry active content -----------------------------

HOSTILE = (
    'Vote for us. <script>alert("rh-xss-1")</script> The mayor said crime rose.\n'
    '<iframe src="https://evil.example/rh-xss-2"></iframe> Taxes fell by 5% in 2024.\n'
    '<img src=x onerror="alert(\'rh-xss-3\')"> <a href="javascript:alert(4)">click</a>\n'
    '<svg onload=alert(5)></svg> "</textarea><script>rh-xss-6</script> & <style>x</style>\n'
)


class _ActiveContent(HTMLParser):
    """Collects what a browser would execute or load: script-capable tags, on* handlers,
    javascript: URLs. Escaped text (``&lt;script&gt;``) is data and is not collected."""

    BANNED = frozenset({"script", "iframe", "frame", "object", "embed", "svg", "img", "math",
                        "link", "base", "form", "meta-refresh"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.styles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BANNED:
            self.found.append(f"<{tag}>")
        if tag == "style":
            self.styles += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if value and value.strip().lower().startswith(("javascript:", "data:text/html")):
                self.found.append(f"{tag} {name}={value}")


def _assert_no_active_content(html: str, template_styles: int = 1) -> None:
    parser = _ActiveContent()
    parser.feed(html)
    parser.close()
    assert parser.found == []
    assert parser.styles <= template_styles  # the report's own stylesheet, nothing injected
    assert "<script" not in html.lower() and "<iframe" not in html.lower()
    # The words themselves are kept (escaped): the analyst must see what was said.
    assert "rh-xss-1" in html and "rh-xss-6" in html


def test_html_report_escapes_scripts_iframes_and_handlers(tmp_path):
    src = write(tmp_path, "hostile.txt", HOSTILE)
    out = tmp_path / "r.html"
    # The full default pipeline: every registered report section renders hostile text.
    res = run_child(["analyze", src, "-f", "html", "-o", str(out), "--no-store"], tmp_path)
    assert res.returncode == 0, res.output[-2000:]
    _assert_no_active_content(out.read_text())


def test_html_report_escapes_hostile_metadata(tmp_path):
    post = {"text": HOSTILE, "speaker": '<script>alert("rh-xss-1")</script>',
            "title": "<iframe src=x>rh-xss-6", "source": "<img src=x onerror=alert(1)>",
            "url": "javascript:alert(1)", "date": "<svg onload=alert(1)>"}
    src = write(tmp_path, "hostile.json", json.dumps(post))
    out = tmp_path / "r.html"
    # The full default pipeline: every registered report section renders hostile text.
    res = run_child(["analyze", src, "-f", "html", "-o", str(out), "--no-store"], tmp_path)
    assert res.returncode == 0, res.output[-2000:]
    _assert_no_active_content(out.read_text())


def test_odd_but_valid_unicode_is_analysed_with_offsets_inside(tmp_path):
    text = ("\u202eReversed\u202c text, zero\u200bwidth, e\u0301 combining, emoji \U0001f600 "
            "and a flag \U0001f1fa\U0001f1f8. The Senator said taxes rose 5%.\u0000"[:-1])
    src = write(tmp_path, "odd.txt", text)
    res = run_child(["analyze", src, "--json", "--db", str(tmp_path / "s.db"),
                     "--pipeline", FAST], tmp_path)
    assert res.returncode == 0, res.output[-2000:]
    data = json.loads(res.stdout)
    assert data["text"] == text
    assert data["spans"]
    for s in data["spans"]:
        assert 0 <= s["start"] < s["end"] <= len(text)


@pytest.mark.parametrize("command", ["claims", "rhetoric", "actors", "context", "verify"])
@pytest.mark.parametrize("case", ["binary-png", "jsonl-deep-line", "json-lone-surrogate"])
def test_every_file_reading_command_refuses_bad_input_cleanly(tmp_path, command, case):
    from rhetorica.cli.main import app

    names = {c.name for c in app.registered_commands}
    if command not in names:
        pytest.skip(f"`rhetorica {command}` not in this build")
    _, name, data, _ = next(c for c in CORPUS if c[0] == case)
    path = write(tmp_path, name, data)
    res = run_child([command, path, "--db", str(tmp_path / "s.db")] if command == "verify"
                    else [command, path], tmp_path)
    assert res.returncode in (2, 3), res.output[-2000:]
    assert "Traceback" not in res.output and "internal error" not in res.output
