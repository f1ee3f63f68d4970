"""Responses as flat files: the raw export (CSV or XLSX, streamed), its codebook, and the
import of files in the same format.

One row per submitted response, in two forms:

- the **full** form (``export_rows(round_, full=True)``; ``manage.py export_responses`` for
  admins), the format ``import_responses`` reads, so that export -> import round-trips::

    response, round, submitted, language, workplace_type, municipality, county,
    size_class, centrality, employees, organisation_number, workplace, source_id,
    <question columns>

- the **analysts'** form (the download on ``/statistikk/data/``), without direct
  identifiers: a row number instead of the internal response id, the date (Europe/Oslo)
  instead of the time, employees in bands (``1-19``, ``20-49``, ``50-99``, ``100+``), no
  workplace name, organisation number or source id::

    row, round, submitted, language, workplace_type, municipality, county,
    size_class, centrality, employees_band, <question columns>

Question columns, in questionnaire order: a choice question with one answer has one column
``<question>`` holding the option code; a multiple-choice question has one column per
option, ``<question>.<option>``, holding 1 or 0 (empty when the question was not
answered); number and text questions hold the value. No personal data: no e-mail addresses
or tokens.

Every text cell is written so that a spreadsheet cannot run it (see
:mod:`surveys.tabular.writing`): in CSV a text that starts with ``= + - @``, a tab or a
carriage return gets one apostrophe in front, and the import removes exactly that
apostrophe again, so an exported file imports unchanged. The codebook says so in its last row.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .. import rules
from ..bands import employees_band_label
from ..i18n import LANGUAGES
from ..models import (
    Answer,
    AnswerChoice,
    ImportKind,
    Invitation,
    Municipality,
    QuestionKind,
    Response,
    ResponseStatus,
    Round,
    RoundKind,
    Workplace,
    WorkplaceType,
    is_organisation_number,
    normalised_name,
)
from ..option_masks import BITS_PER_WORD, MASK_FIELDS, MASK_WORDS, mask_values, option_positions
from ..questionnaire import AnswerValues, Questionnaire
from ..tabular.reading import WHOLE_NUMBER_HINT, TableFileError, municipality_number, read_table, whole_number
from ..tabular.writing import NEUTRALISER, append_xlsx_rows, restore
from ..tabular.writing import csv_lines as csv_lines
from .answering import bump_data_versions_on_commit
from .imports import column_problems, describe_import, previous_import, record_import, workplace_name_problems
from .invitations import SimilarWorkplacesError, near_duplicates

PROFILE_COLUMNS = [
    "response", "round", "submitted", "language", "workplace_type", "municipality", "county", "size_class",
    "centrality", "employees",
]  # fmt: skip
#: The full form's columns that identify the workplace (read by ``import_responses``).
FULL_IDENTITY_COLUMNS = ["organisation_number", "workplace", "source_id"]
ANALYST_PROFILE_COLUMNS = [
    "row", "round", "submitted", "language", "workplace_type", "municipality", "county", "size_class",
    "centrality", "employees_band",
]  # fmt: skip
CHUNK = 1000


@dataclass(frozen=True)
class Column:
    name: str
    question_code: str
    option_code: str | None = None  # for one column per option of a multiple-choice question


def question_columns(questionnaire: Questionnaire) -> list[Column]:
    columns = []
    for question in questionnaire.questions:
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            columns += [Column(f"{question.code}.{o.code}", question.code, o.code) for o in question.options.all()]
        else:
            columns.append(Column(question.code, question.code))
    return columns


def header(questionnaire: Questionnaire, *, full: bool = True) -> list[str]:
    """The columns of the full form (``full``) or of the analysts' form."""
    profile = PROFILE_COLUMNS + FULL_IDENTITY_COLUMNS if full else ANALYST_PROFILE_COLUMNS
    return profile + [column.name for column in question_columns(questionnaire)]


