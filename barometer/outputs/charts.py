"""Charts as SVG, drawn with matplotlib's object-oriented Figure API (no pyplot: it keeps
global state and is not safe in a server).

Text stays text (screen magnifiers and zoom keep it sharp), ids are stable (a fixed hash
salt), numbers follow the page's language, and colours are told apart by shape and pattern
too. Every chart is served beside a data table with the same numbers: the table is the
accessible version.
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from matplotlib import patheffects
from matplotlib.dates import date2num, num2date
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from barometer.formatting import format_number, format_share, lower_first

#: Bumped whenever the drawing changes, so that cached charts (and their addresses) change too.
DRAWING_VERSION = 12

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


#: The resolution of a PNG chart (for the PDF), in dots per inch.
PNG_DPI = 150


def png_size(image: bytes) -> tuple[int, int]:
    """A PNG's (width, height) in pixels, from its header (the IHDR chunk).

    Raises ``ValueError`` when ``image`` is not a PNG."""
    if image[:8] != b"\x89PNG\r\n\x1a\n" or image[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")


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
            figure.savefig(binary, format="png", dpi=PNG_DPI, bbox_inches=bbox)
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
    """``label`` in lines of at most ``width`` characters, broken at the spaces between
    words, never inside a number or before a percent sign. A word longer than a line (a
    long compound, an address) is broken with a hyphen, so that it does not run off the
    chart's edge."""
    words, lines, line = [], [], ""
    for word in re.split(r"[ \t\n]+", _UNBREAKABLE_SPACE.sub("\u00a0", label).strip()):
        while len(word) > width:
            words.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        words.append(word)
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


@dataclass(frozen=True)
class ChartLayout:
    """Where a bar chart is shown: drawn ``width`` inches wide with text of ``font_size``
    points, its labels wrapped at ``label_characters``. A chart grows in height with its
    bars and never in width; ``height`` gives that height in inches, so that a page can
    make room for it (or split it) before drawing."""

    width: float
    font_size: int
    label_characters: int

    @property
    def rc(self) -> dict:
        return {**RC, "font.size": self.font_size}

    @property
    def unit(self) -> float:
        """Inches per unit of ``_stacked_layout`` (0.42 at 12 pt): one line of a label is
        0.55 units."""
        return 0.035 * self.font_size

    def wrap(self, label: str) -> str:
        """A bar's label in lines of at most ``label_characters`` (``_wrap``)."""
        return _wrap(label, self.label_characters)

    def wrap_heading(self, text: str) -> str:
        """The title or a legend entry, in lines four characters shorter than a label's:
        the title is bold and a point larger, and a legend entry sits beside its mark."""
        return _wrap(text, self.label_characters - 4)

    def height(self, labels: list[str], *, title: str, legend: list[str]) -> float:
        """The figure's height in inches for bars labelled ``labels`` (wrapped), a ``title``
        and ``legend`` entries (both wrapped, as drawn): the bars under their labels, the
        title's and the legend's lines, and the axis with its numbers. Constrained layout
        fits everything inside it; this makes room for it, so the bars keep their spacing."""
        _bars, _texts, units = _stacked_layout(labels)
        points = self.font_size
        title_lines = title.count("\n") + 1
        legend_lines = sum(entry.count("\n") + 1 for entry in legend)
        frame = (
            title_lines * (points + 1) * 1.25  # the title, a point larger
            + legend_lines * points * 1.2
            + len(legend) * points * 0.5  # the legend's spacing between entries
            + points * 3  # the axis: ticks and their numbers
        ) / 72 + 0.3  # constrained layout's padding
        return self.unit * units + frame


#: Phone first: the chart is drawn 3.8 inches (274 pt) wide with 12 pt text, so on a 320 px
#: screen (about 296 px for the image) its text renders at 12 x 296 / 274 = 13 CSS px and
#: never below 12; it grows in height with the number of bars, never in width.
PHONE_LAYOUT = ChartLayout(width=3.8, font_size=12, label_characters=32)

#: A desktop screen's (from 62em, Bootstrap's "lg"): 7.5 inches (540 pt) wide with 11 pt
#: text, shown at most 48rem (768 px) wide, so its text renders at 11 x 96 / 72 = 14.7 CSS px
#: at its own size and at 15.6 px when it fills 48rem; longer lines keep the labels short.
WIDE_LAYOUT = ChartLayout(width=7.5, font_size=11, label_characters=72)

#: The layouts a page asks for by name (``?bredde=``), phone first: a page's ``<picture>``
#: offers the wide one to a wide screen, and an address without a name gets the phone's.
SCREEN_LAYOUTS = {"telefon": PHONE_LAYOUT, "bred": WIDE_LAYOUT}

