"""Calls into the adapter, under a time limit and a memory limit.

The suite runs untrusted, half-finished ports in CI: an adapter that hangs, is far too
slow or leaks memory must become an *error* result of the check that called it, not
a stuck or killed job. Every call of the adapter (``make`` and the initializer it
returns) goes through :func:`call`.

* **Time** (``--call-timeout``, default 60 s per call; 0: none). A POSIX interval
  timer (``SIGALRM``) interrupts the call. It interrupts Python code and blocking
  system calls; native code that never returns to the interpreter is interrupted only
  when it does. Without ``SIGALRM`` (Windows), or off the main thread, there is no limit.
* **Memory** (``--memory-limit``, default 6 GiB of resident memory per test process; 0:
  none): the process's peak resident memory is read before and after every call
  (``getrusage``, confirmed on Linux by ``/proc/self/status``; not on Windows). A call
  that takes the process above the limit is an error, and from then on the adapter is
  not called again: memory stays bounded by the limit plus one call.

Both cost about 4 us per call (a run makes some 600,000 calls): the signal handler is
installed once, and only the timer is set per call.

**One timeout per code path**, not one per check: a call that timed out is remembered
(``Run.timeouts``), and a later call of the same *code path* fails at once
(:class:`KnownHang`, an error of that check) with a message naming the first timeout (its
check, its call, the limit). Without it, an initializer that never returns cost the limit
in every check that uses it (more than 15 for ``RandomNormal``: over a quarter of an hour
at the default 60 s). The code path (:class:`CodePath`) is

* the adapter method: ``make``, or a call of the initializer that ``make`` returned;
* the initializer, by its spec name (an alias is the same initializer);
* the config's values that are not numbers (e.g. ``VarianceScaling``'s ``distribution``
  and ``mode``): a port has one sampler per distribution, and a hang in one says nothing
  of the others.

Not in it: the seed (one sampler, other numbers), the config's numbers (data, not
branches), the shape and the dtype. Each would cost another timeout for the same hang,
as the checks differ in exactly these. Counted on the calls of a whole run (of the suite
of 241 checks): keyed on the whole config but the seed, a ``RandomNormal`` that hangs
costs 2 timeouts (``test_probe`` sets ``mean`` and ``stddev``), keyed on the dtype as
well 6; keyed as above, 1 for every initializer but ``VarianceScaling`` (3 if its calls
hang: the defaults, and the two distributions ``test_probe`` sets; 7 if ``make`` hangs,
which the invalid configs of ``test_spec_value_error`` reach too). The price: a check
whose call would have returned (another shape, an integer dtype) is an error too; its
reproduce command replays it alone, in a new run that remembers nothing. A callable the
guard did not see ``make`` return is remembered as the very same call only.

**Waits outside a call** are bounded too: importing and making the adapter (in the run's
process, and in the fresh processes of ``test_seeds.py``) within ``--import-timeout`` (an
allowance of 300 s by default: a framework's import on a busy machine), and each call a
fresh process makes within the call timeout, so a hanging initializer ends a default run
within a few time limits (one per test process, and none more in the fresh processes once
the run has met the hang), never an hour.

The memory is the run's, not the process's: two sessions in one process share none of
it. Under xdist each worker has its own run, so each worker pays at most one timeout per
code path.

A fault is an :class:`AdapterFault`, a ``BaseException``: the adapter's own ``except
Exception`` cannot swallow it, and Hypothesis does not replay (shrink) a test that
hung, which would cost the time limit again for every replay. pytest records it as an
error of that check, with its message, and the run goes on.
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import signal
import sys
import threading
from dataclasses import dataclass
from typing import NamedTuple

from initializer_conformance import reference
from initializer_conformance.conformance.run import Run, current


class AdapterFault(BaseException):
    """The adapter hung, was too slow, or used too much memory: not a statement about the
    spec, an error of the check that called it."""


class CallTimeout(AdapterFault):
    pass


class KnownHang(CallTimeout):
    """A call whose code path already timed out in this run: not made again."""


class MemoryLimitExceeded(AdapterFault):
    pass


@dataclass(frozen=True)
class CodePath:
    """What a call runs in the adapter, as far as the guard can tell: the key of the
    run's memory of timeouts (see the module docstring)."""

    method: str  # "make", or "call": a call of the initializer that make returned
    initializer: str  # its spec name; for a callable make was not seen to return, the call
    choices: tuple[tuple[str, str], ...] = ()  # the config's non-numbers, seed aside (reprs)
    known: bool = True  # False: a callable make was not seen to return

    def __str__(self) -> str:
        if not self.known:
            return "this very call"
        initializer = self.initializer
        if self.choices:
            initializer += f"({', '.join(f'{name}={value}' for name, value in self.choices)})"
        if self.method == "make":
            return f"adapter.make of {initializer}, whatever the seed and numbers"
        return (
            f"calls of the {initializer} that adapter.make returns, whatever the seed, "
            f"numbers, shape and dtype"
        )


