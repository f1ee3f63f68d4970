"""The questionnaire in a real browser: keyboard only, with axe-core on every page, in all three
languages, on a small screen, and through "save and continue later".

Section pages show "Part N of M" (or its translation) in ``#progress-label``. M counts the parts
this respondent will see, so it changes once the answers decide the path: the innovator path
has 9 parts, the non-innovator path 4.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from surveys.models import Answer, Invitation, Question, QuestionKind, Response, Section
from tests.answering import INNOVATOR_ANSWERS, NON_INNOVATOR_ANSWERS, answer_all, option_id

INNOVATOR_PATH = [
    "profile",
    "incidence",
    "newest",
    "initiation",
    "implementation",
    "collaboration",
    "value",
    "factors",
    "culture",
]
NON_INNOVATOR_PATH = ["profile", "incidence", "in_progress", "culture"]
MAX_TAB_PRESSES = 80


@pytest.fixture
def invitation(national_round, workplace):
    return Invitation.objects.create(round=national_round, workplace=workplace, email="leder@example.invalid")


def welcome_url(live_server, token: str) -> str:
    return f"{live_server.url}/s/{token}/"


# Reading the page -------------------------------------------------------------------------------

FOCUSED_ELEMENT = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        type: el.getAttribute("type") || "",
        name: el.getAttribute("name") || "",
        value: "value" in el ? String(el.value) : "",
        id: el.id,
        href: el.getAttribute("href") || "",
        text: (el.innerText || "").trim(),
        label: el.labels ? Array.from(el.labels, (label) => label.innerText.trim()).join(" ") : "",
        checked: Boolean(el.checked),
        inMain: Boolean(el.closest("main")),
        role: el.getAttribute("role") || "",
        focusRing: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
    };
}"""


def focused(page: Page) -> dict:
    """What has keyboard focus: tag, type, name, value, id, href, text, label, checked, inMain, role, and
    whether it shows a focus ring (an outline or a box shadow)."""
    return page.evaluate(FOCUSED_ELEMENT)


def describe(element: dict) -> str:
    parts = [element["tag"]]
    for key in ("type", "name", "value", "href"):
        if element[key]:
            parts.append(f"{key}={element[key]!r}")
    if element["label"] or element["text"]:
        parts.append(repr((element["label"] or element["text"])[:40]))
    return " ".join(parts)


def progress(page: Page) -> tuple[int, int]:
    """(N, M) from "Part N of M" / "Del N av M" on a section page."""
    text = page.locator("#progress-label").inner_text()
    numbers = [int(number) for number in re.findall(r"\d+", text)]
    assert len(numbers) == 2, f"#progress-label should read 'Part N of M', not {text!r}"
    return numbers[0], numbers[1]


def section_code(page: Page) -> str:
    match = re.search(r"/del/([\w-]+)/$", page.url)
    assert match, f"not a section page: {page.url}"
    return match.group(1)


def on_review_page(page: Page) -> bool:
    return page.url.endswith("/oppsummering/")


def question_codes_on(page: Page) -> list[str]:
    """The names of the questions in the page's questionnaire form, in page order."""
    names = page.eval_on_selector_all(
        "main form textarea, main form input:not([type=hidden]), main form select",
        "(fields) => fields.map((field) => field.name)",
    )
    return list(dict.fromkeys(names))


def question_kinds(question_set, codes: list[str]) -> dict[str, str]:
    return dict(Question.objects.filter(question_set=question_set, code__in=codes).values_list("code", "kind"))


def options_in_page_order(question_set, code: str, option_codes: list[str]) -> list[str]:
    """The input values (option ids) of ``option_codes``, in the order the page shows them."""
    question = Question.objects.get(question_set=question_set, code=code)
    positions = dict(question.options.values_list("code", "position"))
    return [option_id(question_set, code, option) for option in sorted(option_codes, key=positions.__getitem__)]


# Going to pages ----------------------------------------------------------------------------------


def check_status(response, expected_status: int, what: str) -> None:
    """The page a navigation ended on (after redirects) answered ``expected_status``."""
    assert response is not None, f"{what} loaded no page"
    assert response.status == expected_status, (
        f"{what} ended on {response.url} with status {response.status}, expected {expected_status}"
    )


