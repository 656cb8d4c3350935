"""What the Keras-family ports share (``keras`` on its four backends, ``tf_keras``).

The framework is Keras itself: it resolves identifiers and fills in its own defaults,
so :class:`KerasFamily` leaves the config as given (the Keras 2 defaults of
:func:`~.keras_api.bind` would hide the framework's own), builds the initializer the
way a user writes it, and turns only an unknown config key into ``ValueError``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .port import Port


def unknown_key_error(error: BaseException | None) -> bool:
    """Whether a Keras ``TypeError`` says a config key is not a constructor argument."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if "unexpected keyword argument" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


#: How TensorFlow says an op has no kernel for a dtype (its ``Qr`` in bfloat16: "Value for
#: attr 'T' of bfloat16 is not in the list of allowed values"), on both Keras ports of it.
TENSORFLOW_NO_KERNEL = ("is not in the list of allowed values", "No OpKernel was registered")


class KerasFamily(Port):
    """A port whose framework is a Keras: ``module`` is its ``initializers`` module."""

    module: Any = None  # the framework's ``initializers`` module

    def lacks_kernel(self, error: BaseException, dtype: str) -> bool:
        return type(error).__name__ in ("InvalidArgumentError", "NotFoundError") and any(
            text in str(error) for text in TENSORFLOW_NO_KERNEL
        )

    def resolve(self, identifier: str, config: dict) -> tuple[str, dict]:
        return identifier, config

    def to_numpy(self, out) -> np.ndarray:
        return np.asarray(out)

    def build(self, name: str, kwargs: dict):
        """An exported name (``GlorotUniform``, ``glorot_uniform``, ``constant``, ...) is the
        class a port author writes: ``initializers.NAME(**config)``. The other string
        identifiers (``zero``, ``one``, ``normal``, ``uniform``, and any unknown name) go
        through ``initializers.get({"class_name": ..., "config": ...})``."""
        module = self.module
        cls = getattr(module, name, None) if isinstance(name, str) else None
        try:
            if isinstance(cls, type) and issubclass(cls, module.Initializer):
                init = cls(**kwargs)
            else:
                init = module.get({"class_name": name, "config": dict(kwargs)})
        except TypeError as error:
            if unknown_key_error(error):
                raise ValueError(
                    f"{self.name}: invalid config {kwargs!r} for {name!r}: {error}"
                ) from error
            raise
        return lambda shape, dtype: self.to_numpy(init(shape, dtype=dtype))
