"""Charts drawn by several threads at once (a threaded server answering a page's charts
side by side) each keep their own settings: text stays text, with its font size."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from itertools import pairwise

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from barometer.outputs.charts import (
    PHONE_LAYOUT,
    PNG_DPI,
    PRINT_LAYOUT,
    ShareBar,
    daily_chart,
    png_size,
    scores_chart,
    shares_chart,
    shares_chart_parts,
)

FONT_SIZE = re.compile(r'font-size="([\d.]+)px"')


def draw(kind: int) -> str:
    if kind % 3 == 0:
        bars = [ShareBar(label=f"Andel {n}", value=0.1 * n, low=0.05 * n, high=0.15 * n, peer=0.3) for n in range(1, 5)]
        return shares_chart(
            bars, title="Andeler", national_label="Landet", peer_label="Like virksomheter",
            published_label="Publisert", hidden_label="Skjult",
        )  # fmt: skip
    if kind % 3 == 1:
        return scores_chart(["Kultur", "Ledelse"], [62.0, 48.5], title="Indeks", hidden_label="Skjult")
    days = [(date(2026, 11, day), day * 2) for day in range(1, 15)]
    return daily_chart(days, title="Svar per dag", empty_label="Ingen svar")


def test_charts_drawn_in_parallel_threads_keep_their_text_as_text():
    alone = {kind: draw(kind) for kind in range(3)}
    with ThreadPoolExecutor(max_workers=6) as pool:
        drawn = list(pool.map(draw, [n % 3 for n in range(36)]))
    for n, svg in enumerate(drawn):
        assert FONT_SIZE.search(svg), f"chart {n} lost its text (drawn as paths)"
        assert svg == alone[n % 3], f"chart {n} was drawn with another chart's settings"


def test_the_legend_names_only_the_marks_the_chart_draws():
    """The staff chart passes no peer label and, on the unweighted view, no published
    figure: its legend had an orange diamond with no text and a tick for marks not drawn."""
    labels = {"title": "Andeler", "national_label": "Landet", "hidden_label": "Skjult"}
    bare = [ShareBar(label="Andel", value=0.4, low=0.3, high=0.5)]
    svg = shares_chart(bare, peer_label="", published_label="Publisert", **labels)
    assert "Publisert" not in svg and "#a34700" not in svg.lower()
    marked = [ShareBar(label="Andel", value=0.4, low=0.3, high=0.5, peer=0.3, published=0.45)]
    svg = shares_chart(marked, peer_label="Like virksomheter", published_label="Publisert", **labels)
    assert "Publisert" in svg and "Like virksomheter" in svg


def test_a_chart_of_preliminary_figures_says_so_first_in_its_title_and_text_alternative():
    """A chart of a round still in fieldwork carried no mark, while its page and files said
    the figures were preliminary; saved or shared alone, it passed for final figures."""
    from django.utils import translation

    bars = [ShareBar(label="Andel", value=0.4, low=0.3, high=0.5)]
    labels = {"national_label": "Landet", "peer_label": "", "published_label": "Publisert", "hidden_label": "Skjult"}
    with translation.override("en"):
        final = shares_chart(bars, title="Shares", **labels)
        preliminary = shares_chart(bars, title="Shares", preliminary=True, **labels)
        scores = scores_chart(["Culture"], [62.0], title="Index", hidden_label="Hidden", preliminary=True)
    assert "Preliminary" not in final
    for svg, title in ((preliminary, "shares"), (scores, "index")):
        # The SVG's own title (its text alternative opened on its own) and the drawn title,
        # in lower case after the mark's colon ("Preliminary figures: Shares" had a capital).
        assert re.search(rf"<title>[^<]*Preliminary figures: {title}", svg), svg[:600]
        assert re.search(rf"<text[^>]*>Preliminary figures: {title}</text>", svg), "not drawn"


def test_a_preliminary_title_keeps_an_abbreviation_and_its_own_capitals_when_final():
    from django.utils import translation

    from barometer.outputs.charts import chart_title

    with translation.override("en"):
        assert chart_title("Share answering yes") == "Share answering yes"
        assert chart_title("Share answering yes", preliminary=True) == "Preliminary figures: share answering yes"
        assert chart_title("KS figures", preliminary=True) == "Preliminary figures: KS figures"


def test_a_report_chart_is_marked_when_its_figures_are_preliminary(published_reports, monkeypatch):
    """A report draws a round's figures only once they are published, so after its fieldwork:
    its charts are never preliminary as things are, and say so if that changes."""
    from django.utils import translation

    from barometer.reports.workplace import WorkplaceReport, available_charts, build_workplace_report, chart_image

    report = build_workplace_report(published_reports["workplace"])
    assert report.published and report.preliminary is False
    monkeypatch.setattr(WorkplaceReport, "preliminary", property(lambda self: True))
    with translation.override("en"):
        charts = {name: chart_image(report, name) for name in available_charts(report)}
    assert set(charts) == {"shares", "culture"}
    assert all("<title>Preliminary figures: " in svg for svg in charts.values())


def test_the_share_axis_writes_percentages_as_the_language_does():
    """Norwegian puts a space before the percent sign, English none ("50%"); the axis wrote
    "50 %" in every language."""
    from django.utils import translation

    bars = [ShareBar(label="Andel", value=0.4, low=0.3, high=0.5)]
    labels = {"title": "Andeler", "national_label": "Landet", "peer_label": "", "published_label": ""}
    labels["hidden_label"] = ""
    with translation.override("en"):
        english = shares_chart(bars, **labels)
    with translation.override("nb"):
        bokmal = shares_chart(bars, **labels)
    assert ">50%<" in english and ">50 %<" not in english
    assert ">50\u00a0%<" in bokmal or ">50 %<" in bokmal


def test_a_label_is_never_broken_inside_a_number_or_before_its_percent_sign():
    """A phone showed "… med 5" / "000–19 999 innbyggere" and "Nasjonalt (med 95" / "%-intervall)"."""
    from barometer.outputs.charts import _wrap

    for label, width in [
        ("Virksomheter i kommuner med 5 000–19 999 innbyggere, blant virksomheter som svarte", 32),
        ("Verksemder i kommunar med 5\u00a0000–19\u00a0999 innbyggjarar", 28),
        ("Nasjonalt (med 95 %-intervall)", 16),
        ("Nasjonalt (med 95\u00a0%-intervall)", 16),
    ]:
        lines = _wrap(label, width).split("\n")
        assert len(lines) > 1
        for line in lines:
            assert not line.endswith(tuple("0123456789")) or line == lines[-1], lines
            assert not line.startswith(("%", "000", "999")), lines
        assert " ".join(lines).replace("\u00a0", " ") == label.replace("\u00a0", " ")


def test_the_workplaces_own_missing_score_is_no_score_not_a_hidden_figure():
    """The culture chart said "Your workplace: not shown" for a workplace that answered too
    few statements; "not shown" is what the legend says of figures hidden to protect others."""
    svg = scores_chart(
        ["Your workplace", "Nationally", "Peers"], [None, 62.0, None],
        title="Culture", hidden_label="not shown", own_missing_label="no score",
    )  # fmt: skip
    assert svg.count("no score") == 1 and svg.count("not shown") == 1


LONG_LABEL = "Samarbeidet med kommunale, fylkeskommunale eller statlige virksomheter utenfor egen (fylkes)kommune"
LEGEND = {
    "national_label": "Nasjonalt (med 95 %-intervall)",
    "peer_label": "Samme virksomhetstype som deres: alders- og sykehjem",
    "published_label": "Publisert, Norge",
    "own_label": "Virksomheten deres: 100 % hvis det stemmer, 0 % hvis ikke",
    "hidden_label": "ikke vist",
}
TITLE = (
    "Andel virksomheter der hver indikator stemmer, på landsbasis og i sammenligningsgruppen deres "
    "(uvektet). Nevner en stolpe en gruppe virksomheter, er andelen regnet blant dem."
)


def bars_of(count: int) -> list[ShareBar]:
    return [
        ShareBar(label=f"{n}. {LONG_LABEL[: 20 + 7 * (n % 12)]}", value=0.5, low=0.4, high=0.6, peer=0.3,
                 published=0.45, own=float(n % 2))
        for n in range(1, count + 1)
    ]  # fmt: skip


@pytest.mark.parametrize("layout", [PHONE_LAYOUT, PRINT_LAYOUT], ids=["phone", "print"])
@pytest.mark.parametrize("count", [1, 4, 22])
def test_a_chart_makes_room_for_its_title_legend_and_axis_and_keeps_its_bars_apart(monkeypatch, layout, count):
    """The chart's height was its bars' plus a fixed 1.6 inches, while a long title and a
    legend of four entries take about three: constrained layout squeezed the bars together
    to fit them, and a chart of a few bars could not fit its text at all. Everything drawn
    now lies inside the figure, and the bars keep the spacing the layout gives them."""
    from barometer.outputs import charts

    figures = []
    monkeypatch.setattr(charts, "_render", lambda figure, *args, **kwargs: figures.append(figure) or "")
    shares_chart(bars_of(count), title=TITLE, layout=layout, **LEGEND)
    scores_chart([bar.label for bar in bars_of(count)], [50.0] * count, title=TITLE, hidden_label="ikke vist",
                 layout=layout)  # fmt: skip
    for figure in figures:
        with charts.drawing_settings(layout.rc):
            canvas = FigureCanvasAgg(figure)
            canvas.draw()
            drawn = figure.get_tightbbox(canvas.get_renderer())  # inches
        width, height = figure.get_size_inches()
        assert figure.get_size_inches()[0] == pytest.approx(layout.width)
        assert drawn.x0 >= -0.02 and drawn.y0 >= -0.02, drawn
        assert drawn.x1 <= width + 0.02 and drawn.y1 <= height + 0.02, (drawn, width, height)
        axes = figure.axes[0]
        low, high = axes.get_ylim()
        planned = layout.unit * (low - high)
        assert axes.get_position().height * height >= 0.95 * planned


def test_a_chart_split_for_print_keeps_every_bar_once_in_order_and_each_part_on_a_page(monkeypatch):
    """The PDF's shares chart is drawn in parts that each fit a page, each with the title
    (marked "del 2 av 3") and its legend."""
    from django.utils import translation

    from barometer.outputs import charts

    runs, titles = [], []
    draw = charts.shares_chart

    def recorded(bars, **kwargs):
        runs.append([bar.label for bar in bars])
        titles.append(kwargs["title"])
        return draw(bars, **kwargs)

    monkeypatch.setattr(charts, "shares_chart", recorded)
    bars = bars_of(30)
    with translation.override("nb"):
        parts = shares_chart_parts(bars, first_height=6.0, page_height=10.7, title=TITLE, **LEGEND)
    assert len(parts) == len(runs) >= 3
    assert [label for run in runs for label in run] == [bar.label for bar in bars]
    assert parts[0].height <= 6.0 and len(runs[0]) >= 3  # what is left of the page is filled
    first_run = len(runs[0])
    for number, (part, title) in enumerate(zip(parts, titles, strict=True), start=1):
        assert part.height <= 10.7
        assert png_size(part.image)[0] == round(PRINT_LAYOUT.width * PNG_DPI)
        assert title.endswith(f"(del {number} av {len(parts)})")
    # Too little room left for three bars: the first part is sized for a new page.
    runs.clear()
    with translation.override("nb"):
        parts = shares_chart_parts(bars, first_height=1.0, page_height=10.7, title=TITLE, **LEGEND)
    assert len(runs[0]) > first_run and parts[0].height > 6.0
    # Few bars: one part, titled as the chart.
    runs.clear(), titles.clear()
    parts = shares_chart_parts(bars[:3], first_height=10.7, page_height=10.7, title=TITLE, **LEGEND)
    assert len(parts) == 1 and titles == [TITLE]


def test_a_word_longer_than_a_line_is_broken_with_a_hyphen():
    """Wrapping counted characters and broke only at spaces: a 90-character compound ran
    past the chart's right edge and was cut off."""
    from barometer.outputs.charts import _wrap

    label = "Om " + "Innovasjonssamarbeidsprosjektleder" * 3 + " i kommunen"
    lines = _wrap(label, 32).split("\n")
    assert len(lines) > 3 and all(len(line) <= 32 for line in lines), lines
    # Read back: a line ending in the hyphen goes on without a space.
    assert "".join(line[:-1] if line.endswith("-") else line + " " for line in lines).strip() == label