def open_page(page: Page, url: str, expected_status: int = 200) -> None:
    check_status(page.goto(url), expected_status, f"opening {url}")


# Moving around with the keyboard ----------------------------------------------------------------


def tab_to(page: Page, matches: Callable[[dict], bool], what: str, limit: int = MAX_TAB_PRESSES) -> dict:
    """Press Tab until the focused element ``matches``; fail naming ``what`` and the path taken.
    The element reached must show that it has focus."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            assert element["focusRing"], f"{what} has focus but shows no focus ring: {describe(element)}"
            return element
        path.append(describe(element))
    pytest.fail(f"Tab never reached {what} in {limit} presses. Focus went: " + " → ".join(path))


def field(code: str, value: str | None = None) -> Callable[[dict], bool]:
    return lambda element: element["name"] == code and (value is None or element["value"] == value)


def action_button(action: str) -> Callable[[dict], bool]:
    return lambda element: element["tag"] == "button" and element["name"] == "action" and element["value"] == action


def link_to(href_ending: str) -> Callable[[dict], bool]:
    return lambda element: element["tag"] == "a" and element["href"].endswith(href_ending)


def main_submit_button(element: dict) -> bool:
    return element["tag"] == "button" and element["type"] == "submit" and element["inMain"]


def press_and_wait_for_page(page: Page, key: str = "Enter", expected_status: int = 200) -> None:
    with page.expect_navigation() as navigation:
        page.keyboard.press(key)
    check_status(navigation.value, expected_status, f"pressing {key}")


def choose_radio_with_keyboard(page: Page, code: str, value: str, option_count: int) -> None:
    """Tab into the radio group, then select with Space and the arrow keys (arrows move and select)."""
    tab_to(page, field(code), f"the radio group {code!r}")
    page.keyboard.press("Space")
    for _ in range(option_count):
        if focused(page)["value"] == value:
            break
        page.keyboard.press("ArrowDown")
    element = focused(page)
    assert element["value"] == value and element["checked"], f"{code}: could not select {value} ({describe(element)})"


def tick_checkbox_with_keyboard(page: Page, code: str, value: str) -> None:
    tab_to(page, field(code, value), f"the checkbox {code}={value}")
    page.keyboard.press("Space")
    assert focused(page)["checked"], f"Space did not tick {code}={value}"


def type_text_with_keyboard(page: Page, code: str, text: str) -> None:
    tab_to(page, field(code), f"the text field {code!r}")
    page.keyboard.type(text)


def answer_section_with_keyboard(page: Page, question_set, answers: dict) -> None:
    """Answer the questions on the page from ``answers`` (question code → option code(s) or text)."""
    codes = [code for code in question_codes_on(page) if code in answers]
    kinds = question_kinds(question_set, codes)
    for code in codes:
        answer = answers[code]
        if kinds[code] in {QuestionKind.TEXT, QuestionKind.NUMBER}:
            type_text_with_keyboard(page, code, str(answer))
        elif kinds[code] == QuestionKind.MULTIPLE_CHOICE:
            for value in options_in_page_order(question_set, code, answer):
                tick_checkbox_with_keyboard(page, code, value)
        else:
            option_count = page.locator(f'input[name="{code}"]').count()
            choose_radio_with_keyboard(page, code, option_id(question_set, code, answer), option_count)


def go_to_next_page_with_keyboard(page: Page) -> None:
    tab_to(page, action_button("next"), "the Next button")
    press_and_wait_for_page(page)


# Using the mouse (where the keyboard is not what is tested) ------------------------------------


def answer_section_with_clicks(page: Page, question_set, answers: dict) -> None:
    codes = [code for code in question_codes_on(page) if code in answers]
    kinds = question_kinds(question_set, codes)
    for code in codes:
        answer = answers[code]
        if kinds[code] in {QuestionKind.TEXT, QuestionKind.NUMBER}:
            page.locator(f'[name="{code}"]').fill(str(answer))
        else:
            for option in answer if isinstance(answer, list) else [answer]:
                option_input(page, question_set, code, option).check()


def option_input(page: Page, question_set, code: str, option: str) -> Locator:
    """The radio button or checkbox of option ``option`` of question ``code``."""
    return page.locator(f'input[name="{code}"][value="{option_id(question_set, code, option)}"]')


def click_and_wait_for_page(page: Page, selector: str, expected_status: int = 200) -> None:
    with page.expect_navigation() as navigation:
        page.locator(selector).click()
    check_status(navigation.value, expected_status, f"clicking {selector}")


def click_action(page: Page, action: str, expected_status: int = 200) -> None:
    """Click Next, Previous or Save and continue later (value ``next``, ``back`` or ``save``)."""
    click_and_wait_for_page(page, f'main button[name="action"][value="{action}"]', expected_status)


def switch_language(page: Page, language: str) -> None:
    click_and_wait_for_page(page, f'header button[name="language"][value="{language}"]')
    expect(page.locator("html")).to_have_attribute("lang", language)


def walk_questionnaire_with_clicks(page: Page, question_set, answers: dict, on_each_page: Callable) -> list[str]:
    """From a section page to the review page; calls ``on_each_page(page)`` first on every section page."""
    visited = []
    for _ in range(len(INNOVATOR_PATH) + 1):
        if on_review_page(page):
            return visited
        visited.append(section_code(page))
        on_each_page(page)
        answer_section_with_clicks(page, question_set, answers)
        click_action(page, "next")
    pytest.fail(f"the questionnaire did not reach the review page; visited {visited}")


# The database -----------------------------------------------------------------------------------


def stored_answers(response: Response) -> dict:
    """The response's answers as ``INNOVATOR_ANSWERS`` writes them: option code(s) or text."""
    result = {}
    for answer in (
        Answer.objects.filter(response=response).select_related("question").prefetch_related("choices__option")
    ):
        question = answer.question
        chosen = sorted(choice.option.code for choice in answer.choices.all())
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            result[question.code] = chosen
        elif chosen:
            result[question.code] = chosen[0]
        else:
            result[question.code] = answer.text_value or answer.number_value
    return result


