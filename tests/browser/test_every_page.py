"""Every page a visitor can reach, in a real browser: axe-core in bokmål, nynorsk and English,
the statistics filter with the keyboard alone, reflow at 320 px and at 200 % zoom, and charts
that have a text alternative and a table with the same numbers.

The live server's database is emptied after every test (the shared question set, register and
reference data are then loaded again: tests/shared_data.py), so each test gets the rest of its
data from the ``site`` fixture (tests/browser/site.py, built once per test process and put back
before each test): a synthetic national round of 300 workplaces to compare with (and a closed
one before it, so that changes since the previous round are shown), invitations for
respondents, an administrator and an analyst. One test per language walks the whole site in one browser
context, as one visitor would, and reports every axe violation it met at the end. In bokmål and
nynorsk it also fails on English text left on the pages (untranslated messages, WCAG 3.1.2).

The helpers for going to pages and reading the focused element come from test_questionnaire.py.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from surveys.links import clear_blocked
from surveys.models import Invitation, Response, Round, RoundKind, Section
from tests.answering import INNOVATOR_ANSWERS, NON_INNOVATOR_ANSWERS, answer_all
from tests.browser.site import CURRENT_ROUND, PASSWORD, Site, make_invitation
from tests.browser.test_questionnaire import (
    INNOVATOR_PATH,
    answer_section_with_clicks,
    check_status,
    click_action,
    click_and_wait_for_page,
    describe,
    focused,
    open_page,
    section_code,
    set_width,
    switch_language,
    walk_questionnaire_with_clicks,
)

LANGUAGES = ["nb", "nn", "en"]
NEW_PASSWORD = "another-horse-staple-42"
MAX_TAB_PRESSES = 60


@pytest.fixture
def empty_cache():
    """The shared cache (rate-limit counters among other things) empty before and after the test."""
    cache.clear()
    yield
    cache.clear()


# Small helpers -----------------------------------------------------------------------------------


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    open_page(page, f"{base_url}/konto/login/")
    page.locator("main input[name=username]").fill(username)
    page.locator("main input[name=password]").fill(password)
    click_and_wait_for_page(page, "main form button[type=submit]")
    assert not page.url.endswith("/konto/login/"), f"logging in as {username} failed"


def open_every_details(page: Page) -> None:
    for summary in page.locator("main details > summary").all():
        summary.click()
    assert page.locator("main details:not([open])").count() == 0


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


# 1. axe on every page, in every language ---------------------------------------------------------


# The page's language, and text in English on it that is not marked with its own lang attribute
# (WCAG 3.1.2, language of parts): an untranslated message on a page in bokmål or nynorsk. These
# English words are not Norwegian ones. One evaluate for both: a walk checks 59 pages.
LANGUAGE_AND_ENGLISH_TEXT = r"""() => {
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const element = walker.currentNode.parentElement;
        const marked = element.closest("[lang]");
        if (element.closest("script, style") || (marked && marked.lang !== document.documentElement.lang)) continue;
        const text = walker.currentNode.textContent.trim();
        if (/\b(the|and|your|with|of|are|this|from|by)\b/i.test(text)) found.push(text.slice(0, 100));
    }
    return [document.documentElement.getAttribute("lang"), found];
}"""


SCROLL_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# The innermost elements reaching past the window's right edge, to name in a failure.
WIDEST_ELEMENTS = r"""() => [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.parentElement.closest(".table-scroll"))
    .slice(-3)
    .map((e) => `<${e.tagName.toLowerCase()} class="${e.className}"> ${(e.textContent || "").trim().slice(0, 40)}`)"""
#: Every page outside the admin fits these widths without sideways scrolling: two phones and
#: a desktop window (issue 15).
PAGE_WIDTHS = (320, 375, 1280)


class Walk:
    """One visitor going from page to page: every page is checked with axe, must be in ``language``
    and (in bokmål and nynorsk) must hold no English text."""

    def __init__(self, page: Page, base_url: str, language: str, audit):
        self.page, self.base_url, self.language, self.audit = page, base_url, language, audit
        self.untranslated: dict[str, list[str]] = {}
        self.too_wide: list[str] = []

    def check(self, label: str) -> None:
        lang, english_text = self.page.evaluate(LANGUAGE_AND_ENGLISH_TEXT)
        assert lang == self.language, f"{label} ({self.page.url}) is in {lang!r}, not {self.language!r}"
        self.audit.check(self.page, f"{label} [{self.language}]")
        if self.language != "en":
            for text in english_text:
                self.untranslated.setdefault(text, []).append(label)
        if "/admin/" not in self.page.url:
            self.check_widths(label)

    def check_widths(self, label: str) -> None:
        """The page as it is now must not scroll sideways at any of ``PAGE_WIDTHS`` (the
        Django admin is left out: it is for desktops)."""
        original = self.page.viewport_size
        # The window's own width last, so that it is left as it was without another resize.
        widths = sorted(PAGE_WIDTHS, key=lambda width: width == original["width"])
        for width in widths:
            if width != self.page.viewport_size["width"]:
                self.page.set_viewport_size({"width": width, "height": original["height"]})
            scroll_width, inner_width = self.page.evaluate(SCROLL_WIDTH)
            if scroll_width > inner_width:
                culprits = "; ".join(self.page.evaluate(WIDEST_ELEMENTS))
                self.too_wide.append(f"{label} [{self.language}] at {width} px: {scroll_width} px wide ({culprits})")
        if self.page.viewport_size != original:
            self.page.set_viewport_size(original)

    def assert_fits(self) -> None:
        assert not self.too_wide, "Pages that scroll sideways:\n" + "\n".join(self.too_wide)

    def assert_translated(self) -> None:
        assert not self.untranslated, f"English text on {self.language} pages (untranslated messages):\n" + "\n".join(
            f"- {text!r} on {len(labels)} page(s), e.g. {labels[0]}" for text, labels in self.untranslated.items()
        )

    def open(self, path: str, label: str, expected_status: int = 200) -> None:
        open_page(self.page, self.base_url + path, expected_status)
        self.check(label)

    def click(self, selector: str, label: str, expected_status: int = 200) -> None:
        click_and_wait_for_page(self.page, selector, expected_status)
        self.check(label)

    def submit(self, label: str, expected_status: int = 200) -> None:
        self.click("main form button[type=submit]", label, expected_status)


def visit_respondent_pages(walk: Walk, site: Site, settings) -> None:
    page, base = walk.page, walk.base_url
    walk.open("/selvtest/", "self-test start")
    walk.submit("self-test start with errors", expected_status=400)
    expect(page.locator("[role=alert]")).to_be_focused()
    page.locator("input[name=workplace_type]").first.check()
    page.locator("select[name=municipality]").select_option(index=1)
    page.locator("input[name=employees]").fill("25")
    walk.submit("self-test welcome page")

    # An invited innovator: every part on the innovator path, the review page and the report.
    walk.open(f"/s/{site.innovator.token}/", "welcome page")
    click_and_wait_for_page(page, "main a.btn-primary")
    titles = dict(Section.objects.filter(question_set=site.question_set).values_list("code", f"title_{walk.language}"))

    def check_section(page):
        code = section_code(page)
        expect(page.locator("h1")).to_have_text(titles[code])
        walk.check(f"section {code!r}")

    visited = walk_questionnaire_with_clicks(page, site.question_set, INNOVATOR_ANSWERS, on_each_page=check_section)
    assert visited == INNOVATOR_PATH
    walk.check("review page")
    walk.submit("workplace report")
    assert page.url.endswith(f"/s/{site.innovator.token}/rapport/")
    expect(page.locator("main figure.chart img")).to_have_count(2)  # compared with a real round: charts
    assert page.locator("main table").count() > 10
    open_every_details(page)
    walk.check("workplace report with <details> open")

    # A non-innovator: an error on a part, the in_progress part, "save and continue later".
    walk.open(f"/s/{site.non_innovator.token}/", "welcome page of a second invitation")
    click_and_wait_for_page(page, "main a.btn-primary")
    answer_section_with_clicks(page, site.question_set, NON_INNOVATOR_ANSWERS)
    click_action(page, "next")
    assert section_code(page) == "incidence"
    click_action(page, "next", expected_status=400)
    walk.check("section 'incidence' with errors")
    answer_section_with_clicks(page, site.question_set, NON_INNOVATOR_ANSWERS)
    click_action(page, "next")
    assert section_code(page) == "in_progress"
    walk.check("section 'in_progress' (non-innovator path)")
    click_action(page, "save")
    assert page.url.endswith(f"/s/{site.non_innovator.token}/lagret/")
    walk.check("saved page")
    walk.open(f"/s/{site.non_innovator.token}/oppsummering/", "review page of an unfinished questionnaire")
    walk.submit("review page with missing answers", expected_status=400)
    expect(page.locator("[role=alert]")).to_be_focused()

    walk.open(f"/s/{site.closed.token}/", "round closed page", 403)
    walk.open("/s/no-such-link/", "404 page (unknown respondent link)", 404)
    walk.open("/finnes-ikke/", "404 page (unknown address)", 404)
    settings.TOKEN_FAILURE_RATE = "1/h"
    for attempt in range(3):  # a second wrong link is over the limit (unless the hour just turned)
        response = page.goto(f"{base}/s/another-wrong-link-{attempt}/")
        if response.status == 429:
            break
    check_status(response, 429, "trying wrong respondent links")
    walk.check("429 page (too many wrong links)")
    cache.clear()
    clear_blocked()  # the live server runs in this process: forget the refused address too


def visit_account_pages(walk: Walk, site: Site, mailoutbox) -> None:
    page = walk.page
    walk.open("/konto/login/", "login page")
    page.locator("main input[name=username]").fill(site.admin.username)
    page.locator("main input[name=password]").fill("wrong password")
    walk.submit("login page with an error")
    expect(page.locator("[role=alert]")).to_be_focused()

    # A form sent with a token that does not match the cookie.
    page.evaluate("document.querySelector('main input[name=csrfmiddlewaretoken]').value = 'x'.repeat(64)")
    walk.submit("CSRF failure page", expected_status=403)

    walk.open("/konto/password_reset/", "password reset page")
    walk.submit("password reset page with an error")
    page.locator("main input[name=email]").fill(site.analyst.email)
    walk.submit("password reset done page")
    assert page.url.endswith("/konto/password_reset/done/")
    links = re.findall(r"https?://\S+/konto/reset/\S+/", mailoutbox[-1].body)
    assert links, mailoutbox[-1].body
    walk.open(urlparse(links[0]).path, "choose a new password", 200)
    page.locator("main input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("main input[name=new_password2]").fill(NEW_PASSWORD + "-typo")
    walk.submit("choose a new password with an error")
    page.locator("main input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("main input[name=new_password2]").fill(NEW_PASSWORD)
    walk.submit("password reset complete page")
    assert page.url.endswith("/konto/reset/done/")
    walk.open("/konto/reset/MQ/no-such-token/", "password reset with a link that no longer works")

    for _ in range(6):  # django-axes pauses a user name after five failed logins
        open_page(page, f"{walk.base_url}/konto/login/")
        page.locator("main input[name=username]").fill("nobody")
        page.locator("main input[name=password]").fill("wrong password")
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").click()
        if navigation.value.status != 200:
            break
    check_status(navigation.value, 429, "logging in with a wrong password again and again")
    walk.check("locked-out page")


def visit_staff_pages(walk: Walk, site: Site) -> None:
    page = walk.page
    walk.open("/konto/login/", "login page (again)")
    page.locator("main input[name=username]").fill(site.admin.username)
    page.locator("main input[name=password]").fill(PASSWORD)
    walk.submit("statistics page (after logging in)")
    assert urlparse(page.url).path == "/statistikk/"
    expect(page.locator("main figure.chart img")).to_have_count(1)

    page.locator("main select[name=group]").select_option("type:kindergarten")
    walk.submit("statistics page with a filter")
    assert query_of(page)["group"] == ["type:kindergarten"]
    walk.open(
        f"/statistikk/?round={site.current.pk}&group=type:other&size_class=1&vekting=av",
        "statistics page for a group too small to show (unweighted)",
    )
    walk.open("/statistikk/?size_class=9", "statistics page with an invalid filter", 400)
    walk.open("/statistikk/funn/", "findings page")
    walk.open("/statistikk/data/", "data exports page")
    walk.open("/statistikk/runder/", "rounds page")
    walk.click(f"main a[href$='/statistikk/runder/{CURRENT_ROUND}/']", "round dashboard")
    open_every_details(page)
    walk.check("round dashboard with <details> open")
    walk.open("/rapporter/", "workplace reports list")
    walk.click(
        f"main a[href$='/rapporter/{Response.objects.get(invitation=site.submitted).pk}/']",
        "workplace report (staff view)",
    )
    open_every_details(page)
    walk.check("workplace report (staff view) with <details> open")

    walk.open("/konto/password_change/", "password change page")
    for old_password, label in (
        ("not my password", "password change page with an error"),
        (PASSWORD, "password changed page"),
    ):
        page.locator("main input[name=old_password]").fill(old_password)
        page.locator("main input[name=new_password1]").fill(NEW_PASSWORD)
        page.locator("main input[name=new_password2]").fill(NEW_PASSWORD)
        walk.submit(label)
    assert page.url.endswith("/konto/password_change/done/")

    walk.click("header nav form button[type=submit]", "front page after logging out")
    expect(page.locator("footer a[href='/konto/login/']")).to_have_count(1)


def visit_pages_of_rounds_that_are_not_open(walk: Walk, site: Site) -> None:
    now = timezone.now()
    later = Round.objects.create(
        slug="barometer-2028",
        name="Innovasjonsbarometeret 2028",
        kind=RoundKind.NATIONAL,
        question_set=site.question_set,
        opens_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=60),
    )
    invitation = make_invitation(later, site.innovator.workplace.municipality, "Framtidige Eksempelvik skole")
    walk.open(f"/s/{invitation.token}/", "round not open yet page", 403)
    Round.objects.filter(pk=site.self_test_round.pk).update(closes_at=now - timedelta(days=1))
    walk.open("/selvtest/", "self-test unavailable page", 503)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_in_every_language(
    live_server, page, site, language, accessibility_audit, mailoutbox, settings, empty_cache
):
    walk = Walk(page, live_server.url, language, accessibility_audit)
    open_page(page, f"{live_server.url}/")
    switch_language(page, language)  # with the buttons in the header; the choice is kept in a cookie
    walk.check("front page")
    walk.open("/metode/", "method page")
    walk.open("/tilgjengelighet/", "accessibility statement")

    visit_respondent_pages(walk, site, settings)
    visit_account_pages(walk, site, mailoutbox)
    visit_staff_pages(walk, site)
    visit_pages_of_rounds_that_are_not_open(walk, site)

    accessibility_audit.assert_clean()
    assert len(accessibility_audit.checked) >= 55, accessibility_audit.checked
    walk.assert_translated()
    walk.assert_fits()


# 2. The statistics filter with the keyboard alone -------------------------------------------------

HAS_SIZE = (
    "() => { const box = document.activeElement.getBoundingClientRect(); return box.width > 1 && box.height > 1; }"
)


def tab_with_visible_focus(page: Page, matches, what: str, limit: int = MAX_TAB_PRESSES) -> dict:
    """Press Tab until the focused element ``matches``; every element focused on the way must be
    visible and show a focus indicator (an outline or a box shadow)."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        path.append(describe(element))
        assert element["tag"] != "body", "focus fell back to the page: " + " → ".join(path)
        assert element["focusRing"], f"{describe(element)} has keyboard focus but no focus indicator"
        assert page.evaluate(HAS_SIZE), f"{describe(element)} has keyboard focus but cannot be seen"
        if matches(element):
            return element
    pytest.fail(f"Tab never reached {what} in {limit} presses. Focus went: " + " → ".join(path))


