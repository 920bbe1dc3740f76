"""Write the estimate-vs-published table into docs/capacity-calibration.md, from the same
code the calibration test runs (calculators.benchmarks.calibration_markdown).

Run: .venv/bin/python bench/capacity_calibration.py
"""

from __future__ import annotations

from pathlib import Path

from calculators.benchmarks import calibration_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "capacity-calibration.md"
START, END = "<!-- calibration-table:start -->", "<!-- calibration-table:end -->"


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    before, rest = text.split(START)
    _, after = rest.split(END)
    DOC.write_text(f"{before}{START}\n{calibration_markdown()}\n{END}{after}", encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
