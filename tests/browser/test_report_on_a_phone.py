"""The workplace report on a phone (issue 15, item 2): at 320, 375 and 1280 px in nb, nn and
en, the first screen holds the summary, nothing scrolls sideways, chart text renders at 12
CSS px or more, and axe-core finds nothing. Screenshots of the first screen go to
docs/screenshots/ for the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.test_every_page import SCROLL_WIDTH, open_every_details
from tests.browser.test_questionnaire import open_page

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONES = [(320, 568), (375, 667), (1280, 900)]


def chart_text_sizes(page) -> list[tuple[str, float, float]]:
    """(chart address the browser chose, its smallest text in CSS px as rendered, its
    rendered width in CSS px) for every chart on the page: font size x the image's rendered
    width / the SVG's own (viewBox) width."""
    result = []
    for image in page.locator("main figure img").all():
        src = image.evaluate("img => img.currentSrc")  # the <picture>'s choice for this screen
        body = page.request.get(src).text()
        own_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', body).group(1))
        smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)px"', body))
        rendered = image.evaluate("img => img.getBoundingClientRect().width")
        result.append((src, smallest * rendered / own_width, rendered))
    return result


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_the_report_reads_on_a_phone(live_server, new_context, site, language, axe):
    url = f"{live_server.url}/s/{site.submitted.token}/rapport/"
    for width, height in PHONES:
        page = new_context(viewport={"width": width, "height": height}, locale=language).new_page()
        page.set_extra_http_headers({"Accept-Language": language})
        open_page(page, url)
        where = f"the report in {language} at {width} px"
        heading = page.locator("#summary-title").bounding_box()
        assert heading and heading["y"] + heading["height"] < height, f"{where}: the summary is below the first screen"
        first = page.locator(".report-summary li, .report-summary .summary-none").first.bounding_box()
        assert first and first["y"] < height, f"{where}: the summary's first point is below the first screen"
        if language == "nb" and width in (320, 375):
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOCS_SCREENSHOTS / f"report-first-screen-{width}px.png"))
        open_every_details(page)
        scroll_width, inner_width = page.evaluate(SCROLL_WIDTH)
        assert scroll_width <= inner_width, f"{where} scrolls sideways ({scroll_width} px in {inner_width} px)"
        sizes = chart_text_sizes(page)
        assert sizes, f"{where}: no charts"
        for src, size, rendered in sizes:
            assert size >= 12, f"{where}: text in {src} renders at {size:.1f} px"
            # A wide screen gets the wide drawing, shown wide: not a phone's chart in a column.
            wide = width >= 992
            assert ("bredde=bred" in src) == wide, f"{where}: {src} is not the drawing for this screen"
            assert rendered >= 600 if wide else rendered <= width, f"{where}: {src} is shown {rendered:.0f} px wide"
        violations = axe(page)
        assert not violations, f"{where}: {violations}"


def test_the_round_dashboard_reads_on_a_phone(live_server, new_context, site, axe):
    """The submissions chart was drawn 8 inches wide with 10 pt text (about 5 CSS px on a
    phone) and dated "2026-11-22" beside a table that says "22. november 2026"; its tables
    were cut off at the screen's edge with nothing saying there was more."""
    from tests.browser.site import CURRENT_ROUND
    from tests.browser.test_every_page import log_in

    for width, height in PHONES:
        page = new_context(viewport={"width": width, "height": height}, locale="nb").new_page()
        log_in(page, live_server.url, site.admin.username)
        open_page(page, f"{live_server.url}/statistikk/runder/{CURRENT_ROUND}/")
        where = f"the round dashboard at {width} px"
        scroll_width, inner_width = page.evaluate(SCROLL_WIDTH)
        assert scroll_width <= inner_width, f"{where} scrolls sideways ({scroll_width} px in {inner_width} px)"
        [(src, size, _rendered)] = chart_text_sizes(page)
        assert size >= 12, f"{where}: text in {src} renders at {size:.1f} px"
        assert ("bredde=bred" in src) == (width >= 992), f"{where}: {src} is not the drawing for this screen"
        body = page.request.get(src).text()
        ticks = re.findall(r"<text[^>]*>([^<]*)</text>", body)
        assert any(re.fullmatch(r"\d{1,2}\. [a-zæøå]+", tick) for tick in ticks), ticks
        assert not any(re.search(r"\d{4}-\d{2}", tick) for tick in ticks), ticks
        # A table wider than the screen says so with a shadow at the edge it scrolls to.
        region = page.locator("#progress-all").locator("xpath=ancestor::div[contains(@class, 'table-scroll')]")
        wide, shown, layers = region.evaluate(
            "el => [el.scrollWidth, el.clientWidth, getComputedStyle(el).backgroundImage]"
        )
        assert layers.count("radial-gradient") == 2, layers
        if width < 992:
            assert wide > shown, f"{where}: the progress table fits; the shadow is not tried"
            cell = page.locator("#progress-all").locator("xpath=ancestor::table//td").first
            assert cell.evaluate("td => getComputedStyle(td).backgroundColor") == "rgba(0, 0, 0, 0)"
        violations = axe(page)
        assert not violations, f"{where}: {violations}"


def test_the_statistics_table_rows_are_not_a_screen_tall_on_a_phone(live_server, new_context, site):
    """At 375 px a row of /statistikk/'s table was up to 921 px tall and mostly blank: the
    published figures' notes wrapped a word a line in their narrow columns."""
    from tests.browser.test_every_page import log_in

    width, height = 375, 667
    page = new_context(viewport={"width": width, "height": height}, locale="nb").new_page()
    log_in(page, live_server.url, site.admin.username)
    open_page(page, f"{live_server.url}/statistikk/")
    scroll_width, inner_width = page.evaluate(SCROLL_WIDTH)
    assert scroll_width <= inner_width, f"/statistikk/ scrolls sideways ({scroll_width} px in {inner_width} px)"
    rows = page.locator(".aggregate-table tbody tr").evaluate_all(
        "rows => rows.map(r => Math.round(r.getBoundingClientRect().height))"
    )
    assert rows and max(rows) <= 0.7 * height, sorted(rows)[-5:]
