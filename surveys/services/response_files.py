"""Responses as flat files: the raw export (CSV or XLSX, streamed), its codebook, and the
import of files in the same format.

One row per submitted response. Columns::

    response, round, submitted, language, workplace_type, municipality, county,
    size_class, centrality, employees, <question columns>

Question columns, in questionnaire order: a choice question with one answer has one column
``<question>`` holding the option code; a multiple-choice question has one column per
option, ``<question>.<option>``, holding 1 or 0 (empty when the question was not
answered); number and text questions hold the value. No personal data: no workplace names,
e-mail addresses or tokens.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ..i18n import LANGUAGES
from ..models import (
    Answer,
    AnswerChoice,
    Municipality,
    QuestionKind,
    Response,
    ResponseStatus,
    Round,
    RoundKind,
    Workplace,
    WorkplaceType,
)
from ..questionnaire import AnswerValues, Questionnaire
from .answering import bump_data_version

PROFILE_COLUMNS = [
    "response", "round", "submitted", "language", "workplace_type", "municipality", "county", "size_class",
    "centrality", "employees",
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


def header(questionnaire: Questionnaire) -> list[str]:
    return PROFILE_COLUMNS + [column.name for column in question_columns(questionnaire)]


def export_rows(round_: Round) -> Iterator[list]:
    """The header, then one row per submitted response, fetched a chunk at a time so memory
    stays flat however many rows there are."""
    questionnaire = Questionnaire.of(round_.question_set)
    columns = question_columns(questionnaire)
    questions = {q.pk: q for q in questionnaire.questions}
    options = questionnaire.options_by_id
    yield header(questionnaire)
    ids = (
        Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chunk: list[int] = []
    for response_id in ids.iterator(chunk_size=CHUNK):
        chunk.append(response_id)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(round_, chunk, columns, questions, options)
            chunk = []
    if chunk:
        yield from _chunk_rows(round_, chunk, columns, questions, options)


def _chunk_rows(round_, response_ids, columns, questions, options) -> Iterator[list]:
    responses = (
        Response.objects.filter(pk__in=response_ids)
        .select_related("municipality__county")
        .order_by("pk")
        .only(
            "pk",
            "submitted_at",
            "language",
            "workplace_type",
            "employees",
            "municipality__number",
            "municipality__size_class",
            "municipality__centrality",
            "municipality__county__number",
        )
    )
    values: dict[int, dict[str, object]] = {response_id: {} for response_id in response_ids}
    for response_id, question_id, number, text in Answer.objects.filter(response_id__in=response_ids).values_list(
        "response_id", "question_id", "number_value", "text_value"
    ):
        question = questions[question_id]
        if question.kind == QuestionKind.NUMBER:
            values[response_id][question.code] = number
        elif question.kind == QuestionKind.TEXT:
            values[response_id][question.code] = text
        elif question.kind == QuestionKind.MULTIPLE_CHOICE:
            for option in question.options.all():
                values[response_id][f"{question.code}.{option.code}"] = 0
    for response_id, option_id in AnswerChoice.objects.filter(response_id__in=response_ids).values_list(
        "response_id", "option_id"
    ):
        option = options[option_id]
        question = questions[option.question_id]
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            values[response_id][f"{question.code}.{option.code}"] = 1
        else:
            values[response_id][question.code] = option.code
    for response in responses:
        municipality = response.municipality
        row = [
            response.pk,
            round_.slug,
            timezone.localtime(response.submitted_at).isoformat(timespec="seconds") if response.submitted_at else "",
            response.language,
            response.workplace_type,
            municipality.number,
            municipality.county.number,
            municipality.size_class,
            municipality.centrality,
            response.employees if response.employees is not None else "",
        ]
        answers = values[response.pk]
        row += [_cell(answers.get(column.name)) for column in columns]
        yield row


def _cell(value) -> object:
    return "" if value is None else value


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


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """CSV text one line at a time, for a streaming response."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)


