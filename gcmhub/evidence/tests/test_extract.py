"""Extraction of PDF, DOCX, HTML, Markdown and text; passages; language detection (no database)."""

# Test data in Arabic, Chinese and Russian uses their own letters and punctuation.
# ruff: noqa: RUF001

from __future__ import annotations

import hashlib
import io
import threading
import zipfile

import docx
import pytest

from gcmhub.evidence import extract as extract_module
from gcmhub.evidence import language
from gcmhub.evidence.extract import Block, ExtractError, extract, sniff
from gcmhub.evidence.passages import make_passages, split_sentences
from gcmhub.evidence.tests.pdfs import make_pdf

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

REPORT_PAGES = [
    [
        "National Review of the Global Compact",
        "# 1. Introduction",
        "The Global Compact for Safe, Orderly and Regular Migra-",
        "tion was adopted in Marrakech in December 2018 and was",
        "endorsed by the General Assembly a few weeks later on.",
        "It rests on twenty-three objectives covering the whole",
        "migration cycle.",
        "# 2. Data Sources",
        "Most figures come from the national statistics office and",
        "from administrative records kept by the ministries.",
        "1",
    ],
    [
        "National Review of the Global Compact",
        "Survey data complete the picture where registers are",
        "incomplete, in particular for irregular movements which",
        "no register can record.",
        "# 2.1 Household Surveys",
        "Household surveys ask about members living abroad and",
        "about the money they send home.",
        "2",
    ],
    [
        "National Review of the Global Compact",
        "# Objective 20",
        "Remittances should be faster, safer and cheaper for all",
        "migrants and their families in the countries of origin.",
        "3",
    ],
]


def texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


def error_of(content: bytes, filename: str) -> ExtractError:
    with pytest.raises(ExtractError) as caught:
        extract(content, filename)
    assert caught.value.filename == filename
    return caught.value


# --- PDF ------------------------------------------------------------------------------------------


def test_pdf_blocks_carry_pages_and_heading_paths():
    content = make_pdf(REPORT_PAGES, title="National Review 2024")
    found = extract(content, "review.pdf")

    assert (found.kind, found.media_type, found.pages) == ("pdf", "application/pdf", 3)
    assert found.title == "National Review 2024"
    assert found.sha256 == hashlib.sha256(content).hexdigest()
    headings = [(b.text, b.page) for b in found.blocks if b.is_heading]
    assert headings == [
        ("1. Introduction", 1),
        ("2. Data Sources", 1),
        ("2.1 Household Surveys", 2),
        ("Objective 20", 3),
    ]
    survey = next(b for b in found.blocks if b.text.startswith("Household surveys"))
    assert survey.page == 2
    assert survey.heading == "2. Data Sources \u203a 2.1 Household Surveys"
    assert not survey.is_heading
    remittances = found.blocks[-1]
    assert remittances.text.startswith("Remittances should be faster")
    assert remittances.heading.endswith("Objective 20")


def test_pdf_joins_hyphenated_and_wrapped_lines_into_paragraphs():
    found = extract(make_pdf(REPORT_PAGES), "review.pdf")
    body = [b.text for b in found.blocks if not b.is_heading]

    assert body[0] == (
        "The Global Compact for Safe, Orderly and Regular Migration was adopted in Marrakech in "
        "December 2018 and was endorsed by the General Assembly a few weeks later on. It rests on "
        "twenty-three objectives covering the whole migration cycle."
    )
    assert "Migra-" not in " ".join(body)


