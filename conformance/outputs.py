"""Outputs that are checked for what every output of their initializer must be.

:func:`generate` is :func:`~initializer_conformance.conformance.sampling.generate` (one
checked output of the adapter) plus the checks that hold for *every* output, whatever the
test that drew it: an Orthogonal output is orthonormal times gain
(``assertions.assert_orthogonal``, within ``eps·(4 + 2·m)``: SPEC.md, decision 14). The
Hypothesis property ``test_orthogonal_orthonormal`` draws small shapes only; a port whose
large matrices take another path (a Gram-Schmidt of its own beyond some size) is seen
where the large outputs are drawn: the Haar draws of 256×256 and 512×128, the seed
checks, the API checks. Deterministic: costs a Gram matrix per output (24 of 256×256 in
the Haar test: about 0.1 s), and no alpha.
"""

from __future__ import annotations

import numpy as np

from initializer_conformance import reference
from initializer_conformance.conformance import sampling
from initializer_conformance.conformance.assertions import assert_orthogonal
from initializer_conformance.conformance.run import current


def check(identifier: str, config: dict, shape: tuple[int, ...], dtype: str, out: np.ndarray):
    """Fail if ``out`` (the adapter's output for this call) is not what every output of
    ``identifier`` must be; return it unchanged."""
    __tracebackhide__ = True
    edition = current().edition
    if reference.canonical_name(identifier, edition) == "Orthogonal":
        ctx = sampling.Context(identifier, dict(config), tuple(shape), dtype)
        assert_orthogonal(out, ctx.law(), ctx)
    return out


def generate(identifier: str, config: dict, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """``sampling.generate``, with :func:`check` of the output."""
    __tracebackhide__ = True
    return check(
        identifier, config, shape, dtype, sampling.generate(identifier, config, shape, dtype)
    )
