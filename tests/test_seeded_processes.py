"""Seeded reproducibility across processes (issue #26, C): the reference's seeded calls of
``fixed_cases.seeded_calls`` pinned by golden hashes that a new machine must reproduce, in
this process and in fresh ones with other ``PYTHONHASHSEED``; the fresh processes' calls
bounded by ``--call-timeout``.

The hashes: the first 32 hex digits of the sha256 of each output's little-endian bytes
in its dtype, for the default run seed (``--conformance-seed=20261129``). Element-wise
outputs are numpy's ``default_rng(seed)`` and IEEE arithmetic, the same bits on every
machine. Orthogonal goes through LAPACK's QR, whose last bits may differ between
BLAS/LAPACK builds (tests/test_reference_golden.py): it is hashed rounded to float32,
which a difference of an ulp of float64 changes with probability about 1e-8 per value.
A changed hash is a changed seeded stream of the reference: look at why, never re-paste.
"""

from __future__ import annotations

import hashlib
import os
import time

import numpy as np
import pytest

from initializer_conformance import reference
from initializer_conformance.conformance import fresh
from initializer_conformance.conformance.fixed_cases import seeded_calls
from initializer_conformance.conformance.options import DEFAULT_SEED
from initializer_conformance.reference import dtypes

GOLDEN = {
    ("RandomNormal", "float16"): "b8a3e76c09a1db355cb3eec792cb7d11",  # seed 823922542
    ("RandomNormal", "bfloat16"): "38b3a0fb0f9c9427251f06c357f6f02f",
    ("RandomNormal", "float32"): "76dd294b378df4e73a442976d4cf7e16",
    ("RandomNormal", "float64"): "41b2a137c5926c0cf37c8850efe9bdc6",
    ("RandomUniform", "float16"): "ff9baf713c7e0b7f6150bdbdbb300c1a",  # seed 2122957166
    ("RandomUniform", "bfloat16"): "b4f37368df2408a9c6955a849a9da576",
    ("RandomUniform", "float32"): "5bffa52e9585ceb122c3dfb906667902",
    ("RandomUniform", "float64"): "d7e8d36bc1ab5717920375d688916071",
    ("TruncatedNormal", "float16"): "ad01a861d888164965cbceeb4e2e8b8e",  # seed 1632667330
    ("TruncatedNormal", "bfloat16"): "ed1788165a650feccfe00f76f80cd0e5",
    ("TruncatedNormal", "float32"): "6954962d2b043c7fc2ae316ab03bae28",
    ("TruncatedNormal", "float64"): "a03621a4c6647ee5598b22ccdbf07dc2",
    ("VarianceScaling", "float16"): "e67183ff1c5f3a73b25ffd313d41e579",  # seed 1397203542
    ("VarianceScaling", "bfloat16"): "5681874b73dfeba92d7087fc27b8c09a",
    ("VarianceScaling", "float32"): "c9634c25f8498378cbd1f99bb8f24ad4",
    ("VarianceScaling", "float64"): "93c964a0fdc9da37d916458b75cfb5a2",
    ("lecun_uniform", "float16"): "d5252242e66109b9179d6c11e070f1f7",  # seed 1520171225
    ("lecun_uniform", "bfloat16"): "2f173f4575851652ed8f3a05168313d9",
    ("lecun_uniform", "float32"): "8deefe467150544fd01c03993324d0ec",
    ("lecun_uniform", "float64"): "5040f5863fdb5d4c9291d32bd9afc9a8",
    ("glorot_normal", "float16"): "187f21d6285c03c2cafccc8c40db2449",  # seed 343816329
    ("glorot_normal", "bfloat16"): "9b7d20e5ddb697418007fdb043df94da",
    ("glorot_normal", "float32"): "1d4b5056eebbbdbf87799ce899910b07",
    ("glorot_normal", "float64"): "4819ccb5216c8bee085694f4358b85ca",
    ("glorot_uniform", "float16"): "ea531789165a11f8813a59afb45c7519",  # seed 71865199
    ("glorot_uniform", "bfloat16"): "cebed64ef7d7eaad538addc16fb91c57",
    ("glorot_uniform", "float32"): "d39584fa0a10811db6d24793c554d8c5",
    ("glorot_uniform", "float64"): "a5ea6b8034c39dfab634d3f01c6d3d8e",
    ("he_normal", "float16"): "14bf7f46fc5c07ff8b3e88d53f9a620e",  # seed 1914389737
    ("he_normal", "bfloat16"): "3c42cbf426c1271d252328936bff602a",
    ("he_normal", "float32"): "c515ac7b9c5174223bad0c596597cc36",
    ("he_normal", "float64"): "7fb17426477fb52fa2f81ed25e7addbe",
    ("lecun_normal", "float16"): "84aab6655b3ad6bcf5a26519056653f5",  # seed 1192299415
    ("lecun_normal", "bfloat16"): "b7882916809fcd38694d1703625a26b7",
    ("lecun_normal", "float32"): "40698cc0457465aedc9e02a12955a171",
    ("lecun_normal", "float64"): "dec06fea55f20205702c18ef73f42e81",
    ("he_uniform", "float16"): "ccb8980489a9167e0a5f8f7e101e11a2",  # seed 1666023590
    ("he_uniform", "bfloat16"): "0c34d7d83e68fee5dd34a468fba7521f",
    ("he_uniform", "float32"): "0d732dd87f95f1b83dd17e88e347cfd8",
    ("he_uniform", "float64"): "ec2c8aef0e27b16c32352a3303350d47",
    ("Orthogonal", "float16"): "8836d27ea46cbe5a8003828a585103e4",  # seed 2097377099
    ("Orthogonal", "bfloat16"): "af027100114fb6da0676807bb0884944",
    ("Orthogonal", "float32"): "65b75c4fd590cea473a5070fa5899dec",
    ("Orthogonal", "float64"): "65b75c4fd590cea473a5070fa5899dec",  # rounded to float32
}


