"""Render ``SPEC.md``, the readable spec page, from the reference itself.

Everything on the page is read from ``reference/``: signatures from
``inspect.signature``, prose from the docstrings, laws from ``init.law(shape)``,
error messages by calling the reference with bad arguments, editions from
:mod:`reference.editions`. The page therefore cannot say something the reference
does not do; ``tests/test_spec_page.py`` checks that ``SPEC.md`` is up to date.

Usage::

    python -m initializer_conformance.reference.spec_page          # (re)writes SPEC.md at the repository root
    python -m initializer_conformance.reference.spec_page --check  # exit status 1 if SPEC.md is out of date

>>> page = render()
>>> page.startswith("# ") and "## `he_uniform`" in page
True
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import math
import re
import sys
from pathlib import Path

from initializer_conformance import reference

from . import base, dtypes, editions, laws, registry, rounding
from .constants import Constant
from .distributions import RandomNormal, RandomUniform, TruncatedNormal
from .editions import DEFAULT_EDITION, EDITIONS, Edition
from .matrices import Identity, Orthogonal
from .variance_scaling import PRESETS, VarianceScaling

# ``reference.fans`` is shadowed by the function of that name in the package namespace.
fans_module = importlib.import_module(".fans", __package__)

#: Where ``python -m initializer_conformance.reference.spec_page`` writes the page.
SPEC_PATH = Path(__file__).resolve().parent.parent / "SPEC.md"

#: Every section of the seed page, in the page's order: the base class, then every initializer.
SEED_PAGE_NAMES = ("Initializer", *reference.NAMES)

#: The shape the page evaluates shape-dependent laws on (a Conv2D kernel).
SAMPLE_SHAPE = (3, 3, 16, 32)

_S = repr(SAMPLE_SHAPE)

#: Per initializer: calls whose law the page shows, and calls that must raise ValueError.
EXAMPLES: dict[str, dict[str, list[str]]] = {
    "Initializer": {"laws": [], "errors": []},
    "Zeros": {"laws": ["Zeros().law((2, 3))"], "errors": ["Zeros()((2, 3), 'complex64')"]},
    "Ones": {"laws": ["Ones().law((2, 3))"], "errors": ["Ones()((2, 3), 'complex64')"]},
    "Constant": {
        "laws": ["Constant(0.5).law((2, 3))", "Constant().law((2, 3))"],
        "errors": [
            "Constant(value='x')",
            "Constant(value=True)",
            "Constant(2)((2, 3), 'complex64')",
        ],
    },
    "RandomNormal": {
        "laws": [f"RandomNormal().law({_S})", f"RandomNormal(1.0, 0.2).law({_S})"],
        "errors": [
            "RandomNormal(seed=-1)",
            "RandomNormal(seed='3')",
            "RandomNormal()((2, 3), 'int32')",
        ],
    },
    "RandomUniform": {
        "laws": [f"RandomUniform().law({_S})", f"RandomUniform(0.0, 1.0).law({_S})"],
        "errors": ["RandomUniform(seed=1.5)", "RandomUniform()((2, 3), 'int32')"],
    },
    "TruncatedNormal": {
        "laws": [f"TruncatedNormal().law({_S})", f"TruncatedNormal(0.0, 1.0).law({_S})"],
        "errors": ["TruncatedNormal(seed=True)", "TruncatedNormal()((2, 3), 'int32')"],
    },
    "VarianceScaling": {
        "laws": [
            f"VarianceScaling(1.0, {mode!r}, {dist!r}).law({_S})"
            for mode in ("fan_in", "fan_out", "fan_avg")
            for dist in ("normal", "uniform")
        ]
        + [f"VarianceScaling(1.0, 'fan_in', 'untruncated_normal', edition='keras3').law({_S})"],
        "errors": [
            "VarianceScaling(scale=0)",
            "VarianceScaling(scale=-1)",
            "VarianceScaling(scale=True)",
            "VarianceScaling(mode='fan_mid')",
            "VarianceScaling(distribution='gaussian')",
            "VarianceScaling(distribution='truncated_normal')",
            "VarianceScaling(seed=-1)",
            "VarianceScaling()((3, 3), 'int32')",
        ],
    },
    "Orthogonal": {
        "laws": [f"Orthogonal().law({_S})", "Orthogonal(gain=2.0).law((3, 5))"],
        "errors": ["Orthogonal()((5,))", "Orthogonal()(())", "Orthogonal()((3, 3), 'int32')"],
    },
    "Identity": {
        "laws": [
            "Identity().law((3, 3))",
            "Identity(gain=2.0).law((2, 2))",
            "Identity(edition='keras3').law((2, 3))",
        ],
        "errors": [
            "Identity()((2, 3))",
            "Identity()((3,))",
            "Identity(edition='keras3')((2, 2, 2))",
        ],
    },
    **{
        name: {
            "laws": [f"{name}().law({_S})"],
            "errors": [f"{name}(seed=-1)", f"{name}()((3, 3), 'int32')"],
        }
        for name in PRESETS
    },
}

#: Calls of the identifier machinery that must raise ValueError.
IDENTIFIER_ERRORS = [
    "get('nope')",
    "get(42)",
    "get([1, 2])",
    "get({'class_name': 'Zeros'})",
    "get({'class_name': 'RandomNormal', 'config': {'foo': 1}})",
    "RandomNormal.from_config({'foo': 1})",
    "get('GlorotUniform')",
    "get('zeros', edition='keras4')",
    "RandomNormal()((2, -1))",
]

#: Shapes of the fans table, one or two per rank, with zero-sized dimensions.
FANS_SHAPES = [
    (),
    (5,),
    (0,),
    (64, 10),
    (5, 16, 32),
    SAMPLE_SHAPE,
    (3, 3, 3, 16, 32),
    (3, 3, 0, 32),
]


# --- reading the docstrings ------------------------------------------------------

_ROLE = re.compile(r":(?:class|func|meth|data|attr|mod):`~?([^`]+)`")
_SECTION = re.compile(r"^(Args|Arguments|Raises|Returns|Attributes|Decisions):$")
_ITEM = re.compile(r"^([\w*]+(?: \([^)]*\))?):(.*)$")


def _inline(text: str) -> str:
    """reStructuredText inline markup to Markdown: ``x`` and :role:`x` become `x`."""
    return _ROLE.sub(lambda m: f"`{m.group(1)}`", text).replace("``", "`")


def _unwrap(text: str) -> str:
    return " ".join(line.strip() for line in text.strip().splitlines())


def doc_to_markdown(doc: str) -> str:
    """A Google-style docstring as Markdown (sections, bullets, doctest blocks)."""
    out: list[str] = []
    in_code = section = False
    for line in doc.splitlines():
        stripped = line.strip()
        if stripped.startswith(">>>"):
            if not in_code:
                out.append("```pycon")
                in_code = True
            out.append(stripped)
            continue
        if in_code:
            if stripped:
                out.append(stripped)
                continue
            out.append("```")
            in_code = False
        match = _SECTION.match(line)
        if match:
            out += [f"**{match.group(1)}:**", ""]
            section = True
            continue
        if section and line.startswith("    "):
            item = _ITEM.match(line[4:])
            if item and not line[4:].startswith(" "):
                out.append(f"- `{item.group(1)}`:{_inline(item.group(2))}")
            else:
                out.append("  " + _inline(stripped))
            continue
        if stripped and not line.startswith(" "):
            section = False
        if stripped.startswith("* "):
            out.append("- " + _inline(stripped[2:]))
        elif line.startswith("  ") and stripped:
            out.append("  " + _inline(stripped))
        else:
            out.append(_inline(line.rstrip()))
    if in_code:
        out.append("```")
    return "\n".join(out).strip()


def _doc(obj) -> str:
    return inspect.getdoc(obj) or ""


def _paragraphs(doc: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", doc) if p.strip()]


def _bullets(paragraph: str) -> list[str]:
    items: list[list[str]] = []
    for line in paragraph.splitlines():
        if line.lstrip().startswith("* "):
            items.append([line.lstrip()[2:]])
        elif items:
            items[-1].append(line)
    return ["\n".join(item) for item in items]


def excerpt(obj, prefix: str) -> str:
    """The paragraph (or bullet) of ``obj``'s docstring that starts with ``prefix``, unwrapped.

    Raises ``LookupError`` if there is none: a docstring that no longer says what
    the page quotes must make the page's generation fail, not silently drop it.
    """
    doc = obj if isinstance(obj, str) else _doc(obj)
    for paragraph in _paragraphs(doc):
        if paragraph.strip().startswith(prefix):
            return _inline(_unwrap(paragraph))
        for bullet in _bullets(paragraph):
            if bullet.startswith(prefix):
                return _inline(_unwrap(bullet))
    raise LookupError(f"no paragraph starting with {prefix!r} in the docstring of {obj!r}")


def section_items(obj, section: str) -> dict[str, str]:
    """The items of a Google-style section (``Attributes:``, ``Raises:``...), unwrapped."""
    items: dict[str, str] = {}
    inside, current = False, None
    for line in _doc(obj).splitlines():
        if line.strip() == f"{section}:":
            inside = True
            continue
        if inside:
            if line and not line.startswith(" "):
                break
            item = _ITEM.match(line[4:]) if line.startswith("    ") else None
            if item and not line[4:].startswith(" "):
                current = item.group(1)
                items[current] = item.group(2).strip()
            elif current and line.strip():
                items[current] += " " + line.strip()
    if not items:
        raise LookupError(f"no {section}: section in the docstring of {obj!r}")
    return {k: _inline(v) for k, v in items.items()}


def attribute_comment(module, name: str) -> str:
    """The ``#:`` comment lines just above ``name = ...`` in ``module``'s source."""
    lines = inspect.getsource(module).splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"{name} ="):
            start = i
            while start > 0 and lines[start - 1].lstrip().startswith("#:"):
                start -= 1
            if start < i:
                return _inline(" ".join(l.lstrip()[2:].strip() for l in lines[start:i]))
    raise LookupError(f"no '#:' comment above {name} in {module.__name__}")