def test_pdf_splits_paragraphs_after_a_short_line_ending_a_sentence():
    page = [
        "Remittances sent home by migrant workers grew again in the year",
        "under review, by six per cent.",
        "The cost of sending money fell in most of the corridors that the",
        "central bank follows each quarter of the year, and it fell faster",
        "in the corridors where digital transfers are common. The average",
        "cost is still above three per cent.",
        "Digital channels were cheaper than cash transfers.",
    ]
    found = extract(make_pdf([page]), "costs.pdf")

    assert texts(found.blocks) == [
        "Remittances sent home by migrant workers grew again in the year under review, by six "
        "per cent.",
        "The cost of sending money fell in most of the corridors that the central bank follows "
        "each quarter of the year, and it fell faster in the corridors where digital transfers "
        "are common. The average cost is still above three per cent.",
        "Digital channels were cheaper than cash transfers.",
    ]


def test_pdf_drops_running_headers_footers_and_page_numbers():
    regions = {"Africa": "labour", "the Americas": "family", "Asia": "student", "Europe": "return"}
    pages = [
        [
            "Ministry of Labour",
            f"Migration in {region} changed a lot in the",
            f"decade under review, as the {kind} survey shows.",
            f"Report on Migration 2024 | page {n}",
            str(n),
        ]
        for n, (region, kind) in enumerate(regions.items(), start=1)
    ]
    found = extract(make_pdf(pages), "review.pdf")

    assert texts(found.blocks) == [
        f"Migration in {region} changed a lot in the decade under review, as the {kind} survey "
        "shows."
        for region, kind in regions.items()
    ]
    assert [b.page for b in found.blocks] == [1, 2, 3, 4]


def test_pdf_drops_chapter_running_heads_and_contents_entries():
    chapters = [
        "Chapter 1: Context",
        "Chapter 1: Context",
        "Chapter 2: Policies",
        "Chapter 3: Data",
    ]
    pages = [
        ["# Contents", "1 Context . . . . . . . . . 3", "2 Policies . . . . . . . . 5"],
        *(
            [f"{chapter} {n + 2}", f"Body text of page {n + 2} on {chapter[11:].lower()}."]
            for n, chapter in enumerate(chapters, start=1)
        ),
    ]
    found = extract(make_pdf(pages), "book.pdf")

    assert texts(found.blocks) == [
        "Contents",
        "Body text of page 3 on context.",
        "Body text of page 4 on context.",
        "Body text of page 5 on policies.",
        "Body text of page 6 on data.",
    ]


def test_pdf_paragraph_broken_by_a_page_break_is_joined_on_its_first_page():
    pages = [
        ["# Return and Reintegration", "Returning migrants were offered training and small"],
        ["grants to start a business in their home towns."],
    ]
    found = extract(make_pdf(pages), "return.pdf")

    assert found.blocks[-1].text == (
        "Returning migrants were offered training and small grants to start a business in their "
        "home towns."
    )
    assert found.blocks[-1].page == 1
    assert found.title == "Return and Reintegration"  # no metadata title: the first heading


def test_pdf_line_wrapped_inside_a_sentence_is_not_a_heading():
    page = [
        "The report was prepared with the help of",
        "The Regional Migration Network",
        "and it was discussed with civil society.",
    ]
    found = extract(make_pdf([page]), "note.pdf")

    assert not any(b.is_heading for b in found.blocks)
    assert len(found.blocks) == 1


def test_encrypted_pdf_is_refused():
    error = error_of(make_pdf(REPORT_PAGES, encrypt=True), "locked.pdf")
    assert error.message == "is an encrypted PDF: upload an unprotected copy"
    assert str(error) == "locked.pdf is an encrypted PDF: upload an unprotected copy"


def test_pdf_with_only_an_owner_password_is_read():
    content = make_pdf(REPORT_PAGES, encrypt=True, user_password="")
    found = extract(content, "restricted.pdf")
    assert found.pages == 3
    assert any(b.text == "1. Introduction" and b.is_heading for b in found.blocks)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_pdf_is_reported_as_unreadable(keep):
    content = make_pdf(REPORT_PAGES)
    error = error_of(content[: int(len(content) * keep)], "broken.pdf")
    assert error.message.startswith("could not be read as a PDF: ")
    assert len(error.message) > len("could not be read as a PDF: ")


