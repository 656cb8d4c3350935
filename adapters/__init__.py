"""Adapters: how the suite reaches an implementation under test.

The protocol is duck-typed; an adapter imports nothing from this project::

    class MyAdapter:
        name = "myframework"                    # shown in reports
        edition = "keras2"                      # optional: the spec edition it claims
        known_deviations = {"test_law[he_normal]": "why"}  # optional: docs/configuration.md
        def version(self) -> str: ...           # e.g. "myframework 1.4.2"
        def make(self, identifier: str, config: dict) -> Callable[[tuple, str], ArrayLike]: ...

``make`` raises ``NotImplementedError`` for what the framework does not have and
``ValueError`` for a configuration the spec calls invalid (or the returned
callable raises it). See README.md, "Writing an adapter".

This module resolves the ``--impl`` value: a built-in name, a name registered by
an installed package under the entry-point group ``initializer_conformance.adapters``,
or ``module:attribute`` (a class, instantiated without arguments, or an instance).

Devices (``--device NAME``): a class whose constructor takes a ``device`` keyword is made
as ``cls(device=NAME)``; it checks the device (``ValueError`` naming the devices this
machine has) and states where it draws in its ``device`` attribute. An adapter without
one draws on the CPU (:data:`DEFAULT_DEVICE`), the only device it may be asked for.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import inspect
import os
import sys
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

ENTRY_POINT_GROUP = "initializer_conformance.adapters"
#: Where an adapter draws unless ``--device`` says otherwise, and where an adapter that
#: takes no device is taken to draw.
DEFAULT_DEVICE = "cpu"


@dataclass(frozen=True)
class Builtin:
    target: str  # "module:attribute"
    extra: str | None  # the pyproject extra that installs the framework
    requires: str | None = None  # the module whose absence means "not installed"

    @property
    def install(self) -> str:
        """The command that installs the framework (docs/findings.md, "Testing a framework")."""
        if self.extra == "torch":  # on Linux, PyPI's plain `torch` is a multi-GB CUDA build
            return "pip install torch --index-url https://download.pytorch.org/whl/cpu"
        return f'pip install "initializer-conformance[{self.extra}]"'


_PORTS = "initializer_conformance.adapters"
BUILTINS: dict[str, Builtin] = {
    "numpy": Builtin(f"{_PORTS}.reference_numpy:ReferenceAdapter", None),
    "numpy-keras3": Builtin(f"{_PORTS}.reference_numpy:ReferenceKeras3Adapter", None),
    "torch": Builtin(f"{_PORTS}.torch_adapter:TorchAdapter", "torch", "torch"),
    "jax": Builtin(f"{_PORTS}.jax_adapter:JaxAdapter", "jax", "jax"),
    "flax": Builtin(f"{_PORTS}.flax_adapter:FlaxAdapter", "flax", "flax"),
    "keras": Builtin(f"{_PORTS}.keras_adapter:KerasAdapter", "keras", "keras"),
    "tf_keras": Builtin(f"{_PORTS}.tf_keras_adapter:TfKerasAdapter", "tf-keras", "tf_keras"),
    "mlx": Builtin(f"{_PORTS}.mlx_adapter:MlxAdapter", "mlx", "mlx"),
    "paddle": Builtin(f"{_PORTS}.paddle_adapter:PaddleAdapter", "paddle", "paddle"),
    "tinygrad": Builtin(f"{_PORTS}.tinygrad_adapter:TinygradAdapter", "tinygrad", "tinygrad"),
}


class AdapterError(Exception):
    """The ``--impl`` value cannot be turned into a usable adapter (a usage error)."""


def _usage() -> str:
    return (
        f"built-in names: {', '.join(sorted(BUILTINS))}; or 'module:attribute' naming an "
        f"adapter class or instance; or a name registered under the entry-point group "
        f"{ENTRY_POINT_GROUP!r}"
    )


def _load_target(target: str, what: str, device: str | None = None, source: str = "--device"):
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except (Exception, SystemExit) as error:  # whatever the module raises at import
        raise AdapterError(
            f"{what}: cannot import module {module_name!r}: "
            f"{type(error).__name__}: {error}{_not_on_path(module_name, error)}"
        ) from error
    try:
        obj = getattr(module, attribute) if attribute else module
    except AttributeError:
        raise AdapterError(
            f"{what}: module {module_name!r} has no attribute {attribute!r}"
        ) from None
    if not isinstance(obj, type):
        if device is not None:
            _check_instance_device(obj, device, what, source)
        return obj
    if device is not None and not takes_device(obj):
        if device.lower() != DEFAULT_DEVICE:
            raise AdapterError(
                f"{what}: {source}={device}: {_name(obj)} takes no device (its constructor has "
                f"no `device` parameter), so it draws on the CPU only: run it without "
                f"{source}, or with {source}={DEFAULT_DEVICE} (see README, 'Writing an adapter')"
            )
        device = None  # the adapter's own default, the CPU
    try:
        return obj() if device is None else obj(device=device)
    except Exception as error:
        if device is not None and isinstance(error, ValueError):
            raise AdapterError(f"{what}: {source}={device}: {error}") from error
        needs = _required_parameters(obj)
        why = (
            f"its constructor needs {', '.join(needs)}"
            if needs and isinstance(error, TypeError)
            else f"its constructor raised {type(error).__name__}: {error}"
        )
        raise AdapterError(
            f"{what}: cannot make an adapter from the class {_name(obj)}: {why}. The suite "
            f"makes an adapter class without arguments; to configure one, name an instance "
            f"instead (module:instance)"
        ) from error


def takes_device(cls) -> bool:
    """Whether the constructor of ``cls`` takes a ``device`` keyword (the device protocol)."""
    try:
        parameters = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return False
    p = parameters.get("device")
    return p is not None and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)


def device_of(adapter) -> str:
    """Where ``adapter`` draws: its ``device`` attribute, else :data:`DEFAULT_DEVICE`."""
    device = getattr(adapter, "device", None)
    return DEFAULT_DEVICE if device is None else str(device)


def _check_instance_device(adapter, device: str, what: str, source: str) -> None:
    """An instance is used as it was made: ``--device`` must be where it draws."""
    stated = device_of(adapter)
    if device.lower() != stated.lower():
        raise AdapterError(
            f"{what}: {source}={device}: {_name(adapter)} draws on {stated!r}, and the suite "
            f"uses an instance as it was made: make it on that device "
            f"(e.g. MyAdapter(device={device!r})), or name its class instead"
        )


def _not_on_path(module_name: str, error: BaseException) -> str:
    """Why ``module_name`` was not found: a file of the current directory that is not on
    ``sys.path`` (``pytest`` puts only the test files' roots there), or, when it is nowhere
    to be found, where it was looked for (the current directory, and how many other
    entries of ``sys.path``): a port's CI that starts the command from the wrong directory
    is told which one it was."""
    top = module_name.split(".")[0]
    here = Path.cwd()
    if not isinstance(error, ModuleNotFoundError) or error.name != top:
        return ""
    on_path = any(Path(p or ".").resolve() == here.resolve() for p in sys.path)
    if not ((here / f"{top}.py").exists() or (here / top / "__init__.py").exists()):
        others = len([p for p in sys.path if Path(p or ".").resolve() != here.resolve()])
        where = (
            f"the current directory {os.fspath(here)} and {others} other entries of sys.path"
            if on_path
            else f"the {others} entries of sys.path (not the current directory {os.fspath(here)})"
        )
        return (
            f" (looked for {top}.py and the package {top}/ in {where}: start the command "
            f"from the directory that holds {top}.py, or add that directory to PYTHONPATH)"
        )
    if on_path:
        return ""
    return (
        f" ({top!r} is in the current directory {os.fspath(here)}, which is not on "
        f"sys.path: run `initializer-conformance` or `python -m pytest`, which put it "
        f"there, or set PYTHONPATH=.)"
    )


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _adapter_classes(module) -> list[str]:
    """The classes defined in ``module`` that have the adapter protocol's members."""
    return [
        name
        for name, obj in vars(module).items()
        if isinstance(obj, type)
        and obj.__module__ == module.__name__
        and all(hasattr(obj, member) for member in ("name", "version", "make"))
    ]


def _module_named(impl: str, registered) -> AdapterError:
    """The error for ``--impl=IMPL`` that is no built-in or registered name: a module that
    exists gets the ``module:Class`` form (with its adapter classes), a near miss of a
    name gets its correction."""
    try:
        spec = importlib.util.find_spec(impl)
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        try:
            classes = _adapter_classes(importlib.import_module(impl))
        except (Exception, SystemExit):  # the import's own error comes with module:Class
            classes = []
        example = classes[0] if classes else "MyAdapter"
        found = (
            f"; adapter classes in {impl}: {', '.join(classes)}"
            if classes
            else f"; {impl} defines no class with name, version() and make()"
        )
        return AdapterError(
            f"--impl={impl} names a module, not an adapter: write "
            f"--impl={impl}:{example} (module:class){found}"
        )
    names = [*BUILTINS, *registered]
    return AdapterError(f"unknown --impl={impl!r}{_did_you_mean(impl, names)}; {_usage()}")


def _name(obj) -> str:
    """``module.Class`` of a class, or of an instance's class (never a memory address)."""
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}" + ("" if obj is cls else " instance")


