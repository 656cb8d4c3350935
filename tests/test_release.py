"""Releases: a version is a CHANGELOG entry and a git tag, and the README's CI job for a
port installs a tagged release (a port's verdict must not move with this repository's
main branch)."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest

from benchmarks.runs import ROOT

RELEASE = re.compile(r"^## (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)$", re.M)


def _version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def _releases() -> list[str]:
    return RELEASE.findall((ROOT / "CHANGELOG.md").read_text())


def test_the_version_is_the_changelogs_latest_release():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    released = [version for version, _ in _releases()]
    assert released and released[0] == _version(), (released[:3], _version())
    # what is not released yet is above it, under "Unreleased"
    headings = re.findall(r"^## (.+)$", changelog, re.M)
    assert headings[0] in ("Unreleased", f"{_version()} ({_releases()[0][1]})")


def test_the_readmes_ci_job_installs_a_tagged_release():
    readme = (ROOT / "README.md").read_text()
    installs = re.findall(r'"initializer-conformance @ git\+URL(@[^"]*)?"', readme)
    assert installs, "the README shows how a port installs the suite"
    assert set(installs) == {f"@v{_version()}"}, installs


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_every_release_has_its_tag_on_a_commit_of_that_version():
    try:
        tags = set(_git("tag", "--list", "v*").split())
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    if not tags:
        pytest.skip("a clone without its tags (git fetch --tags)")
    for version, _ in _releases():
        if version in ("0.1.0",):  # released before tags were kept
            continue
        assert f"v{version}" in tags, f"release {version} has no tag v{version}"
        pyproject = _git("show", f"v{version}:pyproject.toml")
        assert tomllib.loads(pyproject)["project"]["version"] == version