#: The PDF's: the width of an A4 page inside fpdf2's 1 cm margins (190 mm), with 10 pt text,
#: placed at its own size (1:1), so that its text prints at 10 pt.
PRINT_LAYOUT = ChartLayout(width=190 / 25.4, font_size=10, label_characters=72)


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


def _axes(layout: ChartLayout, height_units: float, height_inches: float):
    figure = Figure(figsize=(layout.width, height_inches), layout="constrained")
    axes = figure.subplots()
    axes.set_ylim(height_units, -0.1)
    axes.set_yticks([])
    axes.spines[["top", "right", "left"]].set_visible(False)
    return figure, axes


@dataclass(frozen=True)
class ChartPart:
    """One part of a chart split for print: the PNG bytes and its ``height`` in inches at
    the layout's width."""

    image: bytes
    height: float

    @classmethod
    def from_png(cls, image: bytes) -> ChartPart:
        """The part of a PNG drawn at ``PNG_DPI``, its height read from its header."""
        return cls(image=image, height=png_size(image)[1] / PNG_DPI)


def _part_title(title: str, part: int, parts: int) -> str:
    """A part's title: "..., (del 2 av 3)"."""
    return _("%(title)s (part %(part)s of %(parts)s)") % {"title": title, "part": part, "parts": parts}


def _legend_handles(
    bars: list[ShareBar], national_label: str, peer_label: str, published_label: str, own_label: str | None
) -> list:
    """A legend entry only for a mark the chart draws: an empty peer label or no published
    figure on any bar (the unweighted view) must not leave a key to nothing."""
    drawn = [bar for bar in bars if bar.value is not None]
    handles = [Patch(facecolor=NAVY, label=national_label)]
    if peer_label and any(bar.peer is not None for bar in drawn):
        handles.append(Line2D([], [], marker="D", color=ORANGE, linestyle="none", label=peer_label))
    if any(bar.published is not None for bar in drawn):
        handles.append(Line2D([], [], marker="|", color=BLACK, markersize=12, markeredgewidth=3,
                              linestyle="none", label=published_label))  # fmt: skip
    if own_label is not None and any(bar.own is not None for bar in drawn):
        handles.append(Line2D([], [], marker="*", color=BLACK, markersize=12, linestyle="none", label=own_label))
    return handles


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
    layout: ChartLayout = PHONE_LAYOUT,
) -> str | bytes:
    """Horizontal bars, each under its label: the national share with its interval, a
    diamond for the peer group, a vertical tick for the published Norwegian figure and,
    with ``own_label``, a star for the workplace's own answer (100 % for yes, 0 % for no).
    The legend names only the marks drawn. ``preliminary``: the figures may still change,
    and the title says so first (``chart_title``).
    Phone first (``PHONE_LAYOUT``); the legend sits below the axis, clear of it."""
    title = chart_title(title, preliminary=preliminary)
    with drawing_settings(layout.rc):
        handles = _legend_handles(bars, national_label, peer_label, published_label, own_label)
        for handle in handles:
            handle.set_label(layout.wrap_heading(handle.get_label()))
        labels = [layout.wrap(bar.label) for bar in bars]
        wrapped_title = layout.wrap_heading(title)
        positions, label_positions, units = _stacked_layout(labels)
        height = layout.height(labels, title=wrapped_title, legend=[handle.get_label() for handle in handles])
        figure, axes = _axes(layout, units, height)
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
        figure.legend(handles=handles, loc="outside lower left", ncol=1, frameon=False)
        figure.suptitle(wrapped_title, x=0.02, ha="left", fontsize=layout.font_size + 1, fontweight="bold")
        return _render(figure, title, image_format, tight=False, rc=layout.rc)