def normalised(answers: dict) -> dict:
    return {code: sorted(value) if isinstance(value, list) else value for code, value in answers.items()}


# The tests --------------------------------------------------------------------------------------


def test_innovator_completes_the_questionnaire_with_the_keyboard_only(
    live_server, page, invitation, question_set, assert_accessible, screenshot
):
    open_page(page, welcome_url(live_server, invitation.token))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    assert_accessible(page, "the welcome page")

    skip_link = tab_to(page, link_to("#main"), "the skip link", limit=1)
    assert skip_link["text"], "the skip link has text once it is focused"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    tab_to(page, link_to(f"/s/{invitation.token}/del/profile/"), "the Start link")
    press_and_wait_for_page(page)

    visited, totals = [], []
    for number in range(1, len(INNOVATOR_PATH) + 2):
        if on_review_page(page):
            break
        code = section_code(page)
        shown_number, total = progress(page)
        assert shown_number == number, f"{code}: progress says part {shown_number}, expected {number}"
        visited.append(code)
        totals.append(total)
        assert_accessible(page, f"section {code!r}")
        screenshot(page, f"{number:02d}-{code}")
        answer_section_with_keyboard(page, question_set, INNOVATOR_ANSWERS)
        if code == INNOVATOR_PATH[-1]:
            # Enter on the radio just chosen submits the form with its first button, which must be Next.
            press_and_wait_for_page(page)
        else:
            go_to_next_page_with_keyboard(page)
    else:
        pytest.fail(f"the questionnaire did not reach the review page; visited {visited}")

    assert visited == INNOVATOR_PATH
    assert totals == [9] * 9  # the longest path from the start; it never grows

    assert_accessible(page, "the review page")
    screenshot(page, "10-review")
    tab_to(page, main_submit_button, "the Submit answers button")
    press_and_wait_for_page(page)

    assert page.url.endswith(f"/s/{invitation.token}/rapport/")
    assert_accessible(page, "the report")
    screenshot(page, "11-report")
    response = Response.objects.get(invitation=invitation)
    assert response.is_submitted
    assert stored_answers(response) == normalised(INNOVATOR_ANSWERS)


