"""Seeds: same seed, same values; distinct seeds, independent values; no seed, fresh values
(also across processes); seeded calls leave the global random state alone.

Every check draws in every floating dtype the adapter supports (``conformance/each_dtype.py``:
a 16-bit path may be another port). Only ``test_seed_distinct_independent`` is statistical:
3 tests per random initializer (33) at the fixed tier's alpha, each a Bonferroni family over
the 7 pairs of :data:`SEED_PAIRS` and the dtypes. Every other check is exact and cannot
fail a conforming port. The values of unseeded instances and of later calls are law-tested
in ``test_calls.py``."""

import json
import os
import queue
import random
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from initializer_conformance.conformance import (
    dependence,
    each_dtype,
    fresh,
    outputs,
    properties,
    stats,
    streams,
)
from initializer_conformance.conformance.assertions import fail, judge
from initializer_conformance.conformance.diagnosis import Cause
from initializer_conformance.conformance.fixed_cases import (
    PAIR_SHAPE,
    SEED_PAIRS,
    seeded_calls,
)
from initializer_conformance.conformance.guard import (
    CallTimeout,
    KnownHang,
    known_hang,
    remember_timeout,
)
from initializer_conformance.conformance.identifiers import ELEMENTWISE, RANDOM
from initializer_conformance.conformance.outputs import generate
from initializer_conformance.conformance.run import FIXED_ALPHA, current
from initializer_conformance.conformance.sampling import (
    Context,
    Unsupported,
    as_output,
    call,
    make,
    unsupported,
)

PROPERTY = properties.SEEDS

SHAPE = (32, 64)


def _seed(identifier: str, index: int) -> int:
    return streams.seed("seeds", 10 * RANDOM.index(identifier) + index)


def _call(init, identifier: str, config: dict, dtype: str = "float32") -> np.ndarray:
    """One more call of the instance ``init``."""
    out = as_output(call(init, identifier, config, SHAPE, dtype), SHAPE, "the call")
    return outputs.check(identifier, config, SHAPE, dtype, out)


def _differing(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.count_nonzero(a.astype(np.float64) != b.astype(np.float64)))


@pytest.mark.parametrize("identifier", RANDOM)
def test_seed_reproducible(identifier):
    """Two initializers made separately with one seed return identical values, in every
    floating dtype the adapter supports (a 16-bit path may draw apart); seed 0 is a seed
    like any other (not "no seed")."""

    def check(dtype):
        for seed in (0, _seed(identifier, 0)):
            config = {"seed": seed}
            first, second = (generate(identifier, config, SHAPE, dtype) for _ in range(2))
            if _differing(first, second):
                fail(
                    "seeds",
                    f"{identifier}: same seed, different values",
                    ctx=Context(identifier, config, SHAPE, dtype),
                    expected=f"identical arrays (in {dtype})",
                    observed=f"{_differing(first, second)} of {first.size} entries differ",
                )

    each_dtype.each(check)


@pytest.mark.parametrize("identifier", RANDOM)
def test_seed_repeated_calls(identifier):
    """One seeded instance called twice (only where the edition specifies it), in every
    floating dtype the adapter supports."""
    if current().edition.seeded_calls_repeat is None:
        pytest.skip(
            f"edition {current().edition.name} does not specify repeated calls of a seeded instance"
        )

    def check(dtype):
        config = {"seed": _seed(identifier, 1)}
        init = make(identifier, config)
        first, second = (_call(init, identifier, config, dtype) for _ in range(2))
        if (not _differing(first, second)) != current().edition.seeded_calls_repeat:
            fail(
                "seeds",
                f"{identifier}: repeated calls of one seeded instance",
                ctx=Context(identifier, config, SHAPE, dtype),
                expected=f"{'identical' if current().edition.seeded_calls_repeat else 'different'} "
                f"values (edition {current().edition.name})",
                observed="the opposite",
            )

    each_dtype.each(check)


def seed_pairs(identifier: str) -> dict[str, tuple[int, int]]:
    """The pairs of :data:`SEED_PAIRS` for ``identifier`` in this run."""
    s = (_seed(identifier, 2) % 2**30) | 1
    t = _seed(identifier, 3) % 2**16
    return {label: pair(s, t) for label, pair in SEED_PAIRS.items()}


