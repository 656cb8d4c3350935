"""The registry of derived seeds (``conformance/streams.py``): no two checks draw from
the same seeds, and every check draws from the registry (issue #28, item 5)."""

import re
from itertools import pairwise
from pathlib import Path

import pytest

from initializer_conformance.conformance import streams

CONFORMANCE = Path(streams.__file__).parent


def test_no_two_blocks_overlap_and_none_holds_the_run_seed():
    spans = sorted((first, first + size, name) for name, (first, size) in streams.BLOCKS.items())
    assert spans[0][0] >= 1
    for (_, end, name), (start, _, other) in pairwise(spans):
        assert end <= start, f"{name} overlaps {other}"


def test_an_index_outside_its_block_is_refused():
    first, size = streams.BLOCKS["calls"]
    assert streams.index("calls", size - 1) == first + size - 1
    with pytest.raises(IndexError):
        streams.index("calls", size)


def test_the_checks_derive_their_seeds_only_through_the_registry():
    """No check module hands out an index of its own: ``derived_seed(current().seed, ...)``
    and numeric offsets appear nowhere but here (a per-output index from a check's own
    seed, ``derived_seed(seed, i)``, is not a run-level index)."""
    for path in CONFORMANCE.glob("test_*.py"):
        text = path.read_text()
        assert not re.search(r"derived_seed\(\s*(current\(\)|run)\.seed", text), path.name
        assert not re.search(r"derived_seed\([^)]*,\s*\d{3,}", text), path.name
