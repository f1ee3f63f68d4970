"""Charts as SVG, drawn with matplotlib's object-oriented Figure API (no pyplot: it keeps
global state and is not safe in a server).

Text stays text (screen magnifiers and zoom keep it sharp), ids are stable (a fixed hash
salt), numbers follow the page's language, and colours are told apart by shape and pattern
too. Every chart is served beside a data table with the same numbers: the table is the
accessible version.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import matplotlib
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from barometer.formatting import format_number

# Colours with at least 4.5:1 contrast against white.
NAVY = "#0b5394"
ORANGE = "#a34700"
BLACK = "#111111"
GREY = "#4d4d4d"

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "innovasjonsbarometeret",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.edgecolor": GREY,
    "axes.labelcolor": "#111111",
    "xtick.color": "#111111",
    "ytick.color": "#111111",
    "svg.image_inline": True,
}


@dataclass(frozen=True)
class ShareBar:
    label: str
    value: float | None  # 0-1, None when hidden
    low: float | None
    high: float | None
    peer: float | None = None  # the workplace's own type, 0-1
    published: float | None = None  # published Norwegian figure, 0-1


def _render(figure: Figure, title: str, image_format: str) -> str | bytes:
    """SVG text for the web page; PNG bytes for the PDF (whose SVG support lacks text)."""
    with matplotlib.rc_context(RC):
        if image_format == "png":
            binary = io.BytesIO()
            figure.savefig(binary, format="png", dpi=150, bbox_inches="tight")
            return binary.getvalue()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Title": title, "Date": None})
    # Drop the XML prologue and DOCTYPE so the file is a plain SVG document.
    svg = re.sub(r"^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", "", buffer.getvalue(), flags=re.S)
    return without_inline_styles(svg)


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)


def without_inline_styles(svg: str) -> str:
    """The SVG with every ``style`` attribute turned into presentation attributes
    (``fill="#111111"``) and its ``<style>`` element's defaults moved onto the root.

    The site's content security policy (``style-src 'self'``) blocks inline styles, so a
    chart opened by its own address would lose its colours and fonts (black on black);
    presentation attributes are not styles and are always applied. Every property
    matplotlib writes (fill, stroke, stroke-*, font-*, text-anchor, opacity) is one.
    """

    def attributes(match: re.Match) -> str:
        pairs = [part.split(":", 1) for part in match.group(1).split(";") if ":" in part]
        return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)

    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(attributes, svg)
    return svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)


def _wrap(label: str, width: int = 38) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def shares_chart(
    bars: list[ShareBar],
    *,
    title: str,
    national_label: str,
    peer_label: str,
    published_label: str,
    hidden_label: str,
    image_format: str = "svg",
) -> str | bytes:
    """Horizontal bars: the national share with its interval, a diamond for the peer group
    and a vertical tick for the published Norwegian figure."""
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(8, 0.55 * len(bars) + 1.4))
        axes = figure.subplots()
        positions = list(range(len(bars)))[::-1]
        for y, bar in zip(positions, bars, strict=True):
            if bar.value is None:
                axes.text(0.01, y, hidden_label, va="center", ha="left", color=GREY, fontstyle="italic")
                continue
            axes.barh(y, bar.value * 100, color=NAVY, height=0.55)
            if bar.low is not None and bar.high is not None:
                axes.errorbar(
                    bar.value * 100,
                    y,
                    xerr=[[max(0.0, bar.value - bar.low) * 100], [max(0.0, bar.high - bar.value) * 100]],
                    fmt="none",
                    ecolor="#111111",
                    capsize=3,
                    linewidth=1,
                )
            if bar.peer is not None:
                axes.plot(
                    bar.peer * 100,
                    y,
                    marker="D",
                    markersize=7,
                    color=ORANGE,
                    markeredgecolor="white",
                    linestyle="none",
                )
            if bar.published is not None:
                axes.plot(
                    bar.published * 100,
                    y,
                    marker="|",
                    markersize=16,
                    markeredgewidth=3,
                    color=BLACK,
                    linestyle="none",
                    path_effects=[patheffects.withStroke(linewidth=6, foreground="white")],
                )
        axes.set_yticks(positions, [_wrap(bar.label) for bar in bars])
        axes.set_xlim(0, 100)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: f"{format_number(value, 0)} %"))
        axes.grid(axis="x", color="#d9d9d9", linewidth=0.8)
        axes.set_axisbelow(True)
        axes.spines[["top", "right"]].set_visible(False)
        handles = [Patch(color=NAVY, label=national_label)]
        if peer_label:
            handles.append(Line2D([], [], marker="D", color=ORANGE, linestyle="none", label=peer_label))
        handles += [
            Line2D(
                [],
                [],
                marker="|",
                markersize=12,
                markeredgewidth=3,
                color=BLACK,
                linestyle="none",
                label=published_label,
            ),
        ]
        axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=3, frameon=False)
        axes.set_title(title, loc="left", fontsize=11, fontweight="bold")
        return _render(figure, title, image_format)


def scores_chart(
    labels: list[str], values: list[float | None], *, title: str, hidden_label: str, image_format: str = "svg"
) -> str | bytes:
    """Horizontal bars for index scores (0-100); the first bar is the workplace's own."""
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(8, 0.5 * len(labels) + 1.0))
        axes = figure.subplots()
        positions = list(range(len(labels)))[::-1]
        for index, (y, value) in enumerate(zip(positions, values, strict=True)):
            if value is None:
                axes.text(1, y, hidden_label, va="center", ha="left", color=GREY, fontstyle="italic")
                continue
            own = index == 0
            axes.barh(
                y, value, color=ORANGE if own else NAVY, hatch="//" if own else "", edgecolor="white", height=0.55
            )
            axes.text(value + 1, y, format_number(value, 0), va="center", ha="left", color="#111111")
        axes.set_yticks(positions, [_wrap(label) for label in labels])
        axes.set_xlim(0, 105)
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_number(value, 0)))
        axes.grid(axis="x", color="#d9d9d9", linewidth=0.8)
        axes.set_axisbelow(True)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(title, loc="left", fontsize=11, fontweight="bold")
        return _render(figure, title, image_format)


def daily_chart(days: list[tuple[object, int]], *, title: str, empty_label: str) -> str:
    """Submissions per day as bars, dates on the x axis."""
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(8, 3))
        axes = figure.subplots()
        if days:
            axes.bar([day for day, _count in days], [count for _day, count in days], color=NAVY)
            figure.autofmt_xdate()
        else:
            axes.text(0.5, 0.5, empty_label, ha="center", va="center", transform=axes.transAxes, color=GREY)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_number(value, 0)))
        axes.grid(axis="y", color="#d9d9d9", linewidth=0.8)
        axes.set_axisbelow(True)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(title, loc="left", fontsize=11, fontweight="bold")
        return _render(figure, title, "svg")
