"""The serialization API of the Keras-family ports (``keras`` 3, ``tf_keras``): the
framework's own ``deserialize``, ``serialize``, ``get_config``, ``from_config`` and ``get``
(``adapters/port.py: Serialization``), one line each.

As for ``make``, nothing is translated: the configs and serialized forms are Keras's own,
so that where Keras's vocabulary or format departs from the spec's the suite says so. The
one translation is ``make``'s: a config key that the constructor does not have makes Keras
raise ``TypeError`` ("unexpected keyword argument"), which the spec calls an invalid
configuration, so exactly that becomes ``ValueError``. What ``deserialize``, ``from_config``
and ``get`` return is wrapped (:class:`KerasInitializer`) only to be called as the suite
calls ``make``'s initializers; anything that is not a Keras initializer (``deserialize`` of
an unknown class name returns the name) comes back as Keras returned it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .declarations import deviating
from .keras_api import KERAS3_ALIASES, PRESETS, SIGNATURES
from .keras_family import unknown_key_error

NAMES = tuple(SIGNATURES)


class KerasInitializer:
    """A Keras initializer as the suite calls it: ``init(shape, dtype)`` -> a NumPy array."""

    def __init__(self, native, to_numpy):
        self.native, self.to_numpy = native, to_numpy

    def __call__(self, shape, dtype=None):
        return self.to_numpy(self.native(tuple(shape), dtype=dtype))

    def __repr__(self) -> str:
        return f"KerasInitializer({type(self.native).__name__})"


class KerasSerialization:
    """Mixin of a :class:`~.keras_family.KerasFamily` port: ``module`` is the framework's
    ``initializers`` module, ``to_numpy`` its tensor conversion."""

    module: Any
    name: str
    to_numpy: Callable[[Any], Any]

    def deserialize(self, data: dict):
        return self._keras("deserialize", self.module.deserialize, data)

    def serialize(self, init: KerasInitializer) -> dict:
        return self.module.serialize(init.native)

    def get_config(self, init: KerasInitializer) -> dict:
        return init.native.get_config()

    def from_config(self, init: KerasInitializer, config: dict):
        return self._keras("from_config", type(init.native).from_config, config)

    def get(self, identifier):
        return self._keras("get", self.module.get, identifier)

    def _keras(self, what: str, function, *args):
        """``function(*args)``, an unknown config key made ``ValueError``, the result
        wrapped if it is an initializer."""
        try:
            out = function(*args)
        except TypeError as error:
            if unknown_key_error(error):
                raise ValueError(f"{self.name}: {what}: invalid config: {error}") from error
            raise
        return (
            KerasInitializer(out, self.to_numpy)
            if isinstance(out, self.module.Initializer)
            else out
        )


# -- known deviations: how Keras's serialization departs from the spec's ----------------------

#: ``serialize``'s keys: Keras's saving format adds two to the spec's.
KEYS = (
    r"keys \['class_name', 'config', 'module', 'registered_name'\] "
    r"\(spec: exactly \['class_name', 'config'\]\)"
)


def observed(line: str) -> str:
    """A ``match`` for a failure whose ``observed:`` line is exactly ``line`` (a regex)."""
    return rf"(?m)^\s*observed: {line}$"


def serialization_deviations(where: str, example: str, *, axes: bool, edition: str) -> tuple:
    """How the serialization of ``where`` (Keras 3 or tf_keras) departs from the spec's:
    groups for :func:`~.declarations.declare`, each entry narrowed by ``match`` to the failure
    it explains (Keras's saving format, its own vocabulary and classes).

    ``example``: the start of a command that imports the framework's ``initializers`` as
    ``K`` (each reason ends with a reproduction); ``axes``: the configs of
    ``VarianceScaling`` and of the six functions have Keras 3's ``input_axes`` and
    ``output_axes``; ``edition``: under ``keras2``, Keras 3's class-name identifiers are
    not the spec's."""
    in_axes = r"; input_axes=None \(not in the spec\)" if axes else ""
    out_axes = r"; output_axes=None \(not in the spec\)" if axes else ""
    adds_axes = "; the config also has input_axes and output_axes (None)" if axes else ""
    every_edition = {
        **deviating(
            [f"test_serialized_form[{name}]" for name in NAMES],
            f"{where} by design: serialize adds the keys 'module' and 'registered_name' to "
            f"'class_name' and 'config' (Keras's saving format); the spec's deserialize "
            f"reads exactly 'class_name' and 'config'. Reproduce: {example} "
            f'print(K.serialize(K.Zeros()))"',
            observed(KEYS),
        ),
        **deviating(
            [f"test_get_config[{name}]" for name in PRESETS],
            f"{where} by design: the six functions are classes of their own (HeNormal, ...) "
            f"whose config is the seed only, where the spec's is VarianceScaling's whole "
            f"config (and HeNormal.from_config of that raises TypeError){adds_axes}. "
            f'Reproduce: {example} print(K.HeNormal(seed=1).get_config())"',
            observed(
                rf"differs from the spec in: distribution missing \(the spec: '\w+'\){in_axes}"
                rf"; mode missing \(the spec: '\w+'\){out_axes}"
                r"; scale missing \(the spec: [\d.]+\)"
            ),
        ),
        **deviating(
            ["test_get_config[VarianceScaling]"],
            f"{where}: VarianceScaling stores distribution='normal' as 'truncated_normal' "
            f"(the same law; edition keras3's word){adds_axes}. Reproduce: {example} "
            f"print(K.VarianceScaling(distribution='normal').get_config())\"",
            observed(
                r"differs from the spec in: "
                + (
                    rf"(?:distribution='truncated_normal' \(the spec: 'normal'\); )?"
                    rf"{in_axes[2:]}{out_axes}"
                    if axes
                    else r"distribution='truncated_normal' \(the spec: 'normal'\)"
                )
            ),
        ),
        **deviating(
            ["test_serialization_value_error[deserialize({'class_name': 'Zeros'})]"],
            f"{where}: deserialize accepts a serialized initializer without 'config' (the "
            f"class with its defaults); the spec reads exactly 'class_name' and 'config'. "
            f"Reproduce: {example} print(K.deserialize({{'class_name': 'Zeros'}}))\"",
            "invalid input accepted",
        ),
        **deviating(
            ["test_serialization_value_error[deserialize({'class_name': 'nope', 'config': {}})]"],
            f"{where}: deserialize of an unknown class_name returns the class name, a str, "
            f"instead of raising (get of the same dict raises ValueError). Reproduce: "
            f"{example} print(repr(K.deserialize({{'class_name': 'nope', 'config': {{}}}})))\" "
            f"prints 'nope'",
            observed("no error; returned str 'nope'"),
        ),
    }
    if edition != "keras2":
        return (every_edition,)
    keras3_names = deviating(
        [f"test_serialized_form[{name}]" for name in PRESETS],
        f"{where} by design: the six functions serialize under their class names (HeNormal, "
        f"...), which edition keras2 does not have (the spec serializes them as "
        f'VarianceScaling). Reproduce: {example} print(K.serialize(K.HeNormal()))"',
        observed(
            rf"{KEYS}; class_name '(?:Glorot|He|Lecun)(?:Normal|Uniform)' is not one of "
            r"\['VarianceScaling', '(?:glorot|he|lecun)_(?:normal|uniform)'\]"
        ),
    )
    keras3_identifiers = deviating(
        [f"test_serialization_value_error[get({name!r})]" for name in KERAS3_ALIASES],
        f"{where} by design: get resolves Keras 3's identifiers (the class names "
        f"GlorotUniform, ..., and 'variance_scaling'), which edition keras2 does not have. "
        f"Reproduce: {example} print(K.get('GlorotUniform'))\"",
        "invalid input accepted",
    )
    return every_edition, keras3_names, keras3_identifiers
