"""How people write framework codes: objective 7 as "7", "O7", "objective 7" or "objective:7"."""

from __future__ import annotations


def objective_code(value: str) -> str:
    """The framework code of an objective ("7") from any of the usual spellings."""
    text = str(value).strip().lower()
    for prefix in ("objective:", "objective", "obj", "o"):
        rest = text[len(prefix) :].strip(" .:-")
        if text.startswith(prefix) and rest.isdigit():
            text = rest
            break
    return str(int(text)) if text.isdigit() else text


def principle_code(value: str) -> str:
    """The framework code of a guiding principle ("a") from "a", "A" or "principle:a"."""
    return str(value).strip().lower().removeprefix("principle:").strip()


def code_order(code: str) -> tuple[int, str]:
    """Sort key putting objective 2 before objective 10."""
    return (int(code), "") if code.isdigit() else (0, code)
