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
* pytest's cache and pytest-benchmark are off, and Hypothesis keeps its files in a
  temporary directory: nothing but the report is written into the directory.

Checks are selected as pytest selects tests: ``-k``, or module paths such as
``initializer_conformance.conformance.test_fans::test_fans[he_normal]`` (what a failure's
``reproduce:`` line prints). ``python -m initializer_conformance`` is the same command.

The command speaks for itself: ``--help`` is the suite's usage and its options (pytest's
hundred options would bury the ten that matter; ``--help-pytest`` shows them), ``--version``
the suite's version, its spec editions and the Python it runs on, and a usage error is
``initializer-conformance: error: ...``, not ``pytest.main(): error``. Its output may go
into a closed pipe (``initializer-conformance --help | head -1``) without a traceback.
"""

from __future__ import annotations

import inspect
import os
import shlex
import shutil
import sys
import textwrap
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
        "-p",
        "no:benchmark",  # pytest-benchmark, if installed: no .benchmarks/, no header line
        *(targets or [_as_path(SUITE)]),
        *rest,
    ]


def _as_path(target: str) -> str:
    """``package.module::name`` -> ``/path/to/package/module.py::name``."""
    module, sep, rest = target.partition("::")
    path = module_path(module)
    return target if path is None else f"{path}{sep}{rest}"  # None: pytest says so


PROG = "initializer-conformance"

USAGE = f"""\
usage: {PROG} --impl=IMPL [options] [pytest options] [CHECK ...]

{{version}}: runs the initializer conformance suite against the implementation
IMPL, from any directory (the current one is importable: --impl=my_port:MyAdapter finds
./my_port.py), and writes its report to reports/NAME.html and reports/NAME.json.

  {PROG} --impl=my_port:MyAdapter -n auto --junitxml=reports/conformance.xml

CHECK: checks of the suite, as a failure's `reproduce:` line names them
(initializer_conformance.conformance.test_fans::test_fans[he_normal]); default: all.
A run that does not run every check (CHECK, -k, -m, -x, an interrupt) is partial: it
says so, writes reports/NAME.partial.*, and gives no conformance verdict.
"""

EPILOG = """\
Any pytest option passes through: -n auto (pytest-xdist), -k EXPRESSION, -x, -q, -v,
--junitxml=PATH, --maxfail=N, ...

  --help-pytest         pytest's help: every option it and its plugins take
  --version             the suite's version, its spec editions, and the Python it runs on

Exit status: 0 the run passed (with its declared known deviations), 1 a check failed or
a declared deviation is stale, 2 interrupted, 4 usage error (before any check runs).
"""


class _Options:
    """What :func:`options.add` declares, recorded (its two groups and their options), so
    that ``--help`` shows the suite's own options from their one definition."""

    def __init__(self):
        self.groups: list[tuple[str, list[tuple[tuple[str, ...], dict]]]] = []

    def getgroup(self, name: str, description: str = ""):
        group: list[tuple[tuple[str, ...], dict]] = []
        self.groups.append((description or name, group))
        recorder = type("Group", (), {})()
        recorder.addoption = lambda *names, **kwargs: group.append((names, kwargs))
        return recorder


def _option_lines(names: tuple[str, ...], kwargs: dict, width: int) -> list[str]:
    takes_value = kwargs.get("action") not in ("store_true", "store_false")
    if not takes_value:
        head = ", ".join(names)
    elif "choices" in kwargs:
        head = f"{names[0]}={{{','.join(kwargs['choices'])}}}"
    else:
        metavar = kwargs.get("metavar") or names[0].lstrip("-").replace("-", "_").upper()
        head = f"{names[0]}={metavar}"
    indent = 24
    text = " ".join(str(kwargs.get("help", "")).split())
    body = textwrap.wrap(text, width - indent) or [""]
    if len(head) + 2 >= indent - 1:
        return [f"  {head}", *(" " * indent + line for line in body)]
    return [f"  {head:<{indent - 2}}{body[0]}", *(" " * indent + line for line in body[1:])]


def help_text(width: int = 88) -> str:
    """``initializer-conformance --help``: the usage, the suite's options (from
    :func:`options.add`, as pytest would show them), and how the rest passes through."""
    from initializer_conformance.conformance import options
    from initializer_conformance.conformance.version import suite_version

    recorded = _Options()
    options.add(recorded)
    lines = [USAGE.format(version=f"{PROG} {suite_version()}")]
    for description, group in recorded.groups:
        lines.append(f"{description}:")
        for names, kwargs in group:
            lines += _option_lines(names, kwargs, width)
        lines.append("")
    lines.append(EPILOG)
    return "\n".join(lines)


def version_text() -> str:
    """``initializer-conformance --version``: what a verdict depends on, on one screen."""
    from initializer_conformance.conformance.version import suite_version
    from initializer_conformance.reference.editions import DEFAULT_EDITION, EDITIONS

    editions = ", ".join(
        f"{e.name}{' (default)' if e is DEFAULT_EDITION else ''}: {e.title}"
        for e in EDITIONS.values()
    )
    return (
        f"{PROG} {suite_version()}\n"
        f"spec editions: {editions}\n"
        f"Python {sys.version.split()[0]} ({sys.implementation.name}), pytest {pytest.__version__}"
    )


def _pytest_main(args: list[str]) -> int:
    """pytest, its usage errors in the command's name (pytest >= 8.4 takes ``prog``)."""
    import _pytest.config

    run = getattr(_pytest.config, "_main", None)
    try:
        takes_prog = run is not None and "prog" in inspect.signature(run).parameters
    except (TypeError, ValueError):
        takes_prog = False
    if takes_prog:
        return int(run(args=args, prog=PROG))  # type: ignore[misc]
    return int(pytest.main(args))


def main(args: list[str] | None = None) -> int:
    args = sys.argv[1:] if args is None else list(args)
    try:
        return _main(args)
    except BrokenPipeError:
        # The reader went away (`... | head -1`): no traceback, and no second error when
        # Python flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a process a closed pipe ended


def _main(args: list[str]) -> int:
    if "--help-pytest" in args:
        return _pytest_main(argv(["--help"]))
    if "-h" in args or "--help" in args:
        sys.stdout.write(help_text(min(100, shutil.get_terminal_size().columns)))
        sys.stdout.flush()
        return 0
    if args == ["--version"] or args == ["-V"]:
        print(version_text(), flush=True)
        return 0
    here = os.getcwd()
    if here not in sys.path:
        sys.path.insert(0, here)
    # xdist workers are new processes: they find the port's modules through PYTHONPATH.
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)
    os.environ["INITIALIZER_CONFORMANCE_COMMAND"] = shlex.join([PROG, *args])
    code = _pytest_main(argv(args))
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
