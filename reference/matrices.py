"""Matrix initializers: ``Orthogonal`` (random) and ``Identity`` (deterministic)."""

from __future__ import annotations

import numpy as np

from .base import DeterministicInitializer, RandomInitializer
from .laws import Exact, HaarOrthogonal


class Orthogonal(RandomInitializer):
    """``gain`` times a random (Haar-distributed) orthogonal matrix.

    The output of shape ``shape`` is the matrix ``(prod(shape[:-1]), shape[-1])``
    reshaped; a tall matrix has orthonormal columns, a wide one orthonormal rows
    (Saxe et al. 2013, https://arxiv.org/abs/1312.6120). It is drawn as the Q of
    the QR decomposition of a standard Gaussian matrix with the sign fix of
    :meth:`reference.laws.HaarOrthogonal.sample`.

    Decision: shapes of rank < 2 raise ``ValueError`` (as tf.keras and Keras 3
    do; there is no matrix to make orthogonal).

    Decision: a shape of rank >= 2 with a zero dimension gives an empty array (no column
    to make orthonormal: no QR is computed); ``gain=0`` gives zeros (``0·Q``, of either
    sign).

    Args:
        gain: multiplicative factor (default 1.0).
        seed: ``None`` or a non-negative int.
    """

    elementwise = False

    def __init__(self, gain=1.0, seed=None, *, edition=None):
        super().__init__(seed, edition=edition)
        self.gain = gain

    def law(self, shape):
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal: the shape must have rank >= 2, got {shape!r} (rank {len(shape)})"
            )
        return HaarOrthogonal(shape, self.gain)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(DeterministicInitializer):
    """``gain`` times the identity matrix.

    Seed page: "only for 2D square matrices". Edition ``keras2`` raises
    ``ValueError`` for any other shape; edition ``keras3`` accepts any 2-D shape
    and returns ``gain · eye(rows, cols)`` (ones on the main diagonal). ``(0, 0)`` is
    square: an empty array; ``gain=0``: zeros.

    Args:
        gain: multiplicative factor (default 1.0).

    >>> Identity(gain=2.0)((2, 2)).tolist()
    [[2.0, 0.0], [0.0, 2.0]]
    """

    elementwise = False

    def __init__(self, gain=1.0, *, edition=None):
        super().__init__(edition=edition)
        self.gain = gain

    def law(self, shape):
        square = len(shape) == 2 and shape[0] == shape[1]
        if len(shape) != 2 or (self.edition.identity_requires_square and not square):
            need = "2-D and square" if self.edition.identity_requires_square else "2-D"
            raise ValueError(
                f"Identity: the shape must be {need} (edition {self.edition.name}), got {shape!r}"
            )
        return Exact(self.gain * np.eye(*shape), f"{self.gain!r} · eye{shape}")

    def get_config(self):
        return {"gain": self.gain}