def shares_chart_parts(
    bars: list[ShareBar],
    *,
    first_height: float,
    page_height: float,
    title: str,
    national_label: str,
    peer_label: str,
    published_label: str,
    hidden_label: str,
    own_label: str | None = None,
    preliminary: bool = False,
    layout: ChartLayout = PRINT_LAYOUT,
) -> list[ChartPart]:
    """``shares_chart`` as PNG parts for print, so that no part is taller than a page: runs
    of consecutive bars, each part with the title (marked "part 1 of 3" when there are
    several) and its own legend. The first part is at most ``first_height`` inches tall
    (what is left of the current page) and the others at most ``page_height``; when fewer
    than three bars fit in ``first_height`` (or all of them, if fewer), the first part is
    sized for a whole page, and the caller starts one. A single bar taller than a page
    makes a part of its own, which the caller must scale down. No bars, no parts. The
    label arguments are ``shares_chart``'s."""
    if not bars:
        return []
    labels = {"national_label": national_label, "peer_label": peer_label, "published_label": published_label,
              "hidden_label": hidden_label, "own_label": own_label}  # fmt: skip
    handles = _legend_handles(bars, national_label, peer_label, published_label, own_label)
    legend = [layout.wrap_heading(handle.get_label()) for handle in handles]  # the most a part's legend holds
    # Sized with the longest mark the title can get, on every part.
    wrapped_title = layout.wrap_heading(chart_title(_part_title(title, len(bars), len(bars)), preliminary=preliminary))

    wrapped = [layout.wrap(bar.label) for bar in bars]  # once, not once per run tried

    def height(start: int, stop: int) -> float:
        return layout.height(wrapped[start:stop], title=wrapped_title, legend=legend)

    if height(0, min(3, len(bars))) > first_height:
        first_height = page_height
    starts, limit = [0], first_height
    for index in range(1, len(bars)):
        if height(starts[-1], index + 1) > limit:
            starts.append(index)
            limit = page_height
    runs = [bars[start:stop] for start, stop in zip(starts, [*starts[1:], len(bars)], strict=True)]
    parts = []
    for number, run in enumerate(runs, start=1):
        part_title = _part_title(title, number, len(runs)) if len(runs) > 1 else title
        image = shares_chart(
            run, title=part_title, preliminary=preliminary, layout=layout, image_format="png", **labels
        )
        parts.append(ChartPart.from_png(image))
    return parts


def scores_chart(
    labels: list[str],
    values: list[float | None],
    *,
    title: str,
    hidden_label: str,
    own_missing_label: str = "",
    image_format: str = "svg",
    preliminary: bool = False,
    layout: ChartLayout = PHONE_LAYOUT,
) -> str | bytes:
    """Horizontal bars for index scores (0-100), each under its label; the first bar is the
    workplace's own (orange, hatched). A missing value is a figure not shown
    (``hidden_label``), except the workplace's own, which has no score when it answered too
    few statements (``own_missing_label``, when given). Phone first, like ``shares_chart``;
    ``preliminary`` as there."""
    title = chart_title(title, preliminary=preliminary)
    with drawing_settings(layout.rc):
        wrapped = [layout.wrap(label) for label in labels]
        wrapped_title = layout.wrap_heading(title)
        positions, label_positions, units = _stacked_layout(wrapped)
        figure, axes = _axes(layout, units, layout.height(wrapped, title=wrapped_title, legend=[]))
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
        figure.suptitle(wrapped_title, x=0.02, ha="left", fontsize=layout.font_size + 1, fontweight="bold")
        return _render(figure, title, image_format, tight=False, rc=layout.rc)


def daily_chart(
    days: list[tuple[date, int]], *, title: str, empty_label: str, layout: ChartLayout = PHONE_LAYOUT
) -> str:
    """Submissions per day as bars (SVG text): ``days`` are (day, count) pairs, oldest first.
    Phone first, as the report's charts (``PHONE_LAYOUT``, or ``layout``); the dates are
    written as the page's table writes them without the year ("22. november", "22
    November"), whole days only, as many as fit side by side (two on a phone, four on a
    wide screen), and the counts on whole numbers only."""
    with drawing_settings(layout.rc):
        wrapped_title = layout.wrap_heading(title)
        title_lines = wrapped_title.count("\n") + 1
        height = 0.55 * layout.width + title_lines * (layout.font_size + 1) * 1.25 / 72
        figure = Figure(figsize=(layout.width, height), layout="constrained")
        axes = figure.subplots()
        if days:
            axes.bar([day for day, _count in days], [count for _day, count in days], color=NAVY, width=0.8)
            # Whole days only, evenly spaced from the first, never more than fit side by side:
            # "30. september" is about 8 em wide, and the axis about 85 % of the figure.
            # matplotlib's own locator would put ticks inside a day, and one day's date would
            # be written twice.
            most = max(1, min(8, int(layout.width * 72 * 0.85 / (layout.font_size * 9))))
            first, last = days[0][0], days[-1][0]
            step = max(1, math.ceil(((last - first).days + 1) / most))
            axes.set_xticks([date2num(first + timedelta(days=n)) for n in range(0, (last - first).days + 1, step)])
            axes.set_xlim(date2num(first) - 0.6, date2num(last) + 0.6)
            axes.xaxis.set_major_formatter(
                FuncFormatter(lambda value, _pos: date_format(num2date(value).date(), "MONTH_DAY_FORMAT"))
            )
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            axes.set_xticks([])
            axes.text(0.5, 0.5, empty_label, ha="center", va="center", transform=axes.transAxes, color=GREY)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_number(value, 0)))
        axes.grid(axis="y", color="#d9d9d9", linewidth=0.8)
        axes.set_axisbelow(True)
        axes.spines[["top", "right"]].set_visible(False)
        figure.suptitle(wrapped_title, x=0.02, ha="left", fontsize=layout.font_size + 1, fontweight="bold")
        return _render(figure, title, "svg", tight=False, rc=layout.rc)
