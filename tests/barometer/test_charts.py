"""Charts drawn by several threads at once (a threaded server answering a page's charts
side by side) each keep their own settings: text stays text, with its font size."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from barometer.outputs.charts import ShareBar, daily_chart, scores_chart, shares_chart

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
    return daily_chart([(day, day * 2) for day in range(1, 15)], title="Svar per dag", empty_label="Ingen svar")


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
