"""The site the browser tests walk: two generated national rounds (the earlier one closed and
published), the self-test round, invitations in both rounds and two staff users.

Building it takes about ten seconds, most of it publishing, so ``tests/browser/conftest.py``
builds it once per test process (``build_site``, kept with ``KeptRows``) and puts its rows
back before each test; the users are made for each test (``open_site``), since the flush
after a live-server test gives the permissions new keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from barometer.synthetic import generate_round
from surveys.models import Invitation, Municipality, Round, Workplace, WorkplaceType
from tests.answering import INNOVATOR_ANSWERS, answer_all
from tests.builders import publish
from tests.conftest import make_self_test_round

PASSWORD = "correct-horse-battery"
CURRENT_ROUND = "barometer-2026"
PREVIOUS_ROUND = "barometer-2024"


@dataclass
class Site:
    """What a browser test walks, as model instances read for that test (``open_site``)."""

    question_set: object
    current: Round
    previous: Round
    self_test_round: Round
    innovator: Invitation  # not started: walked through the innovator path in the browser
    non_innovator: Invitation  # not started: walked to the in_progress section
    submitted: Invitation  # answered and submitted through the test client
    closed: Invitation  # in the previous round, which has closed
    admin: object
    analyst: object


def make_invitation(round_: Round, municipality, name: str, workplace_type=WorkplaceType.PRIMARY_SCHOOL) -> Invitation:
    workplace = Workplace.objects.create(
        name=name, workplace_type=workplace_type, municipality=municipality, employees=40
    )
    return Invitation.objects.create(round=round_, workplace=workplace, email=f"{workplace.pk}@example.invalid")


def analysts_group() -> Group:
    """The analysts' role. A data migration makes it, but the live server's database is emptied
    after every test (the permissions come back, the groups do not), so make it again if needed."""
    group, _created = Group.objects.get_or_create(name="Analytikere")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="barometer",
            codename__in=["view_aggregates", "export_raw_responses", "view_fieldwork"],
        )
    )
    return group


def build_site(question_set) -> dict[str, int]:
    """The site's rounds, published results and invitations (the slow part: two generated
    rounds, one published); returns their primary keys by ``Site`` field name."""
    now = timezone.now()
    municipality = Municipality.objects.get(number="9901")
    self_test_round = make_self_test_round(question_set)
    previous = generate_round(
        question_set=question_set, slug=PREVIOUS_ROUND, name="Innovasjonsbarometeret 2024", workplaces=200, seed=2024
    ).round
    Round.objects.filter(pk=previous.pk).update(opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=340))
    previous.refresh_from_db()
    # Its results are published: reports of the round in fieldwork compare with them.
    publish(previous)
    current = generate_round(
        question_set=question_set, slug=CURRENT_ROUND, name="Innovasjonsbarometeret 2026", workplaces=300
    ).round
    submitted = make_invitation(current, municipality, "Eksempelvik skole")
    answer_all(Client(), submitted.token, question_set, INNOVATOR_ANSWERS)
    assert Client().post(f"/s/{submitted.token}/oppsummering/").status_code == 302
    return {
        "current": current.pk,
        "previous": previous.pk,
        "self_test_round": self_test_round.pk,
        "innovator": make_invitation(current, municipality, "Eksempelvik barnehage", WorkplaceType.KINDERGARTEN).pk,
        "non_innovator": make_invitation(current, municipality, "Eksempelvik sykehjem", WorkplaceType.NURSING_HOME).pk,
        "submitted": submitted.pk,
        "closed": make_invitation(previous, municipality, "Gamle Eksempelvik skole").pk,
    }


def open_site(keys: dict[str, int], user_model) -> Site:
    """The ``Site`` whose rows ``build_site`` stored (put back already), with an
    administrator and an analyst made now. ``keys`` is what ``build_site`` returned."""
    admin = user_model.objects.create_superuser("admin", "admin@example.invalid", PASSWORD)
    analyst = user_model.objects.create_user("analytiker", "analytiker@example.invalid", PASSWORD)
    analyst.groups.add(analysts_group())
    rounds = Round.objects.in_bulk([keys["current"], keys["previous"], keys["self_test_round"]])
    invitations = Invitation.objects.select_related("workplace__municipality").in_bulk(
        [keys[name] for name in ("innovator", "non_innovator", "submitted", "closed")]
    )
    return Site(
        question_set=rounds[keys["current"]].question_set,
        current=rounds[keys["current"]],
        previous=rounds[keys["previous"]],
        self_test_round=rounds[keys["self_test_round"]],
        innovator=invitations[keys["innovator"]],
        non_innovator=invitations[keys["non_innovator"]],
        submitted=invitations[keys["submitted"]],
        closed=invitations[keys["closed"]],
        admin=admin,
        analyst=analyst,
    )
