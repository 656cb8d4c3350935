"""The mutant catalogue: the reference with one realistic porting bug each.

A conformance suite is only as good as the bugs it catches. Each class below is an
adapter (``--impl=initializer_conformance.adapters.mutants:NAME``) that behaves like the reference except
for one bug seen in real frameworks' histories; its docstring's first line names
the bug, ``caught_by`` the check that must catch it. ``tests/test_mutants.py``
runs the suite against every mutant and asserts that each one fails.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from initializer_conformance import reference
from initializer_conformance.reference import dtypes, laws
from initializer_conformance.reference.bugs import BUGS

from .reference_numpy import ReferenceAdapter


class Mutant(ReferenceAdapter):
    """Base: the reference, with the bug of the subclass."""

    caught_by = ""  # the test function that must catch the bug
    diagnosis = ""  # the bug (key of reference.bugs.BUGS) its failure must name, if any
    options: tuple[str, ...] = ()  # the suite's options that reach its bug (e.g. --large)

    @property
    def name(self):
        return f"mutant:{type(self).__name__}"

    def version(self) -> str:
        return f"mutant {type(self).__name__}: {self.__doc__.strip().splitlines()[0]}"

    def make(self, identifier, config):
        init = super().make(identifier, config)
        return self.mutate(reference.canonical_name(identifier, self.edition), dict(config), init)

    def mutate(self, name: str, config: dict, init):
        """Return the (broken) callable for ``name``; default: the reference's."""
        return init


class LawMutant(Mutant):
    """Base: draws from the law of one bug of the catalogue (``reference/bugs.py``) where
    its port has the bug (``applies``), with the reference's seeding; its ``diagnosis`` is
    that bug."""

    bug = ""  # key of reference.bugs.BUGS

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.bug:
            cls.diagnosis = cls.bug

    def applies(self, name: str, config: dict) -> bool:
        """Whether the port has the bug for ``name`` made with ``config`` (default: always;
        the catalogue's law says where it changes anything)."""
        return True

    def mutate(self, name, config, init):
        def call(shape, dtype=None):
            law = BUGS[self.bug].law(init, tuple(shape)) if self.applies(name, config) else None
            if law is None:
                return init(shape, dtype)
            # Only the law is wrong: the dtype is validated as the reference does.
            return np.asarray(law.sample(init.rng(), tuple(shape))).astype(init._check_dtype(dtype))

        return call


# -- constants ------------------------------------------------------------------------------


class MissingTruncationCorrection(LawMutant):
    """VarianceScaling 'normal' omits the 0.8796 correction: std is 12 % low (keras #8048)."""

    caught_by = "test_fans"
    bug = "missing_truncation_correction"


class UniformLimitWithoutThree(LawMutant):
    """VarianceScaling 'uniform' uses limit = sqrt(scale / n), forgetting the factor 3."""

    caught_by = "test_fans"
    bug = "uniform_limit_without_three"


class HeScaleOnePointNine(LawMutant):
    """he_normal/he_uniform with scale 1.96 instead of 2 (std 1 % low): a precision bug."""

    caught_by = "test_probe"
    bug = "he_scale_1_96"

    def applies(self, name, config):
        return name in ("he_normal", "he_uniform")


# -- fans -----------------------------------------------------------------------------------


class SwappedFans(LawMutant):
    """fan_in and fan_out swapped (tensorflow #31192-style layout confusion)."""

    caught_by = "test_fans"
    bug = "swapped_fans"


class TorchLayoutFans(LawMutant):
    """Fans computed as for torch's (out, in, *k) layout on a Keras (*k, in, out) shape."""

    caught_by = "test_fans"
    bug = "torch_layout_fans"


class ReceptiveFieldIgnored(LawMutant):
    """Conv kernels: fans are the channel counts, ignoring the receptive field."""

    caught_by = "test_fans"
    bug = "receptive_field_ignored"


class FanAvgNotHalved(LawMutant):
    """fan_avg computed as fan_in + fan_out, without halving (variance halved)."""

    caught_by = "test_fans"
    bug = "fan_avg_not_halved"


class FanAvgFloorDivision(LawMutant):
    """fan_avg computed as (fan_in + fan_out) // 2 (Keras 1 on Python 2): on an odd sum of
    fans, a smaller n (std 22 % high on (1, 2))."""

    caught_by = "test_fans"
    bug = "fan_avg_floor_division"


# -- truncation -----------------------------------------------------------------------------


class UntruncatedTruncatedNormal(LawMutant):
    """TruncatedNormal draws an untruncated normal with the same stddev."""

    caught_by = "test_bounds"
    bug = "untruncated_normal"

    def applies(self, name, config):
        return name == "TruncatedNormal"