# --- evaluating examples -----------------------------------------------------------

_NAMESPACE = {name: getattr(reference, name) for name in reference.__all__}


def _eval(code: str):
    return eval(code, dict(_NAMESPACE))


def law_of(code: str) -> str:
    return _eval(code).formula


def error_of(code: str) -> str:
    """The ``ValueError`` message of ``code``; fails if ``code`` does not raise one."""
    try:
        _eval(code)
    except ValueError as error:
        message = str(error)
        return message if len(message) <= 200 else message[:197] + "..."
    raise AssertionError(f"spec page example {code!r} was expected to raise ValueError")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """``text`` as inline code, with a fence long enough for backticks inside."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def signature(obj) -> str:
    """``Name(arg=default, ...)``, without the keyword-only ``edition``."""
    sig = inspect.signature(obj)
    params = [
        p.replace(annotation=inspect.Parameter.empty)
        for p in sig.parameters.values()
        if p.name != "edition"
    ]
    sig = sig.replace(parameters=params, return_annotation=inspect.Signature.empty)
    return f"{obj.__name__}{sig}"


def _anchor(title: str) -> str:
    """GitHub's heading anchor for ``title``."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return "#" + slug.replace(" ", "-")


# --- the page's sections ------------------------------------------------------------


def _objects() -> dict[str, object]:
    return {
        name: (registry.CLASSES.get(name) or registry.FUNCTIONS.get(name) or getattr(base, name))
        for name in SEED_PAGE_NAMES
    }


