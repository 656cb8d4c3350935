"""Plots of a finding (matplotlib): SVG images as ``data:`` URIs for the page.

A failing check gets two panels. Left, the sample against the spec law: for a large
sample (n >= :data:`SMALL`) the histogram of all its values (as a density) over the
spec's density; for a small one its ECDF over the spec's CDF (a 60-bin histogram of a
few hundred values is noise). Drawn on both: the law of the first likely cause the
diagnosis fitted (dashed), the spec's bounds, and point masses (values repeated many
times, e.g. clipping at a bound) as stems with their share of the sample. Right, a Q-Q
plot of the kept sample values (order statistics, see
:func:`conformance.record.findings`) against the spec law's quantiles, with the fitted
law's Q-Q curve. A passing check gets one small panel (histogram or ECDF).

The law is rebuilt from the finding (its type and parameters; else, from the spec
call ``reference.make(identifier, config, edition).law(shape)``); the fitted law from the
diagnosis' candidates for the same case. Text stays text in the SVG (legible at any
zoom, searchable); the output is deterministic (no date, fixed ids).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import numpy as np

COLORS = {
    "observed": "#4c72b0",
    "spec": "#c62828",
    "fitted": "#e08a00",
    "bound": "#777777",
    "mass": "#6a1b9a",
}
#: Below this many values, the left panel is an ECDF, not a histogram.
SMALL = 1000
#: At most this many points in a Q-Q plot (evenly spread over the kept order statistics).
QQ_POINTS = 200
_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "initializer-conformance",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "legend.fontsize": 8,
    "path.simplify": True,
}


def law_of(finding: dict):
    """The element-wise law of ``finding`` (None if it has none)."""
    from initializer_conformance.reference import laws

    data = finding.get("law") or {}
    kinds = {
        "Normal": ("loc", "scale"),
        "Uniform": ("low", "high"),
        "TruncatedNormal": ("loc", "scale"),
    }
    params = data.get("params", {})
    if data.get("type") in kinds and all(k in params for k in kinds[data["type"]]):
        return getattr(laws, data["type"])(*(float(params[k]) for k in kinds[data["type"]]))
    if "identifier" in data:
        try:
            from initializer_conformance import reference

            law = reference.make(
                data["identifier"], data.get("config", {}), data.get("edition")
            ).law(tuple(data["shape"]))
        except Exception:
            return None
        return law if isinstance(law, laws.ElementwiseLaw) else None
    return None


def fitted_law(finding: dict):
    """``(cause, law)``: the first likely cause of ``finding`` the sample was fitted to
    (its bug's key in ``finding["bugs"]``) and that bug's law for the finding's case, or
    None."""
    fitted = [b for b in finding.get("bugs") or () if b.get("p") is not None]
    case = finding.get("case") or {}
    if not fitted or not case.get("identifier"):
        return None
    from initializer_conformance import reference
    from initializer_conformance.reference.bugs import BUGS

    bug = BUGS.get(fitted[0]["bug"])
    if bug is None or bug.law is None:  # results of another version's catalogue
        return None
    edition = (finding.get("law") or {}).get("edition")
    init = reference.make(case["identifier"], case.get("config") or {}, edition)
    law = bug.law(init, tuple(case.get("shape") or ()))
    return (bug.cause, law) if law is not None else None


def plottable(finding: dict) -> bool:
    sample = finding.get("sample")
    return bool(
        sample and sample.get("values") and sample.get("histogram") and law_of(finding) is not None
    )


def _figure(width: float, height: float, panels: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, panels)
    return fig, np.atleast_1d(axes)


def _svg(fig) -> str:
    import io

    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # no XML declaration or doctype
    text = re.sub(r">\s+<", "><", text)
    text = re.sub(
        r' d="[^"]*"',
        lambda m: re.sub(r"(\d\.\d)\d+", r"\1", " " + " ".join(m.group(0).split())),
        text,
    )  # a tenth of a point is plenty
    return "data:image/svg+xml," + quote(text, safe=" =:/,;()'!*~@+?&-._\"<>[]{}")


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def point_masses(finding: dict, law, limit: int = 3) -> list[tuple[float, float]]:
    """``(value, share)`` of values that repeat far more than a continuous law allows
    (at least 0.5 % of the kept order statistics, and 3 of them), largest first."""
    values = np.asarray(finding["sample"]["values"], dtype=float)
    if values.size < 20:
        return []
    unique, counts = np.unique(values, return_counts=True)
    share = counts / values.size
    heavy = np.flatnonzero((counts >= 3) & (share >= 0.005))
    order = heavy[np.argsort(-share[heavy])][:limit]
    return [(float(unique[i]), float(share[i])) for i in order]


def _left(ax, finding: dict, law, fitted, small: bool) -> None:
    sample = finding["sample"]
    n = sample["n"]
    values = np.asarray(sample["values"], dtype=float)
    lo, hi = law.dist.ppf([0.0005, 0.9995])
    lo, hi = min(lo, values[0]), max(hi, values[-1])
    pad = 0.03 * (hi - lo or 1.0)
    x = np.linspace(lo - pad, hi + pad, 240)
    ecdf = n < SMALL
    if ecdf:
        ranks = np.round(np.linspace(0, n - 1, values.size))
        ax.step(
            values,
            (ranks + 1) / n,
            where="post",
            color=COLORS["observed"],
            lw=1.4,
            label=f"sample ECDF (n={n:,})",
        )
        ax.plot(x, law.dist.cdf(x), color=COLORS["spec"], lw=1.2, label="spec CDF")
        if fitted is not None:
            ax.plot(
                x,
                fitted[1].dist.cdf(x),
                color=COLORS["fitted"],
                lw=1.3,
                ls="--",
                label="likely cause (fitted)",
            )
        ax.set_ylim(0, 1.02)
        if small:
            ax.text(
                0.02,
                0.97,
                "ECDF",
                transform=ax.transAxes,
                va="top",
                fontsize=8,
                color=COLORS["observed"],
            )
    else:
        edges = np.asarray(sample["histogram"]["edges"], dtype=float)
        counts = np.asarray(sample["histogram"]["counts"], dtype=float)
        density = counts / max(counts.sum(), 1.0) / np.diff(edges)
        ax.stairs(
            density,
            edges,
            fill=True,
            color=COLORS["observed"],
            alpha=0.4,
            label=f"observed (n={n:,})",
        )
        ax.plot(x, law.dist.pdf(x), color=COLORS["spec"], lw=1.2, label="spec density")
        if fitted is not None:
            ax.plot(
                x,
                fitted[1].dist.pdf(x),
                color=COLORS["fitted"],
                lw=1.3,
                ls="--",
                label="likely cause (fitted)",
            )
        ax.set_ylim(0, max(density.max(), law.dist.pdf(x).max()) * 1.25)
        ax.set_yticks([])
    for bound in law.support:
        if np.isfinite(bound):
            ax.axvline(bound, color=COLORS["bound"], lw=0.8, ls=":")
    top = ax.get_ylim()[1]
    for value, share in point_masses(finding, law):
        ax.vlines(value, 0, top * 0.82, color=COLORS["mass"], lw=2.2)
        ax.plot([value], [top * 0.82], "v", color=COLORS["mass"], ms=6)
        ax.annotate(
            f"{share:.1%} at {value:.4g}",
            (value, top * 0.84),
            fontsize=8,
            color=COLORS["mass"],
            ha="center",
            va="bottom",
        )
    outside = values[(values < law.support[0]) | (values > law.support[1])]
    if outside.size:  # a rug, as one path (markers cost 100 bytes each in an SVG)
        ticks = np.unique(outside)
        ticks = ticks[
            np.unique(np.round(np.linspace(0, ticks.size - 1, min(ticks.size, 150))).astype(int))
        ]
        xs = np.repeat(ticks, 3)
        ys = np.tile([0.0, top * 0.06, np.nan], ticks.size)
        xs[2::3] = np.nan
        share = outside.size / values.size
        ax.plot(
            xs, ys, color=COLORS["spec"], lw=0.9, label=f"out of bounds ({share:.1%} of the sample)"
        )
    ax.locator_params(axis="x", nbins=4 if small else 6)
    _style(ax)
    if not small:
        ax.set_title(
            "sample ECDF over the spec's CDF" if ecdf else "histogram over the spec's density"
        )
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0.0, -0.16), ncol=2)


def _qq(ax, finding: dict, law, fitted) -> None:
    sample = finding["sample"]
    values = np.asarray(sample["values"], dtype=float)
    n, k = sample["n"], values.size
    pick = np.unique(np.round(np.linspace(0, k - 1, min(k, QQ_POINTS))).astype(int))
    ranks = np.round(np.linspace(0, n - 1, k))[pick]
    p = (ranks + 0.5) / n
    theoretical, observed = law.dist.ppf(p), values[pick]
    ax.plot(
        theoretical,
        observed,
        "-",
        lw=2.2,
        color=COLORS["observed"],
        alpha=0.85,
        label="sample quantiles",
    )  # a line: one path, where markers cost 100 bytes each
    lo = min(theoretical.min(), observed.min())
    hi = max(theoretical.max(), observed.max())
    ax.plot([lo, hi], [lo, hi], color=COLORS["spec"], lw=1.1, label="y = x (the spec)")
    if fitted is not None:
        grid = np.linspace(0.001, 0.999, 120)
        ax.plot(
            law.dist.ppf(grid),
            fitted[1].dist.ppf(grid),
            color=COLORS["fitted"],
            lw=1.3,
            ls="--",
            label="likely cause (fitted)",
        )
    ax.set_xlabel("quantile of the spec law")
    ax.set_ylabel("observed quantile")
    ax.set_title("Q-Q plot against the exact law")
    ax.legend(frameon=False, loc="upper left")
    ax.locator_params(nbins=5)
    _style(ax)


def failure_plot(finding: dict) -> str | None:
    """Sample vs law (histogram or ECDF), and Q-Q plot, as an SVG ``data:`` URI (or None)."""
    law = law_of(finding)
    if law is None or not plottable(finding):
        return None
    import matplotlib

    fitted = fitted_law(finding)
    with matplotlib.rc_context(_RC):
        fig, (left, right) = _figure(8.4, 3.3, 2)
        _left(left, finding, law, fitted, small=False)
        _qq(right, finding, law, fitted)
        fig.subplots_adjust(left=0.03, right=0.985, bottom=0.3, top=0.91, wspace=0.22)
        return _svg(fig)


def pass_plot(finding: dict) -> str | None:
    """A small histogram over the density (ECDF for a small sample), as an SVG URI."""
    law = law_of(finding)
    if law is None or not plottable(finding):
        return None
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig, (ax,) = _figure(3.0, 1.6, 1)
        _left(ax, finding, law, None, small=True)
        fig.subplots_adjust(left=0.05, right=0.97, bottom=0.2, top=0.96)
        return _svg(fig)
