"""``--device``: the option reaches the adapter, each framework port checks the device when
it is made and draws there, and the run records it (README, "Configuration", and
docs/adapters.md).

This machine has no GPU: the ports are run on their CPU under the option, refuse a GPU
by name, and draw on the one non-default device each framework offers here where it
offers one (JAX's second host device, tinygrad's x86 renderer).
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from benchmarks.runs import ROOT, suite_command, suite_process
from initializer_conformance import adapters
from initializer_conformance.conformance import options
from initializer_conformance.conformance.run import Run
from initializer_conformance.reports import results

USAGE_ERROR = 4

#: framework -> (its spelling of the CPU, a device this machine lacks)
FRAMEWORKS = {
    "torch": ("cpu", "cuda"),
    "jax": ("cpu", "gpu"),
    "flax": ("cpu", "gpu"),
    "mlx": ("cpu", "gpu"),
    "paddle": ("cpu", "gpu"),
    "tinygrad": ("CPU", "CUDA"),
}
#: As in tests/test_adapter_contract.py: paddle 3.3 crashes a process that loaded tensorflow.
IMPORT_CONFLICTS = {"paddle": "tensorflow"}

PORT = textwrap.dedent(
    """\
    import numpy as np


    class Port:
        name = "my-port"

        def __init__(self, device="cpu"):
            if device not in ("cpu", "fake"):
                raise ValueError(f"my-port has no device {device!r}; devices here: cpu, fake")
            self.device = device

        def version(self):
            return f"my-port 0.1 on {self.device}"

        def make(self, identifier, config):
            if identifier not in ("Identity", "identity"):
                raise NotImplementedError("only Identity")
            gain = config.get("gain", 1.0)

            def init(shape, dtype):
                if len(shape) != 2 or shape[0] != shape[1]:
                    raise ValueError("square only")
                return (gain * np.eye(shape[0])).astype(dtype)

            return init


    on_fake = Port(device="fake")
    """
)


def port_class(framework: str):
    """The port's class (imported by module-scoped fixtures: some frameworks touch NumPy's
    global random state when imported, which tests/conftest.py checks test by test)."""
    conflict = IMPORT_CONFLICTS.get(framework)
    if conflict in sys.modules:
        pytest.skip(f"{framework} crashes the process when imported after {conflict}")
    builtin = adapters.BUILTINS[framework]
    pytest.importorskip(builtin.requires, reason=f"{framework} is not installed")
    return type(adapters.load_adapter(framework))


@pytest.fixture(scope="module", params=sorted(FRAMEWORKS))
def port(request):
    """``(framework, its port's class)``."""
    return request.param, port_class(request.param)


@pytest.fixture(scope="module")
def tinygrad_port():
    return port_class("tinygrad")


# -- the option ---------------------------------------------------------------------------


def test_the_option_comes_from_the_command_line_else_the_environment(monkeypatch):
    monkeypatch.delenv(options.DEVICE_ENV, raising=False)
    assert options._device(None) is None  # the adapter's default
    assert options._device(" cuda:1 ") == "cuda:1"
    monkeypatch.setenv(options.DEVICE_ENV, "mps")
    assert options._device(None) == "mps"
    assert options._device("cpu") == "cpu"  # the command line wins
    monkeypatch.setenv(options.DEVICE_ENV, "")
    assert options._device(None) is None
    with pytest.raises(pytest.UsageError, match="--device must name a device"):
        options._device("  ")


def test_a_device_other_than_the_default_is_replayed():
    reproduce = Run(impl="torch", device="cuda:1").reproduce("m", "conformance/test_law.py", "t")
    assert "--device=cuda:1" in reproduce
    for default in ("cpu", "CPU"):  # tinygrad's spelling of the default
        run = Run(impl="tinygrad", device=default)
        assert "--device" not in run.reproduce("m", "conformance/test_law.py", "t")


# -- the loader: who takes a device ---------------------------------------------------------


def test_an_adapter_without_a_device_parameter_draws_on_the_cpu_only():
    assert adapters.device_of(adapters.load_adapter("numpy", "cpu")) == "cpu"
    assert adapters.device_of(adapters.load_adapter("numpy", "CPU")) == "cpu"
    with pytest.raises(adapters.AdapterError, match=r"--device=gpu: .*ReferenceAdapter takes no"):
        adapters.load_adapter("numpy", "gpu")


def test_a_class_with_a_device_parameter_is_made_on_the_device(tmp_path, monkeypatch):
    (tmp_path / "my_port.py").write_text(PORT)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert adapters.load_adapter("my_port:Port").device == "cpu"
    assert adapters.load_adapter("my_port:Port", "fake").device == "fake"
    with pytest.raises(
        adapters.AdapterError, match=r"--device=other: my-port has no device 'other'; devices here"
    ):
        adapters.load_adapter("my_port:Port", "other")
    # an instance is used as it was made: --device must say where it draws
    assert adapters.load_adapter("my_port:on_fake", "fake").device == "fake"
    with pytest.raises(adapters.AdapterError, match=r"draws on 'fake'.*make it on that device"):
        adapters.load_adapter("my_port:on_fake", "cpu")


# -- the framework ports ----------------------------------------------------------------------


def test_a_framework_port_made_on_its_cpu_draws_as_by_default(port):
    framework, cls = port
    cpu = FRAMEWORKS[framework][0]
    default, on_cpu = cls(), cls(device=cpu.swapcase())  # names are case-insensitive
    assert default.device == on_cpu.device == cpu
    assert adapters.device_of(on_cpu) == cpu
    seeded = [
        np.asarray(made.make("RandomNormal", {"seed": 3})((4, 6), "float32"))
        for made in (default, on_cpu)
    ]
    assert np.array_equal(*seeded)


def test_a_framework_port_refuses_a_device_this_machine_lacks(port):
    framework, cls = port
    cpu, missing = FRAMEWORKS[framework]
    try:
        made = cls(device=missing)
    except ValueError as error:
        message = str(error)
    else:
        pytest.skip(f"this machine has {framework}'s {made.device}")
    assert f"cannot draw on device {missing!r} on this machine (" in message
    assert f"devices here: {cpu}" in message


def test_tinygrad_draws_with_the_renderer_it_is_given(tinygrad_port):
    """tinygrad 0.14's CLANG and LLVM are renderers of CPU, not devices: ``CPU:X86`` compiles
    the same threefry kernels with tinygrad's own assembler."""
    cls = tinygrad_port
    x86, clang = cls(device="cpu:x86"), cls()
    assert x86.device == "CPU:X86" and "(CPU, X86;" in x86.version()
    a, b = (made.make("RandomNormal", {"seed": 3})((40, 60), "float32") for made in (x86, clang))
    np.testing.assert_allclose(a, b, rtol=0, atol=4 * np.finfo(np.float32).eps * np.abs(b).max())
    with pytest.raises(ValueError, match="LLVM is a renderer of CPU: CPU:LLVM"):
        cls(device="LLVM")


def test_jax_draws_on_the_device_it_is_given():
    """A second host device (XLA's forced device count) is a real non-default device."""
    pytest.importorskip("jax")
    script = textwrap.dedent(
        """\
        import numpy as np
        from initializer_conformance.adapters.jax_adapter import JaxAdapter

        seen = []

        class Spy(JaxAdapter):
            def initializer(self, name, kwargs):
                inner = super().initializer(name, kwargs)

                def init(key, shape, dtype):
                    out = inner(key, shape, dtype)
                    seen.append(sorted(str(d) for d in out.devices()))
                    return out

                return init

        one, zero = Spy(device="cpu:1"), Spy()
        a = one.make("he_normal", {"seed": 5})((8, 8), "float32")
        b = zero.make("he_normal", {"seed": 5})((8, 8), "float32")
        assert one.device == "cpu:1", one.device
        assert seen == [["TFRT_CPU_1"], ["TFRT_CPU_0"]] or seen == [["cpu:1"], ["cpu:0"]], seen
        assert np.array_equal(a, b)
        print("ok")
        """
    )
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


# -- runs of the suite --------------------------------------------------------------------------


def test_the_reference_runs_on_the_cpu_and_the_report_records_it(tmp_path):
    report = tmp_path / "numpy.json"
    result = suite_process(
        "--impl=numpy", "--device=cpu", "-k", "test_identity_square", "--report-json", str(report)
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "impl=numpy -> numpy (reference spec on numpy" in result.stdout
    assert ", device=cpu" in result.stdout
    data = json.loads(report.read_text())
    assert data["device"] == "cpu" and results.validate(data) == []


def test_an_adapter_without_devices_given_a_gpu_is_a_usage_error():
    result = suite_process("--impl=numpy", "--device=gpu", "-q")
    assert result.returncode == USAGE_ERROR, result.stdout + result.stderr
    assert "--device=gpu: initializer_conformance.adapters.reference_numpy" in result.stderr
    assert "takes no device (its constructor has no `device` parameter)" in result.stderr


def test_the_environment_variable_reaches_the_run_and_the_option_overrides_it():
    argv, env = suite_command("--impl=numpy", "-q", "--no-report", "-k", "test_identity_square")
    env[options.DEVICE_ENV] = "gpu"
    from_env = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env)
    assert from_env.returncode == USAGE_ERROR, from_env.stdout + from_env.stderr
    # named as the user gave it: a CI job's variable, not an option they never typed
    assert f"${options.DEVICE_ENV}=gpu: initializer_conformance.adapters" in from_env.stderr
    assert "--device" not in from_env.stderr
    overridden = subprocess.run(
        [*argv, "--device=cpu"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert overridden.returncode == 0, overridden.stdout[-3000:] + overridden.stderr


def test_a_third_party_port_is_run_on_the_device_it_was_given(tmp_path):
    (tmp_path / "my_port.py").write_text(PORT)
    report = tmp_path / "my-port.json"
    common = ("-k", "identity", "-o", f"pythonpath={tmp_path}")
    result = suite_process(
        "--impl=my_port:Port", "--device=fake", *common, "--report-json", str(report)
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "-> my-port (my-port 0.1 on fake), device=fake" in result.stdout
    data = json.loads(report.read_text())
    assert data["device"] == "fake" and results.validate(data) == []
    assert "device <strong>fake</strong>" in report.with_suffix(".html").read_text()
    refused = suite_process("--impl=my_port:Port", "--device=other", *common)
    assert refused.returncode == USAGE_ERROR, refused.stdout + refused.stderr
    assert "--device=other: my-port has no device 'other'" in refused.stderr


def test_torch_runs_on_the_cpu_and_refuses_cuda(tmp_path):
    torch = pytest.importorskip("torch")
    report = tmp_path / "torch.json"
    result = suite_process(
        "--impl=torch", "--device=cpu", "-k", "test_identity_shape", "--report-json", str(report)
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert ", device=cpu" in result.stdout
    assert json.loads(report.read_text())["device"] == "cpu"
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA: nothing to refuse")
    refused = suite_process("--impl=torch", "--device=cuda", "-q")
    assert refused.returncode == USAGE_ERROR, refused.stdout + refused.stderr
    assert (
        "--impl=torch: --device=cuda: torch cannot draw on device 'cuda' on this machine "
        "(torch.cuda.is_available() is False); devices here: cpu"
    ) in refused.stderr
