"""The API contract of a call: the spec's ``ValueError`` (from ``make`` or from the call)
for what it calls invalid, and the dtype asked for."""

from __future__ import annotations

from initializer_conformance.conformance.assertions import fail
from initializer_conformance.conformance.identifiers import DETERMINISTIC, RANDOM
from initializer_conformance.conformance.sampling import Context, as_output, call, make
from initializer_conformance.conformance.strategies import INT_DTYPES


def assert_value_error(
    identifier: str, config: dict, shape: tuple[int, ...], dtype: str, why: str
) -> None:
    """The spec says this is invalid: the adapter must raise ``ValueError``."""
    __tracebackhide__ = True
    ctx = Context(identifier, config, shape, dtype)
    try:  # NotImplementedError: a skip ("unsupported"), which `except Exception` lets pass
        out = call(make(identifier, config), identifier, config, shape, dtype)
    except ValueError:
        return
    except Exception as error:
        fail(
            "api",
            f"{identifier}: wrong exception type",
            ctx=ctx,
            expected=f"ValueError ({why})",
            observed=f"{type(error).__name__}: {error}",
        )
    else:
        try:
            observed = f"no error; returned shape {as_output(out, shape, 'the call').shape}"
        except AssertionError as error:
            observed = f"no error; returned {error}"
        fail(
            "api",
            f"{identifier}: invalid input accepted",
            ctx=ctx,
            expected=f"ValueError ({why})",
            observed=observed,
        )


def assert_dtype(identifier: str, dtype: str) -> None:
    """An output of the dtype asked for (a square shape for Identity, a Dense kernel for
    the others); for a random initializer and an integer dtype, ``ValueError`` (a spec
    decision: random laws are continuous)."""
    __tracebackhide__ = True
    shape = (6, 6) if identifier == "Identity" else (4, 6)
    config = {"seed": 7} if identifier in RANDOM else {}
    if dtype in INT_DTYPES and identifier not in DETERMINISTIC:
        assert_value_error(
            identifier,
            config,
            shape,
            dtype,
            "random initializers accept floating dtypes only (spec decision)",
        )
        return
    ctx = Context(identifier, config, shape, dtype)
    returned = call(make(identifier, config), identifier, config, shape, dtype)
    out = as_output(returned, shape, ctx.call())
    if out.dtype != dtype:
        kind = (
            ""
            if hasattr(returned, "dtype")
            else (
                f" (the adapter returned a {type(returned).__name__}, which has no dtype: "
                f"numpy.asarray chose one)"
            )
        )
        fail(
            "dtype",
            f"{identifier}: wrong dtype",
            ctx=ctx,
            expected=f"an array of dtype {dtype}",
            observed=f"dtype {out.dtype}{kind}",
        )
