"""The Django admin fits a 1,280 px window (issue 15, item 7).

Before the fix, the change page of a published question set was 1,451 px wide and a
question's page 1,618 px: their tabular inlines (sections, options) put three text boxes of
a fixed 20 em side by side. Measured as ``document.documentElement.scrollWidth``.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import Option, Question

PASSWORD = "admin-width-1280"
SCROLL_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def admin_pages(barometer_data, question_set, national_round, django_user_model) -> list[str]:
    django_user_model.objects.create_superuser("admin", "admin@example.invalid", PASSWORD)
    from barometer.models import Indicator, ReferenceFigure

    question = Question.objects.get(question_set=question_set, code="initiated_by")
    pages = [
        reverse("admin:surveys_questionset_change", args=[question_set.pk]),
        reverse("admin:surveys_section_change", args=[question.section_id]),
        reverse("admin:surveys_question_change", args=[question.pk]),
        reverse("admin:surveys_option_change", args=[Option.objects.filter(question=question).first().pk]),
        reverse("admin:surveys_option_delete", args=[Option.objects.filter(question=question).first().pk]),
        reverse("admin:barometer_referencefigure_change", args=[ReferenceFigure.objects.first().pk]),
        reverse("admin:barometer_indicator_change", args=[Indicator.objects.first().pk]),
        reverse("admin:surveys_round_change", args=[national_round.pk]),
        reverse("admin:surveys_questionset_changelist"),
        reverse("admin:surveys_question_changelist"),
    ]
    return pages


def test_admin_pages_fit_1280_px(live_server, page, admin_pages):
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    too_wide = {}
    for path in admin_pages:
        page.goto(live_server.url + path)
        scroll_width, inner_width = page.evaluate(SCROLL_WIDTH)
        assert inner_width == 1280
        if scroll_width > inner_width:
            too_wide[path] = scroll_width
    assert not too_wide, f"admin pages wider than 1,280 px: {too_wide}"


def test_a_refused_publications_reasons_look_like_an_error(live_server, page, admin_pages, question_set):
    """The reasons sat in a list inside the red error, and the admin's stylesheet drew each
    as a message of its own: green, with a tick, as if publishing had worked."""
    from surveys.services.questionsets import new_version

    draft = new_version(question_set)
    novelty = Question.objects.get(question_set=draft, code="novelty")
    novelty.show_if_options.set(
        [Option.objects.get(question__question_set=question_set, question__code="inc_services", code="yes")]
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    page.goto(live_server.url + reverse("admin:surveys_questionset_changelist"))
    page.locator(f"input[name=_selected_action][value='{draft.pk}']").check()
    page.locator("select[name=action]").select_option("publish_sets")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    reason = page.locator("ul.messagelist li.error li").first
    assert "novelty" in reason.inner_text()
    outer, inner = page.locator("ul.messagelist li.error").first, reason
    style = "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).backgroundImage]"
    outer_colour, _outer_image = outer.evaluate(style)
    colour, image = inner.evaluate(style)
    assert image == "none", image  # no tick
    assert colour in ("rgba(0, 0, 0, 0)", outer_colour), colour  # the error's red, not green
