"""Read a team's prompts from CSV, JSONL or pasted text, with a clear message for every bad file."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from scenario import InputError
from scenario.limits import Limit
from scenario.uploads import decode_upload, read_csv_rows, read_jsonl_rows

__all__ = [
    "SAMPLE_PROMPTS",
    "MAX_PROMPTS",
    "PromptSet",
    "load_sample_prompts",
    "parse_pasted",
    "parse_prompt_file",
]

SAMPLE_PROMPTS = Path(__file__).resolve().parents[1] / "assets" / "sample_prompts.jsonl"
# Each prompt goes through every detector pattern: 100,000 took 98 s and 500 MB of one process,
# and 10,000 took 75 s here on a busy 2-core machine. The cap keeps one upload to seconds.
MAX_PROMPTS = Limit("prompts", 5_000, "CROSSOVER_MAX_PROMPTS")
MAX_PROMPT_CHARS = 20_000
_TRUE = {"true", "1", "yes", "y", "sensitive"}
_FALSE = {"false", "0", "no", "n", "", "not sensitive"}


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
    raise InputError(f"{where}: 'sensitive' is {value!r}; use true or false (or leave it empty)")


def _long(prompt: str, where: str) -> None:
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InputError(f"{where}: the prompt is {len(prompt):,} characters; the limit is {MAX_PROMPT_CHARS:,}. Shorten it.")


def _prompt_set(name: str, rows: list[tuple[str, dict]], jsonl: bool) -> PromptSet:
    MAX_PROMPTS.check(len(rows), name)
    prompts, labels = [], []
    for where, row in rows:
        if jsonl and not isinstance(row.get("prompt"), str):
            raise InputError(f"{where} has no \"prompt\" text field. Each line needs {{\"prompt\": \"...\"}}.")
        prompt = (row.get("prompt") or "").strip()
        _long(prompt, where)
        if prompt:
            prompts.append(prompt)
            labels.append(_label(row.get("sensitive"), where))
    return PromptSet(source=name, prompts=prompts, labels=labels)


def parse_prompt_file(name: str, data: bytes) -> PromptSet:
    """Read prompts from a ``.csv`` (a ``prompt`` column) or ``.jsonl`` (``{"prompt": ...}`` lines) file.

    An optional ``sensitive`` column or field (true/false) labels each prompt.

    Raises:
        InputError: too large, not UTF-8, empty, no prompt column, a bad line or label.
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
        raise InputError(f"{name}: use a .csv file with a 'prompt' column, a .jsonl file, or a .txt file with one prompt a line.")
    if not result.prompts:
        raise InputError(f"{name} has no prompts: every row's prompt is empty.")
    return result


def parse_pasted(text: str, source: str = "pasted text") -> PromptSet:
    """One prompt a line; blank lines are skipped."""
    prompts = [line.strip() for line in text.splitlines() if line.strip()]
    if not prompts:
        raise InputError("Nothing to route: paste at least one prompt, one a line.")
    MAX_PROMPTS.check(len(prompts), source)
    for number, prompt in enumerate(prompts, start=1):
        _long(prompt, f"{source} line {number}")
    return PromptSet(source=source, prompts=prompts, labels=[None] * len(prompts))


def load_sample_prompts() -> PromptSet:
    """The bundled, labelled sample set (200 prompts written for this project)."""
    result = parse_prompt_file(SAMPLE_PROMPTS.name, SAMPLE_PROMPTS.read_bytes())
    return result.model_copy(update={"source": "the bundled sample set"})
