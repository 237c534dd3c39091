"""Text tables for the benchmark reports."""

from __future__ import annotations


def row(cells: list[str], widths: list[int]) -> str:
    """The first cell left-aligned, the figures right-aligned."""
    return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank below), NaN for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")