def test_non_innovator_path_skips_the_innovation_blocks(live_server, page, invitation, question_set, assert_accessible):
    open_page(page, welcome_url(live_server, invitation.token))
    click_and_wait_for_page(page, "main a.btn-primary")
    shown = []

    def check(page):
        shown.append(progress(page))
        assert_accessible(page, f"section {section_code(page)!r}")

    visited = walk_questionnaire_with_clicks(page, question_set, NON_INNOVATOR_ANSWERS, on_each_page=check)

    assert visited == NON_INNOVATOR_PATH
    assert shown == [(1, 9), (2, 9), (3, 4), (4, 4)]  # the branch is known once incidence is answered
    assert_accessible(page, "the review page")
    click_and_wait_for_page(page, "main form button[type=submit]")
    assert page.url.endswith("/rapport/")
    assert stored_answers(Response.objects.get(invitation=invitation)) == normalised(NON_INNOVATOR_ANSWERS)


def test_save_and_continue_later_shows_a_resume_link_that_works(
    live_server, settings, page, new_context, invitation, question_set, assert_accessible, mailoutbox
):
    settings.SITE_URL = live_server.url  # the resume link is absolute
    open_page(page, welcome_url(live_server, invitation.token))
    click_and_wait_for_page(page, "main a.btn-primary")
    answer_section_with_clicks(page, question_set, INNOVATOR_ANSWERS)
    click_action(page, "next")
    assert section_code(page) == "incidence"
    partly = {code: INNOVATOR_ANSWERS[code] for code in ("inc_services", "inc_processes")}
    answer_section_with_clicks(page, question_set, partly)
    click_action(page, "save")

    assert page.url.endswith(f"/s/{invitation.token}/lagret/")
    assert_accessible(page, "the saved page")
    resume_link = page.locator(f'main a[href*="{invitation.token}"]')
    expect(resume_link).to_be_visible()
    resume_url = resume_link.get_attribute("href")
    assert resume_url == welcome_url(live_server, invitation.token)
    assert len(mailoutbox) == 1 and resume_url in mailoutbox[0].body

    elsewhere = new_context().new_page()  # another device: no cookies
    open_page(elsewhere, resume_url)
    # The welcome page now offers to continue, at the first part with a required answer missing.
    continue_link = elsewhere.locator("main a.btn-primary")
    expect(continue_link).to_have_attribute("href", f"/s/{invitation.token}/del/incidence/")
    click_and_wait_for_page(elsewhere, "main a.btn-primary")
    assert section_code(elsewhere) == "incidence"
    for code, option in partly.items():
        expect(option_input(elsewhere, question_set, code, option)).to_be_checked()
    expect(elsewhere.locator('input[name="inc_communication"]:checked')).to_have_count(0)
    click_action(elsewhere, "back")
    expect(option_input(elsewhere, question_set, "role", INNOVATOR_ANSWERS["role"])).to_be_checked()


def test_error_summary_links_to_the_field(live_server, page, invitation, question_set, assert_accessible):
    open_page(page, welcome_url(live_server, invitation.token))
    click_and_wait_for_page(page, "main a.btn-primary")
    answer_section_with_clicks(page, question_set, INNOVATOR_ANSWERS)
    click_action(page, "next")
    click_action(page, "next", expected_status=400)  # three required questions unanswered

    assert section_code(page) == "incidence"
    assert page.title().startswith(("Error", "Feil")), page.title()
    summary = page.locator("[role=alert]")
    expect(summary).to_be_focused()
    targets = [link.get_attribute("href") for link in summary.locator("a").all()]
    assert targets == ["#id_inc_services_0", "#id_inc_processes_0", "#id_inc_communication_0"]
    for target in targets:
        expect(page.locator(target)).to_have_count(1)
    assert_accessible(page, "a section page with errors")

    tab_to(page, lambda element: element["href"] == targets[1], "the second link in the error summary")
    page.keyboard.press("Enter")
    expect(page.locator(targets[1])).to_be_focused()

    # After the skip link the address ends in "#main"; a form that posted there made the
    # browser move the focus to <main> after the script had put it on the summary (found
    # by a keyboard user). The form posts to the address without its fragment.
    page.evaluate("location.hash = 'main'")
    click_action(page, "next", expected_status=400)
    expect(page.locator("[role=alert]")).to_be_focused()