def _required_parameters(cls) -> list[str]:
    try:
        parameters = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in parameters
        if p.default is p.empty
        and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]


def load_adapter(impl: str | None, device: str | None = None, device_source: str = "--device"):
    """Return the adapter object named by ``impl``, made on ``device`` (``None``: its
    default); :class:`AdapterError` if impossible. ``device_source`` is where the device was
    given (``--device``, or the environment variable), as the errors name it."""
    if not impl:
        raise AdapterError(f"--impl is required: which implementation to test? {_usage()}")
    if impl in BUILTINS:
        builtin = BUILTINS[impl]
        if builtin.requires and importlib.util.find_spec(builtin.requires) is None:
            raise AdapterError(
                f"--impl={impl}: the framework module {builtin.requires!r} is not installed; "
                f"install it with: {builtin.install}"
            )
        adapter = _load_target(builtin.target, f"--impl={impl}", device, device_source)
    elif ":" in impl:
        adapter = _load_target(impl, f"--impl={impl}", device, device_source)
    else:
        registered = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
        if impl not in registered:
            raise _module_named(impl, registered)
        adapter = _load_target(
            registered[impl].value, f"--impl={impl} (entry point)", device, device_source
        )
    check_protocol(adapter, impl)
    return adapter


PROTOCOL = (
    "an adapter has `name`, `version()` and `make(identifier, config)`; see docs/adapters.md "
    "('Writing an adapter')"
)


def check_protocol(adapter, impl: str) -> None:
    """Fail early, with a clear message, on an object that is not an adapter."""
    missing = [attr for attr in ("name", "version", "make") if not hasattr(adapter, attr)]
    if missing or not callable(getattr(adapter, "make", None)):
        raise AdapterError(
            f"--impl={impl}: {_name(adapter)} is not an adapter: it lacks "
            f"{', '.join(missing) or 'a callable make'} ({PROTOCOL})"
        )
    try:
        signature = inspect.signature(adapter.make)
    except (TypeError, ValueError):  # a builtin or C callable: nothing to check
        return
    try:
        signature.bind("RandomNormal", {})
    except TypeError as error:
        raise AdapterError(
            f"--impl={impl}: {_name(adapter)}.make{signature} cannot be called as "
            f"make(identifier, config): {error} ({PROTOCOL})"
        ) from None


def describe(adapter) -> str:
    """``"name (version)"`` for headers and reports; never raises."""
    try:
        version = adapter.version()
    except Exception as error:  # a broken version() must not hide the run
        version = f"version() raised {type(error).__name__}: {error}"
    return f"{adapter.name} ({version})"
