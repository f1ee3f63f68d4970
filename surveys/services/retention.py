"""Privacy: personal data is kept only as long as a round needs it.

Managers' e-mail addresses and the invitation links (tokens) of rounds that closed more
than ``RETENTION_DAYS`` ago are removed; the answers, which describe workplaces, are kept.
A workplace can also have its responses removed on request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..models import Invitation, Response, RoundKind, Workplace
from .answering import bump_data_version


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
def delete_workplace_responses(workplace: Workplace) -> int:
    """Remove every response of a workplace (its answers go with them), on its request;
    returns how many responses were removed."""
    responses = Response.objects.filter(workplace=workplace)
    rounds = set(responses.values_list("round_id", flat=True))
    deleted = responses.count()
    responses.delete()
    for round_id in rounds:
        transaction.on_commit(lambda round_id=round_id: bump_data_version(round_id))
    return deleted
