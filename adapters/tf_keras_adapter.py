"""tf_keras adapter (``--impl=tf_keras``): the Keras 2 line, ``tf_keras.initializers``.

``tf-keras`` is Keras 2 (2.x) packaged apart from TensorFlow since TensorFlow 2.16
made Keras 3 its ``tf.keras``; it is what ``TF_USE_LEGACY_KERAS=1`` selects, and the
direct descendant of the Keras 2 "Initializers" page this spec is seeded from. It runs
on TensorFlow only (the ``tf-keras`` package requires ``tensorflow`` of the same minor
version).

As for Keras 3 (``adapters.keras_adapter``), the adapter translates nothing it does
not have to: an identifier that ``tf_keras.initializers`` exports (class names and
snake_case names) is the class a port author writes,
``tf_keras.initializers.GlorotUniform(**config)``; the alias-only string identifiers
(``zero``, ``one``, ``normal``, ``uniform``) and unknown names go through
``tf_keras.initializers.get({"class_name": identifier, "config": config})``. tf_keras
resolves its aliases, applies its defaults and validates; the instance is called as a
layer calls it, ``init(shape, dtype)``, and the ``EagerTensor`` goes through
``numpy.asarray``. Nothing is drawn with NumPy.

Mapping (Keras 2 name -> tf_keras, ``K = tf_keras.initializers``)
=================================================================

=====================  ==========================================================================
Keras 2                tf_keras (the exported TF2 classes, not ``initializers_v1``; aliases by ``K.get``)
=====================  ==========================================================================
Zeros / zeros, zero    ``K.Zeros()``
Ones / ones, one       ``K.Ones()``
Constant(value)        ``K.Constant(value)``  (default ``value=0``; ``tf.constant(value, dtype)``)
RandomNormal           ``K.RandomNormal(mean, stddev, seed)``  (aliases ``random_normal``, ``normal``)
RandomUniform          ``K.RandomUniform(minval, maxval, seed)``  (``random_uniform``, ``uniform``)
TruncatedNormal        ``K.TruncatedNormal(mean, stddev, seed)``  (``truncated_normal``; parent
                       stddev, bounds ``mean +- 2 stddev``)
VarianceScaling        ``K.VarianceScaling(scale, mode, distribution, seed)``, no translation:
                       tf_keras maps ``"normal"`` to ``"truncated_normal"`` itself ("compatibility
                       with keras-team/keras") and also accepts ``"truncated_normal"`` and
                       ``"untruncated_normal"``; default ``distribution="truncated_normal"``
glorot_uniform         ``K.GlorotUniform(seed)``  (= VarianceScaling(1, "fan_avg", "uniform"))
glorot_normal          ``K.GlorotNormal(seed)``   (= VarianceScaling(1, "fan_avg", "truncated_normal"))
he_uniform             ``K.HeUniform(seed)``      (= VarianceScaling(2, "fan_in", "uniform"))
he_normal              ``K.HeNormal(seed)``       (= VarianceScaling(2, "fan_in", "truncated_normal"))
lecun_uniform          ``K.LecunUniform(seed)``   (= VarianceScaling(1, "fan_in", "uniform"))
lecun_normal           ``K.LecunNormal(seed)``    (= VarianceScaling(1, "fan_in", "truncated_normal"))
Orthogonal(gain)       ``K.Orthogonal(gain, seed)``
Identity(gain)         ``K.Identity(gain)``  (``gain * tf.eye(rows, cols)`` for any 2-D shape)
=====================  ==========================================================================

Signatures and defaults: tf_keras's own (``adapters.keras_api.bind`` is not used, so
that tf_keras's defaults and alias table are what is tested). The one translation: a
config key the constructor does not have makes Python raise ``TypeError`` ("got an
unexpected keyword argument"); the spec calls that an invalid configuration, so
exactly that ``TypeError`` becomes ``ValueError``, with tf_keras's message.

Layout: Keras layout natively; no transposition.

Seeds: passed unchanged. ``seed=int``: stateless TensorFlow ops keyed by the seed
(``backend.RandomGenerator(seed, rng_type="stateless")``), so one instance returns
the same values on every call (documented). ``seed=None``: tf_keras's own behaviour,
i.e. the instance draws a seed once, on its first call (Python's ``random``), and
returns the same values on every later call, with a ``UserWarning`` ("The
initializer ... is unseeded and being called multiple times, which will return
identical values each time"); the suite reports that as a finding.

dtypes: the dtype name goes to tf_keras unchanged (``None``: ``floatx()``, float32).
tf_keras refuses integer dtypes in its random initializers with ``ValueError``
("Expected floating point type") except ``RandomUniform``, which documents integer
support: with the default bounds ``tf.constant(-0.05, int32)`` fails with
``TypeError``. Such a refusal (the types in ``REJECTIONS``: ``TypeError``,
``NotImplementedError``, ``RuntimeError``), for an integer dtype of a random
initializer only, becomes ``ValueError`` (see the findings: ``RandomUniform`` with
integral bounds returns integers). For a floating dtype, a ``NotImplementedError`` or
TensorFlow's word for a missing kernel (``Orthogonal`` in bfloat16: TensorFlow's ``Qr``
has no bfloat16; ``keras_family.TENSORFLOW_NO_KERNEL``) is reported as "unsupported";
every other exception surfaces unchanged.

Validation: tf_keras's own (``scale <= 0``, unknown ``mode``/``distribution``,
``Orthogonal`` rank < 2, ``Identity`` not 2-D, unknown identifier: ``ValueError``).

Serialization (the optional API, ``adapters/keras_serialization.py``): tf_keras's own
``K.deserialize``, ``K.serialize``, ``get_config``, ``type(init).from_config`` and
``K.get``, untranslated. Its saving format (``module``, ``registered_name``), its classes
for the six functions (config: the seed only) and ``distribution='truncated_normal'``
depart from the spec's; ``deserialize`` of an unknown class name returns the name, and
accepts a dict without ``config``: all declared below, each with a reproduction.

Edition: ``keras2`` (the seed page). ``TfKerasKeras3Adapter``
(``--impl=initializer_conformance.adapters.tf_keras_adapter:TfKerasKeras3Adapter``) is the same adapter
claiming edition ``keras3``: tf_keras 2.x already has the Keras 3 vocabulary
(``"untruncated_normal"``, rectangular ``Identity``, class-name identifiers, seeded
instances that repeat).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf
import tf_keras

from .declarations import declare, deviating, keras3_rules, sixteen_bit_draws
from .keras_family import KerasFamily
from .keras_serialization import KerasSerialization, serialization_deviations

K = tf_keras.initializers


#: How a reproduction of a serialization finding starts (``K``: ``tf_keras.initializers``).
EXAMPLE = 'python -c "import tf_keras; K = tf_keras.initializers;'

#: Deviations that no edition of the spec allows.
EVERY_EDITION = {
    **deviating(
        ["test_dtype[Identity-int32]", "test_dtype[Identity-int64]", "test_identity_square"],
        "by design (documented): Identity supports floating dtypes only",
        "ValueError: Expected floating point type",
    ),
    **deviating(
        ["test_deterministic_exact[Constant]"],
        "Constant is tf.constant(value, dtype): a float value in an integer dtype "
        "raises TypeError (Cannot convert 0.0 to EagerTensor of dtype int32)",
        "TypeError: Cannot convert",
    ),
    **deviating(
        ["test_signed_zero[Constant]"],
        "Constant(-0.0) returns +0.0 once Constant(0.0) was made (tensorflow's scalar "
        "conversion cache keys -0.0 and 0.0 alike)",
        "the sign of zero is lost",
    ),
}


#: tensorflow's 16-bit random ops (shared with Keras 3 on its tensorflow backend).
SIXTEEN_BIT_DRAWS = sixteen_bit_draws(
    "tensorflow's random ops in float16/bfloat16",
    "draw in 16-bit arithmetic: a bfloat16 uniform's mean is 1.2 % of a std low, values "
    "sit on the wrong representable values (chi-square 5,957 on 199 degrees of freedom for "
    "a bfloat16 normal), and float16 truncated normals put values exactly on the bound "
    "(10 per 262,144 on 0)",
)


class TfKerasAdapter(KerasFamily, KerasSerialization):
    """``tf_keras.initializers`` (Keras 2 on TensorFlow; see the module docstring)."""

    name = "tf_keras"
    module = K

    #: Confirmed deviations of tf_keras from the Keras 2 page, each narrowed by ``match``:
    #: tf_keras 2.x already follows Keras 3's rules (edition keras3), and a few of its own.
    known_deviations = declare(
        keras3_rules("tf_keras"),
        EVERY_EDITION,
        SIXTEEN_BIT_DRAWS,
        *serialization_deviations("tf_keras", EXAMPLE, axes=False, edition="keras2"),
    )

    def version(self) -> str:
        return f"{self.name} {tf_keras.__version__} (tensorflow {tf.__version__})"

    def to_numpy(self, out) -> np.ndarray:
        # tensorflow cannot hand np.asarray a bfloat16 scalar ("object __array__ method not
        # producing an array"); Tensor.numpy() gives it as an ml_dtypes scalar
        return np.asarray(out.numpy() if isinstance(out, tf.Tensor) else out)


class TfKerasKeras3Adapter(TfKerasAdapter):
    """The same adapter claiming edition ``keras3`` (``--edition=keras3``)."""

    name = "tf_keras-keras3"
    edition = "keras3"
    #: Edition keras3 allows the Keras 3 vocabulary: only the others remain.
    known_deviations = declare(
        EVERY_EDITION,
        SIXTEEN_BIT_DRAWS,
        *serialization_deviations("tf_keras", EXAMPLE, axes=False, edition="keras3"),
    )