class UntruncatedGlorotNormal(LawMutant):
    """glorot_normal/he_normal/lecun_normal draw an untruncated normal of the right std
    (torch.nn.init.xavier_normal_ and kaiming_normal_ do)."""

    caught_by = "test_bounds"
    bug = "untruncated_normal"

    def applies(self, name, config):
        return name in ("glorot_normal", "he_normal", "lecun_normal")


class ClippedTruncation(Mutant):
    """TruncatedNormal clips values beyond 2 std to the bound instead of redrawing them."""

    caught_by = "test_bounds"
    diagnosis = "clipped_truncation"

    def mutate(self, name, config, init):
        if name != "TruncatedNormal":
            return init

        def call(shape, dtype=None):
            z = init.rng().standard_normal(tuple(shape))
            return (init.mean + init.stddev * np.clip(z, -2, 2)).astype(init._check_dtype(dtype))

        return call


class AbsoluteTruncationBounds(Mutant):
    """TruncatedNormal truncates at mean ± 2 (absolute units), not mean ± 2·stddev
    (pytorch-image-models #1286, pytorch #155588)."""

    caught_by = "test_bounds"
    diagnosis = "absolute_truncation"

    def mutate(self, name, config, init):
        if name != "TruncatedNormal":
            return init

        def call(shape, dtype=None):
            rng = init.rng()
            x = init.mean + init.stddev * rng.standard_normal(tuple(shape))
            outside = np.abs(x - init.mean) > 2
            while outside.any():
                x[outside] = init.mean + init.stddev * rng.standard_normal(int(outside.sum()))
                outside = np.abs(x - init.mean) > 2
            return x.astype(init._check_dtype(dtype))

        return call


class UniformInsteadOfTruncatedNormal(LawMutant):
    """VarianceScaling 'normal' draws a uniform law of the same variance."""

    caught_by = "test_law"
    bug = "uniform_instead_of_normal"


# -- defaults from another framework ---------------------------------------------------------


class TorchNormalDefaults(LawMutant):
    """RandomNormal defaults to stddev=1.0 (torch.nn.init.normal_'s default)."""

    caught_by = "test_scale"
    bug = "torch_normal_default"

    def applies(self, name, config):
        return "stddev" not in config


class TorchUniformDefaults(LawMutant):
    """RandomUniform defaults to [0, 1) (torch.nn.init.uniform_'s default)."""

    caught_by = "test_scale"
    bug = "torch_uniform_default"

    def applies(self, name, config):
        return "minval" not in config


class FanAvgDefaultMode(LawMutant):
    """VarianceScaling's default mode is fan_avg instead of fan_in."""

    caught_by = "test_fans"
    bug = "mode_fan_avg"

    def applies(self, name, config):
        return name == "VarianceScaling" and "mode" not in config


# -- Orthogonal and Identity ----------------------------------------------------------------


class OrthogonalWithoutSignFix(Mutant):
    """Orthogonal takes Q of a QR without multiplying by sign(diag R): not Haar
    (tensorflow #9429, jax #1322)."""

    caught_by = "test_orthogonal_haar"

    def mutate(self, name, config, init):
        if name != "Orthogonal":
            return init

        def call(shape, dtype=None):
            return qr_orthogonal(
                init, shape, dtype, np.random.Generator.standard_normal, sign_fix=False
            )

        return call


class OrthogonalOfUniformMatrix(Mutant):
    """Orthogonal takes the sign-fixed Q of a QR of a matrix with uniform entries on
    [-1, 1) instead of normal ones (``torch.empty(n, m).uniform_(-1, 1)`` before the QR):
    orthonormal, fair signs, but not Haar, since only a Gaussian matrix's Q is uniform on
    the Stiefel manifold. Small shapes see it only with many draws (measured: 1,500 draws
    of a 6x2 or 2x5 output catch it with probability 1.0 in 20 replicates, 500 draws with
    0.3)."""

    caught_by = "test_orthogonal_haar"

    def mutate(self, name, config, init):
        if name != "Orthogonal":
            return init

        def call(shape, dtype=None):
            return qr_orthogonal(init, shape, dtype, uniform_entries, sign_fix=True)

        return call


def classical_gram_schmidt(a: np.ndarray) -> np.ndarray:
    """The orthonormal columns of classical Gram-Schmidt on ``a``, in ``a``'s dtype: each
    column minus its projections on the previous ones, all computed from the original
    column (the modified algorithm reprojects the updated one), then normalized."""
    q = np.empty_like(a)
    for j in range(a.shape[1]):
        v = a[:, j] - q[:, :j] @ (q[:, :j].T @ a[:, j])
        q[:, j] = v / np.linalg.norm(v)
    return q


def uniform_entries(rng, size):
    return rng.uniform(-1.0, 1.0, size)


