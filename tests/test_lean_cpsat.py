"""The exact stage imports OR-Tools' CP-SAT without pandas, and pandas stays importable."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import sys
from feasibility.engine import exact
assert "pandas" not in sys.modules, "pandas was imported"
m = exact.cp_model.CpModel()
x = m.new_int_var(0, 10, "x")
m.add(x >= 3)
m.minimize(x)
solver = exact.cp_model.CpSolver()
assert solver.solve(m) == exact.cp_model.OPTIMAL and solver.value(x) == 3
import pandas
assert hasattr(pandas, "DataFrame"), "a later import of pandas got the stand-in"
print("ok")
"""


def test_cp_model_comes_without_pandas_and_pandas_stays_real() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"