#: Where the shared-values test applies: its binomial null needs rare coincidences
#: (``each_dtype``); 16-bit outputs coincide all the time.
SHARED_DTYPES = ("float32", "float64")


@pytest.mark.parametrize("identifier", RANDOM)
def test_seed_distinct_independent(identifier):
    """Distinct seeds give different and independent values, however the two seeds relate
    (:data:`SEED_PAIRS`), in every floating dtype the adapter supports: no shared values
    (overlapping streams; float32 and float64), no linear correlation, no dependence in the
    table of rank octiles (any function of the other, monotone or not; 16-bit ties broken
    at random, ``each_dtype.break_ties``). Each of the three is one test of the family of
    pairs and dtypes (Bonferroni: smallest p-value times 7 pairs times the dtypes, up to
    28) at the fixed tier's alpha: 3 tests per initializer, as in float32 alone."""
    pairs = seed_pairs(identifier)
    seeds = sorted({seed for pair in pairs.values() for seed in pair})
    drawn = each_dtype.each(
        lambda dtype: {
            seed: generate(identifier, {"seed": seed}, PAIR_SHAPE, dtype).astype(np.float64)
            for seed in seeds
        }
    )
    ctx = Context(identifier, {"seed": seeds}, PAIR_SHAPE, "float32")
    for dtype, by_seed in drawn.items():
        for label, (s1, s2) in pairs.items():
            if np.array_equal(by_seed[s1], by_seed[s2]):
                fail(
                    "seeds",
                    f"{identifier}: distinct seeds, identical values",
                    ctx=Context(identifier, {"seed": [s1, s2]}, PAIR_SHAPE, dtype),
                    expected=f"different values for seeds {s1} and {s2} (in {dtype})",
                    observed=f"identical arrays for seeds {s1} and {s2} ({label}) in {dtype}",
                    causes=[
                        Cause(
                            "related_seed_streams",
                            f"seeds {s1} and {s2} ({label}) give the same stream in {dtype} "
                            f"(bits of the seed are dropped, or the seed is ignored)",
                        )
                    ],
                )

    def ranks(a, b, alpha, what):
        if each_dtype.sixteen_bit(what.split()[-1]):
            a, b = each_dtype.break_ties(a, 1), each_dtype.break_ties(b, 2)
        return dependence.rank_table(a, b, alpha, what)

    tests = {
        "shared": dependence.shared_values,
        # Orthogonal's entries are dependent (a Haar matrix): a bound its law meets exactly.
        "correlation": (
            stats.correlation if identifier in ELEMENTWISE else stats.column_sign_correlation
        ),
        "ranks": ranks,
    }
    each = {
        name: [
            (
                f"seeds {s1} and {s2} ({label}) in {dtype}",
                test(by_seed[s1], by_seed[s2], FIXED_ALPHA, f"two seeds in {dtype}"),
                (dtype, s1, s2),
            )
            for dtype, by_seed in drawn.items()
            if name != "shared" or dtype in SHARED_DTYPES
            for label, (s1, s2) in pairs.items()
        ]
        for name, test in tests.items()
    }
    verdicts = {
        name: dependence.family(
            [(label, v) for label, v, _ in found],
            FIXED_ALPHA,
            f"outputs of {len(pairs)} pairs of seeds in {len({d for _, _, (d, _, _) in found})} "
            f"dtype(s)",
        )
        for name, found in each.items()
    }
    causes = []
    for name, verdict in verdicts.items():
        if not verdict.passed:  # the family's worst pair, and what relates its outputs
            label, worst, (dtype, s1, s2) = min(each[name], key=lambda lv: lv[1].pvalue)
            ctx = Context(identifier, {"seed": seeds}, PAIR_SHAPE, dtype)  # the case shown
            a, b = drawn[dtype][s1], drawn[dtype][s2]
            how = dependence.overlap(a, b) if name == "shared" else worst.effect
            causes.append(Cause("related_seed_streams", f"{label}: {how}"))
    judge(
        "seeds",
        f"{identifier}: outputs of distinct seeds are dependent",
        ctx=ctx,
        verdicts=list(verdicts.values()),
        expected="independent outputs for distinct seeds: no shared values, zero correlation, "
        "independent rank octiles",
        observed=f"{len(pairs)} pairs of outputs of {PAIR_SHAPE} in {', '.join(drawn)}: "
        + "; ".join(f"{label}: seeds {s1}, {s2}" for label, (s1, s2) in pairs.items()),
        causes=causes,
    )


