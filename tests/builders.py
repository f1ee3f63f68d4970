"""Building submitted responses directly, for benchmark tests that need many of them."""

import itertools

from django.utils import timezone

from surveys.models import Answer, AnswerChoice, Option, Response, ResponseStatus, Workplace
from surveys.services.answering import bump_data_version

CULTURE = ("risk", "openness", "recognition", "collaboration", "asking")


def innovator(**answers) -> dict[str, list[str]]:
    """A complete innovator's answers (option codes by question code), with overrides."""
    base = {
        "role": ["unit_manager"],
        "inc_services": ["yes"], "inc_processes": ["no"], "inc_communication": ["no"],
        "newest_type": ["service"], "newest_break": ["develops"], "newest_technology": ["supporting"],
        "novelty": ["adapted"],
        "initiated_by": ["leaders"], "implemented_by": ["leaders"],
        "collaborated_with": ["none"],
        "value_created": ["quality"], "evaluated": ["internal"], "spread": ["no"],
        **{f"culture_{item}": ["agree"] for item in CULTURE},
    }  # fmt: skip
    base.update(answers)
    return base


def non_innovator(**answers) -> dict[str, list[str]]:
    base = {
        "role": ["unit_manager"],
        "inc_services": ["no"], "inc_processes": ["no"], "inc_communication": ["dont_know"],
        "work_in_progress": ["no"],
        **{f"culture_{item}": ["neutral"] for item in CULTURE},
    }  # fmt: skip
    base.update(answers)
    return base


_WORKPLACE_NUMBERS = itertools.count(1)


class ResponseBuilder:
    def __init__(self, round_):
        self.round = round_
        self.options = {
            (question_code, code): (pk, question_id)
            for pk, question_id, question_code, code in Option.objects.filter(
                question__question_set=round_.question_set
            ).values_list("pk", "question_id", "question__code", "code")
        }
        self.count = 0

    def submitted(self, *, workplace_type, municipality, answers, employees=20, workplace=None) -> Response:
        self.count += 1
        if workplace is None:
            workplace = Workplace.objects.create(
                # Names are unique within a municipality (a database constraint), also across builders.
                name=f"Testvirksomhet {next(_WORKPLACE_NUMBERS)}",
                workplace_type=workplace_type,
                municipality=municipality,
                employees=employees,
            )
        response = Response.objects.create(
            round=self.round,
            question_set=self.round.question_set,
            workplace=workplace,
            workplace_type=workplace_type,
            municipality=municipality,
            employees=employees,
            status=ResponseStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for question_code, codes in answers.items():
            ids = [self.options[(question_code, code)] for code in codes]
            answer = Answer.objects.create(response=response, question_id=ids[0][1])
            AnswerChoice.objects.bulk_create(
                [AnswerChoice(answer=answer, option_id=option_id, response=response) for option_id, _q in ids]
            )
        bump_data_version(self.round.pk)  # as the submit service does
        return response


def submitted_by_invitation(invitation):
    """``invitation``'s workplace has submitted an innovator's answers (employees initiated,
    collaboration with other municipalities) in the invitation's round; returns the invitation."""
    workplace = invitation.workplace
    response = ResponseBuilder(invitation.round).submitted(
        workplace_type=workplace.workplace_type,
        municipality=workplace.municipality,
        workplace=workplace,
        answers=innovator(initiated_by=["employees"], collaborated_with=["other_municipalities"]),
    )
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    return invitation


def publish(round_):
    """Close ``round_`` (its fieldwork ended an hour ago) and publish its results: the
    snapshot every public and municipality page reads."""
    from datetime import timedelta

    from barometer.publishing import publish_round

    if round_.closes_at > timezone.now():
        round_.closes_at = timezone.now() - timedelta(hours=1)
        if round_.opens_at > round_.closes_at:
            round_.opens_at = round_.closes_at - timedelta(days=30)
        round_.save(update_fields=["opens_at", "closes_at"])
    snapshot, _seconds = publish_round(round_, published_by="test")
    return snapshot


def without_identity(rows):
    """The full export's rows without its workplace-identity columns, as a file of paper
    answers starts before a test adds identities of its own."""
    from surveys.services.response_files import FULL_IDENTITY_COLUMNS

    rows = list(rows)
    keep = [i for i, column in enumerate(rows[0]) if column not in FULL_IDENTITY_COLUMNS]
    return [[row[i] for i in keep] for row in rows]
