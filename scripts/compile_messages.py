#!/usr/bin/env python3
"""Compile gcmhub's message catalogues without Django or GNU gettext.

    python scripts/compile_messages.py          # write django.mo beside every django.po
    python scripts/compile_messages.py --check  # exit 1 if any django.mo is missing or stale

Catalogues live in gcmhub/locale/<lang>/LC_MESSAGES/django.po. Obsolete entries
("#~") are never compiled; fuzzy and untranslated entries are left out as msgfmt
does, so Django falls back to the English text for them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "gcmhub" / "locale"


def catalogues(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    return sorted(locale_dir.glob("*/LC_MESSAGES/django.po"))


def _key(msgid: str, msgid_plural: str = "", msgctxt: str | None = None) -> str:
    key = msgid
    if msgid_plural:
        key += "\x00" + msgid_plural
    if msgctxt:
        key = msgctxt + "\x04" + key
    return key


def _value(entry: polib.POEntry | polib.MOEntry) -> str:
    if entry.msgid_plural:
        return "\x00".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return entry.msgstr


def expected(po: polib.POFile) -> dict[str, str]:
    """What the .mo should hold: the header and every translated, live entry."""
    out = {"": _header(po.metadata)}
    for entry in po.translated_entries():
        if entry.obsolete:
            continue
        out[_key(entry.msgid, entry.msgid_plural, entry.msgctxt)] = _value(entry)
    return out


# Header fields that change how Django reads a catalogue. msgfmt drops some others
# (POT-Creation-Date), so a .mo built by `manage compilemessages` still checks clean.
HEADER_KEYS = ("Content-Type", "Language", "Plural-Forms")


def _header(metadata: dict[str, str]) -> str:
    return "".join(f"{k}: {metadata.get(k, '').strip()}\n" for k in HEADER_KEYS)


def actual(mo_path: Path) -> dict[str, str]:
    mo = polib.mofile(str(mo_path))
    out = {"": _header(mo.metadata)}
    for entry in mo:
        if entry.msgid == "" and not entry.msgctxt:
            continue
        out[_key(entry.msgid, entry.msgid_plural, entry.msgctxt)] = _value(entry)
    return out


def compile_po(po_path: Path) -> Path:
    po = polib.pofile(str(po_path))
    for entry in [e for e in po if e.obsolete]:
        po.remove(entry)
    mo_path = po_path.with_suffix(".mo")
    po.save_as_mofile(str(mo_path))
    return mo_path


def stale(po_path: Path) -> str | None:
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return "no .mo"
    want = expected(polib.pofile(str(po_path)))
    try:
        have = actual(mo_path)
    except (OSError, ValueError) as exc:
        return f"unreadable .mo ({exc})"
    if want != have:
        diff = sorted(k for k in set(want) | set(have) if want.get(k) != have.get(k))
        sample = ", ".join(repr(k.split("\x00")[0][:40]) for k in diff[:3])
        return f"{len(diff)} message(s) differ, e.g. {sample}"
    return None


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(ROOT)
    except ValueError:
        return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only report missing or stale .mo files"
    )
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    args = parser.parse_args(argv)

    pos = catalogues(args.locale_dir)
    if not pos:
        print(f"no django.po under {args.locale_dir}", file=sys.stderr)
        return 1
    if args.check:
        bad = [(p, why) for p in pos if (why := stale(p))]
        for p, why in bad:
            print(f"{_shown(p)}: {why}")
        return 1 if bad else 0
    for p in pos:
        mo = compile_po(p)
        print(f"compiled {_shown(mo)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
