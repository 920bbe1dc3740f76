"""``crossover capacity`` and the serving flags of ``crossover costs``, run in-process."""

import json

import pytest

from cli.main import main

CONTRACT = {"gpus_per_replica", "max_concurrency", "concurrency", "output_tokens_per_s", "requests_per_s",
            "ttft_ms", "tpot_ms", "limited_by", "nearest_published"}


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse refusing a flag
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_capacity_json_contract_with_published_evidence(capsys):
    code, out, _ = run(capsys, "capacity", "--gpu", "h100-80gb", "--open-model", "llama-3.3-70b", "--precision", "fp8",
                       "--kv-precision", "fp8", "--input-tokens", "1000", "--output-tokens", "1000", "--max-throughput", "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == CONTRACT
    assert data["gpus_per_replica"] == 2 and data["limited_by"] == "memory"
    assert data["concurrency"] == data["max_concurrency"] > 100
    published = data["nearest_published"]
    assert published["model_id"] == "llama-3.3-70b" and published["gpu_id"] == "h100-80gb" and published["source"].startswith("https://")
    # the estimate is within the calibration band of the published maximum-throughput figure (TensorRT-LLM: 4,205)
    assert published["output_tokens_per_s"] == 4205 and 0.8 <= data["output_tokens_per_s"] / 4205 <= 1.25


def test_capacity_fixed_concurrency_and_latency_targets(capsys):
    base = ["capacity", "--gpu", "h100-80gb", "--open-model", "llama-3.1-8b", "--precision", "fp8", "--json"]
    _, out, _ = run(capsys, *base, "--concurrency", "25")
    fixed = json.loads(out)
    assert fixed["concurrency"] == 25 and fixed["limited_by"] in {"compute", "bandwidth"}
    _, out, _ = run(capsys, *base, "--ttft-ms", "500", "--tpot-ms", "8")
    targeted = json.loads(out)
    assert targeted["limited_by"] == "latency_target" and targeted["tpot_ms"] <= 8 and targeted["ttft_ms"] <= 500


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--gpu", "h999", "--open-model", "llama-3.1-8b"], "no GPU 'h999'; the catalog has h100-80gb"),
        (["--gpu", "h100-80gb", "--open-model", "llama-9"], "no model 'llama-9'; the catalog has llama-3.1-8b"),
        (["--gpu", "h100-80gb", "--open-model", "llama-3.3-70b", "--gpus-per-replica", "3"], "Use 1, 2, 4, 8"),
        (["--gpu", "h100-80gb", "--open-model", "llama-3.3-70b", "--gpus-per-replica", "1"],
         "does not fit on 1 x h100-80gb.*smallest setup that fits is 4 x h100-80gb at fp16"),
        (["--gpu", "cpu-server", "--open-model", "llama-3.1-405b"], "smallest setup that fits is"),
        (["--gpu", "h100-80gb", "--open-model", "llama-3.1-8b", "--concurrency", "4", "--ttft-ms", "100"], "either --concurrency"),
        (["--gpu", "h100-80gb", "--open-model", "llama-3.1-8b", "--concurrency", "0"], "must be 1 or more"),
        (["--gpu", "h100-80gb", "--open-model", "llama-3.1-8b", "--precision", "fp4"], "invalid choice: 'fp4'"),
    ],
)
def test_capacity_bad_input_exits_2_naming_what_works(capsys, flags, message):
    import re

    code, _, err = run(capsys, "capacity", *flags)
    assert code == 2 and re.search(message, err), err


def test_costs_takes_precision_concurrency_and_targets(capsys):
    base = ["costs", "--preset", "ecommerce-assistant", "--gpu", "h100-80gb", "--open-model", "llama-3.3-70b", "--json"]
    _, out, _ = run(capsys, *base, "--precision", "fp8", "--tpot-ms", "40")
    fp8 = json.loads(out)
    assert set(fp8["capacity"]) == CONTRACT and fp8["capacity"]["tpot_ms"] <= 40
    assert fp8["capacity"]["limited_by"] == "latency_target" and fp8["local"]["gpus"] == 2
    _, out, _ = run(capsys, *base, "--concurrency", "8")
    fp16 = json.loads(out)
    assert fp16["capacity"]["concurrency"] == 8 and fp16["capacity"]["gpus_per_replica"] == 4
    # FP16 at 8 sequences needs more GPUs than FP8 at its target for the same volume
    assert fp16["local"]["gpus"] > fp8["local"]["gpus"]
    code, _, err = run(capsys, *base, "--gpus-per-replica", "3")
    assert code == 2 and "Use 1, 2, 4, 8" in err
