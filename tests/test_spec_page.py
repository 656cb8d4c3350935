"""SPEC.md is generated from the reference and must not drift from it."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from initializer_conformance import reference
from initializer_conformance.reference import spec_page

SPEC = Path(__file__).resolve().parent.parent / "SPEC.md"

#: Every initializer of the seed page (Keras 2 "Initializers"), written out here so the
#: test does not depend on the page's copy or on the generator's own list.
SEED_PAGE_NAMES = [
    "Initializer",
    "Zeros",
    "Ones",
    "Constant",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Orthogonal",
    "Identity",
    "lecun_uniform",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "lecun_normal",
    "he_uniform",
]


@pytest.fixture(scope="module")
def rendered() -> str:
    return spec_page.render()


def test_spec_md_is_up_to_date(rendered):
    assert SPEC.exists(), (
        "SPEC.md is missing: run `python -m initializer_conformance.reference.spec_page`"
    )
    current = SPEC.read_text(encoding="utf-8")
    if current != rendered:
        diff = "".join(
            list(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    rendered.splitlines(keepends=True),
                    "SPEC.md",
                    "render()",
                    n=1,
                )
            )[:40]
        )
        pytest.fail(
            "SPEC.md is out of date with reference/: run `python -m initializer_conformance.reference.spec_page` "
            f"and commit the result.\n{diff}"
        )


def test_render_is_deterministic(rendered):
    assert spec_page.render() == rendered


@pytest.mark.parametrize("name", SEED_PAGE_NAMES)
def test_every_seed_page_name_has_a_section(rendered, name):
    assert f"\n## `{name}`\n" in rendered
    section = rendered.split(f"\n## `{name}`\n", 1)[1].split("\n## ", 1)[0]
    assert f"{name}(" in section, "the section shows the signature"
    assert "edition" not in section.split("```")[1], "the signature omits `edition`"


def test_seed_page_order_and_generator_list():
    assert list(spec_page.SEED_PAGE_NAMES) == SEED_PAGE_NAMES
    positions = [spec_page.render().index(f"\n## `{name}`\n") for name in SEED_PAGE_NAMES]
    assert positions == sorted(positions)


def test_signatures_and_defaults(rendered):
    for expected in [
        "Constant(value=0)",
        "RandomNormal(mean=0.0, stddev=0.05, seed=None)",
        "RandomUniform(minval=-0.05, maxval=0.05, seed=None)",
        "TruncatedNormal(mean=0.0, stddev=0.05, seed=None)",
        "VarianceScaling(scale=1.0, mode='fan_in', distribution='normal', seed=None)",
        "Orthogonal(gain=1.0, seed=None)",
        "Identity(gain=1.0)",
        "he_uniform(seed=None)",
        "Zeros()",
        "Initializer()",
    ]:
        assert f"```python\n{expected}\n```" in rendered, expected


def test_every_identifier_is_listed(rendered):
    section = rendered.split("## String identifiers and aliases", 1)[1].split("\n## ", 1)[0]
    for identifier in reference.identifiers("keras3"):
        assert f"`{identifier}`" in section, identifier


def test_required_sections(rendered):
    for heading in [
        "## Laws",
        "## Fans",
        "## String identifiers and aliases",
        "## Decisions on ambiguities of the seed page",
        "## Editions",
        "### `keras3`: what differs from `keras2`",
    ]:
        assert f"\n{heading}\n" in rendered, heading
    decisions = rendered.split("## Decisions on ambiguities of the seed page", 1)[1]
    for needle in [
        "redrawn",
        "0.8796256610342398",
        "sqrt(scale / n)",
        "half-open",
        "lower bound",
        "square",
        "scale must be a positive float",
        "floating dtype",
        "rank < 2",
        "Seeds",
    ]:
        assert needle in decisions, needle
    editions = rendered.split("\n## Editions\n", 1)[1]
    for field in [
        "variance_scaling_distributions",
        "identity_requires_square",
        "seeded_calls_repeat",
        "unseeded_calls_repeat",
        "extra_aliases",
    ]:
        assert f"**`{field}`**" in editions
        assert reference.KERAS3.citations[field] in editions


def test_laws_on_the_sample_shape(rendered):
    # he_normal on (3, 3, 16, 32): output std sqrt(2 / 144) = 0.117851
    section = rendered.split("\n## `he_normal`\n", 1)[1].split("\n## ", 1)[0]
    assert "output std=0.117851" in section
    section = rendered.split("\n## `glorot_uniform`\n", 1)[1].split("\n## ", 1)[0]
    assert "Uniform[-0.117851, 0.117851)" in section


def test_markdown_hygiene(rendered):
    assert rendered.endswith("\n") and not rendered.endswith("\n\n")
    assert not re.search(r"[ \t]+\n", rendered), "no trailing whitespace"
    assert rendered.count("```") % 2 == 0, "fences are balanced"
    assert "``" not in rendered.replace("```", ""), "no leftover reStructuredText markup"
    assert ":class:" not in rendered and ":func:" not in rendered and ":meth:" not in rendered


def test_excerpt_fails_loudly():
    with pytest.raises(LookupError):
        spec_page.excerpt(reference.Zeros, "No such paragraph")
