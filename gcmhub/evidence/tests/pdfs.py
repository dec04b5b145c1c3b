"""Small, valid PDFs written by hand for tests (pypdf reads PDFs well but cannot lay out text).

``make_pdf([["# Heading", "A line of text.", ...], [...]])`` gives one page per list, one text
line per string, drawn top-down in Helvetica 11 pt. A line starting with ``"# "`` is drawn in
Helvetica-Bold 15 pt without the marker; an empty string leaves a blank line. Text is encoded as
WinAnsi (cp1252), so Latin-script text works, other scripts do not.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader, PdfWriter

PAGE_WIDTH, PAGE_HEIGHT = 612, 792  # US Letter, in points
MARGIN = 72
BODY_SIZE, HEADING_SIZE = 11, 15


def _literal(text: str) -> bytes:
    """A PDF literal string for ``text`` in WinAnsiEncoding."""
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError as exc:
        raise ValueError(f"make_pdf can only draw cp1252 text, not {text!r}") from exc
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content_stream(lines: Sequence[str]) -> bytes:
    ops: list[bytes] = []
    y = PAGE_HEIGHT - MARGIN
    for line in lines:
        heading = line.startswith("# ")
        size = HEADING_SIZE if heading else BODY_SIZE
        y -= round(size * 1.4)
        if y < MARGIN:
            raise ValueError(f"make_pdf: too many lines for one page ({len(lines)})")
        if not line:
            continue
        font = b"/F2" if heading else b"/F1"
        text = _literal(line[2:] if heading else line)
        ops.append(b"BT %s %d Tf %d %d Td %s Tj ET" % (font, size, MARGIN, y, text))
    return b"\n".join(ops) + b"\n"


def _serialise(objects: list[bytes], *, info: int | None) -> bytes:
    """A complete file: header, numbered objects (1..n, object 1 the catalog), xref, trailer."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"/Size %d /Root 1 0 R" % (len(objects) + 1)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    out.write(b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def make_pdf(
    pages: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    encrypt: bool = False,
    user_password: str | None = None,
    owner_password: str | None = None,
) -> bytes:
    """A PDF with one page per item of ``pages``, each a list of text lines.

    With ``encrypt=True`` the file is RC4-128 encrypted (readable by pypdf without extra
    packages): it needs ``user_password`` (default ``"secret"``) to open, unless that is ``""``,
    in which case anyone can open it and only the owner password protects it (permissions).
    """
    if not pages:
        raise ValueError("make_pdf needs at least one page")
    # Objects: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, then per page a page object
    # and its content stream, then (optionally) the document information dictionary.
    first_page = 5
    page_refs = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (page_refs, len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        stream = _content_stream(lines)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
            % (PAGE_WIDTH, PAGE_HEIGHT, first_page + 2 * i + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
    info = None
    if title is not None:
        objects.append(b"<< /Title %s /Producer (gcmhub tests) >>" % _literal(title))
        info = len(objects)
    content = _serialise(objects, info=info)
    if not encrypt:
        return content
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    writer.encrypt(
        user_password="secret" if user_password is None else user_password,
        owner_password=owner_password or "owner-secret",
        algorithm="RC4-128",
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