def export_rows(round_: Round, *, full: bool = False) -> Iterator[list]:
    """The header, then one row per submitted response, fetched a chunk at a time so memory
    stays flat however many rows there are. ``full``: the admins' form that
    ``import_responses`` reads; otherwise the analysts' form without direct identifiers
    (see the module's docstring).

    The profiles stream from one server-side cursor in id order, with each response's
    option masks (``surveys.option_masks``); each chunk's answers are then read by a range
    of response ids (an index range scan, no list of ids to send), keeping only the chunk's
    own responses. The chosen options come from the masks, so only the answers holding a
    number, a text or a multiple-choice question's zeros are read; a chunk with a response
    without masks reads its chosen options from their rows instead.
    """
    questionnaire = Questionnaire.of(round_.question_set)
    layout = _RowLayout(questionnaire, full=full)
    yield header(questionnaire, full=full)
    fields = [
        "pk", "submitted_at", "language", "workplace_type", "municipality__number", "municipality__county__number",
        "municipality__size_class", "municipality__centrality", "employees",
    ]  # fmt: skip
    if full:
        fields += ["workplace__organisation_number", "workplace__name", "source_id"]
    fields += MASK_FIELDS
    profiles = (
        Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED).order_by("pk").values_list(*fields)
    )
    chunk: list[tuple] = []
    numbered = 0
    for profile in profiles.iterator(chunk_size=CHUNK):
        chunk.append(profile)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(round_, chunk, layout, numbered)
            numbered += len(chunk)
            chunk = []
    if chunk:
        yield from _chunk_rows(round_, chunk, layout, numbered)


class _RowLayout:
    """Where each answer goes in an export row, worked out once per export: the row is a
    list filled by position, so a row costs a few list stores per answer and no lookups
    through the question set's objects."""

    def __init__(self, questionnaire: Questionnaire, *, full: bool):
        columns = question_columns(questionnaire)
        self.full = full
        offset = len(PROFILE_COLUMNS + FULL_IDENTITY_COLUMNS if full else ANALYST_PROFILE_COLUMNS)
        self.profile_width = offset
        index = {column.name: offset + i for i, column in enumerate(columns)}
        self.width = offset + len(columns)
        self.number_or_text: dict[int, tuple[int, bool]] = {}  # question id: (index, is number)
        self.unchosen: dict[int, list[int]] = {}  # multiple-choice question id: its option columns
        self.option: dict[int, tuple[int, object]] = {}  # option id: (index, value when chosen)
        for question in questionnaire.questions:
            if question.kind == QuestionKind.MULTIPLE_CHOICE:
                self.unchosen[question.pk] = [index[f"{question.code}.{o.code}"] for o in question.options.all()]
                for o in question.options.all():
                    self.option[o.pk] = (index[f"{question.code}.{o.code}"], 1)
            elif question.has_options:
                for o in question.options.all():
                    self.option[o.pk] = (index[question.code], o.code)
            elif question.kind in (QuestionKind.NUMBER, QuestionKind.TEXT):
                self.number_or_text[question.pk] = (index[question.code], question.kind == QuestionKind.NUMBER)
        #: The questions whose answer rows a row needs when the chosen options come from the
        #: masks: numbers and texts for their values, multiple choice for its zeros.
        self.answer_questions = sorted([*self.number_or_text, *self.unchosen])
        #: (index, value) by mask bit position (``surveys.option_masks``), or None when the
        #: question set's options do not fit in the masks.
        positions = option_positions(questionnaire.question_set.pk)
        self.by_bit: list[tuple[int, object]] | None = None
        if positions:
            self.by_bit = [(0, None)] * (max(positions.values()) + 1)
            for option_id, position in positions.items():
                found = self.option.get(option_id)
                if found is None:  # an option without a column here: read the chosen-option rows
                    self.by_bit = None
                    break
                self.by_bit[position] = found


