"""Large outputs (issue #26, item 3): the hash windows of conformance/test_large.py
(``dependence.repeated_windows``) find a
block repeated at any offset, exactly, and nothing in independent values; the reference
passes every check of ``--large`` (the mutants that fail them: tests/test_mutants.py)."""

import numpy as np
import pytest

from benchmarks.runs import run_suite
from initializer_conformance.conformance.dependence import WINDOW, repeated_windows


def test_the_reference_passes_the_large_outputs():
    """CI runs ``--large`` with every framework that draws with a generator of its own
    (``.ci/run``); the reference's here."""
    outcome = run_suite("--impl=numpy", "--large", "-k", "test_large", "-p", "no:randomly")
    assert outcome.returncode == 0, outcome.summary
    assert "15 passed" in outcome.summary, outcome.summary


def test_independent_values_have_no_repeated_window():
    x = np.random.default_rng(1).standard_normal(1 << 21).astype(np.float32)
    assert repeated_windows(x) == []


@pytest.mark.parametrize(("start", "offset", "length"), [(0, 1 << 20, 1 << 20), (17, 999_983, 8)])
def test_a_block_repeated_at_any_offset_is_found_where_it_is(start, offset, length):
    x = np.random.default_rng(2).standard_normal(1 << 21).astype(np.float32)
    x[start + offset : start + offset + length] = x[start : start + length]
    pairs = repeated_windows(x)
    assert pairs and all(j - i == offset for i, j in pairs)
    assert all(start <= i <= start + length - WINDOW for i, _ in pairs)


def test_a_block_shorter_than_the_window_is_not_a_repeat():
    x = np.random.default_rng(3).standard_normal(1 << 16).astype(np.float32)
    x[5000 : 5000 + WINDOW - 1] = x[: WINDOW - 1]
    assert repeated_windows(x) == []


def test_a_constant_output_repeats_at_every_offset():
    assert repeated_windows(np.arange(64, dtype=np.float32)) == []
    y = np.zeros(64, dtype=np.float32)  # every window the same: every offset repeats
    assert repeated_windows(y)[:2] == [(0, 1), (0, 2)]
