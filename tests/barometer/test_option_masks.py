"""Per-response option bit masks (issue 16): every write path keeps them equal to the
answers, the rebuild command restores them, and counting from them gives the same table
as counting from the answers."""

from __future__ import annotations

import dataclasses
import io
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from barometer.engine.counting import cell_table
from barometer.engine.figures import resolved_indicators
from barometer.synthetic import generate_round
from surveys.models import AnswerChoice, Invitation, Response, ResponseStatus, Round, RoundKind
from surveys.option_masks import MASK_FIELDS, masks, option_positions
from surveys.services.response_files import csv_lines, export_rows, import_responses
from tests.answering import INNOVATOR_ANSWERS, NON_INNOVATOR_ANSWERS, answer_all
from tests.builders import without_identity


def assert_masks_match_answers(responses) -> int:
    """Every response's stored masks equal the masks of its chosen options (submitted),
    or are NULL (drafts). Returns the number of submitted responses checked."""
    chosen = defaultdict(list)
    for response_id, option_id in AnswerChoice.objects.filter(response__in=responses).values_list(
        "response_id", "option_id"
    ):
        chosen[response_id].append(option_id)
    checked = 0
    for row in responses.values("pk", "status", "question_set_id", *MASK_FIELDS):
        stored = tuple(row[field] for field in MASK_FIELDS)
        if row["status"] != ResponseStatus.SUBMITTED:
            assert stored == (None,) * len(MASK_FIELDS), row
            continue
        expected = masks(chosen[row["pk"]], option_positions(row["question_set_id"]))
        assert expected is not None and stored == expected, (row["pk"], stored, expected)
        checked += 1
    return checked


def test_submitting_through_the_pages_stores_the_masks_of_the_kept_answers(
    client, barometer_data, national_round, workplace, municipality
):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    answer_all(client, invitation.token, national_round.question_set, INNOVATOR_ANSWERS)
    response = Response.objects.get(invitation=invitation)
    assert assert_masks_match_answers(Response.objects.filter(pk=response.pk)) == 0  # a draft: NULL
    assert client.post(f"/s/{invitation.token}/oppsummering/", {}).status_code == 302
    assert assert_masks_match_answers(Response.objects.filter(pk=response.pk)) == 1
    assert any(getattr(Response.objects.get(pk=response.pk), field) for field in MASK_FIELDS)


def test_submitting_drops_unreachable_answers_from_the_masks_too(client, national_round, workplace, barometer_data):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    answer_all(client, invitation.token, national_round.question_set, INNOVATOR_ANSWERS)
    # Going back and saying "no innovation" makes the innovation pages unreachable.
    answer_all(client, invitation.token, national_round.question_set, NON_INNOVATOR_ANSWERS)
    assert client.post(f"/s/{invitation.token}/oppsummering/", {}).status_code == 302
    assert assert_masks_match_answers(Response.objects.filter(invitation=invitation)) == 1


def test_generated_and_imported_rounds_store_masks_equal_to_their_answers(barometer_data, question_set, register):
    source = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=60).round
    assert assert_masks_match_answers(Response.objects.filter(round=source)) == 60
    rows = iter(without_identity(export_rows(source, full=True)))
    named = [[*next(rows), "workplace"], *([*row, f"Importert {n}"] for n, row in enumerate(rows, start=1))]
    target = Round.objects.create(
        slug="kopi", name="Kopi", kind=RoundKind.NATIONAL, question_set=question_set,
        opens_at=source.opens_at, closes_at=source.closes_at,
    )  # fmt: skip
    assert import_responses(target, io.StringIO("".join(csv_lines(named)))).responses == 60
    assert assert_masks_match_answers(Response.objects.filter(round=target)) == 60


def test_the_rebuild_command_restores_masks_after_answers_change_outside_the_app(
    barometer_data, question_set, register
):
    round_ = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=30).round
    victim = Response.objects.filter(round=round_).order_by("pk").first()
    AnswerChoice.objects.filter(response=victim).order_by("pk")[:1].get().delete()
    Response.objects.filter(round=round_).exclude(pk=victim.pk).update(option_bits_0=None)
    with pytest.raises(AssertionError):
        assert_masks_match_answers(Response.objects.filter(round=round_))
    call_command("rebuild_option_masks", "--round", round_.slug, stdout=io.StringIO())
    assert assert_masks_match_answers(Response.objects.filter(round=round_)) == 30


