"""Read a team's prompts from CSV, JSONL or pasted text, with a clear message for every bad file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from pydantic import BaseModel

__all__ = [
    "MAX_BYTES",
    "SAMPLE_PROMPTS",
    "PromptFileError",
    "PromptSet",
    "decode_upload",
    "load_sample_prompts",
    "parse_pasted",
    "parse_prompt_file",
    "read_csv_rows",
    "read_jsonl_rows",
]

MAX_BYTES = 10 * 1024 * 1024
SAMPLE_PROMPTS = Path(__file__).resolve().parents[1] / "assets" / "sample_prompts.jsonl"
_TRUE = {"true", "1", "yes", "y", "sensitive"}
_FALSE = {"false", "0", "no", "n", "", "not sensitive"}


class PromptFileError(ValueError):
    """A prompt file cannot be used; the message says what is wrong and how to fix it."""


class PromptSet(BaseModel):
    """Prompts, their optional ``sensitive`` labels and where they came from."""

    source: str
    prompts: list[str]
    labels: list[bool | None]

    @property
    def labelled(self) -> int:
        return sum(label is not None for label in self.labels)


def _label(value: object, where: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return None if text == "" else False
    raise PromptFileError(f"{where}: 'sensitive' is {value!r}; use true or false (or leave it empty)")


def decode_upload(name: str, data: bytes) -> str:
    """UTF-8 text of an uploaded file; too large, not UTF-8 or empty: a clear message."""
    if len(data) > MAX_BYTES:
        raise PromptFileError(f"{name} is {len(data) / 1024 / 1024:.1f} MB; the limit is 10 MB. Split it into smaller files.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PromptFileError(
            f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}). Save it as UTF-8 and try again."
        ) from None
    if not text.strip():
        raise PromptFileError(f"{name} is empty: it needs at least one prompt.")
    return text


def read_csv_rows(name: str, text: str, fields: tuple[str, ...]) -> list[tuple[str, dict]]:
    """CSV rows as (where, {field: value}) for the wanted fields; a 'prompt' column is required.

    Column names match case-insensitively; missing optional fields are left out.
    """
    reader = csv.DictReader(io.StringIO(text))
    columns = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    if "prompt" not in columns:
        found = ", ".join(reader.fieldnames or []) or "none"
        raise PromptFileError(f"{name} has no 'prompt' column (its columns: {found}). Name the column with the prompts 'prompt'.")
    return [(f"{name} row {number}", {f: row.get(columns[f]) for f in fields if f in columns})
            for number, row in enumerate(reader, start=2)]


def read_jsonl_rows(name: str, text: str) -> list[tuple[str, dict]]:
    """JSONL objects as (where, object); blank lines skipped, anything else must be a JSON object."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PromptFileError(f"{name} line {number} is not valid JSON ({exc.msg}). Each line must be one JSON object.") from None
        if not isinstance(row, dict):
            raise PromptFileError(f"{name} line {number} is not a JSON object.")
        rows.append((f"{name} line {number}", row))
    return rows


def _prompt_set(name: str, rows: list[tuple[str, dict]], jsonl: bool) -> PromptSet:
    prompts, labels = [], []
    for where, row in rows:
        if jsonl and not isinstance(row.get("prompt"), str):
            raise PromptFileError(f"{where} has no \"prompt\" text field. Each line needs {{\"prompt\": \"...\"}}.")
        prompt = (row.get("prompt") or "").strip()
        if prompt:
            prompts.append(prompt)
            labels.append(_label(row.get("sensitive"), where))
    return PromptSet(source=name, prompts=prompts, labels=labels)


def parse_prompt_file(name: str, data: bytes) -> PromptSet:
    """Read prompts from a ``.csv`` (a ``prompt`` column) or ``.jsonl`` (``{"prompt": ...}`` lines) file.

    An optional ``sensitive`` column or field (true/false) labels each prompt.

    Raises:
        PromptFileError: too large, not UTF-8, empty, no prompt column, a bad line or label.
    """
    text = decode_upload(name, data)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        result = _prompt_set(name, read_csv_rows(name, text, ("prompt", "sensitive")), jsonl=False)
    elif suffix in (".jsonl", ".ndjson"):
        result = _prompt_set(name, read_jsonl_rows(name, text), jsonl=True)
    elif suffix == ".txt":
        result = parse_pasted(text, source=name)
    else:
        raise PromptFileError(f"{name}: use a .csv file with a 'prompt' column, a .jsonl file, or a .txt file with one prompt a line.")
    if not result.prompts:
        raise PromptFileError(f"{name} has no prompts: every row's prompt is empty.")
    return result


def parse_pasted(text: str, source: str = "pasted text") -> PromptSet:
    """One prompt a line; blank lines are skipped."""
    prompts = [line.strip() for line in text.splitlines() if line.strip()]
    if not prompts:
        raise PromptFileError("Nothing to route: paste at least one prompt, one a line.")
    return PromptSet(source=source, prompts=prompts, labels=[None] * len(prompts))


def load_sample_prompts() -> PromptSet:
    """The bundled, labelled sample set (200 prompts written for this project)."""
    result = parse_prompt_file(SAMPLE_PROMPTS.name, SAMPLE_PROMPTS.read_bytes())
    return result.model_copy(update={"source": "the bundled sample set"})
