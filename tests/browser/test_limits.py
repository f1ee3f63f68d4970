"""The page's own limits in a real browser are the limits the server applies (issue 14,
item 10), and the language switch keeps what is on the page without JavaScript (item 7).

Chromium enforces ``maxlength`` while typing, counting UTF-16 code units and a line break
once; it submits line breaks as CRLF. Whatever it lets through must be accepted.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from surveys.models import Answer, Invitation, Round, RoundKind
from surveys.questionnaire import Questionnaire
from surveys.services.questionsets import import_questionset
from tests.surveys.test_answer_limits import LIMITS_SET, TEXT_LIMIT, complete


@pytest.fixture(autouse=True)
def fresh_questionnaires():
    """The in-process questionnaire cache is keyed by (id, revision), which test databases
    reuse: forget it before and after, so no test sees another test's question set."""
    Questionnaire.clear_cache()
    yield
    Questionnaire.clear_cache()


@pytest.fixture
def limits_invitation(db, workplace):
    question_set = import_questionset(complete(LIMITS_SET))
    now = timezone.now()
    round_ = Round.objects.create(
        slug="grenser", name="Grenser", kind=RoundKind.NATIONAL, question_set=question_set,
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7),
    )  # fmt: skip
    return Invitation.objects.create(round=round_, workplace=workplace)


def section_page(page, live_server, invitation):
    page.goto(f"{live_server.url}/s/{invitation.token}/del/a/")
    expect(page.locator("#id_note")).to_have_attribute("maxlength", str(TEXT_LIMIT))


def submit(page):
    with page.expect_navigation():
        page.locator('main button[name="action"][value="next"]').click()


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("abc\ndef\nghij", "abc\ndef\ngh"),  # 10 with each line break counted once (12 as sent, CRLF)
        ("🙂🙂🙂🙂🙂🙂", "🙂🙂🙂🙂🙂"),  # each emoji is two UTF-16 units
    ],
)
def test_what_maxlength_lets_through_is_accepted(live_server, page, limits_invitation, typed, kept):
    section_page(page, live_server, limits_invitation)
    textarea = page.locator("#id_note")
    textarea.click()
    for line_number, line in enumerate(typed.split("\n")):
        if line_number:
            page.keyboard.press("Enter")
        page.keyboard.insert_text(line) if not line.isascii() else page.keyboard.type(line)
    assert textarea.input_value() == kept
    submit(page)
    assert "/del/a/" not in page.url, page.locator(".invalid-feedback, .errorlist").all_inner_texts()
    assert Answer.objects.get(question__code="note").text_value == kept


def test_a_number_the_input_accepts_is_accepted(live_server, page, limits_invitation):
    section_page(page, live_server, limits_invitation)
    page.locator("#id_staff").press_sequentially("1e3")
    submit(page)
    assert "/del/a/" not in page.url
    assert Answer.objects.get(question__code="staff").number_value == 1000


def test_switching_language_without_javascript_keeps_the_page(live_server, new_context, limits_invitation):
    page = new_context(java_script_enabled=False).new_page()
    section_page(page, live_server, limits_invitation)
    page.locator("#id_note").fill("hei")
    for code in ("a", "b", "c", "d"):
        page.locator('input[name="who"][value]').nth("abcd".index(code)).check()
    with page.expect_navigation():
        page.locator('button[name="language"][value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#id_note")).to_have_value("hei")
    expect(page.locator('input[name="who"]:checked')).to_have_count(4)
    expect(page.get_by_text("Choose at most 3 options; you chose 4.").first).to_be_visible()
