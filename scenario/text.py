"""User text is text: how a name, note, owner or link value is shown wherever it appears.

Streamlit's captions, messages, labels and expanders, and the Markdown report, all render
Markdown. A saved scenario's name like ``[Click](https://evil.example)`` or
``![](https://tracker.example/p.png)`` would otherwise become a live link or an image every
viewer's browser fetches. :func:`plain` makes any text display as exactly what was typed;
:func:`excerpt` quotes a value briefly (an error never repeats megabytes of input);
:func:`spreadsheet_safe` keeps a downloaded CSV cell from running as a formula;
:func:`counted` writes a count with its noun ("1 GPU", "2 GPUs"), not "1 GPU(s)".
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["counted", "excerpt", "plain", "spreadsheet_safe"]

# CommonMark lets any ASCII punctuation be escaped with a backslash, and then shows it as is.
# Escaped: what opens a link, an image, emphasis, code, HTML, a table cell or maths anywhere
# in a line; the rest of punctuation (a comma, a full stop) stays readable in the raw text.
_PUNCTUATION = re.compile(r"([\\`*_\[\]()!<>#|~$&{}])")
# ...and what starts a list, a quote, a heading or a rule only at the start of a line.
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])", re.MULTILINE)
# GitHub-flavoured Markdown also turns bare web addresses and e-mail addresses into links,
# after escapes are resolved; an invisible word joiner inside them stops that.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www)([:.])|(@)")
_JOINER = "\u2060"


def plain(text: object, *, multiline: bool = False) -> str:
    """``text`` escaped so that Markdown shows it literally: no links, images, emphasis or headings.

    Args:
        text: Anything; ``None`` becomes "".
        multiline: Keep line breaks (notes); otherwise they become spaces (names, labels).
    """
    value = "" if text is None else str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _AUTOLINK.sub(lambda m: (m.group(1) or "") + _JOINER + (m.group(2) or m.group(3)), value)
    value = _PUNCTUATION.sub(r"\\\1", value)
    value = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2) if m.group(2)[-1] in "-+=>" else
                            m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], value)
    if multiline:
        return "  \n".join(line for line in value.split("\n"))
    return " ".join(value.split("\n"))


def excerpt(value: Any, limit: int = 60) -> str:
    """A short quotation of ``value`` for an error message: JSON-quoted, cut at ``limit`` characters."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if len(text) <= limit:
        return json.dumps(text) if isinstance(value, str) else text
    cut = text[:limit]
    more = f"… ({len(text) - limit:,} more characters)"
    return (json.dumps(cut)[:-1] + more + '"') if isinstance(value, str) else cut + more


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text: a leading apostrophe before a would-be formula.

    Numbers are left as they are: only text can smuggle ``=HYPERLINK(...)``.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless the count is one: "1 GPU", "3 GPUs", "0 servers"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
