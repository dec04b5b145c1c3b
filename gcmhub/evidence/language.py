"""Offline language detection for evidence: which of the six UN languages a text is written in.

The detector is lingua (``lingua-language-detector``, Rust, no network). To be able to say that a
document is *not* in one of the six, it also knows 34 other languages that gcmhub is likely to be
sent (national reports from every region): a detector that only knew the six would call German
English and Portuguese Spanish.

Measured on the project's 2-core machine (lingua 2.1.1, Python 3.11; peak RSS above a bare
interpreter; "short" is a median over one-sentence texts of 60-130 characters in eight
languages, "passage" ~900 characters):

=========================  ========  ============  =========  ========  =========
languages, mode            loading   RSS extra     build      short     passage
=========================  ========  ============  =========  ========  =========
6 UN, high accuracy        preload   189 MB        0.6 s      0.2 ms    0.4 ms
19, high accuracy          preload   428 MB        1.9 s      1.1 ms    0.6 ms
19, high accuracy          lazy      366 MB        2.6 s [1]  1.0 ms    0.5 ms
39, high accuracy          preload   799 MB        4.7 s      1.8 ms    0.5 ms
75 (all), high accuracy    preload   1,197 MB      7.3 s      5.8 ms    0.8 ms
19, low accuracy           preload   45 MB         0.1 s      0.2 ms    0.6 ms
39, low accuracy           preload   77 MB         0.2 s      0.3 ms    0.7 ms
39, low accuracy           lazy      66 MB         0.3 s [1]  0.4 ms    0.6 ms
75 (all), low accuracy     preload   114 MB        0.3 s      1.0 ms    0.9 ms
=========================  ========  ============  =========  ========  =========

[1] paid by the first detection instead of the build: every candidate's model is loaded then.

High accuracy mode (n-grams of 1 to 5) only helps on texts shorter than about 120 characters
and costs 400 MB or more as soon as the set of languages is useful, over the ~300 MB budget.
Low accuracy mode (trigrams) told all six UN languages apart without error on the test sentences
(down to two-word phrases such as "Safe migration") and kept German, Portuguese, Catalan,
Ukrainian, Japanese and Swahili apart from them. Chosen: the 6 UN languages and 33 others
(``OTHER_LANGUAGES``), low accuracy mode, models preloaded when the detector is first built
(once per process, ~0.2 s; lazy loading saves little, as any detection loads every candidate of
the text's script). Measured through this module: 50-80 MB resident once built, 0.2-0.3 ms for a
sentence, 0.5-0.9 ms for a 900-character passage, 25-35 ms for ``detect_document`` of 20 blocks.

``with_minimum_relative_distance(0.1)``: returns None (no language) for texts too ambiguous to
tell, such as a single word shared by several languages, without refusing short but clear
headings ("Annex II. Statistical tables and figures", refused from 0.2 on). Texts with fewer
than ``MIN_LETTERS`` letters are not shown to the detector at all.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED = ("en", "fr", "es", "ar", "ru", "zh")
UN_LANGUAGES = (
    Language.ENGLISH,
    Language.FRENCH,
    Language.SPANISH,
    Language.ARABIC,
    Language.RUSSIAN,
    Language.CHINESE,
)
OTHER_LANGUAGES = (
    Language.GERMAN,
    Language.PORTUGUESE,
    Language.ITALIAN,
    Language.DUTCH,
    Language.TURKISH,
    Language.POLISH,
    Language.SWAHILI,
    Language.INDONESIAN,
    Language.MALAY,
    Language.JAPANESE,
    Language.KOREAN,
    Language.HINDI,
    Language.BENGALI,
    Language.URDU,
    Language.PERSIAN,
    Language.UKRAINIAN,
    Language.ROMANIAN,
    Language.CATALAN,
    Language.SWEDISH,
    Language.DANISH,
    Language.BOKMAL,
    Language.FINNISH,
    Language.CZECH,
    Language.HUNGARIAN,
    Language.GREEK,
    Language.BULGARIAN,
    Language.SERBIAN,
    Language.CROATIAN,
    Language.TAGALOG,
    Language.VIETNAMESE,
    Language.THAI,
    Language.HEBREW,
    Language.SOMALI,
)
MINIMUM_RELATIVE_DISTANCE = 0.1
MIN_LETTERS = 20  # fewer letters than this: too little text to tell
CJK_LETTER_WEIGHT = 3  # a Chinese or Japanese character carries about a short word
SAMPLE_BLOCKS = 20  # blocks read to find the main language of a document
SAMPLE_CHARS = 1000  # characters read from each of them
UN_NAMES = "Arabic, Chinese, English, French, Russian, Spanish"
_NAMES = {Language.BOKMAL: "Norwegian", Language.MALAY: "Malay"}

_lock = threading.Lock()
_detector: LanguageDetector | None = None


class UnsupportedLanguage(Exception):
    """A document whose main language is not one of the six UN languages (or cannot be told)."""

    def __init__(self, message: str, language: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.language = language  # ISO 639-1 of what was found, None when nothing was


def detector() -> LanguageDetector:
    """The process's detector, built on first use (thread-safe)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = (
                    LanguageDetectorBuilder.from_languages(*UN_LANGUAGES, *OTHER_LANGUAGES)
                    .with_low_accuracy_mode()
                    .with_preloaded_language_models()
                    .with_minimum_relative_distance(MINIMUM_RELATIVE_DISTANCE)
                    .build()
                )
    return _detector


