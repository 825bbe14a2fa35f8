"""Corpus readers: every format keeps text + citation fields, and bad input fails cleanly."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rhetorica.ingest.corpus import normalise_date, read_corpus_file
from rhetorica.ingest.errors import InputError

HTML = """<!doctype html><html><head><title>Harbour report</title>
<meta name="author" content="Lena Ortiz">
<script>var secret = "tracking-code-123";</script><style>p {color: red}</style></head>
<body><nav>Home | Subscribe | Login</nav>
<article><h1>Westport harbour traffic climbs</h1>
<p>The Westport harbour authority said container traffic rose by 12 percent in 2024,
reaching 4.1 million containers for the first time.</p>
<p>Officials credited two new shipping routes that opened in the spring.</p></article>
<footer>All rights reserved</footer></body></html>"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Coastal Ledger</title><link>https://ledger.example</link>
<item><title>Bridge reopens</title><link>https://ledger.example/bridge</link>
<author>desk@ledger.example (Sam Reyes)</author><pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The Northgate bridge reopened on Monday after repairs.&lt;/p&gt;
</description></item>
<item><title>Budget vote</title><link>https://ledger.example/budget</link>
<pubDate>Wed, 06 Mar 2024 09:00:00 GMT</pubDate>
<description>The council approved the 2024 budget by seven votes to two.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Wire</title>
<entry><title>School opens</title><link href="https://wire.example/school"/>
<id>urn:wire:1</id><updated>2023-09-01T08:00:00Z</updated><author><name>Ada Kim</name></author>
<content type="html">&lt;p&gt;A new school opened in Eastbury with 400 pupils.&lt;/p&gt;</content>
</entry></feed>"""

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><description>&xxe;</description></item>
</channel></rss>"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


def make_pdf(text: str, title: str = "Annual harbour review") -> bytes:
    """A one-page PDF with real text, built with pypdf (no fixture file needed)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=612, height=792)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.add_metadata({"/Title": title, "/Author": "Port Office",
                         "/CreationDate": "D:20240115120000Z"})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_html_drops_scripts_and_boilerplate_keeps_metadata(tmp_path: Path) -> None:
    [doc] = read_corpus_file(write(tmp_path, "port.html", HTML), source="Westport Gazette")
    assert "container traffic rose by 12 percent" in doc.text
    assert "tracking-code" not in doc.text and "color: red" not in doc.text
    assert "Subscribe" not in doc.text
    assert doc.title in ("Westport harbour traffic climbs", "Harbour report")
    assert doc.source == "Westport Gazette"
    assert doc.published is None  # "2024" in the text is not a publication date


def test_html_fallback_without_trafilatura(monkeypatch, tmp_path: Path) -> None:
    import builtins

    real = builtins.__import__

    def no_trafilatura(name, *a, **k):
        if name == "trafilatura":
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_trafilatura)
    [doc] = read_corpus_file(write(tmp_path, "port.html", HTML))
    assert "rose by 12 percent" in doc.text and "tracking-code" not in doc.text
    assert doc.title == "Harbour report"


def test_rss_and_atom_entries_with_dates_authors_links(tmp_path: Path) -> None:
    docs = read_corpus_file(write(tmp_path, "ledger.rss", RSS))
    assert [d.title for d in docs] == ["Bridge reopens", "Budget vote"]
    assert docs[0].published == "2024-03-05" and docs[0].source == "Coastal Ledger"
    assert docs[0].url == "https://ledger.example/bridge"
    assert docs[0].text == "The Northgate bridge reopened on Monday after repairs."
    [atom] = read_corpus_file(write(tmp_path, "wire.atom", ATOM))
    assert atom.author == "Ada Kim" and atom.published == "2023-09-01"
    assert "400 pupils" in atom.text


@pytest.mark.parametrize("payload", [BOMB, XXE])
def test_xml_bombs_and_external_entities_are_refused(tmp_path: Path, payload: str) -> None:
    with pytest.raises(InputError, match="unsafe XML"):
        read_corpus_file(write(tmp_path, "evil.xml", payload))


def test_malformed_xml_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="malformed XML"):
        read_corpus_file(write(tmp_path, "bad.rss", "<rss><channel><item></channel>"))


def test_jsonl_fields_and_line_numbers(tmp_path: Path) -> None:
    rows = [{"text": "The council approved the budget.", "title": "Budget", "publisher": "Ledger",
             "author": "Sam Reyes", "date": "05/03/2024", "url": "https://ledger.example/b"},
            {"content": "Turnout was 61 percent.", "published": "2024-05-02T10:00:00Z"}]
    p = write(tmp_path, "a.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    a, b = read_corpus_file(p)
    assert (a.source, a.author, a.published, a.url) == ("Ledger", "Sam Reyes", "2024-03-05",
                                                         "https://ledger.example/b")
    assert b.text == "Turnout was 61 percent." and b.published == "2024-05-02"
    bad = write(tmp_path, "bad.jsonl", json.dumps(rows[0]) + "\n{oops\n")
    with pytest.raises(InputError) as exc:
        read_corpus_file(bad)
    assert exc.value.line == 2 and "bad.jsonl:2" in str(exc.value)
    nofield = write(tmp_path, "nofield.jsonl", '{"title": "no body"}\n')
    with pytest.raises(InputError, match="no text field"):
        read_corpus_file(nofield)


def test_json_array_and_markdown_front_matter(tmp_path: Path) -> None:
    p = write(tmp_path, "docs.json", json.dumps({"articles": [{"body": "One.", "headline": "A"},
                                                              {"body": "Two.", "headline": "B"}]}))
    assert [d.title for d in read_corpus_file(p)] == ["A", "B"]
    md = write(tmp_path, "note.md", "---\ntitle: Port note\ndate: 2024-02-01\nsource: Port "
               "Office\n---\n# Heading\n\nTraffic **rose** in [Westport](https://x.example).\n")
    [doc] = read_corpus_file(md)
    assert doc.title == "Port note" and doc.published == "2024-02-01"
    assert "Traffic rose in Westport." in doc.text and "https://" not in doc.text


def test_pdf_text_and_metadata(tmp_path: Path) -> None:
    p = write(tmp_path, "review.pdf", make_pdf("Westport handled 4.1 million containers."))
    [doc] = read_corpus_file(p)
    assert "4.1 million containers" in doc.text
    assert doc.title == "Annual harbour review" and doc.author == "Port Office"
    assert doc.published == "2024-01-15"
    broken = write(tmp_path, "broken.pdf", b"%PDF-1.4\n garbage")
    with pytest.raises(InputError, match="PDF"):
        read_corpus_file(broken)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unsupported file type"):
        read_corpus_file(write(tmp_path, "x.docx", "zz"))
    with pytest.raises(InputError, match="no such file"):
        read_corpus_file(tmp_path / "missing.txt")


@pytest.mark.parametrize(("raw", "iso"), [
    ("2024-03-05T10:00:00Z", "2024-03-05"), ("5 March 2024", "2024-03-05"),
    ("March 5, 2024", "2024-03-05"), ("Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05"),
    ("31-10-2020", "2020-10-31"), ("D:20240115120000Z", "2024-01-15"), ("soon", None)])
def test_normalise_date(raw: str, iso: str | None) -> None:
    assert normalise_date(raw) == iso
