"""The suite's version, for every place a run is recorded: the terminal header, the results
file and its page, the Markdown summary, ``--junitxml``'s properties, and
``initializer-conformance --version``. A port's CI compares verdicts across versions of
the suite, so each verdict names the version that gave it. Light (no NumPy, no pytest):
the command's ``--version`` and the ``pytest11`` plugin import it."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

DISTRIBUTION = "initializer-conformance"


def suite_version() -> str:
    """The installed version of the suite; in a checkout that is not installed, the
    version in its pyproject.toml."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        import tomllib

        project = tomllib.loads(pyproject.read_text())["project"]
        if project.get("name") == DISTRIBUTION:
            return f"{project['version']} (not installed)"
    except (OSError, KeyError, ValueError, ImportError):
        pass
    return "unknown"
