"""Bounds on what people hand over: how big, how deeply nested, what kind of file, how many.

A workshop server reads links, imports, policies and task files typed or uploaded by many
people at once. Every reader goes through this one implementation, so each refuses
oversize or deeply nested input with a message naming the limit (and the setting that
raises it) instead of a traceback, a frozen process or a dead thread:

- :func:`read_json` and :func:`read_yaml`: strict JSON (no NaN), YAML without anchors or
  aliases, both with a size and a nesting-depth limit checked before anything recursive runs.
- :func:`read_user_file`: a path from a command line, read only when it is a regular file
  (a FIFO or a device would block or never end), up to a size limit.
- :class:`Limit`: a count cap (prompts, tasks, policy rules, saved bytes) the operator can
  raise with an environment setting.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from scenario.errors import InputError

__all__ = [
    "MAX_NESTING",
    "REQUEST_BUDGET",
    "Limit",
    "check_nesting",
    "read_json",
    "read_user_file",
    "read_yaml",
]

# Every document this app reads (a decision, a policy, a task line) is at most four or five
# levels deep; 32 leaves room and stays far below Python's recursion limit.
MAX_NESTING = 32
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


@dataclass(frozen=True)
class Limit:
    """A cap on how many of something one person may hand over, raised by an environment setting."""

    what: str
    default: int
    setting: str

    @property
    def value(self) -> int:
        """The cap in force: the setting when it is a whole number of 1 or more, else the default."""
        given = os.environ.get(self.setting, "").strip().replace("_", "")
        return int(given) if given.isdigit() and int(given) >= 1 else self.default

    def check(self, count: int, where: str) -> None:
        """Refuse ``count`` over the cap, naming the cap and the setting that raises it.

        Raises:
            InputError: e.g. "prompts.csv has 12,000 prompts; the limit is 10,000 on this server ... CROSSOVER_MAX_PROMPTS".
        """
        cap = self.value
        if count > cap:
            raise InputError(f"{where} has {count:,} {self.what}; the limit is {cap:,} on this server. "
                             f"Use fewer, or ask whoever runs it to raise {self.setting}.")


# One run's requests to a server, wherever the key it carries came from: a quality check's tasks
# or a capacity sweep's steps. With the operator's key on an official or listed server, an
# unbounded sweep sent 4,769 requests in 12 s (up to about 20,000 a run) on their account.
REQUEST_BUDGET = Limit("requests to servers other than the local model", 1000, "CROSSOVER_MAX_REQUESTS_PER_RUN")


def _size(text: str | bytes, where: str, max_bytes: int) -> None:
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    if size > max_bytes:
        raise InputError(f"{where} is {size:,} bytes; the limit is {max_bytes:,}. Use a smaller file.")


def check_nesting(text: str, where: str, max_depth: int = MAX_NESTING) -> None:
    """Refuse JSON-like text whose brackets nest deeper than ``max_depth``, in one linear pass.

    Strings are left out first, so a bracket inside a quoted value does not count.

    Raises:
        InputError: naming the depth limit.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return  # the usual case, settled without a pass in Python
    depth = 0
    for char in _JSON_STRING.sub("", text):
        if char in "[{":
            depth += 1
            if depth > max_depth:
                raise InputError(f"{where} nests more than {max_depth} levels deep; nothing this app reads "
                                 "is nested like that. Check the file is the right one.")
        elif char in "]}":
            depth -= 1


def _reject_constant(name: str) -> float:
    # JSON has no NaN or Infinity; Python's json module accepts them unless told not to.
    raise ValueError(f"{name} is not a number JSON allows; write a finite number")


def read_json(text: str | bytes, where: str, *, max_bytes: int, max_depth: int = MAX_NESTING) -> Any:
    """Strict JSON (no NaN or Infinity), refused when too large or too deeply nested.

    Raises:
        InputError: naming ``where`` and what is wrong (the limit, or the line and column).
    """
    _size(text, where, max_bytes)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{where}: cannot be read as UTF-8 text; save it as UTF-8 JSON") from None
    check_nesting(text, where, max_depth)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{where}: {str(exc)[:200]}") from None


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases (a few lines of them can expand to millions of
    nodes) and with a nesting limit (its composer recurses once per level)."""

    max_depth = MAX_NESTING
    where = "the file"

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: ANN401 - PyYAML's signature
        if self.check_event(yaml.AliasEvent):
            raise InputError(f"{self.where}: YAML anchors and aliases (&name, *name) are not accepted; write the values out.")
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > self.max_depth:
                raise InputError(f"{self.where} nests more than {self.max_depth} levels deep; nothing this app reads "
                                 "is nested like that. Check the file is the right one.")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_yaml(text: str | bytes, where: str, *, max_bytes: int, max_depth: int = MAX_NESTING) -> Any:
    """Safe YAML (plain data only, no aliases), refused when too large or too deeply nested.

    Raises:
        InputError: naming ``where`` and what is wrong.
    """
    _size(text, where, max_bytes)
    loader_class = type("Loader", (_BoundedLoader,), {"max_depth": max_depth, "where": where})
    loader = loader_class(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: not valid YAML ({str(exc).splitlines()[0][:200]})") from None
    except RecursionError:
        raise InputError(f"{where} nests too deeply to read.") from None
    finally:
        loader.dispose()


def read_user_file(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a file named on a command line, if it is a regular file within ``max_bytes``.

    Opened without blocking and checked after opening (so nothing can swap it in between):
    a FIFO would wait for a writer forever, a device like /dev/zero never ends.

    Raises:
        InputError: missing, not a regular file, unreadable, or over the size limit.
    """
    file = Path(path)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot be read ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe" if stat.S_ISFIFO(info.st_mode) else "a device or special file"
            raise InputError(f"{file} is {kind}, not a file; give the path of a file.")
        if info.st_size > max_bytes:
            raise InputError(f"{file} is {info.st_size:,} bytes; the limit is {max_bytes:,}. Use a smaller file.")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:  # it grew while being read
                raise InputError(f"{file} is over {max_bytes:,} bytes, the limit. Use a smaller file.")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"{file}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
