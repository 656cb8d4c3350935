"""The run's derived seeds: one block of indices per check, declared once.

The fixed tier's checks draw their outputs with seeds derived from the run's
(``--conformance-seed``): ``derived_seed(run seed, index)``. Two checks that use the same
index draw the same values, and are then not the independent tests their alpha assumes
(``test_calls`` and ``test_structure`` once both used 3000 + i). Every check takes its
indices from its block here; ``tests/test_streams.py`` asserts that no two blocks overlap.
"""

from __future__ import annotations

from .run import current
from .sampling import derived_seed

#: ``name: (first index, size)``. Index 0 is the run's seed itself: no block holds it.
BLOCKS: dict[str, tuple[int, int]] = {
    "probes": (1, 99),  # test_probes: 1 + the probe's position
    "haar": (100, 10),  # test_orthogonal: the Haar shapes
    "large haar": (110, 10),  # test_orthogonal: the large Haar shapes
    "seeds": (1000, 200),  # test_seeds: 10 per random initializer
    "independence": (2000, 20),  # test_independence: one per element-wise initializer
    "calls": (3000, 20),  # test_calls: one per element-wise initializer
    "float64 precision": (3100, 20),  # test_structure: test_float64_precision
    "structure": (3200, 20),  # test_structure: repeats, moments, neighbours, lags
    "edges": (5000, 200),  # test_edges: 10 per initializer
    "large": (9000, 20),  # test_large
}


def index(block: str, i: int) -> int:
    """The ``i``-th index of ``block``."""
    first, size = BLOCKS[block]
    if not 0 <= i < size:
        raise IndexError(f"index {i} outside the {size} of the block {block!r}")
    return first + i


def seed(block: str, i: int, run_seed: int | None = None) -> int:
    """The ``i``-th derived seed of ``block`` for the run (or for ``run_seed``)."""
    return derived_seed(current().seed if run_seed is None else run_seed, index(block, i))
