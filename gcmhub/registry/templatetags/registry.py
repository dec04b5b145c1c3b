"""Template helpers for the registry pages."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def matrix_cells(cells: list[str]) -> SafeString:
    """The <td> cells of one matrix row, from the selector's short codes ("m", "o*", ...).

    Built in Python rather than with template tags because a full matrix has several thousand
    cells; every text that goes into the HTML is escaped here.
    """
    words = {
        "m": (gettext("Member"), "M", "cell-member"),
        "o": (gettext("Observer"), "O", "cell-observer"),
    }
    none = (gettext("Not a current member or observer"), "", "")
    disputed_word = gettext("Sources disagree")
    parts = []
    for code in cells:
        if not code:
            parts.append("<td></td>")
            continue
        word, mark, css = words.get(code[0], none)
        if code.endswith("*"):
            word, mark, css = f"{word}; {disputed_word}", f"{mark}*", f"{css} cell-disputed"
        parts.append(
            f'<td class="{escape(css.strip())}" title="{escape(word)}">'
            f'<span aria-hidden="true">{escape(mark)}</span>'
            f'<span class="visually-hidden">{escape(word)}</span></td>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
