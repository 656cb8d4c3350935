"""Element-wise random initializers with explicit parameters (seed page):
``RandomNormal``, ``RandomUniform``, ``TruncatedNormal``."""

from __future__ import annotations

from .base import RandomInitializer
from .laws import Normal, Uniform
from .laws import TruncatedNormal as TruncatedNormalLaw


class _MeanStddev(RandomInitializer):
    """The ``(mean=0.0, stddev=0.05, seed=None)`` signature shared by the two normals."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, *, edition=None):
        super().__init__(seed, edition=edition)
        self.mean, self.stddev = mean, stddev

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomNormal(_MeanStddev):
    """Entries i.i.d. ``N(mean, stddev²)``, untruncated.

    Decision: ``stddev=0`` is the degenerate law: every entry equals ``mean`` (as
    ``mean + 0·z`` computes it; a zero of either sign for ``mean=0``).

    Args:
        mean: mean of the values (default 0.0).
        stddev: standard deviation of the values (default 0.05).
        seed: ``None`` or a non-negative int.
    """

    def law(self, shape):
        return Normal(self.mean, self.stddev)


class RandomUniform(RandomInitializer):
    """Entries i.i.d. ``U[minval, maxval)``.

    Decision: ``minval == maxval`` gives every entry equal to ``minval``: the empty
    interval's limit, and what ``minval + (maxval - minval)·u`` computes.

    Decision: the interval is half-open, as in every backend's uniform sampler.
    (The seed page's text calls ``maxval`` a "lower bound" and says it defaults
    to 1: both are typos of the translation; the signature's default 0.05 and
    "upper bound" are meant.) After rounding to a low-precision dtype a value may
    equal ``maxval`` rounded to that dtype.

    Args:
        minval: lower bound, included (default -0.05).
        maxval: upper bound, excluded (default 0.05).
        seed: ``None`` or a non-negative int.
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, *, edition=None):
        super().__init__(seed, edition=edition)
        self.minval, self.maxval = minval, maxval

    def law(self, shape):
        return Uniform(self.minval, self.maxval)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class TruncatedNormal(_MeanStddev):
    """Entries i.i.d. ``N(mean, stddev²)`` conditioned on ``|x - mean| <= 2·stddev``.

    Values drawn beyond two standard deviations are discarded and redrawn (seed
    page), not clipped. Hence the output's std is *not* ``stddev`` but
    ``0.87962566…·stddev`` (``laws.TRUNCATED_NORMAL_STD_FACTOR``): ``stddev`` is
    the parent normal's.

    Decision: ``stddev=0`` gives every entry equal to ``mean``: the interval
    ``mean ± 2·0`` holds one point, so nothing is redrawn, and no bound is standardized by
    dividing by the stddev (``(a - mean) / stddev`` is 0/0, NaN).

    Args:
        mean: mean of the values (default 0.0).
        stddev: standard deviation of the parent normal (default 0.05).
        seed: ``None`` or a non-negative int.
    """

    def law(self, shape):
        return TruncatedNormalLaw(self.mean, self.stddev)
