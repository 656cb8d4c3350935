"""The conforming float32 ports (``adapters/conforming.py``) compute as real generators do
and pass the suite: what the false-alarm benchmark runs them for."""

import numpy as np
import pytest

from benchmarks.runs import suite_process
from initializer_conformance.adapters.conforming import JaxLikeFloat32, TorchLikeFloat32


@pytest.mark.parametrize("port, bits", [(TorchLikeFloat32, 24), (JaxLikeFloat32, 23)])
def test_uniforms_are_float32_on_the_generators_grid(port, bits):
    x = port().make("RandomUniform", {"minval": 0.0, "maxval": 1.0, "seed": 3})((4096,), "float32")
    assert x.dtype == np.float32 and x.min() >= 0.0 and x.max() < 1.0
    k = x.astype(np.float64) * 2.0**bits
    assert np.array_equal(k, np.round(k))  # on the grid of 2^-bits


@pytest.mark.parametrize("port", [TorchLikeFloat32, JaxLikeFloat32])
def test_truncated_normals_stay_within_their_bounds_in_float32(port):
    x = port().make("TruncatedNormal", {"mean": -1.0, "stddev": 0.5, "seed": 4})(
        (100_000,), "float32"
    )
    assert x.dtype == np.float32 and x.min() >= -2.0 and x.max() <= 0.0


@pytest.mark.parametrize("name", ["TorchLikeFloat32", "JaxLikeFloat32"])
def test_a_conforming_float32_port_passes_the_bound_checks(name):
    result = suite_process(
        f"--impl=initializer_conformance.adapters.conforming:{name}",
        "-q",
        "--no-report",
        "--conformance-profile=quick",
        "-k",
        "test_bounds or test_probe",
    )
    assert result.returncode == 0, result.stdout[-3000:]