def test_counting_from_the_masks_gives_the_table_counting_from_the_answers(barometer_data, question_set, register):
    round_ = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=400).round
    specs = [item.spec for item in resolved_indicators(round_.question_set_id)]
    with CaptureQueriesContext(connection) as captured:
        from_masks = cell_table(round_, specs)
    assert not [q for q in captured.captured_queries if "surveys_answerchoice" in q["sql"]]
    from_answers = cell_table(round_, specs, use_masks=False)
    assert from_masks.indicator_keys == from_answers.indicator_keys
    assert from_masks.cells.keys() == from_answers.cells.keys()
    for cell, (count, flat) in from_answers.cells.items():
        assert from_masks.cells[cell][0] == count
        assert from_masks.cells[cell][1] == pytest.approx(flat)
    # A response without masks (written before them, or by hand) sends counting back to the answers.
    Response.objects.filter(pk=Response.objects.filter(round=round_).first().pk).update(option_bits_0=None)
    with CaptureQueriesContext(connection) as captured:
        fallback = cell_table(round_, specs)
    assert [q for q in captured.captured_queries if "surveys_answerchoice" in q["sql"]]
    assert fallback.cells.keys() == from_answers.cells.keys()
    for cell, (count, flat) in from_answers.cells.items():
        assert fallback.cells[cell][0] == count
        assert fallback.cells[cell][1] == pytest.approx(flat)


@pytest.mark.parametrize("full", [True, False], ids=["full", "analysts"])
def test_the_raw_export_reads_the_chosen_options_from_the_masks_and_gives_the_same_rows(
    barometer_data, question_set, register, full
):
    round_ = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=80).round
    responses = Response.objects.filter(round=round_)
    with CaptureQueriesContext(connection) as captured:
        from_masks = list(export_rows(round_, full=full))
    assert not [q for q in captured.captured_queries if "surveys_answerchoice" in q["sql"]]
    # One response without masks sends its chunk back to the chosen-option rows.
    responses.filter(pk=responses.order_by("pk").first().pk).update(option_bits_0=None)
    with CaptureQueriesContext(connection) as captured:
        mixed = list(export_rows(round_, full=full))
    assert [q for q in captured.captured_queries if "surveys_answerchoice" in q["sql"]]
    responses.update(**dict.fromkeys(MASK_FIELDS))
    from_answers = list(export_rows(round_, full=full))
    assert len(from_masks) == 81
    assert from_masks == mixed == from_answers
    # Every kind of column holds something somewhere: chosen options, zeros, numbers, codes.
    columns = list(zip(*from_masks[1:], strict=True))
    assert any(1 in column for column in columns) and any(0 in column for column in columns)
    assert any(any(isinstance(value, str) and value for value in column) for column in columns)


@pytest.mark.django_db(transaction=True)
def test_counting_hashes_its_groups_only_in_a_transaction_of_its_own(question_set, register, barometer_data):
    """Outside any transaction the count switches sorting off for its own transaction (on
    PostgreSQL), inside one it leaves the planner alone; either way the table is the one
    counted from the answers and sorting is on again afterwards."""
    from django.db import transaction

    round_ = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=120).round
    specs = [item.spec for item in resolved_indicators(round_.question_set_id)]
    expected = cell_table(round_, specs, use_masks=False)

    def counted() -> tuple[object, bool]:
        with CaptureQueriesContext(connection) as captured:
            table = cell_table(round_, specs)
        return table, any("'enable_sort', 'off'" in query["sql"] for query in captured.captured_queries)

    alone, hinted_alone = counted()
    with transaction.atomic():
        inside, hinted_inside = counted()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW enable_sort")
                assert cursor.fetchone()[0] == "on"
    assert hinted_alone == (connection.vendor == "postgresql")
    assert not hinted_inside
    for table in (alone, inside):
        assert table.cells.keys() == expected.cells.keys()
        for cell, (count, flat) in expected.cells.items():
            assert table.cells[cell][0] == count
            assert table.cells[cell][1] == pytest.approx(flat)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_sort")
            assert cursor.fetchone()[0] == "on"


def rescored(spec, score):
    """``spec`` with each option's score replaced by ``score(old score)``."""
    return dataclasses.replace(spec, scores={option_id: score(old) for option_id, old in spec.scores.items()})