@pytest.mark.parametrize("identifier", RANDOM)
def test_unseeded_calls_differ(identifier):
    """``seed=None``: each instance returns fresh values; so does each call, unless the
    edition says that one unseeded instance repeats (Keras 3); in every floating dtype the
    adapter supports."""

    def check(dtype):
        ctx = Context(identifier, {"seed": None}, SHAPE, dtype)
        init = make(identifier, {"seed": None})
        first, second = (_call(init, identifier, {"seed": None}, dtype) for _ in range(2))
        other = generate(identifier, {"seed": None}, SHAPE, dtype)
        if not _differing(first, other):
            fail(
                "seeds",
                f"{identifier}: two unseeded instances returned identical values",
                ctx=ctx,
                expected=f"fresh values in every unseeded instance (in {dtype})",
                observed="identical arrays",
            )
        repeat = current().edition.unseeded_calls_repeat
        if (not _differing(first, second)) != repeat:
            fail(
                "seeds",
                f"{identifier}: two calls of one unseeded instance returned "
                f"{'different' if repeat else 'identical'} values",
                ctx=ctx,
                expected=f"{'identical' if repeat else 'fresh'} values on every call of one "
                f"unseeded instance (edition {current().edition.name})",
                observed=f"{'different' if repeat else 'identical'} arrays",
            )

    each_dtype.each(check)


# -- global random state --------------------------------------------------------------------


def _numpy_state_equal(a, b) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and tuple(a[2:]) == tuple(b[2:])


def _global_states():
    return np.random.get_state(), random.getstate()


def _seed_globals(value: int, seed_global) -> None:
    np.random.seed(value)
    random.seed(value)
    if seed_global is not None:
        seed_global(value)


@pytest.mark.parametrize("identifier", RANDOM)
def test_seeded_calls_leave_global_state(identifier):
    """A seeded call (in every floating dtype the adapter supports) neither reads nor writes
    the process's global random state: numpy's
    legacy global ``RandomState``, Python's ``random``, and the framework's own global
    generator where the adapter exposes it (an optional ``seed_global(seed)`` method that
    seeds it, as ``torch.manual_seed`` does). It returns the same values whatever global
    seeding came before, and leaves the global states as they were. Deterministic.

    The framework's generator is observed through unseeded draws: where they come from it
    (the same values after the same ``seed_global``), the unseeded draw after a seeded call
    must be the one it would have been without it."""
    seed = _seed(identifier, 4)
    config = {"seed": seed}
    ctx = Context(identifier, config, SHAPE, "float32")
    seed_global = getattr(current().adapter, "seed_global", None)
    saved = _global_states()
    try:

        def check(dtype):
            drawn = []
            for value in (1, 2):
                _seed_globals(value, seed_global)
                before = _global_states()
                drawn.append(generate(identifier, config, SHAPE, dtype))
                _assert_untouched(identifier, ctx, seed, before, _global_states())
            if _differing(*drawn):
                fail(
                    "seeds",
                    f"{identifier}: a seeded draw depends on the global random state",
                    ctx=Context(identifier, config, SHAPE, dtype),
                    expected="the same values after numpy.random.seed(1), random.seed(1) as "
                    "after numpy.random.seed(2), random.seed(2)"
                    + (" (and seed_global)" if seed_global is not None else ""),
                    observed=f"{_differing(*drawn)} of {drawn[0].size} entries differ (in {dtype})",
                )

        each_dtype.each(check)
        if seed_global is not None:
            _assert_framework_untouched(identifier, ctx, config, seed_global)
    finally:
        np.random.set_state(saved[0])
        random.setstate(saved[1])