def test_statistics_filter_with_the_keyboard_only(live_server, page, site):
    log_in(page, live_server.url, site.analyst.username)
    assert urlparse(page.url).path == "/statistikk/"
    switch_language(page, "en")  # so that the labels below read as in the English interface
    heading, caption = page.locator("main > h2"), page.locator("#aggregate-table-caption")
    before = heading.inner_text(), caption.inner_text(), page.locator("main table tbody").inner_text()

    group = tab_with_visible_focus(page, lambda element: element["name"] == "group", "the group select")
    assert group["tag"] == "select" and group["value"] == ""
    assert group["label"] == "Sector or type of workplace", group["label"]
    target = "type:kindergarten"
    for _ in range(page.locator("main select[name=group] option").count()):
        if focused(page)["value"] == target:
            break
        page.keyboard.press("ArrowDown")  # a closed select changes its value; nothing is sent yet
    element = focused(page)
    assert element["name"] == "group" and element["value"] == target, describe(element)
    assert urlparse(page.url).query == "", "changing the select must not send the form"
    chosen = page.locator("main select[name=group] option:checked").inner_text()

    show = tab_with_visible_focus(
        page, lambda element: element["tag"] == "button" and element["type"] == "submit", "the Show button"
    )
    assert show["inMain"] and show["text"] == "Show", describe(show)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    check_status(navigation.value, 200, "pressing Enter on Show")

    assert query_of(page)["group"] == [target]
    expect(page.locator("main select[name=group]")).to_have_value(target)
    after = heading.inner_text(), caption.inner_text(), page.locator("main table tbody").inner_text()
    assert chosen in after[0] and chosen not in before[0], (before[0], after[0])
    # The caption names the group inside its sentence, so in lower case ("Indicators for kindergarten").
    assert chosen.lower() in after[1] and after[1] != before[1], (before[1], after[1])
    assert after[2] != before[2], "the table shows the same numbers for the chosen group as for all workplaces"
    # On through the results (export links) to the table, which scrolls on its own on a small screen.
    region = tab_with_visible_focus(page, lambda element: element["role"] == "region", "the table's scroll region")
    assert region["inMain"], describe(region)


