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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib
from django.utils.translation import gettext as _
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from barometer.formatting import format_number, format_share, lower_first

#: Bumped whenever the drawing changes, so that cached charts (and their addresses) change too.
DRAWING_VERSION = 10

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


#: matplotlib's settings (``rcParams``) are one dictionary per process, which ``rc_context``
#: changes and puts back: two threads drawing at once (a threaded server answering a page's
#: charts side by side) would each draw with the other's settings half the time, and text
#: came out as paths without a font size. One thread draws at a time.
_DRAWING = threading.RLock()


@contextmanager
def drawing_settings(rc: dict) -> Iterator[None]:
    """Draw with matplotlib settings ``rc``, one thread at a time (re-entrant)."""
    with _DRAWING, matplotlib.rc_context(rc):
        yield


@dataclass(frozen=True)
class ShareBar:
    label: str
    value: float | None  # 0-1, None when hidden
    low: float | None
    high: float | None
    peer: float | None = None  # the workplace's own type, 0-1
    published: float | None = None  # published Norwegian figure, 0-1
    own: float | None = None  # the workplace's own answer: 1 (yes) or 0 (no)


def _render(
    figure: Figure, title: str, image_format: str, *, tight: bool = True, rc: dict | None = None
) -> str | bytes:
    """SVG text for the web page; PNG bytes for the PDF (whose SVG support lacks text).
    ``tight=False`` keeps the figure's own width (a phone chart's width is what keeps its
    text at 12 CSS px; its constrained layout keeps everything inside)."""
    bbox = "tight" if tight else None
    # The drawing's own settings: tick labels are made while saving, with the sizes in force then.
    with drawing_settings(rc or RC):
        if image_format == "png":
            binary = io.BytesIO()
            figure.savefig(binary, format="png", dpi=150, bbox_inches=bbox)
            return binary.getvalue()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches=bbox, metadata={"Title": title, "Date": None})
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


def chart_title(title: str, *, preliminary: bool = False) -> str:
    """The chart's title as drawn and as its SVG names it (its text alternative when opened
    on its own): marked first when its figures are preliminary (a round still in fieldwork,
    ``barometer.reports.rounds.is_preliminary``), as the page and the files say, since a
    chart is saved and shared without the page around it. The mark comes first, where a
    reader (and a screen reader) starts.

    After the mark's colon the title goes on in lower case ("Preliminary figures: share
    of ...", not "...: Share ..."), unless it starts with an abbreviation ("KS").
    A title holds one colon at most: the mark's."""
    title = str(title)
    if not preliminary:
        return title
    if not title[:2].isupper():
        title = lower_first(title)
    return _("Preliminary figures: %(title)s") % {"title": title}


#: A space a label is never broken at: inside a number ("5 000") or before its percent sign
#: ("95 %", "95 %-intervall"); it is kept as a no-break space.
_UNBREAKABLE_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d|%)")


def _wrap(label: str, width: int = 38) -> str:
    """``label`` in lines of at most ``width`` characters where its words allow, broken only
    at the spaces between words, never inside a number or before a percent sign."""
    words, lines, line = re.split(r"[ \t\n]+", _UNBREAKABLE_SPACE.sub("\u00a0", label).strip()), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


#: Phone first: the chart is drawn 3.8 inches (274 pt) wide with 12 pt text, so on a 320 px
#: screen (about 296 px for the image) its text renders at 12 x 296 / 274 = 13 CSS px and
#: never below 12; it grows in height with the number of bars, never in width.
PHONE_WIDTH_INCHES = 3.8
PHONE_FONT = 12
LABEL_CHARACTERS = 32  # wrap width for 12 pt DejaVu Sans in 274 pt
PHONE_RC = {**RC, "font.size": PHONE_FONT}


def _stacked_layout(labels: list[str]) -> tuple[list[float], list[float], float]:
    """Each bar with its label on its own line(s) above it, from the top down: returns the
    bars' y positions, the labels' y positions (data units, y grows downwards) and the
    total height."""
    bars, texts, y = [], [], 0.0
    for label in labels:
        lines = label.count("\n") + 1
        texts.append(y)
        y += 0.55 * lines + 0.2
        bars.append(y + 0.3)
        y += 0.9
    return bars, texts, y


def _phone_axes(height_units: float):
    figure = Figure(figsize=(PHONE_WIDTH_INCHES, 0.42 * height_units + 1.6), layout="constrained")
    axes = figure.subplots()
    axes.set_ylim(height_units, -0.1)
    axes.set_yticks([])
    axes.spines[["top", "right", "left"]].set_visible(False)
    return figure, axes


