"""Cutting extracted blocks into passages: the units that are searched, embedded and tagged.

A passage is one or more consecutive paragraphs under the same heading on a run of consecutive
pages, merged while shorter than ``target_chars``. A paragraph longer than ``max_chars`` is cut at
sentence ends (Latin, Arabic and CJK punctuation), and a sentence longer than that at a space.
Headings are not passages: they give the ``heading`` of the passages under them. A short piece
(under ``min_chars``) joins the passage before it when both sit under the same heading. A
passage's page is the page of its first paragraph; ordinals count from 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from gcmhub.evidence.extract import Block


@dataclass(frozen=True)
class PassageDraft:
    ordinal: int
    text: str
    page: int | None
    heading: str


# A sentence ends at . ! ? … or the Arabic question mark and Urdu full stop before a space,
# or at the CJK full stop and fullwidth ! ? (no space needed), closing quotes and brackets
# included. Before a lower-case letter it is not a sentence end ("e.g. the", "art. 5 of").
_SENTENCE_END = re.compile(
    r"[.!?\u2026\u061f\u06d4][\"'\u201d\u2019\u00bb)\]]*(?=\s)"
    r"|[\u3002\uff01\uff1f][\u201d\u2019\u300d\u300f\uff09]*"
)


def split_sentences(text: str) -> list[str]:
    """The sentences of a paragraph, each with its punctuation."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        rest = text[match.end() :].lstrip()
        if not rest or rest[0].islower():
            continue
        piece = text[start : match.end()].strip()
        if piece:
            pieces.append(piece)
        start = match.end()
    if text[start:].strip():
        pieces.append(text[start:].strip())
    return pieces


def _hard_split(text: str, limit: int) -> Iterator[str]:
    """Pieces of at most ``limit`` characters, cut at the last space before it if there is one."""
    while len(text) > limit:
        cut = text.rfind(" ", limit // 2, limit + 1)
        if cut <= 0:
            cut = limit
        yield text[:cut].strip()
        text = text[cut:].strip()
    if text:
        yield text


def _pieces(text: str, target: int, limit: int) -> Iterator[str]:
    """A paragraph longer than ``limit`` as pieces of whole sentences, each about ``target``."""
    current = ""
    for sentence in split_sentences(text):
        for part in _hard_split(sentence, limit):
            joined = f"{current} {part}" if current else part
            if current and (len(joined) > limit or len(current) >= target):
                yield current
                current = part
            else:
                current = joined
    if current:
        yield current


@dataclass
class _Open:
    text: str
    page: int | None
    last_page: int | None
    heading: str


def _follows(page: int | None, last_page: int | None) -> bool:
    """Whether a paragraph on ``page`` continues a page-run that ended on ``last_page``."""
    return page is None or last_page is None or 0 <= page - last_page <= 1


def make_passages(
    blocks: Iterable[Block], *, target_chars: int = 500, max_chars: int = 900, min_chars: int = 150
) -> list[PassageDraft]:
    """Passages of the blocks of one document, in reading order."""
    blocks = list(blocks)
    if blocks and all(block.is_heading for block in blocks):
        # Nothing but headings (slides, a form): their text is all there is.
        blocks = [Block(b.text, b.page, b.heading, is_heading=False) for b in blocks]
    done: list[_Open] = []
    current: _Open | None = None

    def close() -> None:
        nonlocal current
        if current is None:
            return
        previous = done[-1] if done else None
        if (
            previous is not None
            and len(current.text) < min_chars
            and previous.heading == current.heading
            and _follows(current.page, previous.last_page)
            and len(previous.text) + 1 + len(current.text) <= max_chars
        ):
            previous.text = f"{previous.text} {current.text}"
            previous.last_page = current.last_page
        else:
            done.append(current)
        current = None

    for block in blocks:
        if block.is_heading:
            close()
            continue
        text = " ".join(block.text.split())
        if not text:
            continue
        pieces = list(_pieces(text, target_chars, max_chars)) if len(text) > max_chars else [text]
        for piece in pieces:
            if (
                current is not None
                and current.heading == block.heading
                and _follows(block.page, current.last_page)
                and len(current.text) < target_chars
                and len(current.text) + 1 + len(piece) <= max_chars
            ):
                current.text = f"{current.text} {piece}"
                current.last_page = block.page if block.page is not None else current.last_page
                continue
            close()
            current = _Open(piece, block.page, block.page, block.heading)
    close()
    return [
        PassageDraft(ordinal=i, text=p.text, page=p.page, heading=p.heading)
        for i, p in enumerate(done, start=1)
    ]