class FirstTimeout(NamedTuple):
    check: str  # the pytest node id of the check that met it
    call: str  # the call, as the guard describes it
    seconds: float  # the limit it exceeded


def _rusage_peak() -> int | None:
    """``getrusage``'s peak resident memory (~2 us), or ``None`` where it cannot be read.

    An upper bound, not the process's own peak: Linux carries ``ru_maxrss`` over fork and
    exec, so a suite started from a big process (an IDE, a notebook, a pytest worker that
    imported three frameworks) starts with that process's peak."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


def _own_peak() -> int | None:
    """The peak resident memory of this process image alone (Linux: ``VmHWM`` of
    ``/proc/self/status``, ~45 us), or ``None`` where there is no such file."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    return None


def peak_resident_bytes() -> int | None:
    """This process's peak resident memory: its own where the system says (Linux),
    else ``getrusage``'s bound; ``None`` where neither can be read."""
    own = _own_peak()
    return own if own is not None else _rusage_peak()


def _check_memory(what: str, when: str) -> None:
    limit = current().memory_limit
    if not limit:
        return
    # The cheap bound first: the exact peak is read only once the bound is above the limit
    # (for every call, then, if the bound is the parent's: ~45 us more a call).
    peak = _rusage_peak()
    if peak is not None and peak > limit:
        peak = peak_resident_bytes()
    if peak is not None and peak > limit:
        raise MemoryLimitExceeded(
            f"{when} {what}: the test process has held {peak / 2**20:.0f} MiB, above the "
            f"memory limit of {limit / 2**20:.0f} MiB (--memory-limit); "
            + (
                "the adapter is not called again"
                if when == "before"
                else "the adapter allocated (or leaked) that much"
            )
        )


#: The call the interval timer is running for (``None``: none), and its limit.
_running: tuple[str, float] | None = None


def _expired(signum, frame):
    if _running is not None:
        what, seconds = _running
        raise CallTimeout(
            f"{what} did not return within {seconds:g} s (--call-timeout); "
            f"it hangs or is far too slow"
        )


def _timer_usable(seconds: float) -> bool:
    return (
        bool(seconds)
        and hasattr(signal, "setitimer")
        and (threading.current_thread() is threading.main_thread())
    )


def _making(run: Run, function, args) -> tuple[str, dict] | None:
    """``(identifier, a copy of the config)`` if ``function(*args)`` is the adapter's
    ``make``, else ``None``. A copy: the adapter may change the dict it is given."""
    make = getattr(run.adapter, "make", None)
    if make is not None and function == make and len(args) == 2 and isinstance(args[1], dict):
        return args[0], dict(args[1])
    return None


@functools.lru_cache(maxsize=256)
def _spec_name(identifier, edition) -> str:
    """The spec name of ``identifier``, or its repr if it is none (cached: looking it up
    builds the edition's table of identifiers)."""
    try:
        return reference.canonical_name(identifier, edition)
    except ValueError:
        return repr(identifier)


