"""Invitations for a national round: created from a file of workplaces and managers' e-mail
addresses (CSV or XLSX, read by :mod:`surveys.tabular.reading`), sent and reminded through
Django's e-mail backend.

Columns (header row required; ``employees``, ``external_id``, ``language`` and
``organisation_number`` may be left out or empty)::

    workplace,workplace_type,municipality,employees,email,external_id,language,organisation_number

``workplace_type`` is one of the codes in ``surveys.models.WorkplaceType``; ``municipality``
is the four-digit municipality number (``301`` as Excel leaves it is read as ``0301``).
A workplace is identified by its organisation number, else its external id, else its name
normalised within the municipality. The file is validated whole: one bad row, one exact
duplicate or (without ``accept_similar``) one pair of near-duplicate names rejects it.
The same e-mail address may stand on several rows (one manager may lead two units).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ..columns import stored_range
from ..i18n import LANGUAGES
from ..models import (
    SECTOR_OF_WORKPLACE_TYPE,
    ImportKind,
    Invitation,
    Municipality,
    ReminderLog,
    Response,
    Round,
    RoundKind,
    Workplace,
    WorkplaceType,
    is_organisation_number,
    normalised_name,
)
from ..tabular.reading import WHOLE_NUMBER_HINT, TableFileError, municipality_number, read_table, whole_number
from .imports import column_problems, describe_import, previous_import, record_import, workplace_name_problems

REQUIRED_COLUMNS = ("workplace", "workplace_type", "municipality", "email")
OPTIONAL_COLUMNS = ("employees", "external_id", "language", "organisation_number")
INVITATION_SUBJECT = gettext_noop("Invitation: %(round)s")
REMINDER_SUBJECT = gettext_noop("Reminder: %(round)s")
SIMILARITY_THRESHOLD = 0.9  # difflib ratio of normalised names at or above which names look alike


class InvitationFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class SimilarWorkplacesError(InvitationFileError):
    """Names in the file that look like other names in the same municipality (in the file or
    the register). ``pairs`` are ``(where, name, other where, other name, ratio)``."""

    def __init__(self, pairs: list[tuple[str, str, str, str, float]]):
        self.pairs = pairs
        super().__init__(
            [f"{where} {name!r} looks like {other_where} {other!r} (similarity {ratio:.2f})"
             for where, name, other_where, other, ratio in pairs]
        )  # fmt: skip


@dataclass(frozen=True)
class InvitationImport:
    workplaces_created: int
    invitations_created: int
    invitations_updated: int
    invitations_unchanged: int = 0  # matched again with nothing to change ("nothing new")
    organisation_numbers_recorded: int = 0
    similar_accepted: int = 0
    previous: str = ""  # how the same file was imported before, when it was
    #: What the file changed in the register of workplaces already there, one line each:
    #: ``line 4: 'Eik skole' (organisation number 974123456) workplace_type
    #: 'kindergarten' -> 'primary_school'``. A new type moves the workplace to other groups
    #: in the next round's frame, so it is said, never done silently.
    register_changes: list[str] = field(default_factory=list)


def _check_row(line: int, row: dict, municipalities: dict[str, Municipality]) -> tuple[dict, list[str]]:
    value = {key: str(row.get(key) or "").strip() for key in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    problems = []
    if None in row:
        problems.append("more cells than columns")
    if not value["workplace"]:
        problems.append("workplace name is empty")
    elif not normalised_name(value["workplace"]):
        problems.append(f"workplace name {value['workplace']!r} has no letters or digits")
    if value["workplace_type"] not in WorkplaceType.values:
        problems.append(f"workplace_type {value['workplace_type']!r} is not one of {', '.join(WorkplaceType.values)}")
    municipality = municipalities.get(municipality_number(value["municipality"]))
    if municipality is None:
        problems.append(f"municipality {value['municipality']!r} is not in the municipality register")
    try:
        validate_email(value["email"])
    except ValidationError:
        problems.append(f"email {value['email']!r} is not a valid e-mail address")
        email_is_valid = False
    else:
        email_is_valid = True
    employees = None
    if value["employees"]:
        try:
            employees = whole_number(value["employees"])
            if employees < 1:
                raise ValueError
        except ValueError:
            problems.append(
                f"employees {value['employees']!r} is not a whole number of 1 or more ({WHOLE_NUMBER_HINT})"
            )
    language = value["language"] or "nb"
    if language not in LANGUAGES:
        problems.append(f"language {language!r} is not one of nb, nn, en")
    organisation_number = value["organisation_number"].replace(" ", "").replace("\u00a0", "") or None
    if organisation_number and not is_organisation_number(organisation_number):
        problems.append(
            f"organisation_number {value['organisation_number']!r} is not an organisation number "
            "(nine digits with a valid check digit)"
        )
    problems += _too_big(value, employees, email_is_valid)
    parsed = {
        "line": line,
        "name": value["workplace"],
        "key": normalised_name(value["workplace"]),
        "workplace_type": value["workplace_type"],
        "municipality": municipality,
        "employees": employees,
        "email": value["email"],
        "external_id": value["external_id"] or None,
        "organisation_number": organisation_number,
        "language": language,
    }
    return parsed, [f"line {line}: " + "; ".join(problems)] if problems else []


def _too_big(value: dict, employees: int | None, email_is_valid: bool) -> list[str]:
    """Cells too long or too large for the columns they are written to (a DataError on
    PostgreSQL, silently stored by SQLite), checked by the model fields themselves."""
    problems = workplace_name_problems(value["workplace"])
    problems += column_problems(
        Workplace, [("employees", "employees", employees), ("external_id", "external_id", value["external_id"])]
    )
    if email_is_valid:
        problems += column_problems(Invitation, [("email", "email", value["email"])])
    return [f"{column}: {reason}" for column, reason in problems]


def _exact_duplicates(parsed_rows: list[dict]) -> list[str]:
    """Rows that name a workplace an earlier row names: the same organisation number, the
    same external id, or the same normalised name in the same municipality."""
    errors = []
    seen: dict[tuple, dict] = {}
    for parsed in parsed_rows:
        keys = [("name", parsed["municipality"].pk, parsed["key"])]
        if parsed["organisation_number"]:
            keys.append(("organisation_number", parsed["organisation_number"]))
        if parsed["external_id"]:
            keys.append(("external_id", parsed["external_id"]))
        earlier = next((seen[key] for key in keys if key in seen), None)
        if earlier is not None:
            errors.append(
                f"line {parsed['line']}: {parsed['name']!r} is the same workplace as line {earlier['line']} "
                f"({earlier['name']!r}, municipality {earlier['municipality'].number}); keep one of the lines"
            )
            continue
        for key in keys:
            seen[key] = parsed
    return errors


def _match(parsed: dict, by_number: dict, by_external_id: dict, by_name: dict) -> tuple[Workplace | None, str]:
    """The registered workplace a row names, and a problem when the row contradicts it."""
    number = parsed["organisation_number"]
    workplace = by_number.get(number) if number else None
    if workplace is None and parsed["external_id"]:
        workplace = by_external_id.get(parsed["external_id"])
    if workplace is None:
        workplace = by_name.get((parsed["municipality"].pk, parsed["key"]))
    if workplace is None:
        return None, ""
    if number and workplace.organisation_number and workplace.organisation_number != number:
        return workplace, (
            f"line {parsed['line']}: {parsed['name']!r} in municipality {parsed['municipality'].number} is registered "
            f"with organisation number {workplace.organisation_number}, not {number}"
        )
    namesake = by_name.get((parsed["municipality"].pk, parsed["key"]))
    if namesake is not None and namesake.pk != workplace.pk:
        return workplace, (
            f"line {parsed['line']}: {parsed['name']!r} would rename the registered workplace {workplace.name!r} "
            f"to the name of another registered workplace in municipality {parsed['municipality'].number}"
        )
    if workplace.municipality_id != parsed["municipality"].pk:
        return workplace, (
            f"line {parsed['line']}: {parsed['name']!r} is registered in municipality "
            f"{workplace.municipality.number}, not {parsed['municipality'].number}"
        )
    return workplace, ""


_NUMBERS = re.compile(r"\d+")


def _similar(a: str, b: str) -> float:
    """The difflib ratio of two normalised names, or 0.0 when they are clearly different:
    below the threshold, or numbered differently ("Eikely barnehage avd 1" and "avd 2", or
    "Importert 9" and "Importert 19", are two units, however alike the letters)."""
    if _NUMBERS.findall(a) != _NUMBERS.findall(b):
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < SIMILARITY_THRESHOLD or matcher.quick_ratio() < SIMILARITY_THRESHOLD:
        return 0.0
    return matcher.ratio()


def near_duplicates(rows: list[tuple[dict, Workplace | None]]) -> list[tuple[str, str, str, str, float]]:
    """Pairs of names close to each other (difflib ratio >= SIMILARITY_THRESHOLD, not equal)
    in the same municipality: row against row, and row against registered workplaces it
    was not matched to. Two different organisation numbers are different workplaces.

    ``rows`` are ``(parsed row, matched workplace or None)``; a parsed row is a dict with
    ``line``, ``name``, ``key`` (the normalised name), ``municipality`` and
    ``organisation_number``. Used by both ``create_invitations`` and ``import_responses``.
    Returns ``(where, name, other where, other name, ratio)`` tuples."""
    pairs = []
    by_municipality: dict[int, list[dict]] = {}
    for parsed, _workplace in rows:
        by_municipality.setdefault(parsed["municipality"].pk, []).append(parsed)
    registered: dict[int, list[Workplace]] = {}
    for workplace in Workplace.objects.filter(
        municipality_id__in=by_municipality, is_synthetic=False, name_key__isnull=False
    ).only("pk", "name", "name_key", "municipality_id", "organisation_number"):
        registered.setdefault(workplace.municipality_id, []).append(workplace)

    def distinct_numbers(a: str | None, b: str | None) -> bool:
        return bool(a and b and a != b)

    for group in by_municipality.values():
        for index, parsed in enumerate(group):
            for other in group[index + 1 :]:
                if distinct_numbers(parsed["organisation_number"], other["organisation_number"]):
                    continue
                ratio = _similar(parsed["key"], other["key"])
                if ratio >= SIMILARITY_THRESHOLD:
                    pair = (f"line {other['line']}", other["name"], f"line {parsed['line']}", parsed["name"], ratio)
                    pairs.append(pair)
    matched = {workplace.pk for _parsed, workplace in rows if workplace is not None}
    for parsed, _workplace in rows:
        for workplace in registered.get(parsed["municipality"].pk, []):
            if workplace.pk in matched:
                continue
            if distinct_numbers(parsed["organisation_number"], workplace.organisation_number):
                continue
            ratio = _similar(parsed["key"], workplace.name_key)
            if ratio >= SIMILARITY_THRESHOLD:
                pairs.append((f"line {parsed['line']}", parsed["name"], "registered workplace", workplace.name, ratio))
    return pairs


@transaction.atomic
def import_invitations(
    round_: Round, source, *, accept_similar: bool = False, imported_by: str = ""
) -> InvitationImport:
    """Create or update the round's invitations from a CSV or XLSX file (see the module
    docstring), matching each row to a registered workplace.

    A row is matched by organisation number, else by external id, else by its normalised
    name (:func:`~surveys.models.normalised_name`) in its municipality; a matched workplace
    without an organisation number gets the row's. Raises :class:`InvitationFileError`
    (nothing changed) for a self-test or a round with published results, for a bad row (a
    value too long or too large for its column included), an exact duplicate in the file
    or a row that contradicts the register, and :class:`SimilarWorkplacesError` for
    near-duplicate names unless ``accept_similar``.
    """
    if round_.kind != RoundKind.NATIONAL:
        raise InvitationFileError([f"round {round_.slug} is a self-test; invitations belong to national rounds"])
    if round_.results_published:
        # The published figures were weighted and judged on the frame as it was.
        raise InvitationFileError([f"round {round_.slug} has published results; its invitations can no longer change"])
    try:
        table = read_table(source, required=REQUIRED_COLUMNS, optional=OPTIONAL_COLUMNS)
    except TableFileError as exc:
        raise InvitationFileError(exc.errors) from exc
    # A misspelt optional column ("emplyees") would otherwise be left out without a word,
    # and a run again would empty what the first one stored.
    unknown = [column for column in table.columns if column and column not in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)]
    if unknown:
        raise InvitationFileError(
            [f"line 1: unknown column(s) {', '.join(unknown)}; the columns are "
             f"{', '.join((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))}"]
        )  # fmt: skip
    municipalities = {m.number: m for m in Municipality.objects.select_related("county")}
    errors: list[str] = []
    parsed_rows = []
    for line, row in table.rows:
        parsed, problems = _check_row(line, row, municipalities)
        errors += problems
        if not problems:
            parsed_rows.append(parsed)
    errors += _exact_duplicates(parsed_rows)
    if errors:
        raise InvitationFileError(errors)
    if not parsed_rows:
        raise InvitationFileError(["the file has no rows"])

    numbers = {p["organisation_number"] for p in parsed_rows if p["organisation_number"]}
    external_ids = {p["external_id"] for p in parsed_rows if p["external_id"]}
    candidates = Workplace.objects.select_related("municipality").filter(
        Q(organisation_number__in=numbers)
        | Q(external_id__in=external_ids)
        | Q(municipality__in={p["municipality"].pk for p in parsed_rows}, name_key__in={p["key"] for p in parsed_rows})
    )
    by_number = {w.organisation_number: w for w in candidates if w.organisation_number}
    by_external_id = {w.external_id: w for w in candidates if w.external_id}
    by_name = {(w.municipality_id, w.name_key): w for w in candidates if w.name_key}
    matched_rows = []
    for parsed in parsed_rows:
        workplace, problem = _match(parsed, by_number, by_external_id, by_name)
        if problem:
            errors.append(problem)
        matched_rows.append((parsed, workplace))
    taken: dict[int, dict] = {}
    for parsed, workplace in matched_rows:
        if workplace is None:
            continue
        if workplace.pk in taken:
            errors.append(
                f"line {parsed['line']}: {parsed['name']!r} is the registered workplace {workplace.name!r}, "
                f"which line {taken[workplace.pk]['line']} names too; keep one of the lines"
            )
        taken[workplace.pk] = parsed
    if errors:
        raise InvitationFileError(errors)
    similar = near_duplicates(matched_rows)
    if similar and not accept_similar:
        raise SimilarWorkplacesError(similar)
    previous = previous_import(ImportKind.INVITATIONS, round_, table.digest)

    workplaces_created = numbers_recorded = 0
    outcomes = {"created": 0, "updated": 0, "unchanged": 0}
    register_changes = []
    for parsed, workplace in matched_rows:
        if workplace is not None:
            register_changes += _register_changes(parsed, workplace)
        try:
            with transaction.atomic():
                was_created, recorded, outcome = _write_row(round_, parsed, workplace)
        except IntegrityError as exc:
            # A renamed workplace whose new name another registered workplace has, or a
            # concurrent import: the whole file is refused.
            errors.append(f"line {parsed['line']}: {parsed['name']!r} conflicts with a registered workplace ({exc})")
            continue
        workplaces_created += was_created
        numbers_recorded += recorded
        outcomes[outcome] += 1
    if errors:
        raise InvitationFileError(errors)
    record_import(ImportKind.INVITATIONS, round_, table, len(matched_rows), imported_by)
    return InvitationImport(
        workplaces_created,
        outcomes["created"],
        outcomes["updated"],
        invitations_unchanged=outcomes["unchanged"],
        organisation_numbers_recorded=numbers_recorded,
        similar_accepted=len(similar),
        previous=describe_import(previous) if previous else "",
        register_changes=register_changes,
    )


#: The fields of a registered workplace that an invitation file's row may change.
REGISTER_FIELDS = ("name", "workplace_type", "employees")


def _register_changes(parsed: dict, workplace: Workplace) -> list[str]:
    """What the row ``parsed`` changes in the registered ``workplace`` (before it is
    written): one line per changed field of :data:`REGISTER_FIELDS`, naming the file's line,
    the workplace, the old and the new value."""
    new = {"name": parsed["name"], "workplace_type": parsed["workplace_type"], "employees": parsed["employees"]}
    known_as = f"{workplace.name!r}" + (
        f" (organisation number {workplace.organisation_number})" if workplace.organisation_number else ""
    )
    return [
        f"line {parsed['line']}: {known_as} {name} {getattr(workplace, name)!r} -> {new[name]!r}"
        for name in REGISTER_FIELDS
        if getattr(workplace, name) != new[name]
    ]


def _write_row(round_: Round, parsed: dict, workplace: Workplace | None) -> tuple[bool, bool, str]:
    """Create or update one row's workplace and invitation: (workplace created, organisation
    number recorded, and "created", "updated" or "unchanged" for the row's invitation, its
    workplace and the paper answer linked to it). Nothing is saved that would not change."""
    recorded = changed = False
    if workplace is None:
        workplace = Workplace.objects.create(
            name=parsed["name"],
            workplace_type=parsed["workplace_type"],
            municipality=parsed["municipality"],
            employees=parsed["employees"],
            external_id=parsed["external_id"],
            organisation_number=parsed["organisation_number"],
        )
        workplace_created = True
    else:
        workplace_created = False
        if parsed["organisation_number"] and not workplace.organisation_number:
            workplace.organisation_number = parsed["organisation_number"]
            recorded = True
        fields = {"name": parsed["name"], "workplace_type": parsed["workplace_type"], "employees": parsed["employees"]}
        if parsed["external_id"]:
            fields["external_id"] = parsed["external_id"]
        for field, new in fields.items():
            if getattr(workplace, field) != new:
                setattr(workplace, field, new)
                changed = True
        if changed or recorded:
            workplace.save()
    wanted = {"email": parsed["email"], "language": parsed["language"]}
    invitation, invitation_created = Invitation.objects.get_or_create(
        round=round_, workplace=workplace, defaults=wanted
    )
    if not invitation_created and any(getattr(invitation, field) != new for field, new in wanted.items()):
        for field, new in wanted.items():
            setattr(invitation, field, new)
        invitation.save(update_fields=list(wanted))
        changed = True
    if not workplace_created:
        # The workplace's answer may have been imported before it was invited (a paper form):
        # link it, so the link shows that answer and nobody is asked to answer twice.
        changed |= bool(
            Response.objects.filter(round=round_, workplace=workplace, invitation__isnull=True).update(
                invitation=invitation
            )
        )
    if invitation_created:
        return workplace_created, recorded, "created"
    return workplace_created, recorded, "updated" if changed or recorded else "unchanged"


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


def submitted_through(round_: Round):
    """A correlated subquery for ``Exists``: a countable (submitted) response of the round
    from the outer invitation's WORKPLACE, whichever way it came (through the invitation,
    or imported from a paper form before or after the invitation was created).

    Exclusions are written as NOT EXISTS, never ``exclude(pk__in=<subquery>)``: responses
    imported from files or made by self-tests have no invitation, and one NULL in the
    subquery makes ``NOT IN`` unknown for every row, so the exclusion silently matched
    nothing (no reminders, an empty follow-up list). They correlate on the workplace, not
    the invitation: a workplace whose paper answer was imported has answered, and must be
    neither reminded nor listed as a non-respondent.
    """
    return Response.objects.countable().filter(round=round_, workplace=OuterRef("workplace"))


def unfinished_invitations(round_: Round, group: dict | None = None):
    """Invitations sent whose workplace has not submitted, optionally of one group:
    ``{"workplace_type": ..., "sector": ..., "county": "46", "size_class": 2}``."""
    invitations = (
        Invitation.objects.filter(round=round_, sent_at__isnull=False)
        .exclude(email="")
        .exclude(token=None)
        .filter(~Exists(submitted_through(round_)))
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
    reminded_today = ReminderLog.objects.filter(invitation=OuterRef("pk"), sent_at__gte=start_of_day)
    due = unfinished_invitations(round_, group).filter(~Exists(reminded_today))
    label = describe_group(group)
    # The count starts from what an admin may have typed: at the largest its column stores,
    # it stays there ("that many or more"), as ReminderLog has every reminder anyway.
    most = stored_range(Invitation._meta.get_field("reminder_count"))[1]
    sent = 0
    with get_connection() as connection:
        for invitation in due:
            _message(invitation, "surveys/email/reminder.txt", REMINDER_SUBJECT, connection).send()
            sent_at = timezone.now()
            ReminderLog.objects.create(invitation=invitation, sent_at=sent_at, group=label)
            Invitation.objects.filter(pk=invitation.pk).update(
                last_reminded_at=sent_at, reminder_count=min(invitation.reminder_count + 1, most)
            )
            sent += 1
    return sent
