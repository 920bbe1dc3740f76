"""Which replica shapes can serve a model, and what to say when the chosen one cannot."""

from __future__ import annotations

from calculators.catalog import Gpu, OpenModel, Quantisation, gpus
from calculators.errors import CostInputError
from calculators.serving import KvPrecision, Setup, max_concurrency, smallest_fitting_tp, valid_tp_sizes

__all__ = ["check_setup", "smallest_setup_that_fits"]


def smallest_setup_that_fits(model: OpenModel, precision: Quantisation, kv_precision: KvPrecision, context_tokens: int,
                             prefer_gpu: Gpu) -> str | None:
    """'2 x h100-80gb at fp8': the fewest GPUs of any catalog GPU, at this precision or a smaller
    one, that hold the model and one request; ties go to the chosen precision and GPU."""
    options = []
    for rank, p in enumerate(dict.fromkeys((precision, "fp8", "int4"))):
        for gpu in gpus():
            n = smallest_fitting_tp(Setup(model, gpu, p, kv_precision, 1), context_tokens)  # type: ignore[arg-type]
            if n is not None:
                options.append((n, rank, gpu.id != prefer_gpu.id, f"{n} x {gpu.id} at {p}"))
    return min(options)[3] if options else None


def check_setup(model: OpenModel, gpu: Gpu, precision: Quantisation, kv_precision: KvPrecision, context_tokens: int,
                gpus_per_replica: int | None) -> int:
    """GPUs per replica: the one asked for if it works, else the smallest that fits.

    Raises:
        CostInputError: a size the model's attention heads do not divide into (naming the
            sizes that do), or no size that fits (naming the smallest setup that does).
    """
    sizes = valid_tp_sizes(model, gpu)
    if gpus_per_replica is not None and gpus_per_replica not in sizes:
        raise CostInputError(
            f"{gpus_per_replica} GPUs per replica cannot serve {model.name}: tensor parallelism splits its "
            f"{model.attention_heads} attention heads and {model.kv_heads} KV heads evenly, within one "
            f"{gpu.gpus_per_server}-GPU server of {gpu.id}. Use {', '.join(map(str, sizes))}; for more throughput add replicas."
        )
    if gpus_per_replica is not None:
        if max_concurrency(Setup(model, gpu, precision, kv_precision, gpus_per_replica), context_tokens) >= 1:
            return gpus_per_replica
        fitting = smallest_fitting_tp(Setup(model, gpu, precision, kv_precision, 1), context_tokens)
        hint = f"{fitting} x {gpu.id} at {precision}" if fitting else smallest_setup_that_fits(model, precision, kv_precision, context_tokens, gpu)
        raise CostInputError(
            f"{model.name} at {precision} does not fit on {gpus_per_replica} x {gpu.id} with a {context_tokens:,}-token request; "
            + (f"the smallest setup that fits is {hint}." if hint else "no catalog GPU holds it: use a smaller precision or model.")
        )
    fitting = smallest_fitting_tp(Setup(model, gpu, precision, kv_precision, 1), context_tokens)
    if fitting is not None:
        return fitting
    hint = smallest_setup_that_fits(model, precision, kv_precision, context_tokens, gpu)
    raise CostInputError(
        f"{model.name} at {precision} with a {context_tokens:,}-token request does not fit on up to "
        f"{max(sizes)} x {gpu.id} (one server); "
        + (f"the smallest setup that fits is {hint}." if hint else "no catalog GPU holds it: use a smaller precision, model or request.")
    )
