"""Publishing a round: one audited snapshot that never changes, and a round whose answers
are frozen once its results are out."""

from __future__ import annotations

import copy
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

import barometer.publishing as publishing
from barometer.engine.disclosure import MIN_PUBLISHED, MIN_UNKNOWN, municipality_staff, naive_suppression
from barometer.models import PublishedSnapshot
from surveys.models import Answer, Municipality, PopulationCell, Response, WorkplaceType
from surveys.services.population import PopulationFileError, load_population
from surveys.services.response_files import ResponseFileError, import_responses
from surveys.services.retention import delete_answers
from tests.builders import ResponseBuilder, innovator, non_innovator


@pytest.fixture
def closed_round(barometer_data, national_round, register):
    """64 workplaces: many primary schools and kindergartens, a handful of nursing homes in
    one municipality (a small group), one upper-secondary school."""
    build = ResponseBuilder(national_round)
    municipalities = list(Municipality.objects.order_by("number"))[:8]
    for i in range(60):
        answers = (
            innovator(collaborated_with=["own_municipality"] if i % 3 else ["users"]) if i % 2 else non_innovator()
        )
        build.submitted(
            workplace_type=WorkplaceType.PRIMARY_SCHOOL if i % 4 < 2 else WorkplaceType.KINDERGARTEN,
            municipality=municipalities[i % 8],
            answers=answers,
            employees=10 + i,
        )
    for _ in range(3):
        build.submitted(workplace_type=WorkplaceType.NURSING_HOME, municipality=municipalities[0], answers=innovator())
    build.submitted(workplace_type=WorkplaceType.UPPER_SECONDARY, municipality=municipalities[1], answers=innovator())
    national_round.closes_at = timezone.now() - timedelta(hours=1)
    national_round.save()
    return national_round


def _publish(round_) -> str:
    out = io.StringIO()
    call_command("publish_round", "--round", round_.slug, stdout=out)
    return out.getvalue()


def _group(snapshot, key):
    return next(group for group in snapshot.figures["groups"] if group["key"] == key)


def test_publish_stores_an_audited_snapshot(closed_round):
    output = _publish(closed_round)
    assert "edition 1" in output and " s." in output
    snapshot = PublishedSnapshot.objects.get(round=closed_round)
    assert snapshot.audit["passed"] is True
    assert _group(snapshot, "national")["workplaces"] == 64
    # Three nursing homes: hidden, every figure, with one reason.
    nursing = _group(snapshot, "workplace_type=nursing_home")
    assert nursing["workplaces"] is None and nursing["hidden"] is True and nursing["reason"] == "too_few"
    assert {(value["hidden"], value["reason"]) for value in nursing["indicators"].values()} == {(True, "too_few")}
    assert all(value["value"] is None for value in nursing["indicators"].values())
    # Their sector minus the shown types would give them away: something else hides too.
    closed_round.refresh_from_db()
    assert closed_round.results_published_at is not None


def test_the_findings_bases_are_tied_to_the_innovators(closed_round):
    # Innovators = those who collaborated with public workplaces outside the municipality
    # + those who did not (the findings' two bases). A viewer subtracts along that tie, so
    # the disclosure input must declare it; an attacker found hidden counts of 1 to 4 in
    # the demo round's first snapshot, which declared only workplaces = innovators +
    # non-innovators.
    build = ResponseBuilder(closed_round)
    municipality = Municipality.objects.order_by("number").first()
    for _ in range(4):
        build.submitted(
            workplace_type=WorkplaceType.KINDERGARTEN,
            municipality=municipality,
            answers=innovator(collaborated_with=["other_municipalities"]),
        )
    _figures, data, _suppression, base_of = publishing.build_snapshot(closed_round)
    bases = {base.key: base for base in data.bases}
    innovators = bases[base_of["employees-initiated-or-implemented"]]
    outside = bases[base_of["finding-quality-outside"]]
    not_outside = bases[base_of["finding-quality-not-outside"]]
    assert len({innovators.key, outside.key, not_outside.key}) == 3
    combined: dict = {}
    for part in (outside.count, not_outside.count):
        for atom, coefficient in data.expansion(part).items():
            combined[atom] = combined.get(atom, 0) + coefficient
    assert data.expansion(innovators.count) == combined
    assert data.expansion(data.workplaces.count) != {data.workplaces.count: 1}
    assert "edition 1" in _publish(closed_round)