def digest(identifier: str, out: np.ndarray) -> str:
    if identifier == "Orthogonal":
        out = out.astype(np.float32)
    little = out.astype(out.dtype.newbyteorder("<"), copy=False)
    return hashlib.sha256(np.ascontiguousarray(little).tobytes()).hexdigest()[:32]


CALLS = seeded_calls(DEFAULT_SEED)


def test_the_golden_hashes_cover_every_seeded_call():
    assert {(name, dtype) for name, _, _, dtype in CALLS} == set(GOLDEN)


@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c[0]}-{c[3]}")
def test_reference_reproduces_the_golden_hash(call):
    name, config, shape, dtype = call
    assert digest(name, reference.make(name, config)(tuple(shape), dtype)) == GOLDEN[name, dtype]


def test_fresh_processes_reproduce_the_golden_hashes(reference_run):
    """The same calls in two fresh processes (``PYTHONHASHSEED`` 0 and 1): each output,
    returned as float64 and converted back to its dtype (exact), hashes to the golden."""
    fresh._seeded.clear()
    outputs = fresh.seeded_outputs(CALLS, import_allowance=600)
    assert len(outputs) == len(fresh.HASH_SEEDS) == 2
    for values in outputs:
        for (name, _, shape, dtype), v in zip(CALLS, values, strict=True):
            out = np.asarray(v).reshape(shape).astype(dtypes.resolve(dtype))
            assert digest(name, out) == GOLDEN[name, dtype], (name, dtype)
    fresh._seeded.clear()


def test_a_hanging_call_in_a_fresh_process_is_bounded_by_the_call_timeout(reference_run):
    """A call that hangs is that call's timeout after ``--call-timeout`` seconds; the
    process goes on with the next initializer's calls, and makes no other call of the one
    that hung (one time limit per initializer, not one per call)."""
    reference_run.impl = "tests.faulty_adapters:NormalHangs"
    reference_run.call_timeout = 1.0
    reference_run.invocation_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    fresh._seeded.clear()
    calls = [c for c in CALLS if c[0] in ("RandomNormal", "RandomUniform")]
    start = time.monotonic()
    outputs = fresh.seeded_outputs(calls, import_allowance=600)[0]
    normal = [out for call, out in zip(calls, outputs, strict=True) if call[0] == "RandomNormal"]
    uniform = [out for call, out in zip(calls, outputs, strict=True) if call[0] != "RandomNormal"]
    assert normal[0] == {"timeout": "call"}
    assert normal[1:] and all(out == {"timeout": "not called"} for out in normal[1:]), normal
    assert all(isinstance(out, list) and len(out) == 16 for out in uniform), uniform
    assert time.monotonic() - start < 60
    fresh._seeded.clear()
