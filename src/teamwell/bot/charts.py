"""Draw a Chart block as a PNG line chart, the same bytes every time for the same chart."""

from __future__ import annotations

import io
import math
import threading

from teamwell.core.messages import Chart

WIDTH_PX, HEIGHT_PX, DPI = 800, 400, 100
# Okabe-Ito: told apart with every common kind of colour blindness (and each line has its
# own marker too, for greyscale and the rest).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
           "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
MAX_TICK_LABELS = 16
NO_DATA = "No figures yet"

# Matplotlib shares font caches between figures and is not thread-safe: the sender renders in
# worker threads, one chart at a time.
_LOCK = threading.Lock()


def render_png(chart: Chart) -> bytes:
    """The chart as an 800x400 PNG: one line per series, gaps where a week has no figure."""
    # Imported here so that matplotlib (slow to import) only loads in processes that draw.
    # The object-oriented API with the Agg canvas needs no pyplot, display or global backend.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _LOCK:
        fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        x = list(range(len(chart.x_labels)))
        drawn = False
        for i, series in enumerate(chart.series):
            # NaN breaks the line, so a week without a figure shows as a gap, not as a zero.
            y = [math.nan if v is None else float(v) for v in series.values]
            ax.plot(x, y, color=PALETTE[i % len(PALETTE)], marker=MARKERS[i % len(MARKERS)],
                    linewidth=2, markersize=6, label=series.name)
            drawn = drawn or any(v is not None for v in series.values)
        if not drawn:
            ax.text(0.5, 0.5, NO_DATA, transform=ax.transAxes, ha="center", va="center",
                    color="#666666", fontsize=12)
        ax.set_title(chart.title, loc="left", fontsize=13, fontweight="bold")
        ax.set_ylim(chart.y_min, chart.y_max)
        if x:
            # A long history would crowd its labels: show every n-th so they stay readable.
            step = max(1, math.ceil(len(x) / MAX_TICK_LABELS))
            ax.set_xticks(x[::step], chart.x_labels[::step], fontsize=9)
            ax.set_xlim(-0.5, len(x) - 0.5)
        else:
            ax.set_xticks([])
        ax.grid(axis="y", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if chart.series:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)
        out = io.BytesIO()
        # No Software entry (it names the matplotlib version), so only the chart decides the
        # bytes; PNG output carries no timestamp otherwise.
        fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def render_compact_png(chart: Chart, colors: int = 32) -> bytes:
    """The same chart with a 32-colour palette: about a quarter of the bytes, small enough to
    travel inside a Teams card as a data URI (cards are capped at about 28 KB)."""
    from PIL import Image  # matplotlib's own dependency

    with Image.open(io.BytesIO(render_png(chart))) as drawn:
        # Median cut is deterministic, so the same chart still gives the same bytes.
        small = drawn.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
    return out.getvalue()
