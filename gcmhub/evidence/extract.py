"""Text out of uploaded evidence files: PDF, Word (DOCX), HTML, Markdown and plain text.

``extract(content, filename)`` tells the kind of file from its bytes (``sniff``), refuses what it
cannot or should not read (empty, too large, encrypted, scanned, damaged, zip bombs, other kinds
of file) with an ``ExtractError`` whose message completes a sentence that starts with the file's
name, and otherwise returns its text as a list of ``Block``: paragraph-like units in reading
order, each with its page (PDF) and the path of headings above it.

PDF: text comes from pypdf page by page. Lines are joined into paragraphs ("migra-" + "tion" is
"migration"); a paragraph ends at a blank line, or at a line shorter than the page's usual ones
that ends a sentence before a line starting with a capital. Headings are told by their look:
short, no final period, numbered ("2.3 Data"), "Chapter 4", "Objective 20", Title Case or ALL CAPS,
and not in the middle of a sentence. Page numbers, table-of-contents entries and running headers
and footers (lines on more than half of the pages) are dropped. A PDF that needs a password is
refused; one with only an owner password (restrictions on printing, copying...) is read.

Pure Python with no Django import: used by services, the command line and background tasks.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import statistics
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import docx
import lxml.html
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

MAX_BYTES = 50 * 1024 * 1024  # per file
MAX_UNPACKED = 200 * 1024 * 1024  # DOCX (zip) total uncompressed
MAX_RATIO = 100  # zip member compression ratio considered a bomb
MAX_PAGES = 2000
MAX_CHARS = 5_000_000  # extracted text

RATIO_MIN_SIZE = 10 * 1024 * 1024  # members smaller than this may compress as well as they like
MAX_ZIP_MEMBERS = 10_000
HEADING_SEPARATOR = " \u203a "  # a single right-pointing angle quotation mark

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html",
    "txt": "text/plain",
    "md": "text/markdown",
}
UNSUPPORTED = "is not a PDF, Word (DOCX), HTML, Markdown or plain-text file"
MARKDOWN_EXTENSIONS = {"md", "markdown", "mdown", "mkd", "mkdn"}
HTML_EXTENSIONS = {"html", "htm", "xhtml"}


class ExtractError(Exception):
    """A file that cannot be used; ``message`` completes a sentence that starts with its name."""

    def __init__(self, message: str, filename: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename

    def __str__(self) -> str:
        return f"{self.filename} {self.message}" if self.filename else self.message


@dataclass(frozen=True)
class Block:
    """One paragraph-like unit as found in the file."""

    text: str
    page: int | None  # 1-based page for PDF, None otherwise
    heading: str  # the path of the headings above it, joined by HEADING_SEPARATOR
    is_heading: bool


@dataclass(frozen=True)
class Extracted:
    media_type: str
    kind: str  # pdf | docx | html | txt | md
    title: str  # from metadata / <title> / first heading / ""
    blocks: list[Block]
    pages: int | None
    sha256: str


# --- kinds of file -------------------------------------------------------------------------------

_BINARY_HINTS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word or Office file: save it as DOCX or PDF"),
    (b"{\\rtf", "an RTF file: save it as DOCX or PDF"),
)
_PDF_HEADER = re.compile(rb"(?:\A|[\r\n])%PDF-\d")  # within the first 1024 bytes, as readers allow
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(
    r"<(?:html|head|body|title|meta|p|div|span|h[1-6]|table|ul|ol|li|br|a\s)[\s/>]", re.IGNORECASE
)
_XML_START = re.compile(r"\A\s*<(?:\?xml|svg[\s>]|!doctype\s+svg)", re.IGNORECASE)


def _unsupported(filename: str, hint: str = "") -> ExtractError:
    return ExtractError(f"{UNSUPPORTED} (it looks like {hint})" if hint else UNSUPPORTED, filename)


def _extension(filename: str) -> str:
    name = re.split(r"[/\\]", filename)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):,.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:,.0f} KB"
    return f"{n} bytes"


def _decode_text(content: bytes) -> str | None:
    """The text of a text file (UTF-8, UTF-16 with a BOM, else cp1252); None if it is not text."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            return None
    elif b"\x00" in content:
        return None
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
    sample = text[:100_000]
    odd = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return None if odd > max(8, len(sample) // 200) else text


def _zip_names(content: bytes, filename: str) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ExtractError(
            f"could not be read as a Word (DOCX) file: {_reason(exc)}", filename
        ) from exc


def _is_docx_part(name: str) -> bool:
    return re.fullmatch(r"word/document\d*\.xml", name) is not None


def sniff(content: bytes, filename: str) -> str:
    """The kind of file (pdf | docx | html | txt | md), told from its bytes.

    The extension only tells Markdown from plain text, and an HTML fragment from plain text.
    """
    if not content:
        raise ExtractError("is empty", filename)
    if len(content) > MAX_BYTES:
        raise ExtractError(
            f"is larger than {_size(MAX_BYTES)}, the most one file may have", filename
        )
    if _PDF_HEADER.search(content[:1024]):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        names = _zip_names(content, filename)
        if any(_is_docx_part(name) for name in names):
            return "docx"
        if "xl/workbook.xml" in names:
            raise _unsupported(filename, "an Excel workbook")
        if "ppt/presentation.xml" in names:
            raise _unsupported(filename, "a PowerPoint presentation")
        if "mimetype" in names:
            raise _unsupported(filename, "an OpenDocument file: save it as DOCX or PDF")
        raise _unsupported(filename, "a ZIP archive")
    for magic, hint in _BINARY_HINTS:
        if content.startswith(magic):
            raise _unsupported(filename, hint)
    text = _decode_text(content)
    if text is None:
        raise _unsupported(filename)
    start = text[:4096]
    extension = _extension(filename)
    if _HTML_START.match(start) or (extension in HTML_EXTENSIONS and _HTML_TAG.search(start)):
        return "html"
    if _XML_START.match(start):
        raise _unsupported(filename, "an XML or SVG file")
    return "md" if extension in MARKDOWN_EXTENSIONS else "txt"


def extract(content: bytes, filename: str) -> Extracted:
    """The text of an uploaded file as blocks; ExtractError for anything that cannot be used."""
    kind = sniff(content, filename)
    builder = _Builder(filename)
    pages: int | None = None
    if kind == "pdf":
        title, pages = _pdf(content, builder)
    elif kind == "docx":
        title = _docx(content, builder)
    elif kind == "html":
        title = _html(content, builder)
    else:
        title = _plain(content, builder, markdown=kind == "md")
    if not builder.blocks:
        raise ExtractError("contains no text", filename)
    return Extracted(
        media_type=MEDIA_TYPES[kind],
        kind=kind,
        title=_clean(title)[:500] or builder.first_heading,
        blocks=builder.blocks,
        pages=pages,
        sha256=hashlib.sha256(content).hexdigest(),
    )


# --- shared helpers -------------------------------------------------------------------------------

_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00ad": "",  # soft hyphen
        "\u200b": "",  # zero-width space
        "\ufeff": "",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str) -> str:
    """Text with ligatures undone, control characters dropped and whitespace collapsed."""
    return " ".join(_CONTROL.sub(" ", text.translate(_LIGATURES)).split())