def _initializer_section(name: str, obj) -> list[str]:
    out = [f"## `{name}`", "", f"```python\n{signature(obj)}\n```", ""]
    if name in PRESETS:
        preset = PRESETS[name]
        out += [
            f"**Law:** {preset.law}; that is "
            f"`VarianceScaling(scale={preset.scale}, mode={preset.mode!r}, "
            f"distribution={preset.distribution!r}, seed=seed)`.",
            "",
            f"**Reference:** {preset.reference}.",
            "",
        ]
    else:
        out += [doc_to_markdown(_doc(obj)), ""]
    kind = (
        "random: takes a `seed`, floating dtypes only"
        if (name in PRESETS or issubclass(obj, base.RandomInitializer))
        else "deterministic: floating and integer dtypes"
        if issubclass(obj, base.DeterministicInitializer)
        else "abstract"
    )
    out += [f"**Kind:** {kind}.", ""]
    examples = EXAMPLES[name]
    if examples["laws"]:
        out += ["**Exact law, on example shapes:**", "", "| call | law |", "|---|---|"]
        out += [f"| {_code(code)} | {_cell(law_of(code))} |" for code in examples["laws"]]
        out.append("")
    if examples["errors"]:
        out += ["**Errors** (all `ValueError`):", "", "| call | message |", "|---|---|"]
        out += [f"| {_code(code)} | {_cell(error_of(code))} |" for code in examples["errors"]]
        out.append("")
    return out