# 3. Small screens and zoom ----------------------------------------------------------------------

# A viewport of 320 CSS px is a phone, or 1280 px at 400 % zoom (WCAG 1.4.10); 640 CSS px drawn at
# twice the pixel density is what a 1280 px wide window shows at 200 % zoom (WCAG 1.4.4).
SCREENS = [("320 px", {"width": 320, "height": 800}, 1), ("1280 px at 200 % zoom", {"width": 640, "height": 900}, 2)]


def assert_fits(page: Page, label: str) -> None:
    scroll_width, inner_width = page.evaluate(SCROLL_WIDTH)
    assert scroll_width <= inner_width, (
        f"{label} scrolls sideways: the page is {scroll_width} px wide in a {inner_width} px window"
    )


@pytest.fixture
def unfinished(site, client) -> Invitation:
    """The innovator invitation with every part answered, not submitted."""
    answer_all(client, site.innovator.token, site.question_set, INNOVATOR_ANSWERS)
    return site.innovator


def test_pages_reflow_on_small_screens_and_at_200_percent_zoom(live_server, new_context, site, unfinished):
    base = live_server.url
    respondent_pages = {
        "the profile part": f"/s/{unfinished.token}/del/profile/",
        "the factors part (eight rating scales)": f"/s/{unfinished.token}/del/factors/",
        "the workplace report": f"/s/{site.submitted.token}/rapport/",
    }
    staff_pages = {
        "the statistics page": f"/statistikk/?round={site.current.pk}",
        "the findings page": "/statistikk/funn/",
    }
    for screen, viewport, scale in SCREENS:
        page = new_context(viewport=viewport, device_scale_factor=scale).new_page()
        for name, path in respondent_pages.items():
            open_page(page, base + path)
            open_every_details(page)
            assert_fits(page, f"{name} at {screen}")
        log_in(page, base, site.admin.username)  # the staff menu makes the header the widest
        for name, path in staff_pages.items():
            open_page(page, base + path)
            assert_fits(page, f"{name} at {screen}")
        # The findings page offers no group; a link carrying one shows why it is ignored.
        open_page(page, base + "/statistikk/funn/?group=type:nursing_home")
        assert page.locator("main .filters-ignored").count() == 1
        assert_fits(page, f"the findings page with a group in its link at {screen}")
        assert page.locator("main .table-scroll table").count() > 0


