"""OR-Tools' CP-SAT module, imported without pandas.

``ortools.sat.python.cp_model`` imports pandas at its top (about 0.36 s on the benchmark
machine, more than the rest of the exact stage's import) only for its pandas-series API
(``new_int_var_series`` and the like), which the exact stage never calls; of pandas it
names only ``pd.Index`` and ``pd.Series``, in annotations and ``isinstance`` checks of
that API. So when pandas is not loaded yet, a stand-in module with those two classes is
in ``sys.modules`` while cp_model is imported, and gone afterwards: a later ``import
pandas`` gets the real one. When pandas is already loaded, cp_model gets it.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def _pandas_stand_in() -> Iterator[None]:
    if "pandas" in sys.modules:
        yield
        return
    stand_in = types.ModuleType("pandas", "Stand-in while OR-Tools' cp_model is imported.")
    stand_in.Index = type("Index", (), {})  # type: ignore[attr-defined]
    stand_in.Series = type("Series", (), {})  # type: ignore[attr-defined]
    sys.modules["pandas"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("pandas") is stand_in:
            del sys.modules["pandas"]


with _pandas_stand_in():
    from ortools.sat.python import cp_model

__all__ = ["cp_model"]