def _assert_untouched(identifier, ctx, seed, before, after) -> None:
    """numpy's and Python's global states are as they were before the seeded call."""
    changed = []
    if not _numpy_state_equal(before[0], after[0]):
        reseeded = _numpy_state_equal(after[0], np.random.RandomState(seed % 2**32).get_state())
        changed.append(
            f"numpy's global RandomState is now that of numpy.random.seed({seed})"
            if reseeded
            else "numpy's global RandomState changed (reseeded or drawn from)"
        )
    if before[1] != after[1]:
        reseeded = after[1] == random.Random(seed).getstate()
        changed.append(
            f"Python's random is now that of random.seed({seed})"
            if reseeded
            else "Python's random state changed (reseeded or drawn from)"
        )
    if changed:
        fail(
            "seeds",
            f"{identifier}: a seeded call changed the global random state",
            ctx=ctx,
            expected="numpy.random's and random's global states unchanged by a seeded call",
            observed="; ".join(changed),
            causes=[Cause("global_state_touched", "; ".join(changed))],
        )


def _assert_framework_untouched(identifier, ctx, config, seed_global) -> None:
    unseeded = {"seed": None}

    def unseeded_draw():
        return generate(identifier, unseeded, SHAPE, "float32")

    seed_global(3)
    alone = unseeded_draw()
    seed_global(3)
    if not np.array_equal(unseeded_draw(), alone):
        return  # unseeded draws do not come from the generator seed_global seeds
    seed_global(3)
    generate(identifier, config, SHAPE, "float32")
    after = unseeded_draw()
    if not np.array_equal(after, alone):
        fail(
            "seeds",
            f"{identifier}: a seeded call changed the framework's global generator",
            ctx=ctx,
            expected="after seed_global(3), the same unseeded draw with or without a seeded "
            "call before it",
            observed=f"{int((after != alone).sum())} of {alone.size} entries differ",
            causes=[
                Cause(
                    "global_state_touched",
                    "the seeded call reseeded or advanced the framework's global generator",
                )
            ],
        )


# -- fresh processes ------------------------------------------------------------------------

#: Run in a fresh interpreter: the run's adapter (``--impl``), one unseeded call of
#: ``FRESH_SHAPE`` per identifier, each a JSON line on stdout as soon as it is made: its
#: values, its error, or the time limit it exceeded (a ``SIGALRM`` timer of the run's
#: ``--call-timeout`` on ``make`` and on the call, as in the run's own process). An
#: ``IMPORTED`` line first, once the adapter is made. ``time.time`` and ``time.time_ns`` are
#: frozen at one instant, the same in both processes, before anything is imported: see
#: :func:`test_unseeded_differs_across_processes`.
FRESH_PROCESS = """
import json, signal, sys, time
NOW = float(sys.argv[4])
time.time, time.time_ns = (lambda: NOW), (lambda: int(NOW * 1e9))
LIMIT = float(sys.argv[5])
import numpy as np
from initializer_conformance.adapters import load_adapter


class Hung(BaseException):
    pass


def expired(signum, frame):
    raise Hung()


def bounded(method, function, *args):
    if LIMIT and hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        return function(*args)
    except Hung:
        raise Hung(method) from None
    finally:
        if LIMIT and hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0)


adapter = load_adapter(sys.argv[1])
print("IMPORTED", flush=True)
shape = tuple(json.loads(sys.argv[3]))
for identifier in json.loads(sys.argv[2]):
    try:
        init = bounded("make", adapter.make, identifier, {"seed": None})
        value = bounded("call", init, shape, "float32")
        out = np.asarray(value, dtype=np.float64).ravel().tolist()
    except Hung as hung:
        out = {"timeout": hung.args[0]}
    except NotImplementedError as error:
        out = {"unsupported": str(error)}
    except Exception as error:
        out = {"error": f"{type(error).__name__}: {error}"}
    print("FRESH " + json.dumps([identifier, out]), flush=True)
"""
FRESH_SHAPE = (4, 4)
#: Seconds a fresh process may take beyond its limits (interpreter start, NumPy, replies).
FRESH_SLACK = 30.0
_fresh: dict = {}  # the run -> the two processes' outputs (one pair of processes per run)


def _lines(process, into: queue.Queue) -> None:
    for line in process.stdout:
        into.put(line)
    into.put(None)