def test_every_weighting_stratum_of_a_snapshot_passes_the_published_rule(closed_round):
    # A weight N/n tells anyone who knows N the stratum's n; an attacker solved the demo
    # round's strata from the effective n beside weighted figures and subtracted them
    # from the shown groups. So every stratum in use passes the rule a published group
    # passes, small ones are merged, and the suppression and the audit count every
    # stratum's size as known.
    counted = (
        Response.objects.filter(round=closed_round)
        .values_list("workplace_type", "municipality__county__region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for workplace_type, region, n in counted:
        PopulationCell.objects.create(round=closed_round, workplace_type=workplace_type, region_id=region,
                                      workplaces=3 * n)  # fmt: skip
    _figures, data, _suppression, _bases = publishing.build_snapshot(closed_round)
    assert data.weights is not None and data.known_sets
    count = data.workplaces.count
    staff = municipality_staff(data)
    for cell_set in data.known_sets:
        size = sum(data.values[cell][count] for cell in cell_set.cells)
        assert size >= MIN_PUBLISHED, cell_set.label
        for viewer in staff:
            known = sum(data.values[cell][count] for cell in cell_set.cells & viewer.cells)
            assert not 0 < size - known < MIN_UNKNOWN, (cell_set.label, viewer.name)
    # The three nursing homes and the one upper-secondary school are not a stratum alone.
    nursing = [c for c in data.cells if c.workplace_type == "nursing_home"]
    assert not any(set(nursing) == set(cell_set.cells) for cell_set in data.known_sets)
    assert "edition 1" in _publish(closed_round)


def test_a_round_too_small_for_publishable_strata_is_published_unweighted(barometer_data, national_round, register):
    # Four workplaces: even pooled into one, the weighting stratum would tell its size (4).
    build = ResponseBuilder(national_round)
    municipality = Municipality.objects.order_by("number").first()
    for _ in range(4):
        build.submitted(workplace_type=WorkplaceType.KINDERGARTEN, municipality=municipality, answers=innovator())
    PopulationCell.objects.create(round=national_round, workplace_type="kindergarten",
                                  region=municipality.county.region, workplaces=40)  # fmt: skip
    national_round.closes_at = timezone.now() - timedelta(hours=1)
    national_round.save()
    _figures, data, _suppression, _bases = publishing.build_snapshot(national_round)
    assert data.weights is None and not data.known_sets
    assert "edition 1" in _publish(national_round)
    snapshot = PublishedSnapshot.objects.get(round=national_round)
    assert snapshot.figures["weighted"] is False
    assert _group(snapshot, "national")["hidden"] is True


def test_publishing_freezes_the_figures(closed_round, municipality):
    _publish(closed_round)
    before = PublishedSnapshot.objects.get(round=closed_round).figures
    closed_round.refresh_from_db()
    ResponseBuilder(closed_round).submitted(
        workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality, answers=innovator()
    )
    with pytest.raises(ResponseFileError, match="published results"):
        import_responses(closed_round, io.StringIO("response\n"))
    with pytest.raises(PopulationFileError, match="published results"):
        load_population(closed_round, io.StringIO("workplace_type,region,workplaces\n"))
    assert PublishedSnapshot.objects.get(round=closed_round).figures == before
    snapshot = PublishedSnapshot.objects.get(round=closed_round)
    snapshot.figures = {}
    with pytest.raises(ValidationError):
        snapshot.save()
    with pytest.raises(ValidationError):
        snapshot.delete()


def test_a_published_rounds_frame_can_no_longer_change(closed_round, municipality, admin_client):
    """The published weights and the disclosure control were computed from the round's
    population and invitations as they were: after publishing, no file and no admin page
    changes them (found by a tester: ``create_invitations`` and the population cells'
    admin did)."""
    from surveys.models import Invitation, Region
    from surveys.services.invitations import InvitationFileError, import_invitations

    region = Region.objects.get(code=municipality.county.region.code)
    cell = PopulationCell.objects.create(round=closed_round, workplace_type="kindergarten", region=region,
                                         workplaces=40)  # fmt: skip
    _publish(closed_round)
    closed_round.refresh_from_db()
    invitations = (
        "workplace,workplace_type,municipality,employees,email\nNy barnehage,kindergarten,{},12,ny@example.invalid\n"
    )
    with pytest.raises(InvitationFileError, match="published results; its invitations can no longer change"):
        import_invitations(closed_round, io.StringIO(invitations.format(municipality.number)))
    assert not Invitation.objects.filter(round=closed_round).exists()

    change = f"/admin/surveys/populationcell/{cell.pk}/change/"
    fields = {"round": closed_round.pk, "workplace_type": "kindergarten", "region": region.pk, "workplaces": 4}
    assert admin_client.post(change, fields).status_code == 403
    assert admin_client.post(f"/admin/surveys/populationcell/{cell.pk}/delete/", {"post": "yes"}).status_code == 403
    listed = admin_client.post(
        "/admin/surveys/populationcell/",
        {"action": "delete_selected", "_selected_action": [cell.pk], "post": "yes"},
        follow=True,
    )
    assert "populasjonen kan ikke lenger endres" in listed.content.decode()  # the admin speaks bokmål
    added = admin_client.post("/admin/surveys/populationcell/add/", fields | {"workplace_type": "nursing_home"})
    assert added.status_code == 200 and "populasjonen kan ikke lenger endres" in added.content.decode()
    assert list(PopulationCell.objects.filter(round=closed_round).values_list("workplaces", flat=True)) == [40]


def test_deleting_answers_on_request_keeps_the_snapshot(closed_round):
    _publish(closed_round)
    Response.objects.filter(round=closed_round).first().delete()
    assert _group(PublishedSnapshot.objects.get(round=closed_round), "national")["workplaces"] == 64


def test_a_published_round_cannot_be_extended(closed_round, admin_client):
    _publish(closed_round)
    closed_round.refresh_from_db()
    closes_at = closed_round.closes_at
    admin_client.post(
        "/admin/surveys/round/", {"action": "extend_by_a_week", "_selected_action": [closed_round.pk]}, follow=True
    )
    closed_round.refresh_from_db()
    assert closed_round.closes_at == closes_at
    closed_round.closes_at = closes_at + timedelta(days=7)
    with pytest.raises(ValidationError):
        closed_round.full_clean()


def test_an_open_round_is_not_published(closed_round):
    closed_round.closes_at = timezone.now() + timedelta(days=1)
    closed_round.save()
    with pytest.raises(CommandError, match="still open"):
        _publish(closed_round)
    assert not PublishedSnapshot.objects.exists()


def test_publishing_refuses_and_names_the_cells_when_the_audit_fails(closed_round, monkeypatch):
    # Primary suppression alone lets the three nursing homes be worked out.
    monkeypatch.setattr(
        publishing, "secondary_suppression", lambda data, groups, staff: naive_suppression(data, groups, staff)
    )
    with pytest.raises(CommandError) as raised:
        _publish(closed_round)
    assert "nursing_home" in str(raised.value)
    assert not PublishedSnapshot.objects.exists()
    closed_round.refresh_from_db()
    assert closed_round.results_published_at is None


def test_a_correction_is_a_new_edition_audited_with_the_earlier_one(closed_round, municipality):
    _publish(closed_round)
    assert "edition 2" in _publish(closed_round)
    assert list(PublishedSnapshot.objects.values_list("edition", flat=True)) == [2, 1]
    # One more answer (a late import corrected by hand): the national total would tell it.
    ResponseBuilder(closed_round).submitted(
        workplace_type=WorkplaceType.PRIMARY_SCHOOL, municipality=municipality, answers=innovator()
    )
    with pytest.raises(CommandError, match="changed by 1 workplaces since edition 2") as raised:
        _publish(closed_round)
    message = str(raised.value)
    assert "a new edition may show more, but not change what an earlier edition showed" in message
    assert "since edition 1" not in message and "from edition 1" not in message  # each named once, by the latest


def test_an_answer_deleted_since_the_last_edition_cannot_be_read_off_two_editions(
    closed_round, django_capture_on_commit_callbacks
):
    """Deleting one workplace's answer leaves every group's number of workplaces as it was,
    but the indicators on that question lose one workplace from their base: the two
    editions' shares and n would give the answer away, so the new edition is refused,
    naming the figure, and nothing is stored."""
    _publish(closed_round)
    answered = Answer.objects.filter(response__round=closed_round, question__code="initiated_by")
    with django_capture_on_commit_callbacks(execute=True):  # the round's cached figures are dropped
        delete_answers(answered.filter(response=answered.values("response")[:1]))
    with pytest.raises(CommandError, match=r"initiated would differ from edition 1 \(n 34 -> 33"):
        _publish(closed_round)
    assert list(PublishedSnapshot.objects.values_list("edition", flat=True)) == [1]


def test_a_new_edition_may_show_more_but_change_nothing_shown_before():
    """Any change of a figure shown before is refused: five workplaces more or fewer (a
    municipality's staff may know four of them), the same n with another value, and an
    indicator that is gone (renamed or replaced after publication, which would escape the
    comparison). Hiding a figure, or showing one hidden before, changes nothing shown."""
    figure = {"hidden": False, "n": 40, "value": 0.5, "low": 0.35, "high": 0.65}
    earlier = {"edition": 1, "groups": [{"key": "national", "label": "All", "workplaces": 60,
                                         "indicators": {"culture-index": figure,
                                                        "spread": {**figure, "hidden": True}}}]}  # fmt: skip

    def edition_with(key="culture-index", **changes):
        return {"groups": [{**earlier["groups"][0], "indicators": {key: {**figure, **changes}, "spread": figure}}]}

    changed = publishing.figures_changed_between_editions
    assert changed(edition_with(), [earlier]) == []
    assert changed(edition_with(hidden=True, n=None, value=None), [earlier]) == []
    assert changed(edition_with(n=45, value=0.52), [earlier]) == [
        "All: culture-index would differ from edition 1 (n 40 -> 45, value 0.5 -> 0.52)"
    ]
    assert changed(edition_with(value=0.51), [earlier]) == [
        "All: culture-index would differ from edition 1 (n 40 -> 40, value 0.5 -> 0.51)"
    ]
    assert changed(edition_with(key="culture-index-v2"), [earlier]) == [
        "All: culture-index, shown in edition 1, is not in the new edition"
    ]


def test_an_earlier_editions_figures_are_audited_on_the_bases_their_indicators_have_now(closed_round):
    """A base's key is the name of the first indicator that has it, so an indicator added
    after publication can rename a base. The earlier edition's figures join the audit on the
    base their indicator has now: with every stored base key renamed, the audit has as many
    rows as before, and more than without the earlier edition."""
    _publish(closed_round)
    earlier = PublishedSnapshot.objects.get().figures
    snapshot, data, suppression, _bases = publishing.build_snapshot(closed_round)
    renamed = copy.deepcopy(earlier)
    for group in renamed["groups"]:
        for figure in group["indicators"].values():
            figure["base"] = "a-key-no-base-has-now"
    problems, summary = publishing.audit_snapshot(data, suppression, [earlier], snapshot)
    assert problems == []
    _problems, with_renamed_keys = publishing.audit_snapshot(data, suppression, [renamed], snapshot)
    _problems, alone = publishing.audit_snapshot(data, suppression, [], snapshot)
    assert with_renamed_keys["rows"] == summary["rows"] > alone["rows"]