#: Every date and time in a file is Norwegian time, whatever the server's time zone.
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def _chunk_rows(round_, profiles: list[tuple], layout: _RowLayout, numbered: int) -> Iterator[list]:
    rows: dict[int, list] = {profile[0]: [""] * layout.width for profile in profiles}
    first, last = profiles[0][0], profiles[-1][0]
    from_masks = layout.by_bit is not None and all(None not in profile[-MASK_WORDS:] for profile in profiles)
    # No ordering: the model's default one joins every response and question to sort.
    answers = Answer.objects.filter(response_id__gte=first, response_id__lte=last).order_by()
    if from_masks:
        # The chosen options come from each response's masks; of the answer rows only those
        # that hold a number, a text or a multiple-choice question's zeros are needed.
        answers = answers.filter(question_id__in=layout.answer_questions)
    for response_id, question_id, number, text in answers.values_list(
        "response_id", "question_id", "number_value", "text_value"
    ):
        row = rows.get(response_id)
        if row is None:  # another round's or a draft response within the id range
            continue
        found = layout.number_or_text.get(question_id)
        if found is not None:
            value = number if found[1] else text
            row[found[0]] = "" if value is None else value
            continue
        for position in layout.unchosen.get(question_id, ()):
            row[position] = 0
    if from_masks:
        by_bit = layout.by_bit
        for profile in profiles:
            row = rows[profile[0]]
            for word, bits in enumerate(profile[-MASK_WORDS:]):
                offset = word * BITS_PER_WORD
                while bits:
                    lowest = bits & -bits
                    position, value = by_bit[offset + lowest.bit_length() - 1]
                    row[position] = value
                    bits ^= lowest
    else:
        option = layout.option
        for response_id, option_id in AnswerChoice.objects.filter(
            response_id__gte=first, response_id__lte=last
        ).values_list("response_id", "option_id"):
            row = rows.get(response_id)
            if row is not None:
                position, value = option[option_id]
                row[position] = value
    for number, profile in enumerate(profiles, start=numbered + 1):
        pk, submitted, language, workplace_type, municipality, county, size_class, centrality, employees = profile[:9]
        row = rows[pk]
        submitted = submitted.astimezone(OSLO) if submitted else None
        if layout.full:
            organisation_number, workplace, source_id = profile[9:12]
            row[: layout.profile_width] = [
                pk, round_.slug, submitted.isoformat(timespec="seconds") if submitted else "", language,
                workplace_type, municipality, county, size_class, centrality, "" if employees is None else employees,
                organisation_number or "", workplace or "", source_id or "",
            ]  # fmt: skip
        else:
            row[: layout.profile_width] = [
                number, round_.slug, submitted.date().isoformat() if submitted else "", language, workplace_type,
                municipality, county, size_class, centrality, employees_band_label(employees),
            ]  # fmt: skip
        yield row


