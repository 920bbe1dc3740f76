"""A decision in a URL: compact enough to paste into a chat, complete enough to restore.

Only what differs from the defaults is kept, as compact JSON, deflated and base64url
encoded behind a version prefix: ``1.<data>``. The defaults decision encodes to "".
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any

from decisions.document import MAX_DECISION_BYTES, Decision, parse_decision
from scenario import InputError
from scenario.limits import read_json

__all__ = ["LINK_PARAM", "decode_link", "encode_link"]

LINK_PARAM = "s"
_VERSION = "1"
_MAX_TOKEN = 8_000


def _changes(decision: Decision) -> dict[str, Any]:
    parts = {
        "scenario": decision.scenario.model_dump(mode="json", exclude_defaults=True),
        "weights": decision.weights.model_dump(mode="json", exclude_defaults=True),
        "costs": decision.costs.model_dump(mode="json", exclude_defaults=True),
    }
    return {name: values for name, values in parts.items() if values}


def encode_link(decision: Decision) -> str:
    """The URL parameter value for a decision ("" for the defaults)."""
    changes = _changes(decision)
    if not changes:
        return ""
    raw = json.dumps(changes, separators=(",", ":"), sort_keys=True).encode()
    packed = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode()
    return f"{_VERSION}.{packed}"


def decode_link(token: str) -> Decision:
    """The decision a link parameter carries.

    Raises:
        InputError: when the link is cut short, damaged, from a newer version, or holds invalid fields.
    """
    token = token.strip()
    if not token:
        return Decision()
    if len(token) > _MAX_TOKEN:
        raise InputError([f"the link's scenario is {len(token):,} characters, more than a link ever holds; ask for a new link"])
    version, _, packed = token.partition(".")
    if version != _VERSION or not packed:
        raise InputError(["the link's scenario is from another version of Crossover or was cut short; ask for a new link"])
    limit = MAX_DECISION_BYTES.value
    try:
        inflater = zlib.decompressobj()
        # At most one byte past the limit: 8 KB of deflate can otherwise unpack to gigabytes.
        raw = inflater.decompress(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)), limit + 1)
    except (binascii.Error, zlib.error, ValueError):
        raise InputError(["the link's scenario is damaged (was it cut short when pasted?); ask for a new link"]) from None
    if len(raw) > limit:
        raise InputError([f"the link's scenario unpacks to more than {limit:,} bytes, more than any decision holds "
                          f"({MAX_DECISION_BYTES.setting}); ask for a new link"])
    try:
        data = read_json(raw, "the link's scenario", max_bytes=limit)
    except InputError as exc:
        raise InputError([f"{exc.problems[0]} Ask for a new link."]) from None
    if not isinstance(data, dict):
        raise InputError(["the link's scenario is damaged; ask for a new link"])
    return parse_decision({"scenario": data.get("scenario", {}), "weights": data.get("weights", {}), "costs": data.get("costs", {})})
