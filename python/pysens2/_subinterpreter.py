"""Refuses to load pysens2 in a sub-interpreter (imported first by __init__)."""

from __future__ import annotations

import importlib


def _in_sub_interpreter() -> bool:
    for name in ("_interpreters", "_xxsubinterpreters"):  # 3.13+, before
        try:
            interpreters = importlib.import_module(name)
        except ImportError:
            continue
        current, main = interpreters.get_current(), interpreters.get_main()
        # 3.13 returns (id, kind) pairs, earlier versions ids.
        current = current[0] if isinstance(current, tuple) else current
        main = main[0] if isinstance(main, tuple) else main
        return int(current) != int(main)
    return False


# The dispatcher threads enter Python through the PyGILState API, which
# serves only the main interpreter: in a sub-interpreter the compiled module
# would deadlock at import (pybind11 takes the GIL that way) or run callbacks
# in the wrong interpreter. Refuse clearly instead.
if _in_sub_interpreter():
    raise ImportError(
        "pysens2 cannot be imported in a sub-interpreter: its dispatcher threads call Python "
        "through the PyGILState API, which serves only the main interpreter. Import it in the "
        "main interpreter"
    )