def test_a_chart_of_no_bars_has_no_parts_and_png_size_refuses_what_is_not_a_png():
    assert shares_chart_parts([], first_height=5, page_height=10, title=TITLE, **LEGEND) == []
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(b"GIF89a" + bytes(30))


def test_a_wide_screen_gets_the_wide_drawing_and_any_other_address_a_phones(published_reports, admin_client):
    """The report and the statistics page drew their charts phone-narrow (3.8 inches) for
    every screen, so a desktop showed a 365 px column of 12 pt text. Their ``<picture>``
    offers the wide drawing (``?bredde=bred``) from 62em; an unknown layout is a phone's."""
    from django.test import Client

    from barometer.outputs.charts import WIDE_LAYOUT

    response = published_reports["workplace"]
    respondent = Client()
    charts = {
        "report": (respondent, f"/s/{response.link_token}/rapport/figur/shares.svg?sprak=nb"),
        "statistics": (admin_client, f"/statistikk/figur.svg?round={response.round_id}"),
    }
    pages = {
        "report": respondent.get(f"/s/{response.link_token}/rapport/").content.decode(),
        "statistics": admin_client.get(f"/statistikk/?round={response.round_id}&bredde=bred").content.decode(),
    }

    def width(client, address: str) -> float:
        answer = client.get(address)
        assert answer.status_code == 200, (address, answer.status_code)
        return float(re.search(r'viewBox="0 0 ([\d.]+) ', answer.content.decode()).group(1))

    for name, (client, address) in charts.items():
        assert width(client, address) == pytest.approx(PHONE_LAYOUT.width * 72)
        assert width(client, address + "&bredde=bred") == pytest.approx(WIDE_LAYOUT.width * 72)
        assert width(client, address + "&bredde=%C3%A6") == pytest.approx(PHONE_LAYOUT.width * 72)
        source = re.search(r'<source media="\(min-width: 62em\)" srcset="([^"]+)"', pages[name])
        assert source and source.group(1).count("bredde=bred") == 1, name
        img = re.search(r'<picture><source [^>]*><img src="([^"]+)"', pages[name])
        assert img and "bredde" not in img.group(1), name


