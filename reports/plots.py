"""Plots of a finding (matplotlib, Agg canvas): PNG images as ``data:`` URIs for the page.

A failing check gets two panels: the histogram of all its sample values (as a
density) over the spec law's density, and a Q-Q plot of the kept sample values
(order statistics, see :func:`conformance.record.findings`) against the exact
law's quantiles. A passing one gets a small histogram over the density.
The law is rebuilt from the finding (its type and parameters; else, from the spec
call ``reference.make(identifier, config, edition).law(shape)``).
"""

from __future__ import annotations

import base64
import io

import numpy as np

COLORS = {"observed": "#4c72b0", "spec": "#c62828", "bound": "#777777"}


def law_of(finding: dict):
    """The element-wise law of ``finding`` (None if it has none)."""
    from initializer_conformance.reference import laws

    data = finding.get("law") or {}
    kinds = {"Normal": ("loc", "scale"), "Uniform": ("low", "high"),
             "TruncatedNormal": ("loc", "scale")}
    params = data.get("params", {})
    if data.get("type") in kinds and all(k in params for k in kinds[data["type"]]):
        return getattr(laws, data["type"])(*(float(params[k]) for k in kinds[data["type"]]))
    if "identifier" in data:
        try:
            from initializer_conformance import reference

            law = reference.make(data["identifier"], data.get("config", {}),
                                 data.get("edition")).law(tuple(data["shape"]))
        except Exception:
            return None
        return law if isinstance(law, laws.ElementwiseLaw) else None
    return None


def plottable(finding: dict) -> bool:
    sample = finding.get("sample")
    return bool(sample and sample.get("values") and sample.get("histogram")
                and law_of(finding) is not None)


def _figure(width: float, height: float, dpi: int, panels: int):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, panels)
    return fig, np.atleast_1d(axes)


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _style(ax, small: bool) -> None:
    ax.tick_params(labelsize=6 if small else 7)
    ax.locator_params(axis="x", nbins=4 if small else 6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _histogram(ax, finding: dict, law, small: bool) -> None:
    sample = finding["sample"]
    edges = np.asarray(sample["histogram"]["edges"], dtype=float)
    counts = np.asarray(sample["histogram"]["counts"], dtype=float)
    density = counts / max(counts.sum(), 1.0) / np.diff(edges)
    ax.stairs(density, edges, fill=True, color=COLORS["observed"], alpha=0.45,
              label=f"observed (n={sample['n']:,})")
    lo, hi = law.dist.ppf([0.0005, 0.9995])
    x = np.linspace(min(edges[0], lo), max(edges[-1], hi), 400)
    ax.plot(x, law.dist.pdf(x), color=COLORS["spec"], lw=1.2, label="spec law")
    for bound in law.support:
        if np.isfinite(bound):
            ax.axvline(bound, color=COLORS["bound"], lw=0.8, ls="--")
    _style(ax, small)
    if not small:
        ax.set_title("histogram over the spec's density", fontsize=8)
        ax.legend(fontsize=6, frameon=False, loc="upper right")
    ax.set_yticks([])


def _qq(ax, finding: dict, law) -> None:
    sample = finding["sample"]
    values = np.asarray(sample["values"], dtype=float)
    n, k = sample["n"], values.size
    ranks = np.round(np.linspace(0, n - 1, k))
    theoretical = law.dist.ppf((ranks + 0.5) / n)
    ax.plot(theoretical, values, ".", ms=2, color=COLORS["observed"], label="sample")
    lo = min(theoretical.min(), values.min())
    hi = max(theoretical.max(), values.max())
    ax.plot([lo, hi], [lo, hi], color=COLORS["spec"], lw=1, label="y = x (the spec)")
    ax.set_xlabel("quantile of the spec law", fontsize=7)
    ax.set_ylabel("observed quantile", fontsize=7)
    ax.set_title("Q-Q plot against the exact law", fontsize=8)
    ax.legend(fontsize=6, frameon=False, loc="upper left")
    _style(ax, False)


def failure_plot(finding: dict) -> str | None:
    """Histogram over the density, and Q-Q plot, as a PNG ``data:`` URI (or None)."""
    law = law_of(finding)
    if law is None or not plottable(finding):
        return None
    fig, (left, right) = _figure(8.0, 2.7, 80, 2)
    _histogram(left, finding, law, small=False)
    _qq(right, finding, law)
    fig.subplots_adjust(left=0.02, right=0.985, bottom=0.17, top=0.9, wspace=0.2)
    return _png(fig)


def pass_plot(finding: dict) -> str | None:
    """A small histogram over the density, as a PNG ``data:`` URI (or None)."""
    law = law_of(finding)
    if law is None or not plottable(finding):
        return None
    fig, (ax,) = _figure(2.6, 1.45, 72, 1)
    _histogram(ax, finding, law, small=True)
    fig.subplots_adjust(left=0.03, right=0.97, bottom=0.17, top=0.97)
    return _png(fig)
