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

A fault is an :class:`AdapterFault`, a ``BaseException``: the adapter's own ``except
Exception`` cannot swallow it, and Hypothesis does not replay (shrink) a test that
hung, which would cost the time limit again for every replay. pytest records it as an
error of that check, with its message, and the run goes on.
"""

from __future__ import annotations

import signal
import sys
import threading

from initializer_conformance.conformance.run import current


class AdapterFault(BaseException):
    """The adapter hung, was too slow, or used too much memory: not a statement about the
    spec, an error of the check that called it."""


class CallTimeout(AdapterFault):
    pass


class MemoryLimitExceeded(AdapterFault):
    pass


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


def call(what: str, function, *args):
    """``function(*args)``, a call into the adapter described by ``what``, under the
    run's limits."""
    global _running
    _check_memory(what, "before")
    seconds = current().call_timeout
    timed = _timer_usable(seconds)
    if timed:
        if signal.getsignal(signal.SIGALRM) is not _expired:  # installed once per process
            signal.signal(signal.SIGALRM, _expired)
        _running = (what, seconds)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        result = function(*args)
    except Exception as error:  # the traceback shows the adapter's frames; say which call
        error.add_note(f"(raised by the adapter in {what})")
        raise
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _running = None
    _check_memory(what, "after")
    return result
