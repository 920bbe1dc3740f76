"""Model backends behind one interface: the local GGUF model, OpenAI (and compatible servers), Anthropic;
measuring a run, running two side by side, the shared local model's fair queue, and the
background job type the pages poll.

No UI here. Names load on first use (PEP 562), so ``import inference.types`` does not pull
in llama.cpp or the cloud SDKs.
"""

from __future__ import annotations

import lazy_loader

# ``measure`` is both a submodule and its function: importing the submodule would set the
# package attribute to the module, so the (light) function is bound here once, eagerly.
from inference.measure import measure as measure

# What loads from where is listed once, in __init__.pyi (which type checkers read too).
__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
