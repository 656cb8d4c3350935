"""Name the likely cause of a statistical failure.

When a sample fails the spec's law, it is tested against the laws that the known porting
bugs of the catalogue (``reference/bugs.py``: swapped fans, a missing 0.8796 correction,
an untruncated normal, a default from another framework, ...) produce. Each alternative
law the sample fits (KS p-value >= ``FIT``) becomes a "likely cause" line of the failure
message. An alternative is only offered when it differs from the spec's law for this case.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as scipy_stats

from initializer_conformance import reference
from initializer_conformance.reference.bugs import laws_of_bugs
from initializer_conformance.reference.laws import ElementwiseLaw

#: KS p-value above which a sample "fits" an alternative law.
FIT = 1e-3


def candidates(identifier: str, config: dict, shape: tuple[int, ...], edition):
    """``(cause, law)`` for each bug of the catalogue that applies to this case."""
    return laws_of_bugs(reference.make(identifier, config, edition), shape)


def diagnose(ctx, law, values: np.ndarray, edition) -> list[str]:
    """Likely causes of a failure: the alternatives the sample fits, best fit first."""
    fits = []
    for cause, alternative in candidates(ctx.identifier, ctx.config, ctx.shape, edition):
        lo, hi = alternative.support
        if _same_law(alternative, law) or values.min() < lo or values.max() > hi:
            continue
        pvalue = float(scipy_stats.kstest(values, alternative.dist.cdf).pvalue)
        if pvalue >= FIT:
            fits.append((pvalue, cause, alternative))
    return [
        f"{cause} (the sample fits {alternative.formula}: KS p={pvalue:.3g})"
        for pvalue, cause, alternative in sorted(fits, key=lambda f: -f[0])
    ]


def _same_law(a: ElementwiseLaw, b: ElementwiseLaw) -> bool:
    probe = np.linspace(-4, 4, 17) * b.std + b.mean
    return type(a) is type(b) and np.allclose(a.dist.cdf(probe), b.dist.cdf(probe), atol=1e-9)