def _letters(text: str) -> int:
    """How many letters a text has, a CJK character counting for a few."""
    count = 0
    for char in text:
        if char.isalpha():
            count += CJK_LETTER_WEIGHT if "\u3040" <= char <= "\u9fff" else 1
    return count


def _code(language: Language) -> str:
    iso: IsoCode639_1 = language.iso_code_639_1
    return iso.name.lower()


def language_name(language: Language) -> str:
    return _NAMES.get(language, language.name.title())


def _detect(text: str) -> Language | None:
    if _letters(text) < MIN_LETTERS:
        return None
    return detector().detect_language_of(text)


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the UN language a text is written in.

    None when the text is too short to tell, ambiguous, or in another language.
    """
    found = _detect(text)
    if found is None:
        return None
    code = _code(found)
    return code if code in SUPPORTED else None


def _sample(texts: Sequence[str]) -> list[str]:
    """Up to SAMPLE_BLOCKS texts spread evenly over the document, preferring ones long enough."""
    usable = [t for t in texts if _letters(t) >= MIN_LETTERS] or list(texts)
    if len(usable) <= SAMPLE_BLOCKS:
        return [t[:SAMPLE_CHARS] for t in usable]
    step = len(usable) / SAMPLE_BLOCKS
    return [usable[int(i * step)][:SAMPLE_CHARS] for i in range(SAMPLE_BLOCKS)]


def detect_document(texts: list[str]) -> str:
    """The main language of a document (ISO 639-1), one of SUPPORTED.

    Each sampled block votes for its language with its number of letters; the language with
    most letters wins. Raises UnsupportedLanguage when that is not one of the six, or when no
    language can be told at all.
    """
    sample = _sample([t for t in texts if t.strip()])
    votes: Counter[Language] = Counter()
    for text in sample:
        found = _detect(text)
        if found is not None:
            votes[found] += _letters(text)
    if not votes and sample:  # only short blocks: try them together
        found = _detect(" ".join(sample))
        if found is not None:
            votes[found] += 1
    if not votes:
        raise UnsupportedLanguage(
            "has too little text to tell which language it is written in "
            f"(it must be one of the six UN languages: {UN_NAMES})"
        )
    main = votes.most_common(1)[0][0]
    code = _code(main)
    if code not in SUPPORTED:
        raise UnsupportedLanguage(
            f"is written in {language_name(main)}, which is not one of the six UN languages "
            f"({UN_NAMES})",
            code,
        )
    return code
