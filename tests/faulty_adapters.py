"""Faulty adapters: ports that misbehave in each way the suite must survive.

Used by ``tests/test_robustness.py`` as ``--impl=tests.faulty_adapters:NAME``. Each is
the reference adapter except for :data:`FAULTY` (``he_uniform``, unless it says
otherwise), whose calls misbehave; the other initializers stay correct, which shows that
the run goes on past the fault. Not mutants (``adapters/mutants.py``): a mutant draws from a wrong law, a
faulty adapter breaks the protocol.
"""

from __future__ import annotations

import time

import numpy as np

from initializer_conformance import reference
from initializer_conformance.adapters.reference_numpy import ReferenceAdapter

FAULTY = "he_uniform"


class Faulty(ReferenceAdapter):
    """Base: ``make`` returns ``self.fault(init)`` for :attr:`faulty` (:data:`FAULTY`
    unless a subclass says otherwise)."""

    faulty = FAULTY

    @property
    def name(self) -> str:
        return f"faulty-{type(self).__name__}"

    def make(self, identifier, config):
        init = super().make(identifier, config)
        if reference.canonical_name(identifier) != self.faulty:
            return init
        return lambda shape, dtype=None: self.fault(init, tuple(shape), dtype)

    def fault(self, init, shape, dtype):
        raise NotImplementedError  # pragma: no cover


class RaisesInMake(Faulty):
    """``make`` raises an unexpected exception."""

    def make(self, identifier, config):
        if reference.canonical_name(identifier) == FAULTY:
            raise RuntimeError("the port crashed in make")
        return super().make(identifier, config)


class RaisesInCall(Faulty):
    def fault(self, init, shape, dtype):
        raise RuntimeError("the port crashed in the call")


class WrongShape(Faulty):
    def fault(self, init, shape, dtype):
        return init((*shape, 1), dtype)


class ReturnsList(Faulty):
    def fault(self, init, shape, dtype):
        return init(shape, dtype).tolist()


class ReturnsScalar(Faulty):
    def fault(self, init, shape, dtype):
        return float(init(shape, dtype).ravel()[0])


class ReturnsObject(Faulty):
    def fault(self, init, shape, dtype):
        return object()


class ReturnsNaN(Faulty):
    def fault(self, init, shape, dtype):
        out = init(shape, dtype)
        out.flat[0] = np.nan
        return out


class ReturnsInf(Faulty):
    def fault(self, init, shape, dtype):
        out = init(shape, dtype)
        out.flat[-1] = -np.inf
        return out


class WrongDtype(Faulty):
    def fault(self, init, shape, dtype):
        return init(shape, "float64")


class Hangs(Faulty):
    def fault(self, init, shape, dtype):
        time.sleep(3600)


class NormalHangs(Hangs):
    """Every call of what ``make`` returns for ``RandomNormal`` (under any alias or config)
    sleeps for an hour: one initializer that hangs in every check that uses it."""

    faulty = "RandomNormal"


class UniformSamplerHangs(ReferenceAdapter):
    """``VarianceScaling`` hangs in its calls with ``distribution="uniform"`` only: one
    sampler of an initializer that has several."""

    name = "faulty-UniformSamplerHangs"

    def make(self, identifier, config):
        init = super().make(identifier, config)
        if reference.canonical_name(identifier) == "VarianceScaling" and (
            config.get("distribution") == "uniform"
        ):
            return lambda shape, dtype=None: time.sleep(3600)
        return init


class BusyLoops(Faulty):
    """Spins in Python, swallowing ordinary exceptions (the time limit is no ``Exception``)."""

    def fault(self, init, shape, dtype):
        while True:
            try:
                sum(range(1000))
            except Exception:
                pass


class HugeArray(Faulty):
    """Returns a 10^6 x 10^6 float64 array: a broadcast view, 8 TB once materialised."""

    def fault(self, init, shape, dtype):
        return np.broadcast_to(np.float64(0.0), (10**6, 10**6))


class Leaks(Faulty):
    """Keeps 64 MiB (touched, so resident) alive on every call."""

    kept: list = []

    def fault(self, init, shape, dtype):
        self.kept.append(np.ones(8 * 2**20))
        return init(shape, dtype)


class NothingSupported:
    """A port with nothing yet (no serialization API either: not the reference's)."""

    name = "faulty-NothingSupported"

    def version(self) -> str:
        return "a port that implements nothing yet"

    def make(self, identifier, config):
        raise NotImplementedError("this port implements nothing yet")


class EverythingRaises:
    """A port whose every call raises (and has no serialization API)."""

    name = "faulty-EverythingRaises"

    def version(self) -> str:
        return "a broken port"

    def make(self, identifier, config):
        raise RuntimeError("this port is broken")


class SlowCalls(ReferenceAdapter):
    """Every call takes 50 ms more than the reference's: a port whose calls are slow
    (a kernel compiled per shape), for which ``-n auto`` keeps xdist's workers."""

    name = "faulty-SlowCalls"

    def make(self, identifier, config):
        init = super().make(identifier, config)

        def call(shape, dtype=None):
            time.sleep(0.05)
            return init(shape, dtype)

        return call
