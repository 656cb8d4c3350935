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
  none), read from ``/proc/self/statm`` (Linux; elsewhere no limit) before and after
  every call. A call that leaves the process above the limit is an error, and once above
  it the adapter is not called again: memory stays bounded by the limit plus one call.

A fault is an :class:`AdapterFault`, a ``BaseException``: the adapter's own ``except
Exception`` cannot swallow it, and Hypothesis does not replay (shrink) a test that
hung, which would cost the time limit again for every replay. pytest records it as an
error of that check, with its message, and the run goes on.
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager

from .run import RUN

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class AdapterFault(BaseException):
    """The adapter hung, was too slow, or used too much memory: not a statement about the
    spec, an error of the check that called it."""


class CallTimeout(AdapterFault):
    pass


class MemoryLimitExceeded(AdapterFault):
    pass


def resident_bytes() -> int | None:
    """This process's resident memory, or ``None`` where it cannot be read cheaply."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return None


def _check_memory(what: str, when: str) -> None:
    limit = RUN.memory_limit
    used = resident_bytes() if limit else None
    if used is not None and used > limit:
        raise MemoryLimitExceeded(
            f"{when} {what}: the test process holds {used / 2**20:.0f} MiB, above the memory "
            f"limit of {limit / 2**20:.0f} MiB (--memory-limit); "
            + ("the adapter is not called again" if when == "before" else
               "the adapter allocated (or leaked) that much"))


@contextmanager
def _time_limit(seconds: float, what: str):
    if not seconds or not hasattr(signal, "setitimer") or (
            threading.current_thread() is not threading.main_thread()):
        yield
        return

    def expired(signum, frame):
        raise CallTimeout(f"{what} did not return within {seconds:g} s (--call-timeout); "
                          f"it hangs or is far too slow")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def call(what: str, function, *args):
    """``function(*args)``, a call into the adapter described by ``what``, under the
    run's limits."""
    _check_memory(what, "before")
    try:
        with _time_limit(RUN.call_timeout, what):
            result = function(*args)
    except Exception as error:  # the traceback shows the adapter's frames; say which call
        error.add_note(f"(raised by the adapter in {what})")
        raise
    _check_memory(what, "after")
    return result