def _initializer(run: Run, identifier, config: dict) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``(spec name, non-numeric config values but the seed)`` of a made initializer."""
    try:
        name = _spec_name(identifier, run.edition)
    except TypeError:  # unhashable: no identifier of the spec
        name = repr(identifier)
    choices = tuple(
        sorted(
            (str(key), repr(value))
            for key, value in config.items()
            if key != "seed" and (isinstance(value, bool) or not isinstance(value, numbers.Number))
        )
    )
    return name, choices


def code_path(run: Run, what: str, function, making: tuple[str, dict] | None) -> CodePath:
    """The code path of the call ``what`` (``function``, made by ``making`` if it is the
    adapter's ``make``): a call of an initializer is traced to the ``make`` that returned
    it, among the last ones (``Run.made``)."""
    if making is not None:
        return CodePath("make", *_initializer(run, *making))
    for made, identifier, config in reversed(run.made):
        if made is function:
            return CodePath("call", *_initializer(run, identifier, config))
    return CodePath("call", what, known=False)


def _refuse_known_hang(run: Run, what: str, path: CodePath) -> None:
    first = run.timeouts.get(path)
    if first is not None:
        raise KnownHang(
            f"{what} was not called: the same code path ({path}) did not return within "
            f"{first.seconds:g} s (--call-timeout) in {first.check}, as {first.call}: it "
            f"hangs or is far too slow (each code path is given the limit once per run "
            f"and test process)"
        )


def known_hang(run: Run, identifier, config: dict) -> FirstTimeout | None:
    """The first timeout of ``make(identifier, config)`` or of a call of what it returns
    in this run and process, if either timed out (for calls made elsewhere: a fresh
    process of ``test_seeds.py``)."""
    for method in ("make", "call"):
        first = run.timeouts.get(CodePath(method, *_initializer(run, identifier, config)))
        if first is not None:
            return first
    return None


def remember_timeout(
    run: Run, method: str, identifier, config: dict, what: str, seconds: float
) -> None:
    """Remember a timeout of ``make`` (``method="make"``) or of a call of what it returned,
    met outside this process: later calls of that code path fail at once here too."""
    check = getattr(run.item, "nodeid", "(not run by pytest)")
    path = CodePath(method, *_initializer(run, identifier, config))
    run.timeouts.setdefault(path, FirstTimeout(check, what, seconds))


@contextlib.contextmanager
def time_limit(seconds: float, what: str, option: str):
    """Raise :class:`CallTimeout` in the block after ``seconds`` (0: no limit; none off
    the main thread or without ``SIGALRM``): for waits that are not one adapter call,
    such as importing the adapter's module (``--import-timeout``)."""
    if not _timer_usable(seconds):
        yield
        return

    def expired(signum, frame):
        raise CallTimeout(f"{what} did not finish within {seconds:g} s ({option})")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call(what: str, function, *args):
    """``function(*args)``, a call into the adapter described by ``what``, under the
    run's limits; at once a :class:`KnownHang` if its code path already timed out."""
    global _running
    _check_memory(what, "before")
    run = current()
    making = _making(run, function, args)
    if run.timeouts:  # the code path is worked out only once a call has timed out (~5 us)
        _refuse_known_hang(run, what, code_path(run, what, function, making))
    seconds = run.call_timeout
    timed = _timer_usable(seconds)
    if timed:
        if signal.getsignal(signal.SIGALRM) is not _expired:  # installed once per process
            signal.signal(signal.SIGALRM, _expired)
        _running = (what, seconds)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        result = function(*args)
    except CallTimeout as fault:
        if not isinstance(fault, KnownHang):
            check = getattr(run.item, "nodeid", "(not run by pytest)")
            path = code_path(run, what, function, making)
            run.timeouts.setdefault(path, FirstTimeout(check, what, seconds))
        raise
    except Exception as error:  # the traceback shows the adapter's frames; say which call
        error.add_note(f"(raised by the adapter in {what})")
        raise
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _running = None
    if making is not None:
        run.made.append((result, *making))
    _check_memory(what, "after")
    return result
