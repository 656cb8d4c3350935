"""The adapter contract of the built-in framework adapters.

Not the conformance suite: these checks say only that each adapter keeps the protocol
(``adapters/__init__.py``), so that what the suite reports is about the framework, not
about a broken adapter. Each framework's checks are skipped, saying so, when the
framework is not installed.
"""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

from initializer_conformance import adapters, reference
from initializer_conformance.conformance import deviations

FRAMEWORKS = ("torch", "jax", "flax", "keras", "tf_keras", "mlx", "paddle", "tinygrad")
#: framework -> a module after which importing it crashes the process (paddle 3.3:
#: SIGSEGV in paddle.base.core once tensorflow is loaded; keras 3 loads tensorflow when
#: installed). Such a framework's contract is skipped, saying so, and CI runs it alone.
IMPORT_CONFLICTS = {"paddle": "tensorflow"}
IDENTIFIERS = sorted(reference.identifiers())
RANDOM = (
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Orthogonal",
    *reference.PRESETS,
)
KERNEL, DENSE, SQUARE = (3, 3, 4, 6), (4, 6), (5, 5)


@pytest.fixture(scope="module", params=FRAMEWORKS)
def adapter(request):
    name = request.param
    conflict = IMPORT_CONFLICTS.get(name)
    if conflict in sys.modules:
        pytest.skip(
            f"{name} crashes the process when imported after {conflict}: run its "
            f"contract in a process of its own (pytest tests/test_adapter_contract.py "
            f"-k {name})"
        )
    builtin = adapters.BUILTINS[name]
    pytest.importorskip(
        builtin.requires, reason=f'{name} is not installed (pip install -e ".[{builtin.extra}]")'
    )
    return adapters.load_adapter(name)


def _cases(adapter, identifier):
    """``(shape, dtype)`` pairs to try.

    torch, which transposes to its own layout, gets every shape with every dtype. JAX
    passes the shape through untouched, and compiles ``jax.random`` anew for each shape
    and dtype (jax 0.10 on CPU: ~1 s of CPU for a (4, 6) ``glorot_uniform``, ~4 s
    for (3, 3, 4, 6)): jax and flax get the kernel shape in float32 for the
    deterministic initializers only, and the dense shape in float64 for every
    identifier (the pair the other checks reuse, already compiled). The suite itself
    draws rank-4 kernels from every random initializer.
    """
    name = reference.canonical_name(identifier)
    if name == "Identity":
        return [(SQUARE, "float32"), (SQUARE, "float64")]
    if adapter.name == "torch":
        return [(shape, dtype) for shape in (KERNEL, DENSE) for dtype in ("float32", "float64")]
    if name in ("Zeros", "Ones", "Constant"):
        return [(KERNEL, "float32"), (DENSE, "float64")]
    return [(DENSE, "float64")]


def _call(adapter, identifier, config, shape, dtype):
    """The adapter's output as an array, or ``None`` if the adapter says "unsupported"."""
    try:
        return np.asarray(adapter.make(identifier, dict(config))(shape, dtype))
    except NotImplementedError as error:
        assert str(error), f"{identifier}: NotImplementedError without a reason"
        return None


def test_protocol(adapter):
    assert isinstance(adapter.name, str) and adapter.name
    assert adapter.version().split()[0] == adapter.name
    assert adapter.edition in reference.EDITIONS


@pytest.mark.parametrize("identifier", IDENTIFIERS)
def test_identifier_resolves_with_keras_layout_and_dtype(adapter, identifier):
    """Every identifier resolves (or is unsupported, with a reason); the output has the
    Keras-layout shape and the dtype asked for."""
    name = reference.canonical_name(identifier)
    config = {"seed": 1} if name in RANDOM else {}
    for shape, dtype in _cases(adapter, identifier):
        out = _call(adapter, identifier, config, shape, dtype)
        if out is None:
            continue
        assert out.shape == shape, (identifier, shape, dtype)
        assert out.dtype == np.dtype(dtype) or _declared_dtype_deviation(adapter, name, dtype), (
            identifier,
            shape,
            dtype,
            out.dtype,
        )
        assert np.isfinite(out).all(), (identifier, shape, dtype)


def _declared_dtype_deviation(adapter, name: str, dtype: str) -> bool:
    """The adapter declares that its *framework* fails ``test_dtype[name-dtype]`` (e.g. Keras
    3 on numpy computes float64 Orthogonal in float32): a finding, not a broken adapter."""
    nodeid = f"conformance/test_dtype.py::test_dtype[{name}-{dtype}]"
    return any(d.matches(nodeid) for d in deviations.declared(adapter, None, False))


@pytest.mark.parametrize("identifier", RANDOM)
def test_seeds(adapter, identifier):
    """Equal seeds reproduce (seed 0 included), distinct seeds differ, seed=None gives
    fresh values in every instance. (Whether one unseeded instance repeats on every call
    is a property of the edition, which the suite checks: Keras 3 repeats.)"""

    def draw(config):
        out = _call(adapter, identifier, config, DENSE, "float64")
        if out is None:
            pytest.skip(f"{adapter.name}: {identifier} is unsupported")
        return out

    for seed in (0, 12345):
        assert np.array_equal(draw({"seed": seed}), draw({"seed": seed})), seed
    assert not np.array_equal(draw({"seed": 1}), draw({"seed": 2}))
    assert not np.array_equal(draw({"seed": None}), draw({"seed": None})), (
        "two unseeded instances agree"
    )


