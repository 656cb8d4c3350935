"""``initializer-conformance [pytest options]``: the installed suite, from any directory.

    initializer-conformance --impl=my_port:MyAdapter -n auto --junitxml=conformance.xml

is ``pytest --pyargs initializer_conformance.conformance --impl=my_port:MyAdapter ...``
with four differences that make it safe to run from a port's own repository:

* the directory it is started from is importable (as with ``python -m``), so
  ``--impl=my_port:MyAdapter`` finds ``./my_port.py``, in every xdist worker too;
* pytest reads the suite's own configuration (``pytest.ini`` of this package), never the
  port's (its ``addopts``, ``filterwarnings``, ``conftest.py`` files stay out of the run);
* the port's ``conftest.py`` files are not loaded (the suite's files are given to pytest
  as paths, and conftest files are looked for only in the suite's package);
* pytest's cache is off: nothing but the report is written into the directory.

Checks are selected as pytest selects tests: ``-k``, or module paths such as
``initializer_conformance.conformance.test_fans::test_fans[he_normal]`` (what a failure's
``reproduce:`` line prints). ``python -m initializer_conformance`` is the same command.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import pytest

from initializer_conformance.plugin import module_path

PACKAGE = "initializer_conformance"
SUITE = f"{PACKAGE}.conformance"
CONFIG = Path(__file__).resolve().parent / "pytest.ini"


def argv(args: list[str]) -> list[str]:
    """The pytest arguments of ``initializer-conformance ARGS``: the suite's module paths
    (``initializer_conformance.conformance.test_fans::test_fans[he_normal]``) become file
    paths, and the whole suite is the target when none is given."""
    targets = [_as_path(a) for a in args if a.startswith(f"{PACKAGE}.")]
    rest = [a for a in args if not a.startswith(f"{PACKAGE}.")]
    own_config = any(a in ("-c", "--config-file") or a.startswith("--config-file=") for a in args)
    return [
        *([] if own_config else ["-c", str(CONFIG)]),
        f"--confcutdir={CONFIG.parent}",
        "-p",
        "no:cacheprovider",
        *(targets or [_as_path(SUITE)]),
        *rest,
    ]


def _as_path(target: str) -> str:
    """``package.module::name`` -> ``/path/to/package/module.py::name``."""
    module, sep, rest = target.partition("::")
    path = module_path(module)
    return target if path is None else f"{path}{sep}{rest}"  # None: pytest says so


def main(args: list[str] | None = None) -> int:
    args = sys.argv[1:] if args is None else list(args)
    here = os.getcwd()
    if here not in sys.path:
        sys.path.insert(0, here)
    # xdist workers are new processes: they find the port's modules through PYTHONPATH.
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
    os.environ["INITIALIZER_CONFORMANCE_COMMAND"] = shlex.join(["initializer-conformance", *args])
    return int(pytest.main(argv(args)))


if __name__ == "__main__":
    sys.exit(main())
