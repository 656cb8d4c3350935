"""Fans of a weight tensor in Keras layout: the one place they are computed."""

from __future__ import annotations

import math


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a Keras-layout weight of ``shape``.

    ======  ======================  ==================================  ==================================
    rank    example                 fan_in                              fan_out
    ======  ======================  ==================================  ==================================
    0       ``()``                  1                                   1
    1       ``(n,)`` (a bias)       n                                   n
    2       ``(in, out)`` (Dense)   ``shape[0]``                        ``shape[1]``
    ≥ 3     ``(*k, in, out)``       ``shape[-2] · prod(shape[:-2])``    ``shape[-1] · prod(shape[:-2])``
    ======  ======================  ==================================  ==================================

    ``prod(shape[:-2])`` is the receptive field of a convolution kernel
    (``(kh, kw, in, out)`` for Conv2D). Both fans are at least 1, so a shape with a
    zero-sized dimension never divides by zero.

    Decision (the seed page defines fans only as "number of input/output units"):
    ranks 0 and 1 follow tf.keras 2.x and Keras 3 ``compute_fans``. The multi-backend
    Keras ≤ 2.2 used ``sqrt(prod(shape))`` for both fans at ranks 0, 1 and ≥ 6; this
    spec does not.

    >>> fans((3, 3, 16, 32))
    (144, 288)
    >>> fans((5,))
    (5, 5)
    """
    shape = tuple(int(d) for d in shape)
    if len(shape) == 0:
        fan_in = fan_out = 1
    elif len(shape) == 1:
        fan_in = fan_out = shape[0]
    else:
        receptive_field = math.prod(shape[:-2])
        fan_in, fan_out = shape[-2] * receptive_field, shape[-1] * receptive_field
    return max(1, fan_in), max(1, fan_out)