def _fresh_process(run, argv: list[str], env: dict, identifiers: list[str]) -> dict:
    """One fresh process's outputs, ``{identifier: values or {"error" | "unsupported" |
    "timeout": ...}}``. Every wait is bounded: the import by ``--import-timeout``, each
    identifier by twice ``--call-timeout`` (``make`` and the call; the process's own
    timer ends a hang in Python), each with :data:`FRESH_SLACK`; on a wait that runs out
    the process is killed and what it had not answered is an error."""
    process = subprocess.Popen(
        argv,
        cwd=run.invocation_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(process, lines), daemon=True).start()
    stderr: list[str] = []
    threading.Thread(target=lambda: stderr.append(process.stderr.read()), daemon=True).start()
    outputs: dict = {}
    waiting = "the import of the adapter"
    limit = run.import_timeout
    try:
        while len(outputs) < len(identifiers):
            try:
                line = lines.get(timeout=(limit + FRESH_SLACK) if limit else None)
            except queue.Empty:
                process.kill()
                for identifier in identifiers:
                    outputs.setdefault(
                        identifier,
                        {
                            "error": f"a fresh process did not finish {waiting} within "
                            f"{limit + FRESH_SLACK:g} s (its limit and {FRESH_SLACK:g} s): "
                            f"killed"
                        },
                    )
                break
            if line is None:  # the process ended
                break
            if line.startswith("IMPORTED"):
                limit = 2 * run.call_timeout
            elif line.startswith("FRESH "):
                identifier, out = json.loads(line[len("FRESH ") :])
                outputs[identifier] = out
            else:
                continue
            waiting = "the next call of the adapter"
        process.wait(timeout=FRESH_SLACK)
    finally:
        if process.poll() is None:
            process.kill()
    if len(outputs) < len(identifiers):
        time.sleep(0.1)  # the stderr reader's last read
        raise RuntimeError(
            f"a fresh process could not load --impl={run.impl} and call it "
            f"(exit status {process.returncode}): {''.join(stderr)[-2000:]}"
        )
    return outputs


def fresh_outputs() -> list[dict]:
    """The outputs of two fresh processes, each making every random initializer unseeded
    and calling it once; started once per run (and per xdist worker). An initializer whose
    ``make`` or call already timed out in this process is not called again there."""
    run = current()
    if _fresh.get("run") is not run:
        if not run.impl:
            pytest.skip("the adapter was not named by --impl: no fresh process can load it")
        identifiers = [i for i in RANDOM if known_hang(run, i, {"seed": None}) is None]
        argv = [
            sys.executable,
            "-c",
            FRESH_PROCESS,
            run.impl,
            json.dumps(identifiers),
            json.dumps(FRESH_SHAPE),
            repr(time.time()),
            repr(run.call_timeout),
        ]
        path = [os.path.abspath(p) if p else os.getcwd() for p in sys.path]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
        with ThreadPoolExecutor(2) as pool:
            outputs = list(
                pool.map(lambda _: _fresh_process(run, argv, env, identifiers), range(2))
            )
        _fresh.update(run=run, outputs=outputs)
    return _fresh["outputs"]


@pytest.mark.parametrize("identifier", RANDOM)
def test_unseeded_differs_across_processes(identifier):
    """``seed=None`` in two fresh processes: different values. An unseeded generator that
    starts from a fixed state gives every run the same weights; one seeded from the clock
    gives them to the processes started in the same second (the workers of one job): the
    spec's is OS-seeded (SPEC.md, decision 9). Both processes see one frozen
    ``time.time()`` / ``time.time_ns()``, so that a generator seeded from Python's clock is
    caught every time, not by chance; a clock read in native code is caught only by chance.
    Deterministic; the two processes (one small call per initializer each) are shared by
    the parameters."""
    run = current()
    first = known_hang(run, identifier, {"seed": None})
    if first is not None:
        raise KnownHang(
            f"{identifier} was not called in fresh processes: its unseeded make or call did "
            f"not return within {first.seconds:g} s (--call-timeout) in {first.check}, as "
            f"{first.call}"
        )
    first, second = (outputs.get(identifier) for outputs in fresh_outputs())
    for out in (first, second):
        if isinstance(out, dict) and "timeout" in out:
            what = (
                f"adapter.make({identifier!r}, {{'seed': None}})"
                if out["timeout"] == "make"
                else f"adapter.make({identifier!r}, {{'seed': None}})({FRESH_SHAPE}, 'float32')"
            )
            remember_timeout(
                run, out["timeout"], identifier, {"seed": None}, what, run.call_timeout
            )
            raise CallTimeout(
                f"in a fresh process, {what} did not return within {run.call_timeout:g} s "
                f"(--call-timeout); it hangs or is far too slow"
            )
    for out in (first, second):
        if isinstance(out, dict) and "unsupported" in out:
            unsupported(identifier, NotImplementedError(out["unsupported"]))
        if isinstance(out, dict):
            raise AssertionError(
                f"in a fresh process, adapter.make({identifier!r}, {{'seed': None}})"
                f"({FRESH_SHAPE}, 'float32') raised {out['error']}"
            )
    if first == second:
        fail(
            "seeds",
            f"{identifier}: two fresh processes drew identical unseeded values",
            ctx=Context(identifier, {"seed": None}, FRESH_SHAPE, "float32"),
            expected="different values in every process (an unseeded generator seeded from "
            "the OS or the clock)",
            observed=f"identical arrays of {len(first)} values in two processes",
            causes=[
                Cause(
                    "fixed_process_seed",
                    "the first unseeded draw of every process begins "
                    + ", ".join(f"{v:.6g}" for v in first[:3]),
                )
            ],
        )


