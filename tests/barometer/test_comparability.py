"""A renamed option code must not change a figure (issue 14, item 4).

Publishing a version that drops a code an active indicator names is refused, naming the
indicator, the question and the code; and the change since the previous round is shown only
when everything the indicator depends on is identical in both versions.
"""

import json
import re
from datetime import timedelta

import pytest

from barometer.engine.comparability import LostCode, is_comparable, lost_codes
from barometer.engine.groups import Filter
from barometer.reports.aggregate import aggregate_report
from barometer.synthetic import generate_round
from surveys.models import Option, Question, QuestionSetStatus, Round
from surveys.services.questionsets import PublishRefused, export_questionset_data, new_version, publish

BEFORE = {
    "sections": [
        {
            "code": "incidence",
            "show_if": None,
            "questions": [
                {"code": "inc_services", "show_if": None, "options": [{"code": "yes"}, {"code": "no"}]},
                {"code": "spread", "show_if": {"mode": "any", "options": ["inc_services.yes"]}, "options": []},
            ],
        }
    ]
}


def renamed(structure, question, old, new):
    copy = json.loads(json.dumps(structure))
    for section in copy["sections"]:
        for q in section["questions"]:
            if q["code"] == question:
                for option in q["options"]:
                    if option["code"] == old:
                        option["code"] = new
    return copy


def test_a_renamed_option_is_a_lost_code_and_not_comparable():
    after = renamed(BEFORE, "inc_services", "yes", "ja")
    assert lost_codes(["inc_services"], ["yes"], after, BEFORE) == [LostCode("inc_services", "yes")]
    assert not is_comparable(["inc_services"], BEFORE, after)
    assert is_comparable(["inc_services"], BEFORE, BEFORE)
    assert lost_codes(["inc_services"], ["yes"], BEFORE, None) == []  # a first version loses nothing


def test_a_changed_display_condition_is_not_comparable():
    after = renamed(BEFORE, "inc_services", "x", "y")
    after["sections"][0]["questions"][1]["show_if"] = {"mode": "none", "options": ["inc_services.yes"]}
    assert not is_comparable(["spread"], BEFORE, after)
    assert is_comparable(["inc_services"], BEFORE, after)


def test_publishing_a_renamed_indicator_option_is_refused_naming_indicator_question_and_code(
    barometer_data, question_set
):
    draft = new_version(question_set)
    Option.objects.filter(question__question_set=draft, question__code="inc_services", code="yes").update(code="ja")
    with pytest.raises(PublishRefused) as refused:
        publish(draft)
    assert any(
        "innovated" in error and "inc_services" in error and re.search("[“«]yes[”»]", error)
        for error in refused.value.errors
    ), refused.value.errors
    draft.refresh_from_db()
    assert draft.status == QuestionSetStatus.DRAFT


def test_the_admin_is_told_why_publishing_was_refused(admin_client, barometer_data, question_set):
    draft = new_version(question_set)
    Option.objects.filter(question__question_set=draft, question__code="inc_services", code="yes").update(code="ja")
    page = admin_client.post(
        "/admin/surveys/questionset/",
        {"action": "publish_sets", "_selected_action": [draft.pk]},
        follow=True,
    ).content.decode()
    assert "innovated" in page and "inc_services" in page
    draft.refresh_from_db()
    assert draft.status == QuestionSetStatus.DRAFT


def test_change_since_the_previous_round_is_not_comparable_when_the_question_changed(
    barometer_data, question_set, register
):
    draft = new_version(question_set)
    # A new option in inc_services: no code is lost, so publishing is allowed, but what
    # "innovated" counts among has changed.
    question = Question.objects.get(question_set=draft, code="inc_services")
    Option.objects.create(question=question, code="partly", position=99, label_nb="Delvis")
    publish(draft)
    earlier = generate_round(question_set=question_set, slug="r2022", name="2022", workplaces=120, seed=1).round
    later = generate_round(question_set=draft, slug="r2024", name="2024", workplaces=120, seed=2).round
    two_years = timedelta(days=730)
    Round.objects.filter(pk=earlier.pk).update(
        opens_at=later.opens_at - two_years, closes_at=later.closes_at - two_years
    )
    later.refresh_from_db()
    report = aggregate_report(later, Filter())
    rows = {row.indicator.key: row for row in report.rows}
    assert not rows["innovated"].comparable
    assert rows["innovated"].change is None and rows["innovated"].previous is None
    untouched = [row for key, row in rows.items() if "inc_services" not in row.indicator.question_codes]
    assert untouched and all(row.comparable for row in untouched)
    assert any(row.change is not None for row in untouched)
    structure = export_questionset_data(draft)
    assert not is_comparable(["inc_services"], export_questionset_data(question_set), structure)


def test_the_page_says_not_comparable(client, django_user_model, barometer_data, question_set, register):
    from django.contrib.auth.models import Group

    draft = new_version(question_set)
    question = Question.objects.get(question_set=draft, code="inc_services")
    Option.objects.create(question=question, code="partly", position=99, label_nb="Delvis")
    publish(draft)
    earlier = generate_round(question_set=question_set, slug="r2022", name="2022", workplaces=60, seed=1).round
    later = generate_round(question_set=draft, slug="r2024", name="2024", workplaces=60, seed=2).round
    Round.objects.filter(pk=earlier.pk).update(
        opens_at=later.opens_at - timedelta(days=730), closes_at=later.closes_at - timedelta(days=730)
    )
    user = django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Analytikere"))
    client.force_login(user)
    client.cookies["barometer_language"] = "en"
    page = client.get(f"/statistikk/?round={later.pk}")
    assert page.status_code == 200
    assert "not comparable: the question changed" in page.content.decode()


def test_an_option_that_only_defines_a_subpopulation_counts_as_lost_too():
    before = json.loads(json.dumps(BEFORE))
    after = renamed(before, "inc_services", "yes", "ja")
    assert lost_codes(["spread"], [], after, before, ["inc_services.yes"]) == [LostCode("inc_services", "yes")]
    assert lost_codes(["spread"], [], before, before, ["inc_services.yes"]) == []
