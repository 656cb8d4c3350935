"""Which spec identifiers each property applies to: the reference's groups
(:data:`initializer_conformance.reference.NAMES` and its groups), never by hand."""

from __future__ import annotations

from initializer_conformance.reference import DETERMINISTIC, ELEMENTWISE, FAN_SCALED, NAMES, RANDOM

ALL = NAMES

__all__ = ["ALL", "DETERMINISTIC", "ELEMENTWISE", "FAN_SCALED", "RANDOM"]
