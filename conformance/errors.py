"""Expecting the spec's ``ValueError`` from an adapter, from ``make`` or from the call."""

from __future__ import annotations

from .assertions import fail
from .sampling import Context, as_output, call, make


def assert_value_error(identifier: str, config: dict, shape: tuple[int, ...], dtype: str,
                       why: str) -> None:
    """The spec says this is invalid: the adapter must raise ``ValueError``."""
    ctx = Context(identifier, config, shape, dtype)
    try:  # NotImplementedError: a skip ("unsupported"), which `except Exception` lets pass
        out = call(make(identifier, config), identifier, config, shape, dtype)
    except ValueError:
        return
    except Exception as error:
        fail("api", f"{identifier}: wrong exception type", ctx=ctx,
             expected=f"ValueError ({why})", observed=f"{type(error).__name__}: {error}")
    else:
        try:
            observed = f"no error; returned shape {as_output(out, shape, 'the call').shape}"
        except AssertionError as error:
            observed = f"no error; returned {error}"
        fail("api", f"{identifier}: invalid input accepted", ctx=ctx,
             expected=f"ValueError ({why})", observed=observed)