@pytest.mark.parametrize("identifier", ["he_uniform", "lecun_uniform"])
def test_fans_are_read_in_keras_layout(adapter, identifier):
    """fan_in of the Keras-layout (4, 6) is 4: values reach past sqrt(3·scale/6), the
    limit a transposed (torch-layout) reading of the fans would give, never past
    sqrt(3·scale/4). 5 seeds, 120 values: a conforming draw stays below the lower
    limit with probability (4/6)^60 < 1e-10."""
    scale = 2.0 if identifier.startswith("he") else 1.0
    out = np.concatenate(
        [_call(adapter, identifier, {"seed": seed}, DENSE, "float64").ravel() for seed in range(5)]
    )
    assert np.abs(out).max() <= np.sqrt(3 * scale / 4) * (1 + 1e-12)
    assert np.abs(out).max() > np.sqrt(3 * scale / 6)


def test_integer_dtype_of_a_random_initializer_is_a_value_error(adapter):
    for identifier in ("RandomNormal", "glorot_uniform", "Orthogonal"):
        if _declared_dtype_deviation(adapter, identifier, "int32"):
            continue
        with pytest.raises(ValueError):
            adapter.make(identifier, {"seed": 1})(DENSE, "int32")


def test_deterministic_integer_dtype(adapter):
    out = np.asarray(adapter.make("Ones", {})(DENSE, "int32"))
    assert out.dtype == np.int32 and (out == 1).all()


@pytest.mark.parametrize(
    "identifier, config",
    [
        ("not_an_initializer", {}),
        ("RandomNormal", {"sttdev": 1.0}),
        ("glorot_uniform", {"scale": 2.0}),
    ],
)
def test_unknown_identifier_or_config_key_is_a_value_error(adapter, identifier, config):
    with pytest.raises(ValueError):
        adapter.make(identifier, config)(DENSE, "float32")


#: framework -> ``(identifier, dtype)`` it has no kernel for here, and the words of the
#: framework's error (each port's ``lacks_kernel``: Paddle has no float16 ``qr`` on CPU;
#: tinygrad's C renderer emits bfloat16 code clang rejects).
MISSING_KERNELS = {
    "paddle": ("Orthogonal", "float16", "RuntimeError: (NotFound)"),
    "tinygrad": ("Zeros", "bfloat16", "CalledProcessError"),
}


def test_a_missing_kernel_is_unsupported_and_nothing_else_is(adapter):
    if adapter.name not in MISSING_KERNELS:
        pytest.skip(f"{adapter.name} reports no missing kernel through lacks_kernel")
    identifier, dtype, words = MISSING_KERNELS[adapter.name]
    with pytest.raises(NotImplementedError, match=f"{identifier} is not implemented for dtype"):
        try:
            adapter.make(identifier, {})(SQUARE, dtype)
        except NotImplementedError as error:
            assert words in str(error), error
            raise
    # the hook is narrow: another error, or the same one in float32, is not a missing kernel
    assert not adapter.lacks_kernel(ValueError("(NotFound) no such key"), "float32")
    assert not adapter.lacks_kernel(RuntimeError("Need minval < maxval"), dtype)
    if adapter.name == "tinygrad":
        import subprocess

        compile_failure = subprocess.CalledProcessError(1, ["clang"])
        assert adapter.lacks_kernel(compile_failure, "bfloat16")
        assert not adapter.lacks_kernel(compile_failure, "float32")


@pytest.fixture(scope="module")
def nnx():
    """``flax.nnx``, imported outside the test: importing flax the first time in a process
    touches numpy's global random state, which every test here must leave alone."""
    pytest.importorskip("flax", reason='flax is not installed (pip install -e ".[flax]")')
    from flax import nnx

    return nnx


def test_flax_adapter_makes_the_call_a_flax_layer_makes(nnx):
    """``nnx.Linear(kernel_init=...)`` with ``nnx.Rngs(params=seed)`` holds the very
    kernel the flax adapter returns for that seed."""
    adapter = adapters.load_adapter("flax")
    layer = nnx.Linear(
        4,
        6,
        kernel_init=nnx.initializers.glorot_uniform(),
        param_dtype="float64",
        rngs=nnx.Rngs(params=7),
    )
    assert np.array_equal(
        np.asarray(layer.kernel[...]), adapter.make("glorot_uniform", {"seed": 7})(DENSE, "float64")
    )


def test_keras_pays_its_lazy_tensorflow_import_when_loaded():
    """Keras 3 imports tensorflow (when installed) on its first ``serialize()``. Inside a
    check that import runs under the suite's call timeout, and on a loaded machine an
    interrupted import broke every later serialization check; the adapter pays it when
    it is loaded. In a fresh process, on the numpy backend (which never imports
    tensorflow itself)."""
    if importlib.util.find_spec("keras") is None:
        pytest.skip('keras is not installed (pip install -e ".[keras]")')
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("tensorflow is not installed: Keras has nothing to import lazily")
    probe = (
        "import sys, keras; before = 'tensorflow' in sys.modules; "
        "from initializer_conformance import adapters; adapters.load_adapter('keras'); "
        "print(before, 'tensorflow' in sys.modules)"
    )
    env = {**os.environ, "KERAS_BACKEND": "numpy"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split()[-2:] == ["False", "True"], out.stdout + out.stderr