def qr_orthogonal(init, shape, dtype, entries, sign_fix: bool = True, cgs: bool = False):
    """Orthogonal as a port computes it: the Q of a QR of a tall matrix whose entries are
    ``entries(rng, (rows, cols))``, its columns' signs fixed by ``sign(diag R)`` or not,
    transposed back for a wide output; with ``cgs``, the Q of classical Gram-Schmidt in
    float32 instead (its R has a positive diagonal: no sign fix to make)."""
    law = init.law(tuple(shape))
    a = entries(init.rng(), (max(law.rows, law.cols), min(law.rows, law.cols)))
    if cgs:
        q = classical_gram_schmidt(a.astype(np.float32)).astype(np.float64)
    else:
        q, r = np.linalg.qr(a)
    if sign_fix and not cgs:
        q = q * np.sign(np.diag(r))
    q = q if law.rows >= law.cols else q.T
    return (law.gain * q.reshape(shape)).astype(init._check_dtype(dtype))


class OrthogonalGramSchmidtFloat32(Mutant):
    """Orthogonal matrices whose long side is 128 or more are orthonormalized by classical
    Gram-Schmidt in float32 (a port's own loop for large kernels): Haar in exact arithmetic,
    but QᵀQ is off by 9e-5 to 5e-3 at 256×256 (the loss grows with the square of the
    condition number), beyond eps·(4 + 2·m) of every dtype (float32: 6.2e-5)."""

    caught_by = "test_orthogonal_haar_large"
    large = 128

    def mutate(self, name, config, init):
        if name != "Orthogonal":
            return init

        def call(shape, dtype=None):
            law = init.law(tuple(shape))
            if max(law.rows, law.cols) < self.large:
                return init(shape, dtype)
            return qr_orthogonal(init, shape, dtype, np.random.Generator.standard_normal, cgs=True)

        return call


class OrthogonalIgnoresGain(Mutant):
    """Orthogonal returns an orthonormal matrix without multiplying by gain."""

    caught_by = "test_orthogonal_orthonormal"

    def mutate(self, name, config, init):
        if name != "Orthogonal":
            return init
        return reference.Orthogonal(seed=init.seed)


class OrthogonalTorchFlattening(Mutant):
    """Orthogonal flattens rank > 2 shapes as (shape[0], prod(shape[1:])) (torch's
    convention) instead of (prod(shape[:-1]), shape[-1])."""

    caught_by = "test_orthogonal_orthonormal"

    def mutate(self, name, config, init):
        if name != "Orthogonal":
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            flat = (shape[0], math.prod(shape[1:])) if len(shape) > 2 else shape
            return init(flat, dtype).reshape(shape)

        return call


class IdentityAcceptsNonSquare(Mutant):
    """Identity returns eye(rows, cols) for non-square shapes instead of raising."""

    caught_by = "test_identity_shape"

    def mutate(self, name, config, init):
        if name != "Identity":
            return init
        gain = config.get("gain", 1.0)

        def call(shape, dtype=None):
            if len(shape) != 2:
                return init(shape, dtype)  # the reference's ValueError
            return (gain * np.eye(*shape)).astype(init._check_dtype(dtype))

        return call


class IdentityIgnoresGain(Mutant):
    """Identity returns eye(n), ignoring gain."""

    caught_by = "test_identity_square"

    def mutate(self, name, config, init):
        if name != "Identity":
            return init
        return reference.Identity()


class ConstantIgnoresValue(Mutant):
    """Constant fills with 0, ignoring value (the default of another signature)."""

    caught_by = "test_deterministic_exact"

    def mutate(self, name, config, init):
        return reference.Zeros() if name == "Constant" else init


# -- dtype ----------------------------------------------------------------------------------


class IgnoresDtype(Mutant):
    """Every initializer returns float32 whatever dtype is asked for."""

    caught_by = "test_dtype"

    def mutate(self, name, config, init):
        return lambda shape, dtype=None: init(shape, "float32")


class RandomIntegerDtypes(Mutant):
    """Random initializers accept integer dtypes, returning truncated draws."""

    caught_by = "test_dtype"

    def mutate(self, name, config, init):
        if not isinstance(init, reference.base.RandomInitializer):
            return init
        return lambda shape, dtype=None: init(shape, "float64").astype(dtype or "float32")


# -- seeds and independence -----------------------------------------------------------------


class SeedIgnored(Mutant):
    """The seed is ignored: every call draws from a process-wide stream."""

    caught_by = "test_seed_reproducible"
    _stream = np.random.default_rng(12345)

    def mutate(self, name, config, init):
        if not isinstance(init, reference.base.RandomInitializer):
            return init
        stream = type(self)._stream
        init.rng = lambda: stream
        return init


class SeedIgnored16Bit(Mutant):
    """float16 and bfloat16 outputs ignore the seed: the 16-bit path draws from one
    process-wide generator (a low-precision kernel written apart, without the seed's
    plumbing); float32 and float64 are seeded as the reference."""

    caught_by = "test_seed_reproducible"
    _stream = np.random.default_rng(2024)

    def mutate(self, name, config, init):
        if not isinstance(init, reference.base.RandomInitializer):
            return init
        seeded, stream = init.rng, type(self)._stream

        def call(shape, dtype=None):
            sixteen = init._check_dtype(dtype).name in dtypes.SIXTEEN_BIT
            init.rng = (lambda: stream) if sixteen else seeded
            return init(shape, dtype)

        return call


