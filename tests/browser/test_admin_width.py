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