@pytest.mark.parametrize("span", [1, 2, 3, 5, 8, 10, 31, 90])
@pytest.mark.parametrize("wide", [False, True], ids=["phone", "wide"])
def test_the_submissions_chart_writes_each_day_once_and_only_days_it_shows(span, wide):
    """matplotlib's date locator put ticks inside a day: two days of fieldwork were labelled
    "20. november", "20. november", "21. november", and one day got a tick of the day before."""
    from datetime import timedelta

    from django.utils import translation

    from barometer.outputs.charts import WIDE_LAYOUT

    first = date(2026, 11, 20)
    days = [(first + timedelta(days=n), n % 4 + 1) for n in range(span)]
    with translation.override("nb"):
        svg = daily_chart(days, title="Innsendinger", empty_label="Ingen", layout=WIDE_LAYOUT if wide else PHONE_LAYOUT)
    months = {"november": 11, "desember": 12, "januar": 1, "februar": 2}
    ticks = [(int(day), months[month]) for day, month in re.findall(r"<text[^>]*>(\d{1,2})\. ([a-zæøå]+)</text>", svg)]
    assert ticks, svg[:400]
    assert len(ticks) == len(set(ticks)), ticks
    shown = {(day.day, day.month) for day, _count in days}
    assert set(ticks) <= shown, ticks
    assert ticks[0] == (20, 11)  # the first day of fieldwork is always dated
    # Side by side without touching: DejaVu Sans is about 0.62 em a character on average.
    placed = [
        (float(x), float(size) * 0.62 * len(text))
        for size, x, text in re.findall(
            r'<text font-size="([\d.]+)px"[^>]*text-anchor="middle"[^>]*x="([\d.]+)"[^>]*>'
            r"(\d{1,2}\. [a-zæøå]+)</text>",
            svg,
        )
    ]
    assert len(placed) == len(ticks)
    for (x, width), (next_x, next_width) in pairwise(placed):
        assert next_x - x >= (width + next_width) / 2, placed
