"""Invitations for a national round: created from a CSV of workplaces and managers' e-mail
addresses, sent and reminded through Django's e-mail backend.

CSV columns (header row required; ``employees``, ``external_id`` and ``language`` may be
left out or empty)::

    workplace,workplace_type,municipality,employees,email,external_id,language

``workplace_type`` is one of the codes in ``surveys.models.WorkplaceType``; ``municipality``
is the four-digit municipality number. A workplace is matched by ``external_id`` when given,
otherwise by name and municipality. The file is validated whole: one bad row rejects it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..i18n import LANGUAGES
from ..models import (
    SECTOR_OF_WORKPLACE_TYPE,
    Invitation,
    Municipality,
    ReminderLog,
    Response,
    ResponseStatus,
    Round,
    RoundKind,
    Workplace,
    WorkplaceType,
)

REQUIRED_COLUMNS = ("workplace", "workplace_type", "municipality", "email")
INVITATION_SUBJECT = gettext_noop("Invitation: %(round)s")
REMINDER_SUBJECT = gettext_noop("Reminder: %(round)s")


class InvitationFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class InvitationImport:
    workplaces_created: int
    invitations_created: int
    invitations_updated: int


def _read(source) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = source.read() if hasattr(source, "read") else Path(source).read_text(encoding="utf-8-sig")
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return list(reader.fieldnames or []), list(enumerate(reader, start=2))


def _check_row(line: int, row: dict[str, str], municipalities: dict[str, Municipality]) -> tuple[dict, list[str]]:
    value = {key: (row.get(key) or "").strip() for key in (*REQUIRED_COLUMNS, "employees", "external_id", "language")}
    problems = []
    if not value["workplace"]:
        problems.append("workplace name is empty")
    if value["workplace_type"] not in WorkplaceType.values:
        problems.append(f"workplace_type {value['workplace_type']!r} is not one of {', '.join(WorkplaceType.values)}")
    municipality = municipalities.get(value["municipality"].zfill(4))
    if municipality is None:
        problems.append(f"municipality {value['municipality']!r} is not in the municipality register")
    try:
        validate_email(value["email"])
    except ValidationError:
        problems.append(f"email {value['email']!r} is not a valid e-mail address")
    employees = None
    if value["employees"]:
        try:
            employees = int(value["employees"])
            if employees < 1:
                raise ValueError
        except ValueError:
            problems.append(f"employees {value['employees']!r} is not a whole number of 1 or more")
    language = value["language"] or "nb"
    if language not in LANGUAGES:
        problems.append(f"language {language!r} is not one of nb, nn, en")
    parsed = {
        "name": value["workplace"],
        "workplace_type": value["workplace_type"],
        "municipality": municipality,
        "employees": employees,
        "email": value["email"],
        "external_id": value["external_id"] or None,
        "language": language,
    }
    return parsed, [f"line {line}: " + "; ".join(problems)] if problems else []


@transaction.atomic
def import_invitations(round_: Round, source) -> InvitationImport:
    if round_.kind != RoundKind.NATIONAL:
        raise InvitationFileError([f"round {round_.slug} is a self-test; invitations belong to national rounds"])
    columns, rows = _read(source)
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise InvitationFileError([f"line 1: missing column(s) {', '.join(missing)}"])
    municipalities = {m.number: m for m in Municipality.objects.all()}
    errors: list[str] = []
    parsed_rows = []
    seen: dict[tuple, int] = {}
    for line, row in rows:
        parsed, problems = _check_row(line, row, municipalities)
        errors += problems
        if problems:
            continue
        key = (
            ("id", parsed["external_id"])
            if parsed["external_id"]
            else ("name", parsed["name"], parsed["municipality"].pk)
        )
        if key in seen:
            errors.append(f"line {line}: the same workplace is on line {seen[key]}")
            continue
        seen[key] = line
        parsed_rows.append(parsed)
    if errors:
        raise InvitationFileError(errors)

    workplaces_created = created = updated = 0
    for parsed in parsed_rows:
        lookup = (
            {"external_id": parsed["external_id"]}
            if parsed["external_id"]
            else {"name": parsed["name"], "municipality": parsed["municipality"]}
        )
        workplace, was_created = Workplace.objects.update_or_create(
            **lookup,
            defaults={
                "name": parsed["name"],
                "workplace_type": parsed["workplace_type"],
                "municipality": parsed["municipality"],
                "employees": parsed["employees"],
            },
        )
        workplaces_created += was_created
        _invitation, was_created = Invitation.objects.update_or_create(
            round=round_, workplace=workplace, defaults={"email": parsed["email"], "language": parsed["language"]}
        )
        created += was_created
        updated += not was_created
    return InvitationImport(workplaces_created, created, updated)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("surveys:welcome", args=[invitation.token])


def _message(invitation: Invitation, template: str, subject: str, connection) -> EmailMessage:
    with translation.override(invitation.language):
        context = {"invitation": invitation, "round": invitation.round, "url": invitation_url(invitation)}
        return EmailMessage(
            subject=_(subject) % {"round": invitation.round.localized_name},
            body=render_to_string(template, context),
            to=[invitation.email],
            connection=connection,
        )


def send_invitations(round_: Round) -> int:
    """E-mail every invitation of the round not sent before; returns how many were sent."""
    pending = (
        Invitation.objects.filter(round=round_, sent_at__isnull=True)
        .exclude(email="")
        .select_related("round", "workplace")
    )
    sent = 0
    with get_connection() as connection:
        for invitation in pending:
            _message(invitation, "surveys/email/invitation.txt", INVITATION_SUBJECT, connection).send()
            Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
            sent += 1
    return sent


def unfinished_invitations(round_: Round, group: dict | None = None):
    """Invitations sent whose workplace has not submitted, optionally of one group:
    ``{"workplace_type": ..., "sector": ..., "county": "46", "size_class": 2}``."""
    submitted = Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED).values("invitation_id")
    invitations = (
        Invitation.objects.filter(round=round_, sent_at__isnull=False)
        .exclude(email="")
        .exclude(token=None)
        .exclude(pk__in=submitted)
        .select_related("round", "workplace__municipality__county")
    )
    group = group or {}
    if group.get("workplace_type"):
        invitations = invitations.filter(workplace__workplace_type=group["workplace_type"])
    if group.get("sector"):
        types = [t for t, sector in SECTOR_OF_WORKPLACE_TYPE.items() if sector == group["sector"]]
        invitations = invitations.filter(workplace__workplace_type__in=types)
    if group.get("county"):
        invitations = invitations.filter(workplace__municipality__county__number=group["county"])
    if group.get("size_class"):
        invitations = invitations.filter(workplace__municipality__size_class=group["size_class"])
    return invitations


def describe_group(group: dict | None) -> str:
    return ", ".join(f"{key}={value}" for key, value in sorted((group or {}).items()) if value) or "all"


def send_reminders(round_: Round, group: dict | None = None) -> int:
    """Remind the workplaces (of a group) that have not submitted; never twice in a day.
    Every reminder is logged."""
    now = timezone.now()
    if not round_.is_open(now):
        return 0
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    reminded_today = ReminderLog.objects.filter(sent_at__gte=start_of_day).values("invitation_id")
    due = unfinished_invitations(round_, group).exclude(pk__in=reminded_today)
    label = describe_group(group)
    sent = 0
    with get_connection() as connection:
        for invitation in due:
            _message(invitation, "surveys/email/reminder.txt", REMINDER_SUBJECT, connection).send()
            sent_at = timezone.now()
            ReminderLog.objects.create(invitation=invitation, sent_at=sent_at, group=label)
            Invitation.objects.filter(pk=invitation.pk).update(
                last_reminded_at=sent_at, reminder_count=invitation.reminder_count + 1
            )
            sent += 1
    return sent