def _reason(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    reason = lines[0].strip().rstrip(".") if lines else ""
    return (reason or type(exc).__name__)[:160]


class _Builder:
    """Collects blocks, keeps the heading path and the character budget."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.blocks: list[Block] = []
        self.first_heading = ""
        self._chars = 0
        self._stack: list[tuple[int, str]] = []

    def _path(self) -> str:
        return HEADING_SEPARATOR.join(text for _, text in self._stack)

    def _count(self, text: str) -> None:
        self._chars += len(text)
        if self._chars > MAX_CHARS:
            raise ExtractError(f"has more than {MAX_CHARS:,} characters of text", self.filename)

    def heading(self, text: str, level: int, page: int | None = None) -> None:
        text = _clean(text)
        if not text:
            return
        self._count(text)
        while self._stack and self._stack[-1][0] >= level:
            self._stack.pop()
        self.blocks.append(Block(text=text, page=page, heading=self._path(), is_heading=True))
        self._stack.append((level, text[:200]))
        if not self.first_heading:
            self.first_heading = text[:500]

    def text(self, text: str, page: int | None = None) -> None:
        text = _clean(text)
        if text:
            self._count(text)
            self.blocks.append(Block(text=text, page=page, heading=self._path(), is_heading=False))


# --- heading heuristics (PDF and plain text) ---------------------------------------------------

_NUMBERED = re.compile(r"^(?:(\d{1,2}(?:\.\d{1,2}){0,4})\.?|([IVXLC]{1,6})\.|([A-Z])\.)\s+(\S.*)$")
_KEYWORD = re.compile(
    r"^(?:(part|chapter|annex|appendix|partie|chapitre|annexe|parte|cap[íi]tulo|anexo|"
    r"часть|глава|приложение|الجزء|الفصل|المرفق)"
    r"|(section|article|objective|goal|objectif|objetivo|secci[óo]n|art[íi]culo|"
    r"раздел|статья|цель|القسم|المادة|الهدف))"
    r"\s+(?:\d+[\d.]*|[IVXLCivxlc]+|[A-Z]|[\u0660-\u0669]+)\b",
    re.IGNORECASE,
)
_CJK_CHAPTER = re.compile(r"^第[\d一二三四五六七八九十百]+[章节部篇]")
# fmt: off
_MINOR_WORDS = frozenset({
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the",
    "to", "with", "vs", "via", "de", "del", "des", "du", "la", "le", "les", "et", "en", "el",
    "los", "las", "y", "e", "o", "da", "do", "dos", "das", "à", "au", "aux", "por", "para", "sur",
    "pour", "dans",
})
# fmt: on
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
_LEAF_LEVEL = 9  # unnumbered headings: below numbered ones, replacing each other


def _heading_level(line: str) -> int | None:
    """The level of a line that looks like a heading on its own, None for body text."""
    if not 2 <= len(line) < 90 or line[-1] in ".,;:-\u2013" or not any(c.isalpha() for c in line):
        return None
    words = _WORD.findall(line)
    if len(words) > 14:
        return None
    numbered = _NUMBERED.match(line)
    if numbered:
        rest = numbered.group(4)
        if not (rest[0].isupper() or (rest[0].isalpha() and not rest[0].islower())):
            return None
        if numbered.group(1):
            return numbered.group(1).count(".") + 1
        return 1 if numbered.group(2) else 2
    keyword = _KEYWORD.match(line)
    if keyword:
        return 1 if keyword.group(1) else 2
    if _CJK_CHAPTER.match(line):
        return 1
    cased = [c for c in line if c.isupper() or c.islower()]
    if len(cased) >= 3 and all(c.isupper() for c in cased):
        return _LEAF_LEVEL
    if words and words[0][0].isupper():
        significant = [w for w in words if w.lower() not in _MINOR_WORDS]
        if all(w[0].isupper() for w in significant) and any(c.islower() for c in line):
            return _LEAF_LEVEL
    return None


# --- PDF ------------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^(?:[-\u2013\u2014]\s*)?(?:(?:page|p\.|pág\.?|página|стр\.?|страница|الصفحة)\s*)?"
    r"\d{1,4}(?:\s*(?:of|/|de|sur|из|من)\s*\d{1,4})?(?:\s*[-\u2013\u2014])?$"
    r"|^[ivxlcdm]{1,7}$",
    re.IGNORECASE,
)
# Sentence ends: . ! ? and the CJK full stop, fullwidth ! ?, Arabic question mark, ellipsis;
# then closing quotes and brackets.
_SENTENCE_END = re.compile(
    r"[.!?\u3002\uff01\uff1f\u061f\u2026][\"'\u201d\u2019\u00bb)\]\u300d\u300f]*$"
)
_BULLET = re.compile(  # bullet glyphs and dashes, (a), 1)
    r"^(?:[\u2022\u25aa\u25cf\u25e6\u2023\u2219\u00b7\u25cb\u25a0\u25a1\u27a2\u25ba\u2013\u2014-]"
    r"|\(?[a-z]\)|\(?\d{1,2}\))\s+"
)
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_BAD_PDF_TITLES = re.compile(r"^(?:untitled|microsoft word|document\d*$)|\.(?:docx?|pdf)$", re.I)


def _pdf(content: bytes, builder: _Builder) -> tuple[str, int]:
    filename = builder.filename
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except DependencyError as exc:  # AES without the cryptography package
                raise ExtractError(
                    "is an encrypted PDF this server cannot open: upload an unprotected copy",
                    filename,
                ) from exc
            if opened == PasswordType.NOT_DECRYPTED:
                raise ExtractError("is an encrypted PDF: upload an unprotected copy", filename)
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise ExtractError(f"has more than {MAX_PAGES:,} pages", filename)
        raw_pages: list[str] = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            total += len(text)
            if total > 2 * MAX_CHARS:
                raise ExtractError(f"has more than {MAX_CHARS:,} characters of text", filename)
            raw_pages.append(text)
        metadata_title = ""
        if reader.metadata is not None and reader.metadata.title:
            metadata_title = str(reader.metadata.title)
    except ExtractError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise ExtractError(f"could not be read as a PDF: {_reason(exc)}", filename) from exc
    if count == 0:
        raise ExtractError("could not be read as a PDF: it has no pages", filename)
    pages = _drop_running_lines([_page_lines(text) for text in raw_pages])
    paragraphs = _join_across_pages(
        [(number, _page_paragraphs(lines)) for number, lines in enumerate(pages, start=1)]
    )
    if not paragraphs:
        raise ExtractError("has no text layer (scanned image?); OCR is not supported", filename)
    for page_number, text, level in paragraphs:
        if level is None:
            builder.text(text, page_number)
        else:
            builder.heading(text, level, page_number)
    title = _clean(metadata_title)
    return ("" if _BAD_PDF_TITLES.search(title) else title), count


_CONTENTS_ENTRY = re.compile(r"(?:\.\s?){4,}\s*[\divxlc]{1,6}$", re.IGNORECASE)


def _page_lines(text: str) -> list[str]:
    """The lines of a page, whitespace collapsed, "" for a blank line; without page numbers and
    table-of-contents entries ("2.1 Data sources . . . . . 12")."""
    lines = [_clean(line) for line in text.splitlines()]
    lines = [line for line in lines if not _CONTENTS_ENTRY.search(line)]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    # Page numbers sit in the first or last two lines of a page.
    edges = {i for i in (0, 1, len(lines) - 2, len(lines) - 1) if 0 <= i < len(lines)}
    return [line for i, line in enumerate(lines) if not (i in edges and _PAGE_NUMBER.match(line))]


def _running_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.casefold())


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Pages without running headers and footers: lines found on more than half of the pages.

    A line counts when it is identical on those pages, or, as the first or last line of a page,
    when it differs only by its numbers ("Report 2024 | page 3").
    """
    with_text = [page for page in pages if any(page)]
    if len(with_text) < 3:
        return pages

    def edge(page: list[str], i: int) -> bool:
        return i in (0, len(page) - 1)

    exact = Counter(line for page in with_text for line in set(page) if line)
    numbered = Counter(
        key
        for page in with_text
        for key in {_running_key(ln) for i, ln in enumerate(page) if ln and edge(page, i)}
    )
    half = len(with_text) / 2
    folios = _folio_lines(pages)
    return [
        [
            line
            for i, line in enumerate(page)
            if not (
                exact[line] > half
                or (edge(page, i) and numbered[_running_key(line)] > half)
                or (number, i) in folios
            )
        ]
        for number, page in enumerate(pages, start=1)
    ]


_FOLIO = re.compile(r"\D\s+(\d{1,4})$")


def _folio_lines(pages: list[list[str]]) -> set[tuple[int, int]]:
    """(page, line) of running heads that change with the chapter but carry the page number.

    "Chapter 2: Data 14" on page 16, "Chapter 3: Results 15" on page 17: a first or last line
    that ends with a number running in step with the page on many pages. (Not one that starts
    with it: that is how chapter headings look, "1 Introduction".)
    """
    found: dict[int, list[tuple[int, int]]] = {}  # offset from the page -> (page, line)
    for number, page in enumerate(pages, start=1):
        for i in {0, len(page) - 1}:
            if 0 <= i < len(page) and len(page[i]) < 100:
                match = _FOLIO.search(page[i])
                if match:
                    folio = int(match.group(1))
                    found.setdefault(folio - number, []).append((number, i))
    with_text = sum(1 for page in pages if any(page))
    lines = max(found.values(), key=len, default=[])
    return set(lines) if len(lines) >= max(3, with_text * 0.3) else set()


def _starts_upper(line: str) -> bool:
    """Whether a line starts like a new sentence: upper case, or a letter without case."""
    first = next((c for c in line if c.isalnum()), "")
    return first.isupper() or (first.isalpha() and not first.islower())


def _join_lines(left: str, right: str) -> str:
    if len(left) > 1 and left[-1] == "-" and left[-2].isalpha() and right[:1].islower():
        return left[:-1] + right  # "migra-" + "tion"
    if _CJK.match(left[-1:]) and _CJK.match(right[:1]):
        return left + right
    return f"{left} {right}"


_Paragraph = tuple[str, int | None]  # text, heading level (None for body text)


def _page_paragraphs(lines: Sequence[str]) -> list[_Paragraph]:
    """A page's lines joined into paragraphs and headings."""
    long_lines = [len(line) for line in lines if len(line) >= 20]
    typical = statistics.median(long_lines) if len(long_lines) >= 3 else None

    def ends_paragraph(line: str) -> bool:
        return _SENTENCE_END.search(line) is not None and (
            typical is None or len(line) < 0.85 * typical
        )

    levels: list[int | None] = []
    for i, line in enumerate(lines):
        before = lines[i - 1] if i > 0 else ""
        after = lines[i + 1] if i + 1 < len(lines) else ""
        level = _heading_level(line) if line else None
        if level is not None and (
            after[:1].islower()
            or (before and levels[-1] is None and not _SENTENCE_END.search(before))
        ):
            level = None  # a line wrapped inside a sentence
        levels.append(level)
    # Four or more heading-like lines in a row are a list or a table, not headings.
    run_start = None
    for i in range(len(levels) + 1):
        if i < len(levels) and levels[i] is not None:
            run_start = i if run_start is None else run_start
            continue
        if run_start is not None and i - run_start >= 4:
            for j in range(run_start, i):
                levels[j] = -1  # body text, a paragraph of its own
        run_start = None

    paragraphs: list[_Paragraph] = []
    current = previous = ""  # the paragraph so far, its last line
    for line, level in zip(lines, levels, strict=True):
        if not line or level is not None:
            if current:
                paragraphs.append((current, None))
            current = ""
            if line:
                paragraphs.append((line, None if level == -1 else level))
        elif not current:
            current = line
        elif (ends_paragraph(previous) and _starts_upper(line)) or _BULLET.match(line):
            paragraphs.append((current, None))
            current = line
        else:
            current = _join_lines(current, line)
        previous = line
    if current:
        paragraphs.append((current, None))
    return paragraphs


def _join_across_pages(
    pages: Iterable[tuple[int, list[_Paragraph]]],
) -> list[tuple[int, str, int | None]]:
    """All paragraphs with their page; one broken by a page break is joined to its start."""
    out: list[tuple[int, str, int | None]] = []
    for number, paragraphs in pages:
        for i, (text, level) in enumerate(paragraphs):
            if i == 0 and level is None and out and out[-1][2] is None:
                page, previous, _ = out[-1]
                continued = text[:1].islower() and not _SENTENCE_END.search(previous)
                if continued or (previous.endswith("-") and text[:1].islower()):
                    out[-1] = (page, _join_lines(previous, text), None)
                    continue
            out.append((number, text, level))
    return out


# --- DOCX -----------------------------------------------------------------------------------------


def _check_zip(content: bytes, filename: str) -> None:
    """Refuse a zip bomb by its directory alone, before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ExtractError(
            f"could not be read as a Word (DOCX) file: {_reason(exc)}", filename
        ) from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise ExtractError(
            f"is a compressed archive of more than {MAX_ZIP_MEMBERS:,} parts: refused", filename
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED:
        raise ExtractError(
            f"is a compressed archive that unpacks to {_size(total)}, more than the "
            f"{_size(MAX_UNPACKED)} allowed: refused",
            filename,
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
            raise ExtractError(
                f"is a compressed archive that unpacks to {_size(total)}, one part of it "
                f"{ratio:,.0f} times its packed size: refused",
                filename,
            )


def _docx_heading_level(style_name: str) -> int | None:
    name = style_name.strip().lower()
    if name.startswith("title"):
        return 0
    if name.startswith("heading"):
        digits = re.search(r"\d+", name)
        return int(digits.group()) if digits else 1
    return None


def _docx(content: bytes, builder: _Builder) -> str:
    _check_zip(content, builder.filename)
    title = ""
    try:
        document = docx.Document(io.BytesIO(content))
        title = document.core_properties.title or ""
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                style = item.style.name if item.style is not None else ""
                level = _docx_heading_level(style or "")
                if level is None:
                    builder.text(item.text)
                else:
                    builder.heading(item.text, level)
                    if level == 0 and not title.strip():
                        title = item.text
            elif isinstance(item, Table):
                for row in item.rows:
                    cells, seen = [], set()
                    for cell in row.cells:
                        if id(cell._tc) in seen:  # a merged cell repeats across the span
                            continue
                        seen.add(id(cell._tc))
                        text = _clean(cell.text)
                        if text:
                            cells.append(text)
                    builder.text(" | ".join(cells))
    except ExtractError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds of error on damaged files
        raise ExtractError(
            f"could not be read as a Word (DOCX) file: {_reason(exc)}", builder.filename
        ) from exc
    return title


# --- HTML -----------------------------------------------------------------------------------------

# fmt: off
_DROPPED_TAGS = frozenset({
    "script", "style", "nav", "noscript", "template", "svg", "math", "canvas", "iframe", "object",
    "embed", "button", "select", "textarea", "head",
})
# fmt: on
_PAGE_CHROME = frozenset({"header", "footer"})  # dropped unless inside <article> or <main>
# fmt: off
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "form", "hr", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# fmt: on
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii"}


def _decode_html(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        return content[3:].decode("utf-8", errors="replace")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace")
    declared = _XML_ENCODING.search(content[:1024]) or _META_CHARSET.search(content[:4096])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding in _WINDOWS_1252:  # as browsers do
        encoding = "cp1252"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    return content.decode(encoding, errors="replace")


def _html(content: bytes, builder: _Builder) -> str:
    text = re.sub(r"\A\s*<\?xml[^>]*>", "", _decode_html(content))
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        if "empty" in str(exc).lower():
            raise ExtractError("contains no text", builder.filename) from exc
        raise ExtractError(f"could not be read as HTML: {_reason(exc)}", builder.filename) from exc
    title_element = root.find(".//title")
    title = title_element.text_content() if title_element is not None else ""
    body = root.find("body")
    if body is None:
        body = root

    buffer: list[str] = []

    def flush() -> None:
        builder.text("".join(buffer))
        buffer.clear()

    skipping = 0  # depth inside a dropped element
    for event, element in etree.iterwalk(body, events=("start", "end", "comment", "pi")):
        if event in ("comment", "pi"):
            if not skipping and element.tail:
                buffer.append(element.tail)
            continue
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if skipping:
                skipping += 1
                continue
            if _dropped(element, tag):
                skipping = 1
                continue
            if tag in _HEADING_TAGS:
                flush()
                builder.heading(element.text_content(), _HEADING_TAGS[tag])
                skipping = 1  # its text is taken; its tail comes at its end
                continue
            if tag == "tr" and element.find(".//table") is None:
                flush()
                cells = [_clean(c.text_content()) for c in element if c.tag in ("td", "th")]
                builder.text(" | ".join(cell for cell in cells if cell))
                skipping = 1
                continue
            if tag in _BLOCK_TAGS:
                flush()
            elif tag == "br":
                buffer.append(" ")
            if element.text:
                buffer.append(element.text)
        else:
            if skipping:
                skipping -= 1
                if skipping:
                    continue
            elif tag in _BLOCK_TAGS:
                flush()
            if element.tail and element is not body:
                buffer.append(element.tail)
    flush()
    return title


def _dropped(element: Any, tag: str) -> bool:
    if tag in _DROPPED_TAGS:
        return True
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if tag in _PAGE_CHROME:
        return not any(a.tag in ("article", "main") for a in element.iterancestors())
    return False


# --- plain text and Markdown -------------------------------------------------------------------

_ATX = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_RULE = re.compile(r"^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_REFERENCE = re.compile(r"^\[[^\]]+\]:\s+\S+")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_LIST_ITEM = re.compile(r"^(?:[-*+•▪●◦]|\d{1,3}[.)])\s+")
_FENCE = re.compile(r"^(```|~~~)")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # <http://...>
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),  # inline HTML tags
)


def _markdown_inline(text: str) -> str:
    """Text without Markdown markup: emphasis, code, links, images, inline tags, escapes."""
    # Escaped characters are set aside (private-use code points) so they are not read as markup.
    text = _ESCAPED.sub(lambda m: chr(0xF0000 + ord(m.group(1))), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return re.sub("[\U000f0000-\U000f007f]", lambda m: chr(ord(m.group()) - 0xF0000), text)


def _plain(content: bytes, builder: _Builder, *, markdown: bool) -> str:
    text = _decode_text(content)
    if text is None:  # sniff() let it through, so this does not happen
        raise _unsupported(builder.filename)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraph: list[str] = []
    title = ""
    # Plain text has no markup for headings: a one-line paragraph between blank lines that looks
    # like one (numbered, Title Case, ALL CAPS...) is taken for a heading.
    may_be_heading = not markdown

    def flush(*, blank_after: bool = False) -> None:
        nonlocal may_be_heading
        if not paragraph:
            if blank_after:
                may_be_heading = not markdown
            return
        joined = " ".join(paragraph)
        level = _heading_level(joined) if may_be_heading and len(paragraph) == 1 else None
        paragraph.clear()
        may_be_heading = blank_after and not markdown
        if level is not None and blank_after:
            builder.heading(joined, level)
        elif joined:
            builder.text(_markdown_inline(joined) if markdown else joined)

    fence = ""
    for raw in lines:
        line = raw.strip()
        if fence:  # inside a fenced code block: its lines as they are
            if line.startswith(fence):
                builder.text(" ".join(paragraph))
                paragraph.clear()
                fence = ""
            elif line:
                paragraph.append(line)
            continue
        if not line:
            flush(blank_after=True)
            continue
        if markdown:
            if _FENCE.match(line):
                flush()
                fence = line[:3]
                continue
            atx = _ATX.match(line)
            if atx:
                flush()
                heading = _markdown_inline(atx.group(2))
                builder.heading(heading, len(atx.group(1)))
                if len(atx.group(1)) == 1 and not title:
                    title = heading
                continue
            if paragraph and _SETEXT.match(line):
                heading = _markdown_inline(" ".join(paragraph))
                paragraph.clear()
                builder.heading(heading, 1 if line[0] == "=" else 2)
                if line[0] == "=" and not title:
                    title = heading
                continue
            if _RULE.match(line) or _TABLE_SEPARATOR.match(line) or _REFERENCE.match(line):
                flush()
                continue
            line = re.sub(r"^(?:>\s*)+", "", line)
            if line.startswith("|"):
                flush()
                cells = [_markdown_inline(cell).strip() for cell in line.strip("|").split("|")]
                builder.text(" | ".join(cell for cell in cells if cell))
                continue
        if _LIST_ITEM.match(line):
            flush()
            if markdown or not line[0].isdigit():
                line = _LIST_ITEM.sub("", line)
                may_be_heading = False
        paragraph.append(line)
    if fence:
        builder.text(" ".join(paragraph))
        paragraph.clear()
    flush(blank_after=True)
    return title
