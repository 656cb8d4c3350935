"""Adapters: how the suite reaches an implementation under test.

The protocol is duck-typed; an adapter imports nothing from this project::

    class MyAdapter:
        name = "myframework"                    # shown in reports
        edition = "keras2"                      # optional: the spec edition it claims
        known_deviations = {"test_law[he_normal]": "why"}  # optional, see README
        def version(self) -> str: ...           # e.g. "myframework 1.4.2"
        def make(self, identifier: str, config: dict) -> Callable[[tuple, str], ArrayLike]: ...

``make`` raises ``NotImplementedError`` for what the framework does not have and
``ValueError`` for a configuration the spec calls invalid (or the returned
callable raises it). See README.md, "Writing an adapter".

This module resolves the ``--impl`` value: a built-in name, a name registered by
an installed package under the entry-point group ``initializer_conformance.adapters``,
or ``module:attribute`` (a class, instantiated without arguments, or an instance).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points

ENTRY_POINT_GROUP = "initializer_conformance.adapters"


@dataclass(frozen=True)
class Builtin:
    target: str  # "module:attribute"
    extra: str | None  # the pyproject extra that installs the framework
    requires: str | None = None  # the module whose absence means "not installed"


BUILTINS: dict[str, Builtin] = {
    "numpy": Builtin("adapters.reference_numpy:ReferenceAdapter", None),
    "numpy-keras3": Builtin("adapters.reference_numpy:ReferenceKeras3Adapter", None),
    "torch": Builtin("adapters.torch_adapter:TorchAdapter", "torch", "torch"),
    "jax": Builtin("adapters.jax_adapter:JaxAdapter", "jax", "jax"),
    "flax": Builtin("adapters.flax_adapter:FlaxAdapter", "flax", "flax"),
    "keras": Builtin("adapters.keras_adapter:KerasAdapter", "keras", "keras"),
    "tf_keras": Builtin("adapters.tf_keras_adapter:TfKerasAdapter", "tf-keras", "tf_keras"),
    "mlx": Builtin("adapters.mlx_adapter:MlxAdapter", "mlx", "mlx"),
    "paddle": Builtin("adapters.paddle_adapter:PaddleAdapter", "paddle", "paddle"),
    "tinygrad": Builtin("adapters.tinygrad_adapter:TinygradAdapter", "tinygrad", "tinygrad"),
}


class AdapterError(Exception):
    """The ``--impl`` value cannot be turned into a usable adapter (a usage error)."""


def _usage() -> str:
    return (f"built-in names: {', '.join(sorted(BUILTINS))}; or 'module:attribute' naming an "
            f"adapter class or instance; or a name registered under the entry-point group "
            f"{ENTRY_POINT_GROUP!r}")


def _load_target(target: str, what: str):
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except (Exception, SystemExit) as error:  # whatever the module raises at import
        raise AdapterError(
            f"{what}: cannot import module {module_name!r}: {type(error).__name__}: {error}"
        ) from error
    try:
        obj = getattr(module, attribute) if attribute else module
    except AttributeError:
        raise AdapterError(f"{what}: module {module_name!r} has no attribute {attribute!r}") from None
    return obj() if isinstance(obj, type) else obj


def load_adapter(impl: str | None):
    """Return the adapter object named by ``impl``; :class:`AdapterError` if impossible."""
    if not impl:
        raise AdapterError(f"--impl is required: which implementation to test? {_usage()}")
    if impl in BUILTINS:
        builtin = BUILTINS[impl]
        if builtin.requires and importlib.util.find_spec(builtin.requires) is None:
            raise AdapterError(
                f"--impl={impl}: the framework module {builtin.requires!r} is not installed; "
                f"install it with: pip install -e \".[{builtin.extra}]\"")
        adapter = _load_target(builtin.target, f"--impl={impl}")
    elif ":" in impl:
        adapter = _load_target(impl, f"--impl={impl}")
    else:
        registered = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
        if impl not in registered:
            raise AdapterError(f"unknown --impl={impl!r}; {_usage()}")
        adapter = _load_target(registered[impl].value, f"--impl={impl} (entry point)")
    check_protocol(adapter, impl)
    return adapter


def check_protocol(adapter, impl: str) -> None:
    """Fail early, with a clear message, on an object that is not an adapter."""
    missing = [attr for attr in ("name", "version", "make") if not hasattr(adapter, attr)]
    if missing or not callable(getattr(adapter, "make", None)):
        raise AdapterError(
            f"--impl={impl}: {adapter!r} is not an adapter: it lacks "
            f"{', '.join(missing) or 'a callable make'} (an adapter has `name`, "
            f"`version()` and `make(identifier, config)`; see README, 'Writing an adapter')")


def describe(adapter) -> str:
    """``"name (version)"`` for headers and reports; never raises."""
    try:
        version = adapter.version()
    except Exception as error:  # a broken version() must not hide the run
        version = f"version() raised {type(error).__name__}: {error}"
    return f"{adapter.name} ({version})"