# -- seeded calls across processes ------------------------------------------------------------


@pytest.mark.parametrize("identifier", RANDOM)
def test_seeded_same_across_processes(identifier):
    """One seed, the same values in every process: the seeded calls of
    :func:`seeded_calls` (every floating dtype) return identical values in two fresh
    processes with different ``PYTHONHASHSEED`` (``conformance/fresh.py``) and in this one.
    A port that mixes ``hash(name)`` into its seeded stream passes every check of one
    process and fails this one. Deterministic; the two processes are shared by the
    parameters, each call bounded by ``--call-timeout``."""
    run = current()
    calls = seeded_calls(run.seed)
    for name, config, _, _ in calls:
        hung = known_hang(run, name, config) if name == identifier else None
        if hung is not None:
            raise KnownHang(
                f"{identifier} was not called in fresh processes: a seeded make or call did "
                f"not return within {hung.seconds:g} s (--call-timeout) in {hung.check}, as "
                f"{hung.call}"
            )
    first, second = fresh.seeded_outputs(calls, run.import_timeout + FRESH_SLACK)
    compared = 0
    for (name, config, shape, dtype), a, b in zip(calls, first, second, strict=True):
        if name != identifier:
            continue
        shape = tuple(shape)
        for out in (a, b):
            if isinstance(out, dict) and out.get("timeout") == "call":
                what = f"adapter.make({name!r}, {config!r})({shape}, {dtype!r})"
                remember_timeout(run, "call", name, config, what, run.call_timeout)
                raise CallTimeout(
                    f"in a fresh process, {what} did not return within "
                    f"{run.call_timeout:g} s (--call-timeout); it hangs or is far too slow"
                )
            if isinstance(out, dict) and "error" in out:
                raise AssertionError(
                    f"in a fresh process, adapter.make({name!r}, {config!r})({shape}, "
                    f"{dtype!r}) raised {out['error']}"
                )
        if isinstance(a, dict) or isinstance(b, dict):
            continue  # unsupported in that dtype (the float32 call decides below)
        try:
            here = generate(name, config, shape, dtype).astype(np.float64).ravel()
        except Unsupported:
            continue
        compared += 1
        fresh_values = {"PYTHONHASHSEED=0": np.asarray(a), "PYTHONHASHSEED=1": np.asarray(b)}
        differing = [
            f"the fresh process with {label}: {int(np.count_nonzero(v != here))} of "
            f"{here.size} values differ"
            for label, v in fresh_values.items()
            if not np.array_equal(v, here)
        ]
        if differing:
            fail(
                "seeds",
                f"{identifier}: one seed, other values in another process",
                ctx=Context(name, config, shape, dtype),
                expected="identical values in every process (PYTHONHASHSEED=0, =1, and the "
                "test process)",
                observed=f"against this process's values: {'; '.join(differing)}",
                causes=[
                    Cause(
                        "process_dependent_seed",
                        "e.g. hash(str), randomized per process, mixed into the seeded stream",
                    )
                ],
            )
    if not compared:
        unsupported(identifier, NotImplementedError(f"no floating dtype supported: {first!r}"))
