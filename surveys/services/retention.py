"""Privacy: personal data is kept only as long as a round needs it.

Managers' e-mail addresses and the invitation links (tokens) of rounds that closed more
than ``RETENTION_DAYS`` ago are removed; the answers, which describe workplaces, are kept.
A workplace can also have its responses removed on request, and an admin can remove single
answers (a free text with personal data in it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..models import Answer, Invitation, Response, RoundKind, Workplace
from ..option_masks import rebuild_option_masks
from .answering import bump_data_versions_on_commit


@dataclass(frozen=True)
class RetentionResult:
    invitations: int
    self_tests: int


@transaction.atomic
def apply_retention(days: int, *, now=None) -> RetentionResult:
    cutoff = (now or timezone.now()) - timedelta(days=days)
    invitations = Invitation.objects.filter(round__closes_at__lt=cutoff).exclude(token=None, email="")
    count = invitations.update(email="", token=None, token_digest=None)
    # Self-test links of closed self-test rounds go too: nobody can come back to them.
    self_tests = Response.objects.filter(round__kind=RoundKind.SELF_TEST, round__closes_at__lt=cutoff).exclude(
        token=None
    )
    self_test_count = self_tests.update(token=None, token_digest=None)
    return RetentionResult(invitations=count, self_tests=self_test_count)


@transaction.atomic
def delete_responses(responses: QuerySet[Response]) -> int:
    """Remove ``responses`` (their answers go with them) and drop their rounds' cached
    figures after the commit; returns how many responses were removed."""
    rounds = set(responses.values_list("round_id", flat=True))
    _deleted, by_model = responses.delete()
    bump_data_versions_on_commit(rounds)
    return by_model.get(Response._meta.label, 0)


def delete_workplace_responses(workplace: Workplace) -> int:
    """Remove every response of a workplace (its answers go with them), on its request;
    returns how many responses were removed."""
    return delete_responses(Response.objects.filter(workplace=workplace))


@transaction.atomic
def delete_answers(answers: QuerySet[Answer]) -> int:
    """Remove single ``answers`` (a free text with a name in it, say) with their chosen
    options; the responses' option masks are recomputed from what is left and their rounds'
    cached figures dropped after the commit. Returns how many answers were removed."""
    touched = list(answers.values_list("response_id", "response__round_id").distinct())
    _deleted, by_model = answers.delete()
    rebuild_option_masks(Response.objects.filter(pk__in={response_id for response_id, _round in touched}))
    bump_data_versions_on_commit(round_id for _response, round_id in touched)
    return by_model.get(Answer._meta.label, 0)