def shares_chart(
    bars: list[ShareBar],
    *,
    title: str,
    national_label: str,
    peer_label: str,
    published_label: str,
    hidden_label: str,
    own_label: str | None = None,
    image_format: str = "svg",
    preliminary: bool = False,
) -> str | bytes:
    """Horizontal bars, each under its label: the national share with its interval, a
    diamond for the peer group, a vertical tick for the published Norwegian figure and,
    with ``own_label``, a star for the workplace's own answer (100 % for yes, 0 % for no).
    The legend names only the marks drawn. ``preliminary``: the figures may still change,
    and the title says so first (``chart_title``).
    Phone first: see ``PHONE_WIDTH_INCHES``; the legend sits below the axis, clear of it."""
    title = chart_title(title, preliminary=preliminary)
    with drawing_settings(PHONE_RC):
        labels = [_wrap(bar.label, LABEL_CHARACTERS) for bar in bars]
        positions, label_positions, height = _stacked_layout(labels)
        figure, axes = _phone_axes(height)
        for y, text_y, label, bar in zip(positions, label_positions, labels, bars, strict=True):
            axes.text(0, text_y, label, va="top", ha="left", color=BLACK)
            if bar.value is None:
                axes.text(1, y, hidden_label, va="center", ha="left", color=GREY, fontstyle="italic")
                continue
            axes.barh(y, bar.value * 100, color=NAVY, height=0.6)
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
                    bar.peer * 100, y, marker="D", markersize=8, color=ORANGE, markeredgecolor="white",
                    linestyle="none",
                )  # fmt: skip
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
            if own_label is not None and bar.own is not None:
                axes.plot(
                    bar.own * 100, y, marker="*", markersize=13, color=BLACK, markeredgecolor="white",
                    linestyle="none", clip_on=False,
                )  # fmt: skip
        axes.set_xlim(0, 100)
        # The axis writes percentages as the tables do: "50 %" in Norwegian, "50%" in English.
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_share(value / 100, 0)))
        axes.set_xticks([0, 25, 50, 75, 100])
        axes.grid(axis="x", color="#d9d9d9", linewidth=0.8)
        axes.set_axisbelow(True)
        # A legend entry only for a mark the chart draws: an empty peer label or no published
        # figure on any bar (the unweighted view) must not leave a key to nothing.
        drawn = [bar for bar in bars if bar.value is not None]
        handles = [Patch(facecolor=NAVY, label=national_label)]
        if peer_label and any(bar.peer is not None for bar in drawn):
            handles.append(Line2D([], [], marker="D", color=ORANGE, linestyle="none", label=peer_label))
        if any(bar.published is not None for bar in drawn):
            handles.append(Line2D([], [], marker="|", color=BLACK, markersize=12, markeredgewidth=3,
                                  linestyle="none", label=published_label))  # fmt: skip
        if own_label is not None and any(bar.own is not None for bar in drawn):
            handles.append(Line2D([], [], marker="*", color=BLACK, markersize=12, linestyle="none", label=own_label))
        for handle in handles:
            handle.set_label(_wrap(handle.get_label(), LABEL_CHARACTERS - 4))
        figure.legend(handles=handles, loc="outside lower left", ncol=1, frameon=False)
        figure.suptitle(_wrap(title, LABEL_CHARACTERS - 4), x=0.02, ha="left", fontsize=PHONE_FONT + 1,
                        fontweight="bold")  # fmt: skip
        return _render(figure, title, image_format, tight=False, rc=PHONE_RC)


def scores_chart(
    labels: list[str],
    values: list[float | None],
    *,
    title: str,
    hidden_label: str,
    own_missing_label: str = "",
    image_format: str = "svg",
    preliminary: bool = False,
) -> str | bytes:
    """Horizontal bars for index scores (0-100), each under its label; the first bar is the
    workplace's own (orange, hatched). A missing value is a figure not shown
    (``hidden_label``), except the workplace's own, which has no score when it answered too
    few statements (``own_missing_label``, when given). Phone first, like ``shares_chart``;
    ``preliminary`` as there."""
    title = chart_title(title, preliminary=preliminary)
    with drawing_settings(PHONE_RC):
        wrapped = [_wrap(label, LABEL_CHARACTERS) for label in labels]
        positions, label_positions, height = _stacked_layout(wrapped)
        figure, axes = _phone_axes(height)
        for index, (y, text_y, label, value) in enumerate(
            zip(positions, label_positions, wrapped, values, strict=True)
        ):
            axes.text(0, text_y, label, va="top", ha="left", color=BLACK)
            own = index == 0
            if value is None:
                missing = own_missing_label if own and own_missing_label else hidden_label
                axes.text(1, y, missing, va="center", ha="left", color=GREY, fontstyle="italic")
                continue
            axes.barh(y, value, color=ORANGE if own else NAVY, hatch="//" if own else "", edgecolor="white", height=0.6)
            axes.text(value + 1, y, format_number(value, 0), va="center", ha="left", color="#111111")
        axes.set_xlim(0, 110)
        axes.set_xticks([0, 25, 50, 75, 100])
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_number(value, 0)))
        axes.grid(axis="x", color="#d9d9d9", linewidth=0.8)
        axes.set_axisbelow(True)
        figure.suptitle(_wrap(title, LABEL_CHARACTERS - 4), x=0.02, ha="left", fontsize=PHONE_FONT + 1,
                        fontweight="bold")  # fmt: skip
        return _render(figure, title, image_format, tight=False, rc=PHONE_RC)


def daily_chart(days: list[tuple[object, int]], *, title: str, empty_label: str) -> str:
    """Submissions per day as bars, dates on the x axis."""
    with drawing_settings(RC):
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