def codebook_rows(questionnaire: Questionnaire) -> Iterator[list]:
    """question, option, kind, column, texts in nb/nn/en."""
    yield ["question", "option", "kind", "column", "text_nb", "text_nn", "text_en"]
    for question in questionnaire.questions:
        yield [question.code, "", question.kind, "" if question.kind == QuestionKind.MULTIPLE_CHOICE else question.code,
               question.text_nb, question.text_nn, question.text_en]  # fmt: skip
        for option in question.options.all():
            column = (
                f"{question.code}.{option.code}" if question.kind == QuestionKind.MULTIPLE_CHOICE else question.code
            )
            yield [question.code, option.code, "option", column, option.label_nb, option.label_nn, option.label_en]
    # The notes are in the codebook's own three text columns rather than translated with
    # gettext: the file holds every language side by side. The last says how texts are written.
    yield ["", "", "note", "",
           "Internt, ikke kontrollert for avsløring: fila er for analytikere, som er en betrodd gruppe. Den har "
           "ingen direkte identifikatorer (radnummer i stedet for svar-id, dato uten klokkeslett, antall ansatte i "
           "intervaller), men en rad kan fortsatt kjennes igjen. Del den ikke videre; publiser bare tall fra de "
           "publiserte resultatene.",
           "Internt, ikkje kontrollert for avsløring: fila er for analytikarar, som er ei betrudd gruppe. Ho har "
           "ingen direkte identifikatorar (radnummer i staden for svar-id, dato utan klokkeslett, tal tilsette i "
           "intervall), men ei rad kan framleis kjennast att. Del henne ikkje vidare; publiser berre tal frå dei "
           "publiserte resultata.",
           "Internal, not disclosure-checked: this file is for analysts, a trusted tier. It has no direct "
           "identifiers (a row number instead of the response id, the date without the time, employees in bands), "
           "but a row may still be recognised. Do not pass it on; publish only figures from the published "
           "results."]  # fmt: skip
    yield ["", "", "note", "",
           f"Tekst som begynner med = + - @, tabulator eller linjeskift, har fått {NEUTRALISER} foran i CSV-fila, så "
           "regnearket ikke kjører den som formel. Importen fjerner tegnet igjen.",
           f"Tekst som byrjar med = + - @, tabulator eller linjeskift, har fått {NEUTRALISER} framfor i CSV-fila, så "
           "reknearket ikkje køyrer han som formel. Importen fjernar teiknet att.",
           f"A text that starts with = + - @, a tab or a carriage return has {NEUTRALISER} in front of it in the "
           "CSV file, so that a spreadsheet does not run it as a formula. The import removes it again."]  # fmt: skip


