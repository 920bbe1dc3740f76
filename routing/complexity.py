"""How complex a prompt looks: a transparent heuristic, every part shown.

score = 0.35 x length + 0.30 x reasoning wording + 0.20 x code + 0.15 x requested output length

Each part is 0..1, so the score is 0..1. It is a rule of thumb for tiered routing, not a
judgement of the prompt: check it on your own prompts and move the threshold.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

__all__ = ["WEIGHTS", "Complexity", "complexity"]

WEIGHTS = {"length": 0.35, "reasoning": 0.30, "code": 0.20, "output_length": 0.15}
_REASONING = re.compile(
    r"(?i)\b(step by step|explain why|analy[sz]e|compare|comparison|trade-?offs?|design|plan|justify|evaluate|"
    r"prove|reason|recommend|architecture|migration|phases?|risks?|strategy|pros and cons)\b"
)
_CODE = re.compile(r"```|\bdef |\bclass |\bfunction\b|\bSELECT\b|\bimport |=>|\{\s*\"|;\s*$|\bregex\b|\bSQL\b", re.MULTILINE)
_LONG_OUTPUT = re.compile(r"(?i)\b(in detail|detailed|essay|report|comprehensive|thorough|\d{3,} words|several paragraphs|full plan|with examples)\b")
_SHORT_OUTPUT = re.compile(r"(?i)\b(one sentence|briefly|short|in \w+ words|yes or no|one word|tl;?dr)\b")


class Complexity(BaseModel):
    """The score and the parts it is made of."""

    score: float
    parts: dict[str, float]


def complexity(prompt: str) -> Complexity:
    """Score a prompt 0..1 (0: trivially simple, 1: long, multi-step, code, long answer wanted)."""
    words = len(prompt.split())
    reasoning_hits = len(_REASONING.findall(prompt))
    parts = {
        "length": min(1.0, words / 60),
        "reasoning": min(1.0, reasoning_hits / 3),
        "code": 1.0 if _CODE.search(prompt) else 0.0,
        "output_length": 1.0 if _LONG_OUTPUT.search(prompt) else (0.0 if _SHORT_OUTPUT.search(prompt) else 0.3),
    }
    score = sum(WEIGHTS[name] * value for name, value in parts.items())
    return Complexity(score=round(score, 3), parts={k: round(v, 2) for k, v in parts.items()})
