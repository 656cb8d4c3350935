"""Name the likely cause of a statistical failure.

When a sample fails the spec's law, it is tested against the laws that the known porting
bugs of the catalogue (``reference/bugs.py``: swapped fans, a missing 0.8796 correction,
an untruncated normal, a default from another framework, ...) produce. Each alternative
law the sample fits (KS p-value >= ``FIT``) becomes a "likely cause" line of the failure
message, the best fit first, and a second one only when the sample fits it about as well
(:data:`AS_GOOD`). An alternative is only offered when it differs from the spec's law for
this case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats as scipy_stats

from initializer_conformance import reference
from initializer_conformance.reference.bugs import BUGS, laws_of_bugs
from initializer_conformance.reference.laws import ElementwiseLaw


@dataclass(frozen=True)
class Cause:
    """A likely cause of a failure: a bug of the catalogue (``reference/bugs.py``, by key),
    how the check saw it (``detail``) and, where the sample was fitted to the bug's law,
    that law (``fits``) and the fit's KS p-value. The message prints its :attr:`text`;
    the record keeps its fields (:meth:`as_dict`), which the reports and the known
    deviations read: no layer parses the text back."""

    bug: str
    detail: str = ""
    fits: str = ""  # the formula of the bug's law the sample fitted
    pvalue: float | None = None

    def __post_init__(self):
        if self.bug not in BUGS:
            raise KeyError(f"no bug {self.bug!r} in the catalogue (reference/bugs.py)")

    @property
    def text(self) -> str:
        text = BUGS[self.bug].cause + (f": {self.detail}" if self.detail else "")
        if self.fits:
            text += f" (the sample fits {self.fits}: KS p={self.pvalue:.3g})"
        return text

    def __str__(self) -> str:
        return self.text

    def as_dict(self) -> dict:
        return {
            "bug": self.bug,
            "label": BUGS[self.bug].label,
            "cause": BUGS[self.bug].cause,
            "text": self.text,
            "p": self.pvalue,
        }


#: KS p-value above which a sample "fits" an alternative law.
FIT = 1e-3
#: A further likely cause is named only if its KS p-value is at least this fraction of the
#: best fit's: the p-value of the right law is uniform on (0, 1), so within a factor of 10
#: one fit is no evidence against the other (two bugs with the same law fit equally), while
#: a fit 10 times worse is. Naming every law above ``FIT`` told a sample of
#: ``sqrt(scale / n)`` as the parent std (p = 0.5) that it was also untruncated (p = 0.02).
AS_GOOD = 0.1


def candidates(identifier: str, config: dict, shape: tuple[int, ...], edition):
    """``(bug key, law)`` for each bug of the catalogue that applies to this case."""
    return laws_of_bugs(reference.make(identifier, config, edition), shape)


def diagnose(ctx, law, values: np.ndarray, edition) -> list[Cause]:
    """Likely causes of a failure: the alternatives the sample fits, best fit first, and
    the others only as good as it (:data:`AS_GOOD`)."""
    fits = []
    for bug, alternative in candidates(ctx.identifier, ctx.config, ctx.shape, edition):
        lo, hi = alternative.support
        if _same_law(alternative, law) or values.min() < lo or values.max() > hi:
            continue
        pvalue = float(scipy_stats.kstest(values, alternative.dist.cdf).pvalue)
        if pvalue >= FIT:
            fits.append(Cause(bug, fits=alternative.formula, pvalue=pvalue))
    best = max((cause.pvalue for cause in fits), default=0.0)
    return [c for c in sorted(fits, key=lambda c: -c.pvalue) if c.pvalue >= AS_GOOD * best]


def _same_law(a: ElementwiseLaw, b: ElementwiseLaw) -> bool:
    probe = np.linspace(-4, 4, 17) * b.std + b.mean
    return type(a) is type(b) and np.allclose(a.dist.cdf(probe), b.dist.cdf(probe), atol=1e-9)