def _fans_section() -> list[str]:
    out = [
        "## Fans",
        "",
        "`fans(shape)`: " + doc_to_markdown(_paragraphs(_doc(fans_module.fans))[0]),
        "",
        "| rank | shape | fan_in | fan_out | rule |",
        "|---|---|---|---|---|",
    ]
    rules = {0: "both 1", 1: "both `n`", 2: "`shape[0]`, `shape[1]`"}
    for shape in FANS_SHAPES:
        fan_in, fan_out = fans_module.fans(shape)
        rule = rules.get(len(shape), "`shape[-2]·prod(shape[:-2])`, `shape[-1]·prod(shape[:-2])`")
        if 0 in shape:
            rule += "; at least 1"
        out.append(f"| {len(shape)} | `{shape}` | {fan_in} | {fan_out} | {rule} |")
    out += [
        "",
        excerpt(fans_module.fans, "``prod(shape[:-2])``"),
        "",
        excerpt(fans_module.fans, "Decision"),
        "",
    ]
    return out


def _identifiers_section() -> list[str]:
    keras2 = registry.identifiers(DEFAULT_EDITION)
    out = [
        "## String identifiers and aliases",
        "",
        _inline(_unwrap(_paragraphs(_doc(registry.get))[0])),
        "",
        doc_to_markdown(_paragraphs(_doc(registry.get))[1]),
        "",
        "| seed-page name | identifiers (every edition) | added by later editions |",
        "|---|---|---|",
    ]
    for name in SEED_PAGE_NAMES[1:]:
        own = sorted((i for i, n in keras2.items() if n == name), key=lambda i: (i != name, i))
        extra = [
            f"{_code(i)} ({e.name})"
            for e in EDITIONS.values()
            if e is not DEFAULT_EDITION
            for i, n in e.extra_aliases.items()
            if n == name
        ]
        out.append(f"| `{name}` | {', '.join(map(_code, own))} | {', '.join(extra) or '—'} |")
    out += ["", "**Errors** (all `ValueError`):", "", "| call | message |", "|---|---|"]
    out += [f"| {_code(code)} | {_cell(error_of(code))} |" for code in IDENTIFIER_ERRORS]
    out.append("")
    return out


def _truncation_derivation() -> list[str]:
    c = laws.TRUNCATION_WIDTH
    phi = math.exp(-c * c / 2) / math.sqrt(2 * math.pi)
    z = math.erf(c / math.sqrt(2))  # Φ(c) - Φ(-c)
    var = 1 - 2 * c * phi / z
    return [
        "Derivation. For X ~ N(0, 1) conditioned on |X| <= c, integrating by parts, "
        "E[X²] = 1 - 2·c·φ(c) / (Φ(c) - Φ(-c)). With c = "
        f"{c:g}: φ(2) = {phi:.10f}, Φ(2) - Φ(-2) = {z:.10f}, E[X²] = {var:.10f}, "
        f"so std = sqrt(E[X²]) = {math.sqrt(var):.10f}. The reference's constant is "
        f"`TRUNCATED_NORMAL_STD_FACTOR = {laws.TRUNCATED_NORMAL_STD_FACTOR!r}`, and a "
        f"`TruncatedNormal(stddev=s)` output has std {laws.TRUNCATED_NORMAL_STD_FACTOR!r}·s "
        f"on the support mean ± {c:g}·s.",
    ]