def write_xlsx(path: Path, sheets: dict[str, Iterable[list]]) -> None:
    """An XLSX file in openpyxl's write-only mode: rows go to disk as they come. Texts are
    string cells, never formulas."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title=title)
        append_xlsx_rows(sheet, rows)
    workbook.save(path)


# --- Import -----------------------------------------------------------------------------------


class ResponseFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class ImportResult:
    responses: int


MAX_ERRORS = 200

#: The earliest and latest moments a ``submitted`` cell may name, before the round's period
#: is checked: comparing or storing a moment near year 1 or 9999 in UTC can overflow.
_EARLIEST, _LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC)


def submission_moment(text: str) -> datetime:
    """The aware moment a ``submitted`` cell names: a date and time in ISO 8601
    (``2018-03-01 14:05``, ``2018-03-01T14:05:00+01:00``), read in the project's time zone
    when it has no offset, or a date alone (``2018-03-01``), read as noon of that day.

    Raises ``ValueError`` with a message for the admin for text in neither form, for a
    date or time that does not exist (``2026-02-30``, ``25:00``, an offset of ``+25:00``)
    and for a year before 1900 or after 8999."""
    not_a_moment = f"{text!r} is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM)"
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            parsed = datetime.combine(day, time(12)) if day else None
    except ValueError:  # well formed, but no such date, time or offset
        raise ValueError(f"{text!r} is no date and time that exists") from None
    if parsed is None:
        raise ValueError(not_a_moment)
    try:
        moment = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
        within = _EARLIEST <= moment <= _LATEST
    except (ValueError, OverflowError):
        within = False
    if not within:
        raise ValueError(f"{text!r} is outside the years 1900 to 8999")
    return moment


def _parse_row(
    line: int, row: dict[str, str], questionnaire: Questionnaire, municipalities, errors: list[str], period=(None, None)
):
    """One row's profile and answers, or None (``errors`` extended). ``period`` is the round's
    ``(opens_at, closes_at)``: a ``submitted`` time outside it (the closing time itself is
    outside, as in ``Round.is_open``), or in the future, is refused."""
    problems: list[str] = []
    columns_with_problems: set[str] = set()

    def problem(column: str, reason: str) -> None:
        columns_with_problems.add(column.split(".")[0])
        problems.append(f"row {line}, column {column}: {reason}")

    workplace_type = (row.get("workplace_type") or "").strip()
    if workplace_type not in WorkplaceType.values:
        problem("workplace_type", f"{workplace_type!r} is not a workplace type")
    municipality = municipalities.get(municipality_number(row.get("municipality") or ""))
    if municipality is None:
        problem("municipality", f"{row.get('municipality')!r} is not in the municipality register")
    employees = None
    if (row.get("employees") or "").strip():
        try:
            employees = whole_number(row["employees"])
            if employees < 1:
                raise ValueError
        except ValueError:
            problem("employees", f"{row['employees']!r} is not a whole number of 1 or more ({WHOLE_NUMBER_HINT})")
        for column, reason in column_problems(Response, [("employees", "employees", employees)]):
            problem(column, reason)
    language = (row.get("language") or "nb").strip() or "nb"
    if language not in LANGUAGES:
        problem("language", f"{language!r} is not nb, nn or en")
    submitted_text = (row.get("submitted") or "").strip()
    submitted = timezone.now()
    if submitted_text:
        try:
            submitted = submission_moment(submitted_text)
        except ValueError as exc:
            problem("submitted", str(exc))
        else:
            if submitted > timezone.now():
                problem("submitted", f"{submitted_text!r} is in the future")
            elif period[0] and period[1] and not period[0] <= submitted < period[1]:
                # Open up to, not including, the closing time: the rule of Round.is_open.
                opens, closes = (f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" for moment in period)
                problem(
                    "submitted",
                    f"{submitted_text!r} is outside the round's open period (from {opens} up to, not including, "
                    f"{closes})",
                )

    values = AnswerValues()
    options_by_code = {(q.code, o.code): o for q in questionnaire.questions for o in q.options.all()}
    for question in questionnaire.questions:
        code = question.code
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            chosen = []
            for option in question.options.all():
                column = f"{code}.{option.code}"
                cell = (row.get(column) or "").strip()
                if cell not in {"", "0", "1"}:
                    problem(column, f"{cell!r} must be 1, 0 or empty")
                elif cell == "1":
                    chosen.append(option)
            if chosen:
                values.options[question.pk] = [o.pk for o in chosen]
                for violation in rules.check_choices(question, chosen):
                    problem(code, violation.in_english())
            continue
        cell = (row.get(code) or "").strip()
        if not cell:
            continue
        if question.has_options:
            option = options_by_code.get((code, cell))
            if option is None:
                problem(code, f"{cell!r} is not an option of this question")
            else:
                values.options[question.pk] = [option.pk]
        elif question.kind == QuestionKind.NUMBER:
            number_value, violations = rules.read_number(question, cell)
            for violation in violations:
                problem(code, f"{cell!r}: {violation.in_english()}")
            if number_value is not None:
                values.numbers[question.pk] = number_value
        else:
            text_value = rules.normalise_text(cell)
            for violation in rules.check_text(question, text_value):
                problem(code, violation.in_english())
            if text_value:
                values.texts[question.pk] = text_value

    for question in rules.skipped_answers(questionnaire, values):
        problem(question.code, "answered, but the answers before it skip this question")
    for question in rules.missing_required(questionnaire, values, ignore=columns_with_problems):
        problem(question.code, "a required answer is missing")
    if problems:
        errors.extend(problems)
        return None
    return {
        "workplace_type": workplace_type,
        "municipality": municipality,
        "employees": employees,
        "language": language,
        "submitted": submitted,
        "values": values,
    }


IDENTITY_COLUMNS = ("source_id", "organisation_number", "workplace")
IGNORED_COLUMNS = {"response", "round", "county", "size_class", "centrality"}


def _identify(line: int, row: dict, parsed: dict, errors: list[str]) -> bool:
    """Read a row's workplace identity and source number into ``parsed``; False (and
    ``errors`` extended) when the row does not identify its workplace."""
    number = str(row.get("organisation_number") or "").replace(" ", "").replace("\u00a0", "").strip()
    name = str(row.get("workplace") or "").strip()
    problems = []
    if number and not is_organisation_number(number):
        problems.append(
            f"row {line}, column organisation_number: {number!r} is not an organisation number "
            "(nine digits with a valid check digit)"
        )
    if not number and not normalised_name(name):
        problems.append(
            f"row {line}: the workplace is not identified; give its organisation_number, or its workplace name "
            "(with the municipality)"
        )
    # The name must fit the register's columns, as the source number must fit the response's.
    too_long = workplace_name_problems(name)
    source_id = str(row.get("source_id") or "").strip()
    too_long += column_problems(Response, [("source_id", "source_id", source_id)])
    problems += [f"row {line}, column {column}: {reason}" for column, reason in too_long]
    errors.extend(problems)
    parsed.update(organisation_number=number or None, name=name, key=normalised_name(name), source_id=source_id)
    return not problems


def _contradictions(item: dict, workplace: Workplace) -> list[str]:
    """Problems of a row whose workplace type or municipality is not the registered
    workplace's it was matched to. The response keeps the row's profile, and benchmarks and
    weighting group by it: a school's answer must not count as a kindergarten elsewhere."""
    line = item["line"]
    who = repr(workplace.name)
    if item["organisation_number"]:
        who += f" (organisation number {item['organisation_number']})"
    problems = []
    if workplace.workplace_type != item["workplace_type"]:
        problems.append(
            f"row {line}, column workplace_type: {who} is registered as {workplace.workplace_type}, "
            f"not {item['workplace_type']}"
        )
    if workplace.municipality_id != item["municipality"].pk:
        problems.append(
            f"row {line}, column municipality: {who} is registered in municipality {workplace.municipality.number}, "
            f"not {item['municipality'].number}"
        )
    return problems