def write_xlsx(path: Path, sheets: dict[str, Iterable[list]]) -> None:
    """An XLSX file in openpyxl's write-only mode: rows go to disk as they come."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title=title)
        for row in rows:
            sheet.append(row)
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


def _parse_row(line: int, row: dict[str, str], questionnaire: Questionnaire, municipalities, errors: list[str]):
    problems: list[str] = []
    columns_with_problems: set[str] = set()

    def problem(column: str, reason: str) -> None:
        columns_with_problems.add(column.split(".")[0])
        problems.append(f"row {line}, column {column}: {reason}")

    workplace_type = (row.get("workplace_type") or "").strip()
    if workplace_type not in WorkplaceType.values:
        problem("workplace_type", f"{workplace_type!r} is not a workplace type")
    number = (row.get("municipality") or "").strip().zfill(4)
    municipality = municipalities.get(number)
    if municipality is None:
        problem("municipality", f"{row.get('municipality')!r} is not in the municipality register")
    employees = None
    if (row.get("employees") or "").strip():
        try:
            employees = int(row["employees"])
            if employees < 1:
                raise ValueError
        except ValueError:
            problem("employees", f"{row['employees']!r} is not a whole number of 1 or more")
    language = (row.get("language") or "nb").strip() or "nb"
    if language not in LANGUAGES:
        problem("language", f"{language!r} is not nb, nn or en")
    submitted_text = (row.get("submitted") or "").strip()
    submitted = timezone.now()
    if submitted_text:
        parsed = parse_datetime(submitted_text)
        if parsed is None and parse_date(submitted_text):
            parsed = datetime.combine(parse_date(submitted_text), time(12))
        if parsed is None:
            problem("submitted", f"{submitted_text!r} is not a date (YYYY-MM-DD) or date and time")
        else:
            submitted = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)

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
                if question.max_choices and len(chosen) > question.max_choices:
                    problem(code, f"{len(chosen)} options chosen where at most {question.max_choices} are allowed")
                if len(chosen) > 1 and any(o.exclusive for o in chosen):
                    problem(code, "an exclusive option (such as 'none') is combined with others")
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
            try:
                number_value = int(cell)
            except ValueError:
                problem(code, f"{cell!r} is not a whole number")
                continue
            if (question.min_value is not None and number_value < question.min_value) or (
                question.max_value is not None and number_value > question.max_value
            ):
                problem(code, f"{number_value} is outside {question.min_value}–{question.max_value}")
            values.numbers[question.pk] = number_value
        else:
            if question.max_length and len(cell) > question.max_length:
                problem(code, f"the text is longer than {question.max_length} characters")
            values.texts[question.pk] = cell

    reachable = questionnaire.reachable_question_ids(values)
    for question_id in list(values.options) + list(values.numbers) + list(values.texts):
        if question_id not in reachable:
            question = next(q for q in questionnaire.questions if q.pk == question_id)
            problem(question.code, "answered, but the answers before it skip this question")
    for question in questionnaire.questions:
        if (
            question.pk in reachable
            and question.required
            and not values.answered(question.pk)
            and question.code not in columns_with_problems
        ):
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


def import_responses(round_: Round, source) -> ImportResult:
    """Load answers collected elsewhere, in the export's format. The whole file is checked
    first; any bad row rejects it, with every problem named by row, column and reason."""
    if round_.kind != RoundKind.NATIONAL:
        raise ResponseFileError([f"round {round_.slug} is a self-test; import into a national round"])
    if round_.results_published:
        raise ResponseFileError([f"round {round_.slug} has published results; its answers can no longer change"])
    questionnaire = Questionnaire.of(round_.question_set)
    text = source.read() if hasattr(source, "read") else Path(source).read_text(encoding="utf-8-sig")
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        fieldnames = reader.fieldnames or []
        expected = set(header(questionnaire)) - {"response", "round", "county", "size_class", "centrality"}
        missing = sorted(expected - set(fieldnames))
        if missing:
            raise ResponseFileError([f"row 1: missing column(s) {', '.join(missing)}"])
        unknown = sorted(set(fieldnames) - set(header(questionnaire)))
        if unknown:
            raise ResponseFileError([f"row 1: unknown column(s) {', '.join(unknown)}"])
        municipalities = {m.number: m for m in Municipality.objects.all()}
        errors: list[str] = []
        parsed = []
        for line, row in enumerate(reader, start=2):
            if None in row:
                errors.append(f"row {line}: more cells than columns")
                continue
            result = _parse_row(line, row, questionnaire, municipalities, errors)
            if result is not None:
                parsed.append(result)
            if len(errors) >= MAX_ERRORS:
                errors.append(f"... stopped after {MAX_ERRORS} problems")
                break
    except csv.Error as exc:
        raise ResponseFileError([f"the file is not valid CSV: {exc}"]) from exc
    if errors:
        raise ResponseFileError(errors)
    if not parsed:
        raise ResponseFileError(["the file has no rows"])
    _store(round_, parsed)
    return ImportResult(responses=len(parsed))


@transaction.atomic
def _store(round_: Round, parsed: list[dict]) -> None:
    start = Workplace.objects.filter(name__startswith=f"Importert {round_.slug}-").count()
    for first in range(0, len(parsed), CHUNK):
        batch = parsed[first : first + CHUNK]
        workplaces = Workplace.objects.bulk_create(
            [
                Workplace(
                    name=f"Importert {round_.slug}-{start + first + index + 1}",
                    workplace_type=item["workplace_type"],
                    municipality=item["municipality"],
                    employees=item["employees"],
                )
                for index, item in enumerate(batch)
            ]
        )
        responses = Response.objects.bulk_create(
            [
                Response(
                    round=round_,
                    question_set=round_.question_set,
                    workplace=workplace,
                    workplace_type=item["workplace_type"],
                    municipality=item["municipality"],
                    employees=item["employees"],
                    language=item["language"],
                    status=ResponseStatus.SUBMITTED,
                    started_at=item["submitted"],
                    submitted_at=item["submitted"],
                )
                for workplace, item in zip(workplaces, batch, strict=True)
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
    round_id = round_.pk
    transaction.on_commit(lambda: bump_data_version(round_id))