def test_pdf_without_text_is_taken_for_a_scan():
    error = error_of(make_pdf([[""], [""]]), "scan.pdf")
    assert error.message == "has no text layer (scanned image?); OCR is not supported"


def test_pdf_with_too_many_pages_is_refused(monkeypatch):
    monkeypatch.setattr(extract_module, "MAX_PAGES", 2)
    error = error_of(make_pdf(REPORT_PAGES), "long.pdf")
    assert error.message == "has more than 2 pages"


def test_make_pdf_helper_refuses_what_it_cannot_draw():
    with pytest.raises(ValueError, match="cp1252"):
        make_pdf([["Миграция"]])
    with pytest.raises(ValueError, match="too many lines"):
        make_pdf([["line"] * 80])


# --- DOCX -----------------------------------------------------------------------------------------


def make_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Voluntary Review"
    document.add_heading("Voluntary National Review", level=0)
    document.add_paragraph("This review was prepared by the national migration authority.")
    document.add_heading("Objective 1: Data", level=1)
    document.add_paragraph("Data on migration are collected every year.")
    document.add_heading("Sources", level=2)
    document.add_paragraph("The census and the labour force survey.")
    table = document.add_table(rows=2, cols=3)
    rows = [("Year", "Emigrants", "Immigrants"), ("2023", "1200", "")]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_heading("Objective 2: Drivers", level=1)
    document.add_paragraph("Climate change drives movement from rural areas.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_headings_paragraphs_and_table_rows():
    found = extract(make_docx(), "review.docx")

    assert (found.kind, found.media_type, found.pages) == ("docx", DOCX_TYPE, None)
    assert found.title == "Voluntary Review"
    assert [(b.text, b.is_heading) for b in found.blocks] == [
        ("Voluntary National Review", True),
        ("This review was prepared by the national migration authority.", False),
        ("Objective 1: Data", True),
        ("Data on migration are collected every year.", False),
        ("Sources", True),
        ("The census and the labour force survey.", False),
        ("Year | Emigrants | Immigrants", False),
        ("2023 | 1200", False),
        ("Objective 2: Drivers", True),
        ("Climate change drives movement from rural areas.", False),
    ]
    by_text = {b.text: b for b in found.blocks}
    assert by_text["2023 | 1200"].heading == (
        "Voluntary National Review \u203a Objective 1: Data \u203a Sources"
    )
    assert by_text["Climate change drives movement from rural areas."].heading == (
        "Voluntary National Review \u203a Objective 2: Drivers"
    )
    assert all(b.page is None for b in found.blocks)


def zip_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_docx_that_unpacks_beyond_the_limit_is_refused_before_unpacking(monkeypatch):
    monkeypatch.setattr(extract_module, "MAX_UNPACKED", 1024 * 1024)
    content = zip_with({"word/document.xml": b"<w:document/>", "word/media/x.bin": bytes(5 << 20)})
    assert len(content) < 64 * 1024

    error = error_of(content, "bomb.docx")
    assert error.message.startswith("is a compressed archive that unpacks to 5 MB")
    assert error.message.endswith(": refused")


def test_docx_with_an_extremely_compressed_part_is_refused():
    content = zip_with({"word/document.xml": bytes(11 << 20)})  # zeros: ~1000 to 1
    error = error_of(content, "bomb.docx")
    assert error.message.startswith("is a compressed archive that unpacks to 11 MB")
    assert "times its packed size: refused" in error.message


def test_zip_without_a_word_document_is_unsupported():
    error = error_of(zip_with({"readme.txt": b"hello"}), "archive.docx")
    assert error.message.startswith(extract_module.UNSUPPORTED)


def test_damaged_docx_is_reported_as_unreadable():
    content = make_docx()
    error = error_of(content[: len(content) // 2], "cut.docx")
    assert error.message.startswith("could not be read as a Word (DOCX) file: ")


# --- HTML -----------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Pathways for Regular Migration</title>
<style>p { color: red }</style><script>var hidden = "script text";</script></head>
<body>
<header><a href="/">Site name</a></header>
<nav><ul><li>Home</li><li>About</li></ul></nav>
<main>
  <h1>Pathways</h1>
  <p>Regular pathways <b>reduce</b> irregular <!-- note -->migration.</p>
  <h2>Labour mobility</h2>
  <ul><li>Seasonal work schemes</li><li>Skills partnerships</li></ul>
  <blockquote>Mobility is a shared <i>responsibility</i>.</blockquote>
  <table><tr><th>Country</th><th>Visas</th></tr><tr><td>Kenya</td><td>1,200</td></tr></table>
  <div>Loose text in a div<br>on two lines</div>
</main>
<footer>Copyright and contact details</footer>
</body></html>"""


def test_html_blocks_headings_and_title():
    found = extract(PAGE.encode(), "page.html")

    assert (found.kind, found.media_type, found.title) == (
        "html",
        "text/html",
        "Pathways for Regular Migration",
    )
    assert [(b.text, b.is_heading) for b in found.blocks] == [
        ("Pathways", True),
        ("Regular pathways reduce irregular migration.", False),
        ("Labour mobility", True),
        ("Seasonal work schemes", False),
        ("Skills partnerships", False),
        ("Mobility is a shared responsibility.", False),
        ("Country | Visas", False),
        ("Kenya | 1,200", False),
        ("Loose text in a div on two lines", False),
    ]
    assert found.blocks[-1].heading == "Pathways \u203a Labour mobility"
    everything = " ".join(texts(found.blocks))
    for dropped in ("script text", "color", "Site name", "Home", "Copyright"):
        assert dropped not in everything


def test_html_is_decoded_with_its_declared_charset():
    content = (
        '<html><head><meta charset="windows-1252"><title>Défis</title></head>'
        "<body><p>Migración y desarrollo \u2013 café</p></body></html>"
    ).encode("cp1252")
    found = extract(content, "latin.htm")
    assert found.title == "Défis"
    assert texts(found.blocks) == ["Migración y desarrollo \u2013 café"]


def test_html_fragment_needs_the_html_extension():
    fragment = b"<p>First paragraph.</p>\n\n<p>Second paragraph.</p>"
    assert sniff(fragment, "fragment.html") == "html"
    assert sniff(fragment, "fragment.txt") == "txt"
    assert texts(extract(fragment, "fragment.html").blocks) == [
        "First paragraph.",
        "Second paragraph.",
    ]


# --- plain text and Markdown ---------------------------------------------------------------------

MARKDOWN = """# Progress Report

Intro paragraph with **bold**, *emphasis*, `code` and a [link](https://example.org/a_b).
It goes on over a second line, keeping snake_case_words.

## Actions taken

- First action, with __strong__ words
- Second action
  continued on the next line

1. Numbered item

```
# not a heading inside code
```

Setext Heading
--------------

> A quoted remark.
"""


def test_markdown_headings_and_markup_stripped():
    found = extract(MARKDOWN.encode(), "report.md")

    assert (found.kind, found.media_type, found.title) == (
        "md",
        "text/markdown",
        "Progress Report",
    )
    assert [(b.text, b.is_heading) for b in found.blocks] == [
        ("Progress Report", True),
        (
            "Intro paragraph with bold, emphasis, code and a link. It goes on over a second line, "
            "keeping snake_case_words.",
            False,
        ),
        ("Actions taken", True),
        ("First action, with strong words", False),
        ("Second action continued on the next line", False),
        ("Numbered item", False),
        ("# not a heading inside code", False),
        ("Setext Heading", True),
        ("A quoted remark.", False),
    ]
    assert found.blocks[3].heading == "Progress Report \u203a Actions taken"
    assert found.blocks[-1].heading == "Progress Report \u203a Setext Heading"


def test_plain_text_paragraphs_and_headings_between_blank_lines():
    text = (
        "1. Introduction\r\n\r\n"
        "Migrants contribute to development\r\nin their countries of origin.\r\n\r\n"
        "- a dash item\r\n- another item\r\n"
    )
    found = extract(text.encode("utf-8-sig"), "notes.txt")

    assert (found.kind, found.media_type) == ("txt", "text/plain")
    assert [(b.text, b.is_heading, b.heading) for b in found.blocks] == [
        ("1. Introduction", True, ""),
        (
            "Migrants contribute to development in their countries of origin.",
            False,
            "1. Introduction",
        ),
        ("a dash item", False, "1. Introduction"),
        ("another item", False, "1. Introduction"),
    ]
    assert found.title == "1. Introduction"


def test_plain_text_that_is_not_utf8_is_read_as_cp1252_or_utf16():
    found = extract("Réunion régionale à Genève.".encode("cp1252"), "notes.txt")
    assert texts(found.blocks) == ["Réunion régionale à Genève."]
    found = extract("Миграция и развитие.".encode("utf-16"), "notes.txt")  # with a BOM
    assert texts(found.blocks) == ["Миграция и развитие."]


def test_sniff_tells_kinds_from_bytes_and_extension():
    assert sniff(make_pdf([["x"]]), "no-extension") == "pdf"
    assert sniff(make_docx(), "renamed.pdf") == "docx"
    assert sniff(b"<!doctype html><p>x</p>", "page.txt") == "html"
    assert sniff(b"# Title\n\nText", "notes.md") == "md"
    assert sniff(b"# Title\n\nText", "notes.markdown") == "md"
    assert sniff(b"# Title\n\nText", "notes.txt") == "txt"
    assert sniff(b"plain", "README") == "txt"


# --- refusals -----------------------------------------------------------------------------------


def test_empty_file_is_refused():
    assert error_of(b"", "empty.pdf").message == "is empty"


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "picture.png"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "picture.pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "setup.exe"),
        (b"Looks like text\x00\x00\x00but has NUL bytes", "data.txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.doc"),
        (b"{\\rtf1\\ansi Hello}", "letter.rtf"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "logo.svg"),
    ],
)
def test_unsupported_kinds_are_refused(content, filename):
    error = error_of(content, filename)
    assert error.message.startswith("is not a PDF, Word (DOCX), HTML, Markdown or plain-text file")


def test_old_word_file_gets_a_hint():
    error = error_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.doc")
    assert "save it as DOCX or PDF" in error.message


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(extract_module, "MAX_BYTES", 100)
    error = error_of(b"x" * 101, "big.txt")
    assert error.message == "is larger than 100 bytes, the most one file may have"
    assert extract(b"x" * 100, "small.txt").blocks[0].text == "x" * 100


def test_too_much_text_is_refused(monkeypatch):
    monkeypatch.setattr(extract_module, "MAX_CHARS", 50)
    error = error_of(("A short paragraph of text.\n\n" * 3).encode(), "long.txt")
    assert error.message == "has more than 50 characters of text"
    error = error_of(make_pdf(REPORT_PAGES), "long.pdf")
    assert error.message == "has more than 50 characters of text"


def test_text_over_five_million_characters_is_refused():
    content = ("Migration data. " * 320_000).encode()  # 5.1 million characters, 5 MB
    error = error_of(content, "huge.txt")
    assert error.message == "has more than 5,000,000 characters of text"


def test_file_without_text_is_refused():
    assert error_of(b"\n  \n\t\n", "blank.txt").message == "contains no text"
    assert error_of(b"<html><body><script>x()</script></body></html>", "x.html").message == (
        "contains no text"
    )


# --- passages -------------------------------------------------------------------------------------


def para(text: str, page: int | None = None, heading: str = "") -> Block:
    return Block(text=text, page=page, heading=heading, is_heading=False)


def head(text: str, page: int | None = None, heading: str = "") -> Block:
    return Block(text=text, page=page, heading=heading, is_heading=True)


SENTENCE = "Migrants sent money home through formal channels more often than before. "


def test_short_paragraphs_merge_up_to_the_target():
    blocks = [para(SENTENCE * 3, page=1, heading="A") for _ in range(11)]
    size = len((SENTENCE * 3).strip())  # 218: five of them reach the target of 900
    drafts = make_passages(blocks, target_chars=900, max_chars=1600, min_chars=200)

    assert [d.ordinal for d in drafts] == [1, 2, 3]
    assert [len(d.text) for d in drafts] == [5 * size + 4, 5 * size + 4, size]
    assert all(d.heading == "A" and d.page == 1 for d in drafts)
    assert " ".join(d.text for d in drafts) == " ".join(b.text.strip() for b in blocks)
    assert all("  " not in d.text for d in drafts)


def test_long_paragraph_is_cut_at_sentence_ends():
    text = SENTENCE * 60  # ~4,400 characters
    drafts = make_passages([para(text, page=4, heading="B")])

    assert len(drafts) >= 3
    assert all(len(d.text) <= 1600 for d in drafts)
    assert all(d.text.endswith("before.") for d in drafts)
    assert all(d.page == 4 for d in drafts)
    assert " ".join(d.text for d in drafts) == text.strip()


def test_long_sentence_without_punctuation_is_cut_at_spaces():
    text = "word " * 1000
    drafts = make_passages([para(text)], max_chars=1600)
    assert all(len(d.text) <= 1600 for d in drafts)
    assert " ".join(d.text for d in drafts) == text.strip()


def test_sentences_in_arabic_and_chinese():
    assert split_sentences("第一句话。第二句话！第三句话？结尾") == [
        "第一句话。",
        "第二句话！",
        "第三句话？",
        "结尾",
    ]
    assert split_sentences("هذه جملة أولى. هل هذه جملة ثانية؟ نعم") == [
        "هذه جملة أولى.",
        "هل هذه جملة ثانية؟",
        "نعم",
    ]
    assert split_sentences("See e.g. the annex. It costs 3.5 per cent.") == [
        "See e.g. the annex.",
        "It costs 3.5 per cent.",
    ]
    chinese = "移民向家乡汇款的渠道越来越多样化。" * 200
    drafts = make_passages([para(chinese)])
    assert len(drafts) > 1
    assert all(d.text.endswith("。") and len(d.text) <= 1600 for d in drafts)


def test_headings_are_not_passages_but_name_the_passages_below():
    blocks = [
        head("1. Data"),
        para("Data are collected every year by the office.", heading="1. Data"),
        head("2. Drivers"),
        para("Climate change drives movement.", heading="2. Drivers"),
        para("So does conflict.", heading="2. Drivers"),
    ]
    drafts = make_passages(blocks)
    assert [(d.heading, d.text) for d in drafts] == [
        ("1. Data", "Data are collected every year by the office."),
        ("2. Drivers", "Climate change drives movement. So does conflict."),
    ]


def test_page_of_a_passage_is_its_first_paragraph_and_a_page_gap_splits():
    blocks = [
        para("Text at the bottom of page two.", page=2, heading="H"),
        para("Text at the top of page three.", page=3, heading="H"),
        para("Text on page seven, after figures.", page=7, heading="H"),
    ]
    drafts = make_passages(blocks, min_chars=0)
    assert [(d.page, d.text) for d in drafts] == [
        (2, "Text at the bottom of page two. Text at the top of page three."),
        (7, "Text on page seven, after figures."),
    ]


def test_short_trailing_bit_joins_the_previous_passage_under_the_same_heading():
    long_text = SENTENCE * 13  # ~950: at the target on its own
    blocks = [
        para(long_text, heading="H"),
        para("A final short remark.", heading="H"),
        para("Under another heading.", heading="Other"),
    ]
    drafts = make_passages(blocks, target_chars=900, max_chars=1600, min_chars=200)
    assert len(drafts) == 2
    assert drafts[0].text.endswith("A final short remark.")
    assert drafts[1].text == "Under another heading."


def test_document_of_only_headings_keeps_its_text():
    drafts = make_passages([head("ANNUAL REPORT"), head("Objective 1")])
    assert [d.text for d in drafts] == ["ANNUAL REPORT Objective 1"]


def test_passages_of_an_extracted_pdf():
    drafts = make_passages(extract(make_pdf(REPORT_PAGES), "review.pdf").blocks)
    assert [(d.page, d.heading) for d in drafts] == [
        (1, "1. Introduction"),
        (1, "2. Data Sources"),
        (2, "2. Data Sources \u203a 2.1 Household Surveys"),
        (3, "2. Data Sources \u203a Objective 20"),
    ]
    assert drafts[1].text.endswith("no register can record.")  # pages 1-2, one page-run


# --- language -------------------------------------------------------------------------------------

SENTENCES = {
    "en": "The government opened three new centres last year to support migrant workers who "
    "return home after many years abroad.",
    "fr": "L'année dernière, le gouvernement a ouvert trois nouveaux centres pour aider les "
    "travailleurs migrants qui rentrent au pays après de longues années.",
    "es": "El año pasado el gobierno abrió tres nuevos centros para apoyar a los trabajadores "
    "migrantes que regresan a casa tras muchos años en el extranjero.",
    "ar": "افتتحت الحكومة في العام الماضي ثلاثة مراكز جديدة لدعم العمال المهاجرين الذين يعودون "
    "إلى ديارهم بعد سنوات طويلة قضوها في الخارج.",
    "ru": "В прошлом году правительство открыло три новых центра для поддержки трудовых "
    "мигрантов, которые возвращаются домой после многих лет за границей.",
    "zh": "去年，政府开设了三个新的中心，为在国外工作多年后回国的移民工人提供支持。",
}
GERMAN = (
    "Im vergangenen Jahr eröffnete die Regierung drei neue Zentren, um Arbeitsmigranten zu "
    "unterstützen, die nach vielen Jahren im Ausland nach Hause zurückkehren."
)


@pytest.mark.parametrize("code", language.SUPPORTED)
def test_each_un_language_is_detected(code):
    assert language.detect(SENTENCES[code]) == code
    assert language.detect_document([SENTENCES[code]] * 3) == code


def test_german_document_is_unsupported():
    assert language.detect(GERMAN) is None
    with pytest.raises(language.UnsupportedLanguage) as caught:
        language.detect_document([GERMAN, GERMAN, "Tabelle 1"])
    assert caught.value.language == "de"
    assert caught.value.message == (
        "is written in German, which is not one of the six UN languages "
        "(Arabic, Chinese, English, French, Russian, Spanish)"
    )


def test_too_little_text_tells_no_language():
    assert language.detect("Annex 2") is None
    assert language.detect("") is None
    assert language.detect("2019 2020 2021 - 12.5% / 14.0%") is None
    with pytest.raises(language.UnsupportedLanguage, match="too little text"):
        language.detect_document(["Table 1", "12 345"])


def test_main_language_of_a_long_mixed_document():
    blocks = [SENTENCES["fr"]] * 70 + [SENTENCES["en"]] * 30 + ["Annexe 1"] * 50
    assert language.detect_document(blocks) == "fr"
    short_only = ["Les migrants", "envoient de l'argent", "à leurs familles", "chaque mois"]
    assert language.detect_document(short_only) == "fr"


def test_detector_is_built_once_across_threads(monkeypatch):
    monkeypatch.setattr(language, "_detector", None)
    found = []
    threads = [threading.Thread(target=lambda: found.append(language.detector())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4
    assert all(d is found[0] for d in found)