class SeedZeroMeansUnseeded(Mutant):
    """seed=0 is treated as 'no seed' (a falsy-seed bug: keras #19361)."""

    caught_by = "test_seed_reproducible"

    def make(self, identifier, config):
        if config.get("seed") == 0:
            config = {**config, "seed": None}
        return super().make(identifier, config)


class UnseededCallsRepeat(Mutant):
    """Unseeded initializers use a fixed default seed: every call returns the same values
    (keras-hub #352: identical weights in every layer)."""

    caught_by = "test_unseeded_calls_differ"

    def make(self, identifier, config):
        if "seed" in config and config["seed"] is None:
            config = {**config, "seed": 42}
        return super().make(identifier, config)


class TiledBlock(Mutant):
    """Large outputs are a small random block tiled to the shape (a cache of draws)."""

    caught_by = "test_independence"

    def mutate(self, name, config, init):
        if not isinstance(init, reference.base.RandomInitializer) or name == "Orthogonal":
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            if len(shape) < 2 or shape[0] < 4:
                return init(shape, dtype)
            block = init((shape[0] // 2 + shape[0] % 2, *shape[1:]), dtype)
            return np.concatenate([block, block])[: shape[0]]

        return call


class SeriallyCorrelated(Mutant):
    """Element-wise draws are an AR(1) sequence (ρ = 0.05): right marginal law,
    correlated neighbours."""

    caught_by = "test_independence"

    def mutate(self, name, config, init):
        if name != "RandomNormal":
            return init

        def call(shape, dtype=None):
            e = init.rng().standard_normal(math.prod(shape))
            rho = 0.05
            z = np.empty_like(e)
            z[0] = e[0]
            for i in range(1, e.size):  # slow on purpose, small outputs only
                z[i] = rho * z[i - 1] + math.sqrt(1 - rho * rho) * e[i]
            return (init.mean + init.stddev * z).reshape(shape).astype(init._check_dtype(dtype))

        return call


# -- validation and identifiers --------------------------------------------------------------


class MissingScaleValidation(Mutant):
    """VarianceScaling accepts scale <= 0 (and returns zeros or NaN) instead of raising."""

    caught_by = "test_spec_value_error"

    def make(self, identifier, config):
        scale = config.get("scale", 1.0)
        if reference.canonical_name(identifier, self.edition) == "VarianceScaling" and scale <= 0:
            return lambda shape, dtype=None: np.zeros(shape, dtype or "float32")
        return super().make(identifier, config)


class NormalAliasIsTruncated(Mutant):
    """The alias 'normal' resolves to TruncatedNormal instead of RandomNormal."""

    caught_by = "test_alias_matches_canonical"

    def make(self, identifier, config):
        return super().make("TruncatedNormal" if identifier == "normal" else identifier, config)


class TransposedDenseKernel(Mutant):
    """2-D kernels are returned in torch's (out, in) layout, not Keras's (in, out)."""

    caught_by = "test_law"

    def mutate(self, name, config, init):
        def call(shape, dtype=None):
            shape = tuple(shape)
            return init(shape[::-1], dtype).T if len(shape) == 2 else init(shape, dtype)

        return call


# -- calls and seeds: how values are drawn, not their law -------------------------------------


def _elementwise_random(init) -> bool:
    return isinstance(init, reference.base.RandomInitializer) and init.elementwise


def _widened(init, shape, dtype, factor: float):
    """The reference's output for ``shape``, its deviations from the mean times ``factor``."""
    out = init(shape, dtype)  # the reference's dtype validation and rounding
    mean = init.law(tuple(shape)).mean
    return (mean + factor * (out.astype(np.float64) - mean)).astype(out.dtype)


class UnseededWiderLaw(Mutant):
    """Unseeded instances draw with 3x the std (seed=None takes another code path)."""

    caught_by = "test_calls"
    diagnosis = "unseeded_law"

    def mutate(self, name, config, init):
        if config.get("seed") is not None or not _elementwise_random(init):
            return init
        return lambda shape, dtype=None: _widened(init, shape, dtype, 3.0)


class LaterCallsWiderLaw(Mutant):
    """The second and later calls of one instance draw with 3x the std (state carried from
    call to call), seeded or not."""

    caught_by = "test_calls"
    diagnosis = "later_calls_law"

    def mutate(self, name, config, init):
        if not _elementwise_random(init):
            return init
        calls = [0]

        def call(shape, dtype=None):
            calls[0] += 1
            return _widened(init, shape, dtype, 1.0 if calls[0] == 1 else 3.0)

        return call


class OverlappingSeedStreams(Mutant):
    """Seeds 2k and 2k+1 share one stream, offset by one element (seeded with seed // 2).

    The generator is seeded with seed // 2 and the output starts at its element seed % 2."""

    caught_by = "test_seed_distinct_independent"
    diagnosis = "related_seed_streams"

    def mutate(self, name, config, init):
        if not _elementwise_random(init) or init.seed is None:
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            dtype = init._check_dtype(dtype)
            size, offset = math.prod(shape), init.seed % 2
            stream = init.law(shape).sample(np.random.default_rng(init.seed // 2), (size + 1,))
            return np.asarray(stream[offset : offset + size]).reshape(shape).astype(dtype)

        return call


class SeedRotatedStreams(Mutant):
    """Seeds 2k and 2k+1 draw one stream of uniforms, rotated by (3 - √3)/6 for the odd one.

    The seed's low bit only shifts a shared stream modulo 1 (a Cranley-Patterson rotation),
    by the amount at which the uniforms' linear correlation is zero: each output follows
    the law (through its quantile function), and the two are functions of one another."""

    caught_by = "test_seed_distinct_independent"
    diagnosis = "related_seed_streams"
    rotation = (3 - math.sqrt(3)) / 6

    def mutate(self, name, config, init):
        if not _elementwise_random(init) or init.seed is None:
            return init

        def call(shape, dtype=None):
            shape, dtype = tuple(shape), init._check_dtype(dtype)
            u = np.random.default_rng(init.seed // 2).random(shape)
            u = (u + self.rotation * (init.seed % 2)) % 1.0
            return np.asarray(init.law(shape).dist.ppf(u)).astype(dtype)

        return call


class SeededCallReseedsGlobal(Mutant):
    """A seeded call runs numpy.random.seed(seed) first (as ports did to make legacy
    np.random draws reproducible), clobbering the user's global random state."""

    caught_by = "test_seeded_calls_leave_global_state"
    diagnosis = "global_state_touched"

    def mutate(self, name, config, init):
        if config.get("seed") is None or not isinstance(init, reference.base.RandomInitializer):
            return init

        def call(shape, dtype=None):
            np.random.seed(config["seed"] % 2**32)
            return init(shape, dtype)

        return call


class UnseededFixedProcessSeed(Mutant):
    """Unseeded instances draw from one generator seeded with a constant when the process
    starts (a default key 0): fresh within a process, the same weights in every run."""

    caught_by = "test_unseeded_differs_across_processes"
    diagnosis = "fixed_process_seed"
    _stream = np.random.default_rng(0)

    def mutate(self, name, config, init):
        if config.get("seed") is not None or not isinstance(init, reference.base.RandomInitializer):
            return init
        stream = type(self)._stream
        init.rng = lambda: stream
        return init


class HashSeededStream(Mutant):
    """Seeded streams mix in ``hash(name)`` (``default_rng([seed, hash(name) % 2^32])``, a
    per-initializer salt): reproducible and independent within a process, other values in
    the next one, whose ``PYTHONHASHSEED`` randomizes ``hash(str)``."""

    caught_by = "test_seeded_same_across_processes"
    diagnosis = "process_dependent_seed"

    def mutate(self, name, config, init):
        if init.seed is None if isinstance(init, reference.base.RandomInitializer) else True:
            return init
        salt = hash(name) % 2**32
        init.rng = lambda: np.random.default_rng([init.seed, salt])
        return init


class Clipped16Bit(Mutant):
    """16-bit outputs of truncated normals clip to the bounds instead of redrawing
    (a low-precision path written apart from the float32 one)."""

    caught_by = "test_bounds"
    diagnosis = "clipped_truncation"

    def mutate(self, name, config, init):
        def call(shape, dtype=None):
            resolved = init._check_dtype(dtype)
            law = init.law(tuple(shape))
            if resolved.name not in dtypes.SIXTEEN_BIT or not isinstance(law, laws.TruncatedNormal):
                return init(shape, dtype)
            z = np.clip(init.rng().standard_normal(tuple(shape)), -2, 2)
            return np.asarray(law.loc + law.scale * z).astype(resolved)

        return call


class LowPrecisionInverseCDF(Mutant):
    """16-bit truncated normals as torch's ``trunc_normal_`` before 2.12 drew them: the
    uniform, erfinv and scaling in the 16-bit dtype, then a clamp (PyTorch #145498)."""

    caught_by = "test_law"
    diagnosis = "low_precision_arithmetic"

    def mutate(self, name, config, init):
        def call(shape, dtype=None):
            resolved = init._check_dtype(dtype)
            law = init.law(tuple(shape))
            if resolved.name not in dtypes.SIXTEEN_BIT or not isinstance(law, laws.TruncatedNormal):
                return init(shape, dtype)

            def low(x):  # one operation of 16-bit arithmetic: computed, then rounded
                return np.asarray(x, dtype=np.float64).astype(resolved).astype(np.float64)

            width = laws.TRUNCATION_WIDTH
            lo, hi = low(2 * special.ndtr(-width) - 1), low(2 * special.ndtr(width) - 1)
            u = low(lo + low(hi - lo) * low(init.rng().random(tuple(shape))))
            z = low(special.erfinv(u))
            x = low(low(z * low(law.scale * math.sqrt(2))) + law.loc)
            a, b = law.support
            return np.clip(x, low(a), low(b)).astype(resolved)

        return call


# -- structure: precision, resolution, recycled values, tails, dependence, large Haar -----------


def _drawn_elementwise(init) -> bool:
    return isinstance(init, reference.base.RandomInitializer) and init.elementwise


class Float64ComputedInFloat32(Mutant):
    """float64 outputs are computed in float32 and cast (as MLX's uniform sampler and
    tinygrad's Box-Muller do): float64 weights with float32 precision."""

    caught_by = "test_float64_precision"

    def mutate(self, name, config, init):
        if not isinstance(init, reference.base.RandomInitializer):
            return init

        def call(shape, dtype=None):
            if init._check_dtype(dtype) != np.float64:
                return init(shape, dtype)
            return init(shape, "float32").astype(np.float64)

        return call


class TenBitLevels(Mutant):
    """Element-wise values on 1,024 levels: the law's inverse CDF at a 10-bit uniform (a
    generator that keeps 10 random bits; PyTorch's test_trunc_normal_unique_values)."""

    caught_by = "test_repeats"
    levels = 1024

    def mutate(self, name, config, init):
        if not _drawn_elementwise(init):
            return init

        def call(shape, dtype=None):
            resolved = init._check_dtype(dtype)
            law = init.law(tuple(shape))
            grid = law.dist.ppf((np.arange(self.levels) + 0.5) / self.levels)
            k = init.rng().integers(0, self.levels, size=tuple(shape))
            return np.asarray(grid[k]).astype(resolved)

        return call


class RecycledBlock(Mutant):
    """Element-wise outputs of more than 1,000 values repeat one block of 1,000 drawn
    values (a buffer of draws reused to fill a large shape)."""

    caught_by = "test_repeats"
    block = 1000

    def mutate(self, name, config, init):
        if not _drawn_elementwise(init):
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            resolved = init._check_dtype(dtype)
            if math.prod(shape) <= self.block:
                return init(shape, dtype)
            values = init.law(shape).sample(init.rng(), (self.block,))
            return np.resize(values, math.prod(shape)).reshape(shape).astype(resolved)

        return call


class ShapeCachedOutputs(Mutant):
    """Element-wise outputs of more than 4,096 values are cached by shape and dtype: every
    later call of a shape returns the first call's values, whatever its seed."""

    caught_by = "test_repeats"
    large = 4096

    def mutate(self, name, config, init):
        if not _drawn_elementwise(init):
            return init
        cache = self.__dict__.setdefault("_cache", {})
        knobs = repr(sorted((k, v) for k, v in config.items() if k != "seed"))

        def call(shape, dtype=None):
            shape = tuple(shape)
            if math.prod(shape) <= self.large:
                return init(shape, dtype)
            key = (name, knobs, shape, init._check_dtype(dtype).name)
            if key not in cache:
                cache[key] = init(shape, dtype)
            return cache[key].copy()

        return call


class StudentTNormal(Mutant):
    """Untruncated normal laws draw a Student-t of 100 degrees of freedom scaled to the
    right std: the right mean and std, heavier tails (kurtosis 3.06 instead of 3), which
    the probes' KS and CvM tests do not see at 347,000 values."""

    caught_by = "test_moments"
    nu = 100

    def mutate(self, name, config, init):
        if not _drawn_elementwise(init):
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            law = init.law(shape)
            if not isinstance(law, reference.laws.Normal):
                return init(shape, dtype)
            t = init.rng().standard_t(self.nu, size=shape)
            x = law.loc + law.scale * math.sqrt((self.nu - 2) / self.nu) * t
            return np.asarray(x).astype(init._check_dtype(dtype))

        return call


class SignFollowsMagnitude(Mutant):
    """Element-wise values whose sign (about the mean) is + where the previous value lies
    farther from the mean than the median distance, - elsewhere: the law of every value
    and every linear correlation are exact, neighbours are not independent."""

    caught_by = "test_serial_dependence"

    def mutate(self, name, config, init):
        if not _drawn_elementwise(init):
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            resolved = init._check_dtype(dtype)
            law = init.law(shape)
            d = np.ravel(law.sample(init.rng(), shape)) - law.mean
            median = float(law.centered.ppf(0.75))  # of |x - mean|, the law being symmetric
            d[1:] = np.where(np.abs(d[:-1]) > median, 1.0, -1.0) * np.abs(d[1:])
            return np.asarray(law.mean + d).reshape(shape).astype(resolved)

        return call


class MirroredHalves(Mutant):
    """Element-wise outputs of 4,096 values or more are made of half the draws: the second
    half of the flattened output is the first, reversed and reflected about the mean
    (``x[n-1-t] = 2·mean - x[t]``). Every value follows the (symmetric) law, neighbours are
    independent, no value repeats; the two halves are one function of the other."""

    caught_by = "test_long_range_dependence"
    large = 4096

    def mutate(self, name, config, init):
        if not _drawn_elementwise(init):
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            resolved = init._check_dtype(dtype)
            size = math.prod(shape)
            if size < self.large:
                return init(shape, dtype)
            law = init.law(shape)
            half = law.sample(init.rng(), ((size + 1) // 2,))
            x = np.concatenate([half, (2 * law.mean - half)[::-1][: size // 2]])
            return np.asarray(x).reshape(shape).astype(resolved)

        return call


class OrthogonalStackedBlocks(Mutant):
    """Orthogonal matrices of more than 16 entries whose long side is a multiple of the
    short one are independent square Haar blocks stacked and scaled (as per-gate
    initialisations of an LSTM kernel (units, 4·units) are): orthonormal, each block
    Haar, the whole not Haar (every row of the tall form has norm² 1/4 exactly)."""

    caught_by = "test_orthogonal_haar_large"

    def mutate(self, name, config, init):
        if name != "Orthogonal":
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            resolved = init._check_dtype(dtype)
            law = init.law(shape)
            long, short = max(law.rows, law.cols), min(law.rows, law.cols)
            if long * short <= 16 or long == short or long % short:
                return init(shape, dtype)
            rng, block = init.rng(), reference.laws.HaarOrthogonal((short, short), 1.0)
            blocks = [block.sample(rng, (short, short)) for _ in range(long // short)]
            q = np.concatenate(blocks) / math.sqrt(long // short)
            q = q if law.rows >= law.cols else q.T
            return np.asarray(law.gain * q).reshape(shape).astype(resolved)

        return call


class CorrelatedAtALongLag(Mutant):
    """Normal element-wise outputs of 4,096 values or more carry a correlation of 0.05 at
    lag ⌊n/3⌋ + 7 of the flattened output (``(e_t + θ·e_{t-L}) / √(1 + θ²)``, circular):
    the law is exact, neighbours are independent, the spectrum's ripple is too fine for
    Bartlett's test and too weak for the ordinates' law."""

    caught_by = "test_long_range_dependence"
    large = 4096
    theta = (1 - math.sqrt(1 - 4 * 0.05**2)) / (2 * 0.05)  # θ / (1 + θ²) = 0.05

    def mutate(self, name, config, init):
        if not _drawn_elementwise(init):
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            law = init.law(shape)
            size = math.prod(shape)
            if size < self.large or not isinstance(law, reference.laws.Normal):
                return init(shape, dtype)
            e = init.rng().standard_normal(size)
            z = (e + self.theta * np.roll(e, size // 3 + 7)) / math.sqrt(1 + self.theta**2)
            x = law.loc + law.scale * z
            return x.reshape(shape).astype(init._check_dtype(dtype))

        return call


# -- large outputs (conformance/test_large.py, --large) -------------------------------------


class CounterWrapsAt2To24(Mutant):
    """Element-wise outputs of more than 2^24 values repeat their first values from value
    2^24 on (a 24-bit counter of the generator wraps)."""

    caught_by = "test_large_output"
    options = ("--large",)
    period = 1 << 24  # values after which the output starts again

    def mutate(self, name, config, init):
        if not _drawn_elementwise(init):
            return init

        def call(shape, dtype=None):
            out = np.array(init(shape, dtype))
            if out.size > self.period:
                out.reshape(-1)[:] = np.resize(out.reshape(-1)[: self.period], out.size)
            return out

        return call


class ChunkKeyReused(CounterWrapsAt2To24):
    """Element-wise outputs of more than 2^20 values are drawn in chunks of 2^20 that
    reuse one key: every chunk holds the first chunk's values (a chunked kernel launch
    that does not fold the chunk's index into its key)."""

    period = 1 << 20


class GramSchmidtAbove1000(Mutant):
    """Orthogonal matrices of a side above 1,000 are orthonormalized by classical
    Gram-Schmidt in float32 (a port's own path for large matrices): each column Haar,
    the whole orthonormal only to about 1e-2."""

    caught_by = "test_large_orthogonal"
    options = ("--large",)

    def mutate(self, name, config, init):
        if name != "Orthogonal":
            return init

        def call(shape, dtype=None):
            shape = tuple(shape)
            law = init.law(shape)
            if max(law.rows, law.cols) <= 1000:
                return init(shape, dtype)
            tall = law.rows >= law.cols
            m, k = (law.rows, law.cols) if tall else (law.cols, law.rows)
            a = init.rng().standard_normal((m, k)).astype(np.float32)
            q = np.empty_like(a)
            for j in range(k):  # classical: project the original column on the earlier ones
                v = a[:, j] - q[:, :j] @ (q[:, :j].T @ a[:, j])
                q[:, j] = v / np.linalg.norm(v)
            q = q if tall else q.T
            return (law.gain * q).reshape(shape).astype(init._check_dtype(dtype))

        return call


# -- edge values (conformance/test_edges.py) ----------------------------------------------------


def _unfloored_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Fans as a port computes them without the spec's floor of 1 (SPEC.md, decision 3)."""
    if len(shape) < 2:
        return (math.prod(shape),) * 2 if shape else (1, 1)
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class ZeroFanDivision(Mutant):
    """VarianceScaling and its presets divide by fans without the floor of 1: a shape with
    a zero dimension has a fan of 0, and ``scale / n`` raises ZeroDivisionError (in numpy
    arithmetic an infinite or NaN std instead) where the spec returns an empty array; the
    JAX ports' variance_scaling does so (Keras floors the fans: ``max(1, fan)``)."""

    caught_by = "test_empty_shape"

    def mutate(self, name, config, init):
        if not isinstance(init, reference.VarianceScaling):
            return init

        def call(shape, dtype=None):
            n = reference.variance_scaling.MODES[init.mode](*_unfloored_fans(tuple(shape)))
            math.sqrt(init.scale / n)  # the port's std: ZeroDivisionError for a fan of 0
            return init(shape, dtype)

        return call


class TruncatedNormalZeroStddevNaN(Mutant):
    """TruncatedNormal by the inverse CDF with its bounds standardized by the stddev,
    ``(a - mean) / stddev``, in numpy arithmetic: ``stddev=0`` makes them 0/0, and every
    value NaN (torch's trunc_normal_ does the same division in Python floats, and raises
    ZeroDivisionError), where the spec returns the mean."""

    caught_by = "test_zero_spread"

    def mutate(self, name, config, init):
        if name != "TruncatedNormal":
            return init

        def call(shape, dtype=None):
            resolved = init._check_dtype(dtype)
            mean, std = np.float64(init.mean), np.float64(init.stddev)
            with np.errstate(invalid="ignore", divide="ignore"):
                a = (mean - laws.TRUNCATION_WIDTH * std - mean) / std
                b = (mean + laws.TRUNCATION_WIDTH * std - mean) / std
                lo, hi = special.ndtr(a), special.ndtr(b)
                u = init.rng().random(tuple(shape))
                z = special.ndtri(lo + (hi - lo) * u)
                return np.asarray(mean + std * z).astype(resolved)

        return call


class Float16FlushToZero(Mutant):
    """float16 outputs with their subnormals flushed to zero (|x| < 2^-14 becomes 0), as a
    kernel in a flush-to-zero mode returns them (CUDA's FTZ, ARM's FZ16): right wherever
    the law has no mass below 6.1e-5, wrong for a law as narrow as the subnormal range."""

    caught_by = "test_probe"

    def mutate(self, name, config, init):
        if not getattr(init, "random", False):
            return init

        def call(shape, dtype=None):
            out = init(shape, dtype)
            if np.asarray(out).dtype != np.float16:
                return out
            tiny = np.finfo(np.float16).smallest_normal
            return np.where(np.abs(out) < tiny, np.float16(0), out).astype(np.float16)

        return call


# -- serialization (the adapter's optional API: conformance/test_serialization.py) ---------------


class IdentityConfigWithoutGain(Mutant):
    """Identity's get_config leaves out the gain (Keras 3.15.1's Identity has no get_config):
    an Identity rebuilt from its config has gain 1."""

    caught_by = "test_config_round_trip"

    def get_config(self, init):
        config = super().get_config(init)
        if isinstance(init, reference.Identity):
            config.pop("gain", None)
        return config


class SerializedWithoutSeed(Mutant):
    """serialize writes the hyper-parameters but not the seed: a seeded initializer comes back
    unseeded, and draws other values."""

    caught_by = "test_serialize_round_trip"

    def serialize(self, init):
        data = super().serialize(init)
        data["config"].pop("seed", None)
        return data


class DeserializeUnknownReturnsName(Mutant):
    """deserialize of an unknown class_name returns the name instead of raising (as Keras 3
    and tf_keras do): a typo in a saved config surfaces later, as a str called on a shape."""

    caught_by = "test_serialization_value_error"

    def deserialize(self, data):
        known = reference.identifiers(self.edition)
        if isinstance(data, dict) and data.get("class_name") not in known:
            return data.get("class_name")
        return super().deserialize(data)


def _subclasses(cls) -> list:
    return [c for sub in cls.__subclasses__() for c in (sub, *_subclasses(sub))]


MUTANTS = {cls.__name__: cls for cls in _subclasses(Mutant) if cls is not LawMutant}
