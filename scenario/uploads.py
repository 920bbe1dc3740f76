"""Reading what a user uploads or pastes: size-capped, UTF-8, CSV or JSON Lines rows.

Shared by every feature that reads a team's own files (prompt sets, task sets), so each
refuses a bad file with the same clear message.
"""

from __future__ import annotations

import csv
import io

from scenario.errors import InputError
from scenario.limits import read_json

__all__ = ["MAX_BYTES", "decode_upload", "read_csv_rows", "read_jsonl_rows"]

MAX_BYTES = 10 * 1024 * 1024


def decode_upload(name: str, data: bytes) -> str:
    """UTF-8 text of an uploaded file; too large, not UTF-8 or empty: a clear message."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{name} is {len(data) / 1024 / 1024:.1f} MB; the limit is 10 MB. Split it into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}). Save it as UTF-8 and try again."
        ) from None
    if not text.strip():
        raise InputError(f"{name} is empty: it needs at least one prompt.")
    return text


def read_csv_rows(name: str, text: str, fields: tuple[str, ...]) -> list[tuple[str, dict]]:
    """CSV rows as (where, {field: value}) for the wanted fields; a 'prompt' column is required.

    Column names match case-insensitively; missing optional fields are left out.
    """
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    if "prompt" not in columns:
        found = ", ".join(reader.fieldnames or []) or "none"
        raise InputError(f"{name} has no 'prompt' column (its columns: {found}). Name the column with the prompts 'prompt'.")
    return [(f"{name} row {number}", {f: row.get(columns[f]) for f in fields if f in columns})
            for number, row in enumerate(reader, start=2)]


def read_jsonl_rows(name: str, text: str) -> list[tuple[str, dict]]:
    """JSONL objects as (where, object); blank lines skipped, anything else must be a JSON object."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = read_json(line, f"{name} line {number}", max_bytes=MAX_BYTES)
        except InputError as exc:
            raise InputError(f"{exc.problems[0]}. Each line must be one JSON object.") from None
        if not isinstance(row, dict):
            raise InputError(f"{name} line {number} is not a JSON object.")
        rows.append((f"{name} line {number}", row))
    return rows