@pytest.mark.parametrize(
    "score",
    [
        pytest.param(lambda old: old - 1, id="from 0"),
        pytest.param(lambda old: 2 * old - 7, id="negative, in steps of 2"),
        pytest.param(lambda old: old / 2, id="halves"),
        pytest.param(lambda old: 10 * old, id="more steps than counted one by one"),
    ],
)
def test_score_sums_from_the_masks_equal_the_answers_for_any_scores(barometer_data, question_set, register, score):
    """The stored-mask count sums whole scores as counts per step (``_StoredLayout.score_total``)
    and other scores option by option; either way it equals the sum over the answer rows."""
    round_ = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=150).round
    specs = [item.spec for item in resolved_indicators(round_.question_set_id)]
    specs = [spec if spec.is_share else rescored(spec, score) for spec in specs]
    assert any(not spec.is_share for spec in specs)
    from_masks = cell_table(round_, specs)
    from_answers = cell_table(round_, specs, use_masks=False)
    assert from_masks.cells.keys() == from_answers.cells.keys()
    for cell, (count, flat) in from_answers.cells.items():
        assert from_masks.cells[cell][0] == count
        assert from_masks.cells[cell][1] == pytest.approx(flat)


def _counted_one_by_one(round_, specs) -> dict[tuple, list]:
    """The cell table worked out response by response with ``evaluate``, the figure of one
    workplace, independently of the counting statements: per cell the number of responses
    and, per indicator, (in the population, holding) for a share and (n, sum, sum of
    squares) for a mean or an index."""
    from barometer.engine.indicators import evaluate
    from surveys.bands import employees_band

    chosen = defaultdict(set)
    for response_id, option_id in AnswerChoice.objects.filter(response__round=round_).values_list(
        "response_id", "option_id"
    ):
        chosen[response_id].add(option_id)
    table: dict[tuple, list] = {}
    countable = Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED, workplace__isnull=False)
    for response in countable.select_related("municipality__county"):
        municipality = response.municipality
        cell = (
            response.workplace_type, municipality.size_class, municipality.centrality,
            municipality.county.number, employees_band(response.employees),
        )  # fmt: skip
        entry = table.setdefault(cell, [0] + [[0, 0.0, 0.0] for _ in specs])
        entry[0] += 1
        for index, spec in enumerate(specs, start=1):
            own = evaluate(spec, chosen[response.pk])
            if not own.applies:
                continue
            entry[index][0] += 1
            entry[index][1] += own.value
            entry[index][2] += own.value * own.value
    return table


def test_counting_gives_what_each_workplace_s_own_figure_adds_up_to_with_conditions_and_thresholds(
    barometer_data, question_set, register
):
    """A share's holding count tests only the hit (a counted option is one of the question's
    own, so a hit is an answer): checked here against ``evaluate``, one response at a time,
    for shares with a display condition on another question and on their own, an
    exclusion, and a threshold of two or more counted options, from the masks and from
    the answers alike."""
    round_ = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=300).round
    base = [item.spec for item in resolved_indicators(round_.question_set_id)]
    shares = [spec for spec in base if spec.is_share and len(spec.counted_option_ids) > 1]
    assert shares
    share = shares[0]
    other = next(spec for spec in base if spec.is_share and not spec.answered_option_ids & share.answered_option_ids)
    own_option = min(share.counted_option_ids)
    other_option = min(other.counted_option_ids)
    variants = [
        dataclasses.replace(share, key="threshold-2", min_count=2),
        dataclasses.replace(share, key="threshold-3", min_count=3),
        dataclasses.replace(share, key="required-other", required_option_ids=frozenset({other_option})),
        dataclasses.replace(share, key="excluded-other", excluded_option_ids=frozenset({other_option})),
        dataclasses.replace(share, key="required-own", required_option_ids=frozenset({own_option})),
        dataclasses.replace(
            share,
            key="both",
            min_count=2,
            required_option_ids=other.answered_option_ids,
            excluded_option_ids=frozenset({own_option}),
        ),
    ]
    specs = [spec for spec in base + variants if spec.is_resolvable]
    expected = _counted_one_by_one(round_, specs)
    for use_masks in (True, False):
        table = cell_table(round_, specs, use_masks=use_masks)
        assert table.cells.keys() == expected.keys()
        for cell, (count, flat) in table.cells.items():
            assert count == expected[cell][0]
            position = 0
            for index, (spec, width) in enumerate(zip(specs, table.widths, strict=True), start=1):
                n, total, squares = expected[cell][index]
                got = flat[position : position + width]
                position += width
                if spec.is_share:
                    assert got == (n, total), (spec.key, cell, use_masks)
                else:
                    assert got == pytest.approx((n, total, squares)), (spec.key, cell, use_masks)