def _match_workplaces(round_: Round, parsed: list[dict], errors: list[str]) -> None:
    """Find each row's registered workplace (by organisation number, else by normalised name
    in the municipality), and refuse rows that contradict its workplace type or municipality
    or repeat a workplace or a source number of the file or of responses the round already has."""
    numbers = {item["organisation_number"] for item in parsed if item["organisation_number"]}
    keys = {item["key"] for item in parsed if item["key"]}
    candidates = list(
        Workplace.objects.filter(Q(organisation_number__in=numbers) | Q(name_key__in=keys)).select_related(
            "municipality"
        )
    )
    by_number = {w.organisation_number: w for w in candidates if w.organisation_number}
    by_name = {(w.municipality_id, w.name_key): w for w in candidates if w.name_key}
    answered = dict(
        Response.objects.filter(round=round_, workplace__in=candidates).values_list("workplace_id", "status")
    )
    invitations = {
        invitation.workplace_id: invitation
        for invitation in Invitation.objects.filter(round=round_, workplace__in=candidates)
    }
    sources = set(
        Response.objects.filter(
            round=round_, source_id__in={i["source_id"] for i in parsed if i["source_id"]}
        ).values_list("source_id", flat=True)
    )
    seen_workplaces: dict[object, int] = {}
    seen_sources: dict[str, int] = {}
    for item in parsed:
        line = item["line"]
        workplace = by_number.get(item["organisation_number"]) if item["organisation_number"] else None
        if workplace is None and item["key"]:
            workplace = by_name.get((item["municipality"].pk, item["key"]))
            if workplace and item["organisation_number"] and workplace.organisation_number:
                errors.append(
                    f"row {line}: {item['name']!r} is registered with organisation number "
                    f"{workplace.organisation_number}, not {item['organisation_number']}"
                )
        if workplace is not None:
            errors.extend(_contradictions(item, workplace))
        item["workplace"] = workplace
        item["invitation"] = invitations.get(workplace.pk) if workplace else None
        identities = {("pk", workplace.pk)} if workplace else set()
        if item["organisation_number"]:
            identities.add(("number", item["organisation_number"]))
        if item["key"]:
            identities.add(("name", item["municipality"].pk, item["key"]))
        earlier = next((seen_workplaces[i] for i in identities if i in seen_workplaces), None)
        if earlier is not None:
            errors.append(f"row {line}: the same workplace as row {earlier}")
        for identity in identities:
            seen_workplaces.setdefault(identity, line)
        if workplace and workplace.pk in answered:
            state = "a submitted" if answered[workplace.pk] == ResponseStatus.SUBMITTED else "an unfinished"
            errors.append(f"row {line}: {workplace.name!r} already has {state} response in round {round_.slug}")
        if item["source_id"]:
            if item["source_id"] in sources:
                errors.append(
                    f"row {line}, column source_id: {item['source_id']!r} is already imported into round {round_.slug}"
                )
            elif item["source_id"] in seen_sources:
                other = seen_sources[item["source_id"]]
                errors.append(f"row {line}, column source_id: {item['source_id']!r} is also on row {other}")
            seen_sources[item["source_id"]] = line