def _decisions_section() -> list[str]:
    vs_errors = [
        "VarianceScaling(scale=0)",
        "VarianceScaling(scale=-1)",
        "VarianceScaling(scale=True)",
        "VarianceScaling(mode='fan_mid')",
        "VarianceScaling(distribution='gaussian')",
    ]
    decisions = [
        (
            "Truncated normal: redraw, and the 0.8796 factor",
            [
                excerpt(TruncatedNormal, "Values drawn beyond"),
                excerpt(laws.TruncatedNormal.sample, "Draw from the parent normal"),
                attribute_comment(laws, "TRUNCATED_NORMAL_STD_FACTOR"),
                *_truncation_derivation(),
            ],
        ),
        (
            'VarianceScaling with `distribution="normal"`: the output std is sqrt(scale / n)',
            [
                excerpt(VarianceScaling, '``distribution="normal"``'),
                excerpt(VarianceScaling, '``distribution="uniform"``'),
            ],
        ),
        (
            "Fans for every rank",
            [
                excerpt(fans_module.fans, "Decision"),
                "Ranks 0 and 1: both fans are 1, respectively `n`; rank 2: `(in, out)`; rank ≥ 3: "
                "`in` and `out` times the receptive field `prod(shape[:-2])`; every fan is at least 1 "
                f"(see [Fans]({_anchor('Fans')})).",
            ],
        ),
        (
            'RandomUniform: half-open interval, and the "lower bound" typo',
            [excerpt(RandomUniform, "Decision: the interval")],
        ),
        ("Identity on non-square shapes", [excerpt(Identity, "Seed page")]),
        (
            "VarianceScaling raises ValueError",
            [
                "Raises: "
                + "; ".join(
                    f"`{k}`: {v}" for k, v in section_items(VarianceScaling, "Raises").items()
                ),
                *[f"- {_code(code)} → {error_of(code)}" for code in vs_errors],
            ],
        ),
        (
            "Integer dtypes for random initializers",
            [
                excerpt(base, "dtype:"),
                excerpt(base, "Draws are made"),
                f"- {_code('he_normal()((3, 3), ' + repr('int32') + ')')} → "
                f"{error_of('he_normal()((3, 3), ' + repr('int32') + ')')}",
            ],
        ),
        (
            "Orthogonal on shapes of rank < 2, and the Haar sign fix",
            [
                excerpt(Orthogonal, "Decision"),
                excerpt(laws.HaarOrthogonal.sample, "Without the sign fix"),
            ],
        ),
        ("Seeds", [excerpt(base, "Seeds:")]),
        (
            "What a conforming implementation may do at a bound",
            [
                excerpt(rounding, "Decision"),
                excerpt(rounding, "round across"),
                excerpt(rounding, "put an atom"),
                excerpt(rounding, "Anything more"),
            ],
        ),
        (
            "Invalid configurations",
            [
                "An unknown keyword in a config (`get`, `deserialize`, `make`, `from_config`) is an "
                "invalid configuration and raises `ValueError`, not `TypeError`.",
                f"- {_code(IDENTIFIER_ERRORS[4])} → {error_of(IDENTIFIER_ERRORS[4])}",
            ],
        ),
        (
            "The law of an output in a 16-bit dtype",
            [excerpt(dtypes, "The seed page's laws"), excerpt(dtypes, "Decision")],
        ),
        (
            "Edge values: empty shapes, zero spreads, overflow, signed zeros, the largest seed",
            [
                excerpt(base, "Empty shapes:"),
                excerpt(RandomNormal, "Decision"),
                excerpt(TruncatedNormal, "Decision"),
                excerpt(RandomUniform, "Decision: ``minval == maxval``"),
                excerpt(Orthogonal, "Decision: a shape of rank >= 2"),
                excerpt(Constant, "Decision"),
                excerpt(base, "Signed zeros:"),
                "The largest seed: see decision 9 (`MAX_SEED` = 2^32 - 1).",
            ],
        ),
        (
            "How orthonormal an Orthogonal output must be",
            [
                excerpt(rounding.orthonormality_tolerance, "How far"),
                excerpt(rounding.orthonormality_tolerance, "Decision"),
            ],
        ),
        (
            "Unseeded draws and the framework's global generator",
            [
                excerpt(base.RandomInitializer, "Unseeded draws and the global generator:"),
                excerpt(base.RandomInitializer, "Decision"),
            ],
        ),
    ]
    out = [
        "## Decisions on ambiguities of the seed page",
        "",
        "Where the seed page is silent, ambiguous or wrong, the reference decides; each "
        "decision below is quoted from the reference's docstrings.",
        "",
    ]
    for i, (title, paragraphs) in enumerate(decisions, 1):
        out += [f"### {i}. {title}", ""]
        for j, paragraph in enumerate(paragraphs):
            if j and paragraph.startswith("- ") and paragraphs[j - 1].startswith("- "):
                out.pop()  # consecutive list items: no blank line between them
            out += [paragraph, ""]
    return out


