"""Fixtures shared by the barometer's tests."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from surveys.models import Invitation, Municipality, Response, WorkplaceType
from tests.builders import ResponseBuilder, innovator, non_innovator, publish

#: Municipalities of the sample register in counties with several of them.
PUBLISHED_MUNICIPALITIES = ["9903", "9914", "9930", "9908", "9920", "9929", "9905", "9916", "9923"]
FACTORS = ("safe_operations", "mistakes", "internal_collaboration", "technology", "economy", "employee_involvement",
           "user_involvement", "political")  # fmt: skip
_TYPES = [WorkplaceType.PRIMARY_SCHOOL, WorkplaceType.KINDERGARTEN, WorkplaceType.NURSING_HOME]


@pytest.fixture
def published_reports(barometer_data, national_round, register, self_test_round, django_user_model):
    """A published round of 60 workplaces (schools, kindergartens and nursing homes; the
    innovators rate every factor), with
    "round", an analyst's client ("analyst"), a nursing home's response with an invitation
    ("workplace") and a kindergarten's self-test ("self_test"), and the two links to their
    reports ("links", by the same names)."""
    builder = ResponseBuilder(national_round)
    municipalities = {m.number: m for m in Municipality.objects.all()}
    for i in range(60):
        ratings = {f"factor_{factor}": ["5" if i % 2 else "2"] for factor in FACTORS}
        answers = innovator(initiated_by=["employees"], **ratings) if i % 3 else non_innovator()
        place = municipalities[PUBLISHED_MUNICIPALITIES[i % len(PUBLISHED_MUNICIPALITIES)]]
        builder.submitted(workplace_type=_TYPES[i % 3], municipality=place, answers=answers)
    publish(national_round)
    analyst = django_user_model.objects.create_user("analytiker", password="correct-horse-battery")
    analyst.groups.add(Group.objects.get(name="Analytikere"))
    client = Client()
    client.force_login(analyst)
    workplace = Response.objects.filter(round=national_round, workplace_type=WorkplaceType.NURSING_HOME).first()
    invitation = Invitation.objects.create(round=national_round, workplace=workplace.workplace)
    Response.objects.filter(pk=workplace.pk).update(invitation=invitation)
    self_test = ResponseBuilder(self_test_round).submitted(
        workplace_type=WorkplaceType.KINDERGARTEN, municipality=municipalities["9903"], answers=innovator()
    )
    self_test.workplace, self_test.token = None, "selvtest-token-abcdefghij"  # a self-test has no workplace
    self_test.save()
    workplace.refresh_from_db()
    return {
        "round": national_round,
        "analyst": client,
        "workplace": workplace,
        "self_test": self_test,
        "links": {"workplace": invitation.token, "self_test": "selvtest-token-abcdefghij"},
    }