def import_responses(round_: Round, source, *, imported_by: str = "", accept_similar: bool = False) -> ImportResult:
    """Load answers collected elsewhere (CSV or XLSX in the export's format, plus the
    workplace's identity: ``organisation_number`` or ``workplace`` name, and optionally
    ``source_id``, the paper form's or source system's number).

    The whole file is checked first; any bad row (a value too long or too large for its
    column included) rejects it, with every problem named by row, column and reason
    (:class:`ResponseFileError`, nothing changed). Refused besides: a file with the same
    SHA-256 digest already imported into the round, a ``source_id`` the round already has,
    and a row for a workplace that already has a response in the round.
    A row whose workplace name is close to another's in the same municipality (in the file
    or the register; the check ``create_invitations`` makes) raises
    :class:`~surveys.services.invitations.SimilarWorkplacesError` unless ``accept_similar``.
    A row is matched to a registered workplace by organisation number, else by its name
    normalised within the municipality; an unknown workplace is registered. A row whose
    workplace type or municipality is not its matched workplace's is refused (the response
    keeps the row's profile, and benchmarks group by it). A workplace invited to the round
    has its response linked to its invitation.
    """
    if round_.kind != RoundKind.NATIONAL:
        raise ResponseFileError([f"round {round_.slug} is a self-test; import into a national round"])
    if round_.results_published:
        raise ResponseFileError([f"round {round_.slug} has published results; its answers can no longer change"])
    questionnaire = Questionnaire.of(round_.question_set)
    expected = set(header(questionnaire)) - IGNORED_COLUMNS - set(IDENTITY_COLUMNS)
    try:
        table = read_table(
            source, required=sorted(expected), optional=sorted(set(header(questionnaire)) | set(IDENTITY_COLUMNS))
        )
    except TableFileError as exc:
        raise ResponseFileError([error.replace("line 1:", "row 1:") for error in exc.errors]) from exc
    previous = previous_import(ImportKind.RESPONSES, round_, table.digest)
    if previous is not None:
        raise ResponseFileError(
            [f"this file was already imported into round {round_.slug} {describe_import(previous)}; "
             "importing it again would count its answers twice"]
        )  # fmt: skip
    unknown = sorted(set(table.columns) - set(header(questionnaire)) - set(IDENTITY_COLUMNS))
    if unknown:
        raise ResponseFileError([f"row 1: unknown column(s) {', '.join(unknown)}"])
    if not {"organisation_number", "workplace"} & set(table.columns):
        raise ResponseFileError(
            ["row 1: missing column organisation_number or workplace: each answer must identify its workplace"]
        )
    municipalities = {m.number: m for m in Municipality.objects.all()}
    errors: list[str] = []
    parsed = []
    for line, row in table.rows:
        if None in row:
            errors.append(f"row {line}: more cells than columns")
            continue
        if table.encoding != "xlsx":
            # Undo the CSV export's neutralising of formula-like texts (exactly, see restore()).
            # A workbook's string cells were written unchanged, so they are read unchanged.
            row = {column: restore(cell) if isinstance(cell, str) else cell for column, cell in row.items()}
        result = _parse_row(line, row, questionnaire, municipalities, errors, (round_.opens_at, round_.closes_at))
        item: dict = {"line": line}
        identified = _identify(line, row, item, errors)
        if result is not None and identified:
            parsed.append({**result, **item})
        if len(errors) >= MAX_ERRORS:
            errors.append(f"... stopped after {MAX_ERRORS} problems")
            break
    if not errors:
        _match_workplaces(round_, parsed, errors)
    if errors:
        raise ResponseFileError(errors[: MAX_ERRORS + 1])
    if not parsed:
        raise ResponseFileError(["the file has no rows"])
    similar = near_duplicates([(item, item["workplace"]) for item in parsed])
    if similar and not accept_similar:
        raise SimilarWorkplacesError(similar)
    try:
        with transaction.atomic():  # the answers and the record of the file, together or not at all
            _store(round_, parsed)
            record_import(ImportKind.RESPONSES, round_, table, len(parsed), imported_by)
    except IntegrityError as exc:
        # Only a concurrent import of the same file or workplaces gets here: checked above.
        raise ResponseFileError([f"the database refused the file, nothing was imported: {exc}"]) from exc
    return ImportResult(responses=len(parsed))