@pytest.mark.parametrize("language", ["nn", "en"])
def test_the_questionnaire_in_nynorsk_and_english_passes_axe(
    live_server, page, invitation, question_set, assert_accessible, language
):
    open_page(page, welcome_url(live_server, invitation.token))
    switch_language(page, language)
    assert_accessible(page, f"the welcome page ({language})")
    click_and_wait_for_page(page, "main a.btn-primary")
    titles = dict(Section.objects.filter(question_set=question_set).values_list("code", f"title_{language}"))

    def check(page):
        code = section_code(page)
        expect(page.locator("h1")).to_have_text(titles[code])
        assert_accessible(page, f"section {code!r} ({language})")

    visited = walk_questionnaire_with_clicks(page, question_set, INNOVATOR_ANSWERS, on_each_page=check)

    assert visited == INNOVATOR_PATH
    assert_accessible(page, f"the review page ({language})")
    assert Response.objects.get(invitation=invitation).language == language


def test_review_and_report_pages_pass_axe(live_server, client, page, invitation, question_set, assert_accessible):
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)

    open_page(page, f"{live_server.url}/s/{invitation.token}/oppsummering/")
    assert_accessible(page, "the review page")
    click_and_wait_for_page(page, "main form button[type=submit]")
    assert page.url.endswith("/rapport/")
    assert_accessible(page, "the report")
    for summary in page.locator("main details > summary").all():
        summary.click()
    assert_accessible(page, "the report with every <details> open")
    open_page(page, welcome_url(live_server, invitation.token))
    assert page.url.endswith("/rapport/"), "a submitted response's link leads to the report"


def test_self_test_start_page_passes_axe(live_server, page, self_test_round, register, assert_accessible):
    open_page(page, f"{live_server.url}/selvtest/")
    assert_accessible(page, "the self-test start page")

    click_and_wait_for_page(page, "main form button[type=submit]", expected_status=400)  # nothing filled in
    expect(page.locator("[role=alert]")).to_be_focused()
    assert_accessible(page, "the self-test start page with errors")

    page.locator("input[name=workplace_type]").first.check()
    page.locator("select[name=municipality]").select_option(index=1)
    page.locator("input[name=employees]").fill("25")
    click_and_wait_for_page(page, "main form button[type=submit]")
    assert re.search(r"/s/[\w-]+/$", page.url), page.url
    assert_accessible(page, "the self-test welcome page")


def test_not_found_page_passes_axe(live_server, page, assert_accessible):
    open_page(page, f"{live_server.url}/s/no-such-link/", expected_status=404)
    assert_accessible(page, "the 404 page")


def test_pages_fit_a_320_px_screen_and_are_photographed_at_375_px(
    live_server, client, page, invitation, question_set, screenshot
):
    set_width(page, 320)
    open_page(page, welcome_url(live_server, invitation.token))
    assert_no_horizontal_scrolling(page, "the welcome page")
    click_and_wait_for_page(page, "main a.btn-primary")
    assert_no_horizontal_scrolling(page, "the profile section")
    click_action(page, "next", expected_status=400)
    assert_no_horizontal_scrolling(page, "the profile section with the error summary")
    set_width(page, 375)
    screenshot(page, "profile-error")

    set_width(page, 320)
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    open_page(page, f"{live_server.url}/s/{invitation.token}/del/factors/")
    assert_no_horizontal_scrolling(page, "the factors section (eight rating scales)")
    set_width(page, 375)
    screenshot(page, "factors")

    set_width(page, 320)
    open_page(page, f"{live_server.url}/s/{invitation.token}/oppsummering/")
    assert_no_horizontal_scrolling(page, "the review page")
    click_and_wait_for_page(page, "main form button[type=submit]")
    assert page.url.endswith("/rapport/")
    assert_no_horizontal_scrolling(page, "the report")
    set_width(page, 375)
    screenshot(page, "report")


def set_width(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})


def assert_no_horizontal_scrolling(page: Page, label: str) -> None:
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{label} scrolls sideways at {width} px: the page is {scroll_width} px wide"