def _format_value(value) -> str:
    if isinstance(value, dict) or hasattr(value, "items"):
        return ", ".join(f"`{k}` → `{v}`" for k, v in value.items()) or "(none)"
    return f"`{value!r}`"


def _editions_section() -> list[str]:
    descriptions = section_items(Edition, "Attributes")
    out = [
        "## Editions",
        "",
        _inline(_unwrap(_paragraphs(_doc(editions))[1])),
        "",
        "| edition | title |",
        "|---|---|",
    ]
    out += [f"| `{e.name}` | {e.title} |" for e in EDITIONS.values()]
    out.append("")
    skip = {"name", "title", "citations"}
    for edition in EDITIONS.values():
        if edition is DEFAULT_EDITION:
            continue
        out += [f"### `{edition.name}`: what differs from `{DEFAULT_EDITION.name}`", ""]
        for field in dataclasses.fields(Edition):
            if field.name in skip:
                continue
            ours, theirs = getattr(edition, field.name), getattr(DEFAULT_EDITION, field.name)
            if ours == theirs:
                continue
            if field.name not in edition.citations:
                raise LookupError(
                    f"edition {edition.name}: field {field.name} differs but has no citation"
                )
            out += [
                f"- **`{field.name}`**: {descriptions[field.name]}",
                f"  - `{DEFAULT_EDITION.name}`: {_format_value(theirs)}",
                f"  - `{edition.name}`: {_format_value(ours)}",
                f"  - Source: {edition.citations[field.name]}",
            ]
        out.append("")
    return out


def _laws_section() -> list[str]:
    paragraphs = _paragraphs(_doc(laws))
    return ["## Laws", "", *[doc_to_markdown(p) + "\n" for p in paragraphs[1:]]]


def render() -> str:
    """The whole page, as Markdown."""
    objects = _objects()
    intro = _paragraphs(_doc(reference))[0]
    contract = _paragraphs(_doc(base))[1]
    out = [
        "# Initializers: the reference spec",
        "",
        "<!-- Generated from reference/ by `python -m initializer_conformance.reference.spec_page`. Do not edit by hand. -->",
        "",
        _inline(_unwrap(intro)),
        "",
        'The seed of this spec is the Keras 2 "Initializers" page (Chinese translation of the '
        "Keras 2 documentation). This page is generated from the reference implementation in "
        "`reference/`; where the seed page is ambiguous, the decisions taken are listed in "
        f"[Decisions on ambiguities of the seed page]"
        f"({_anchor('Decisions on ambiguities of the seed page')}).",
        "",
        "**Contract.** " + _inline(_unwrap(contract)),
        "",
        "## Contents",
        "",
        *[f"- [`{name}`]({_anchor(name)})" for name in SEED_PAGE_NAMES],
        *[
            f"- [{title}]({_anchor(title)})"
            for title in (
                "Laws",
                "Fans",
                "String identifiers and aliases",
                "Decisions on ambiguities of the seed page",
                "Editions",
            )
        ],
        "",
        "## Summary",
        "",
        "| initializer | signature | law of one entry / of the output |",
        "|---|---|---|",
    ]
    for name, obj in objects.items():
        if name in PRESETS:
            summary = PRESETS[name].law
        else:
            summary = _unwrap(_paragraphs(_doc(obj))[0])
        out.append(
            f"| [`{name}`]({_anchor(name)}) | `{signature(obj)}` | {_cell(_inline(summary))} |"
        )
    out.append("")
    out += _laws_section()
    for name, obj in objects.items():
        out += _initializer_section(name, obj)
    out += _fans_section()
    out += _identifiers_section()
    out += _decisions_section()
    out += _editions_section()
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    page = render()
    if argv == ["--check"]:
        current = SPEC_PATH.read_text(encoding="utf-8") if SPEC_PATH.exists() else ""
        if current != page:
            print(
                f"{SPEC_PATH} is out of date: run `python -m initializer_conformance.reference.spec_page`",
                file=sys.stderr,
            )
            return 1
        return 0
    if argv:
        print(
            "usage: python -m initializer_conformance.reference.spec_page [--check]",
            file=sys.stderr,
        )
        return 2
    SPEC_PATH.write_text(page, encoding="utf-8", newline="\n")
    print(f"wrote {SPEC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