@transaction.atomic
def _store(round_: Round, parsed: list[dict]) -> None:
    for first in range(0, len(parsed), CHUNK):
        batch = parsed[first : first + CHUNK]
        new = [item for item in batch if item["workplace"] is None]
        created = Workplace.objects.bulk_create(
            [
                Workplace(
                    name=item["name"] or item["organisation_number"],
                    name_key=normalised_name(item["name"] or item["organisation_number"]),
                    organisation_number=item["organisation_number"],
                    workplace_type=item["workplace_type"],
                    municipality=item["municipality"],
                    employees=item["employees"],
                )
                for item in new
            ]
        )
        for item, workplace in zip(new, created, strict=True):
            item["workplace"] = workplace
        for item in batch:
            workplace = item["workplace"]
            if item["organisation_number"] and not workplace.organisation_number:
                # Matched by name: record the number, so the next file matches on it.
                Workplace.objects.filter(pk=workplace.pk).update(organisation_number=item["organisation_number"])
        responses = Response.objects.bulk_create(
            [
                Response(
                    round=round_,
                    question_set=round_.question_set,
                    workplace=item["workplace"],
                    invitation=item["invitation"],
                    source_id=item["source_id"],
                    workplace_type=item["workplace_type"],
                    municipality=item["municipality"],
                    employees=item["employees"],
                    language=item["language"],
                    status=ResponseStatus.SUBMITTED,
                    started_at=item["submitted"],
                    submitted_at=item["submitted"],
                    **mask_values(item["values"].chosen_option_ids, round_.question_set_id),
                )
                for item in batch
            ]
        )
        answers, choices = [], []
        for response, item in zip(responses, batch, strict=True):
            values: AnswerValues = item["values"]
            for question_id, option_ids in values.options.items():
                answers.append(Answer(response=response, question_id=question_id))
                choices.append(option_ids)
            for question_id, number in values.numbers.items():
                answers.append(Answer(response=response, question_id=question_id, number_value=number))
                choices.append([])
            for question_id, text in values.texts.items():
                answers.append(Answer(response=response, question_id=question_id, text_value=text))
                choices.append([])
        Answer.objects.bulk_create(answers, batch_size=5000)
        AnswerChoice.objects.bulk_create(
            [
                AnswerChoice(answer=answer, option_id=option_id, response_id=answer.response_id)
                for answer, option_ids in zip(answers, choices, strict=True)
                for option_id in option_ids
            ],
            batch_size=10000,
        )
    bump_data_versions_on_commit([round_.pk])