def test_screenshots_at_375_and_1280_px(live_server, page, site, unfinished, screenshot):
    base = live_server.url
    pages = [
        ("questionnaire", f"/s/{unfinished.token}/del/factors/"),
        ("report", f"/s/{site.submitted.token}/rapport/"),
    ]
    for width in (375, 1280):
        set_width(page, width)
        for name, path in pages:
            open_page(page, base + path)
            screenshot(page, name)
    log_in(page, base, site.admin.username)
    for width in (375, 1280):
        set_width(page, width)
        open_page(page, f"{base}/statistikk/?round={site.current.pk}&group=type:kindergarten")
        screenshot(page, "statistics")


# 4. Charts: a text alternative, and the numbers in a table -------------------------------------

FIGURES = """() => Array.from(document.querySelectorAll("main figure")).map((figure) => {
    const img = figure.querySelector("img");
    const table = Array.from(document.querySelectorAll("main table")).find(
        (candidate) => figure.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING
    );
    return {
        src: img ? img.getAttribute("src") : null,
        alt: img ? (img.getAttribute("alt") || "").trim() : "",
        loaded: Boolean(img && img.complete && img.naturalWidth > 0),
        caption: ((figure.querySelector("figcaption") || {}).textContent || "").trim(),
        table: table ? {
            caption: ((table.caption || {}).textContent || "").trim(),
            columnHeaders: table.querySelectorAll("thead th[scope=col]").length,
            rows: table.tBodies.length ? table.tBodies[0].rows.length : 0,
        } : null,
    };
})"""


def check_charts(page: Page, where: str, expected: int) -> None:
    figures = page.evaluate(FIGURES)
    assert len(figures) == expected, f"{where}: {len(figures)} charts, expected {expected}"
    for figure in figures:
        what = f"{where}, chart {figure['src']}"
        assert figure["src"], f"{what}: the figure holds no image"
        assert figure["loaded"], f"{what}: the image did not load"
        assert len(figure["alt"]) > 20, f"{what}: the alt text {figure['alt']!r} says too little"
        assert figure["caption"], f"{what}: no caption"
        table = figure["table"]
        assert table, f"{what}: no table with the numbers after the chart"
        assert table["caption"] and table["columnHeaders"] >= 2 and table["rows"] >= 1, f"{what}: {table}"


def chart_text(page: Page, src: str) -> tuple[str, str]:
    """The chart's title and all its text (labels split over lines joined again), from the SVG."""
    svg = page.request.get(src)
    assert svg.ok and svg.headers["content-type"].startswith("image/svg+xml"), (src, svg.status)
    body = svg.text()
    title = re.search(r"<title>(.*?)</title>", body, re.S)
    texts = [html.unescape(text) for text in re.findall(r"<text\b[^>]*>(.*?)</text>", body, re.S)]
    return (html.unescape(title.group(1)) if title else ""), " ".join(" ".join(texts).split())


def in_chart(label: str, text: str) -> bool:
    return " ".join(label.split()) in text


def test_charts_have_a_text_alternative_and_a_table_with_the_numbers(live_server, page, site):
    base = live_server.url
    open_page(page, f"{base}/s/{site.submitted.token}/rapport/")
    switch_language(page, "en")  # to tell shares ("Share") from scores ("Score") by their column
    open_every_details(page)  # the details sections hold the charts and the tables
    check_charts(page, "the workplace report", expected=2)
    shares_src, culture_src = page.eval_on_selector_all("main figure img", "(images) => images.map((i) => i.src)")
    shares_title, shares_text = chart_text(page, shares_src)
    culture_title, culture_text = chart_text(page, culture_src)
    # The chart's title is the indicator's name with its weighting inside the name's own
    # brackets, then the base its groups share: "Culture index ... (0–100, weighted), among ...".
    prefix, inside, weighting = re.fullmatch(
        r"(.*?)(?:\(([^()]*?)(?:, |; )|\()(weighted|unweighted)\)(?:, among .*)?", culture_title
    ).groups()
    culture_name = f"{prefix}({inside})" if inside else prefix.rstrip()
    assert f"({weighting})" in shares_title, shares_title  # both charts say the same weighting
    indicators = page.locator("main .indicator")
    assert indicators.count() >= 5
    seen = {"Share": 0, "Score": 0}
    for index in range(indicators.count()):
        indicator = indicators.nth(index)
        name = indicator.locator("h4").inner_text()
        expect(indicator.locator("table caption"), f"the table of {name!r}").to_contain_text(name)
        expect(indicator.locator("table tbody tr"), f"the rows of {name!r}").not_to_have_count(0)
        kind = indicator.locator("table thead th").nth(1).inner_text()
        seen[kind] += 1
        if kind == "Share":  # every share in the table is a bar in the shares chart
            assert in_chart(name, shares_text), f"{name!r} has a table but no bar in the shares chart"
        elif name == culture_name:  # every group in the culture table is a bar in the culture chart
            # The group's name, without the base a row names after it (", among workplaces that ...").
            groups = indicator.locator("table tbody th").evaluate_all(
                "(cells) => cells.map((c) => c.firstChild.textContent.replace(/,\\s*$/, ''))"
            )
            for group in groups:
                assert in_chart(group, culture_text), f"{group!r} is in the table but not in the chart {name!r}"
    assert seen["Share"] >= 5 and seen["Score"] >= 1, seen
    assert culture_name in [indicators.nth(i).locator("h4").inner_text() for i in range(indicators.count())]

    log_in(page, base, site.admin.username)
    check_charts(page, "the statistics page", expected=1)
    _title, text = chart_text(page, page.locator("main figure img").evaluate("(image) => image.src"))
    shares = 0
    for row in page.locator("#aggregate-table-caption ~ tbody tr").all():
        if row.locator("td").first.inner_text().endswith("%"):
            shares += 1
            name = row.locator("th").inner_text()
            assert in_chart(name, text), f"{name!r} has a share in the table but no bar in the chart"
    assert shares >= 5
    open_page(page, f"{base}/statistikk/runder/{CURRENT_ROUND}/")
    check_charts(page, "the round dashboard", expected=1)
