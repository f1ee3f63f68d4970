"""Issue 14 items 2 and 3: a file imported twice is refused, every import command has a dry
run, and a workplace has one identity (organisation number, else normalised name within the
municipality), so it gets one invitation and one counted answer per round."""

import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from barometer.synthetic import generate_round
from surveys.models import (
    ImportedFile,
    ImportKind,
    Invitation,
    Municipality,
    Response,
    ResponseStatus,
    Round,
    RoundKind,
    Workplace,
    WorkplaceType,
    is_organisation_number,
    normalised_name,
    validate_organisation_number,
)
from surveys.services.invitations import InvitationFileError, SimilarWorkplacesError, import_invitations
from surveys.services.response_files import ResponseFileError, csv_lines, export_rows, import_responses
from tests.builders import without_identity

HEADER = "workplace,workplace_type,municipality,employees,email,external_id,language,organisation_number\n"


def invitations(*rows: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(row + "\n" for row in rows)).encode())


# --- Organisation numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("number", ["974123452", "998877660", "971526920", "974760673", "983971636"])
def test_valid_organisation_numbers(number):
    assert is_organisation_number(number)
    validate_organisation_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "974123453",  # wrong check digit
        "912345678",  # the first eight digits give remainder 10: no number is issued
        "97412345",  # eight digits
        "9741234520",  # ten
        "97412345X",
        "٩٧٤١٢٣٤٥٢",  # Arabic-Indic digits are digits to str.isdigit, not to the register
    ],
)
def test_invalid_organisation_numbers(number):
    assert not is_organisation_number(number)
    with pytest.raises(ValidationError):
        validate_organisation_number(number)


def test_names_are_compared_case_folded_without_punctuation_and_extra_space():
    assert normalised_name("Eikely  Barnehage.") == normalised_name("eikely barnehage") == "eikely barnehage"
    assert normalised_name("St. Olav-skolen") == "st olav skolen"
    assert normalised_name("Ås skole") != normalised_name("As skole")


# --- Invitations -------------------------------------------------------------------------------


def test_the_same_workplace_with_its_number_later_gets_no_second_invitation(national_round, register):
    import_invitations(
        national_round, invitations("Solbakken skole,primary_school,9901,30,rektor@example.invalid,,nb,")
    )
    result = import_invitations(
        national_round, invitations("Solbakken skole,primary_school,9901,30,rektor@example.invalid,,nb,974123452")
    )
    assert (result.invitations_created, result.invitations_updated, result.workplaces_created) == (0, 1, 0)
    assert result.organisation_numbers_recorded == 1
    assert Invitation.objects.count() == 1
    assert Workplace.objects.get().organisation_number == "974123452"
    # and the number now identifies it, whatever the name is written like
    import_invitations(
        national_round, invitations("SOLBAKKEN SKOLE AS,primary_school,9901,31,ny@example.invalid,,nb,974123452")
    )
    assert Invitation.objects.get().email == "ny@example.invalid"


def test_exact_duplicates_in_a_file_are_refused(national_round, register):
    with pytest.raises(InvitationFileError) as excinfo:
        import_invitations(
            national_round,
            invitations(
                "Eikely barnehage,kindergarten,9901,12,styrer@example.invalid,,nb,",
                "Eikely Barnehage,kindergarten,9901,12,styrer@example.invalid,,nb,",
                "Eikely  barnehage,kindergarten,9901,12,styrer@example.invalid,,nb,",
            ),
        )
    assert excinfo.value.errors == [
        "line 3: 'Eikely Barnehage' is the same workplace as line 2 ('Eikely barnehage', municipality 9901); "
        "keep one of the lines",
        "line 4: 'Eikely  barnehage' is the same workplace as line 2 ('Eikely barnehage', municipality 9901); "
        "keep one of the lines",
    ]
    assert not Workplace.objects.exists()


def test_the_same_organisation_number_twice_is_a_duplicate(national_round, register):
    with pytest.raises(InvitationFileError, match=r"line 3: 'Solbakken skole avd\. 2' is the same workplace as line 2"):
        import_invitations(
            national_round,
            invitations(
                "Solbakken skole,primary_school,9901,30,a@example.invalid,,nb,974123452",
                "Solbakken skole avd. 2,primary_school,9901,30,b@example.invalid,,nb,974123452",
            ),
        )


def test_a_bad_organisation_number_is_refused(national_round, register):
    with pytest.raises(InvitationFileError, match="line 2: organisation_number '974123453' is not an organisation"):
        import_invitations(
            national_round, invitations("Solbakken skole,primary_school,9901,30,a@example.invalid,,nb,974123453")
        )


def test_near_duplicates_are_listed_and_accepted_only_when_asked(national_round, register):
    file = "Eikely barnehage,kindergarten,9901,12,styrer@example.invalid,,nb,\n" \
           "Eikeli barnehage,kindergarten,9901,14,styrer@example.invalid,,nb,\n"  # fmt: skip
    with pytest.raises(SimilarWorkplacesError) as excinfo:
        import_invitations(national_round, invitations(file))
    assert excinfo.value.errors == ["line 3 'Eikeli barnehage' looks like line 2 'Eikely barnehage' (similarity 0.94)"]
    assert not Workplace.objects.exists()
    result = import_invitations(national_round, invitations(file), accept_similar=True)
    assert (result.workplaces_created, result.similar_accepted) == (2, 1)


def test_a_near_duplicate_of_a_registered_workplace_is_listed(national_round, municipality):
    Workplace.objects.create(
        name="Eikely barnehage", workplace_type=WorkplaceType.KINDERGARTEN, municipality=municipality
    )
    with pytest.raises(SimilarWorkplacesError, match="registered workplace 'Eikely barnehage'"):
        import_invitations(national_round, invitations("Eikely barnhage,kindergarten,9901,12,s@example.invalid,,nb,"))


def test_the_same_email_for_different_workplaces_is_allowed(national_round, register):
    result = import_invitations(
        national_round,
        invitations(
            "Solbakken skole,primary_school,9901,30,leder@example.invalid,,nb,",
            "Solbakken barnehage,kindergarten,9901,12,leder@example.invalid,,nb,",
            "Solbakken skole,primary_school,9902,25,leder@example.invalid,,nb,",  # another municipality
        ),
    )
    assert result.invitations_created == 3


def test_the_command_lists_similar_names_exits_non_zero_and_accepts_them_on_request(national_round, register, tmp_path):
    path = tmp_path / "invitasjoner.csv"
    path.write_bytes((HEADER + "Eikely barnehage,kindergarten,9901,12,s@example.invalid,,nb,\n"
                      "Eikeli barnehage,kindergarten,9901,12,s@example.invalid,,nb,\n").encode())  # fmt: skip
    with pytest.raises(CommandError) as excinfo:
        call_command("create_invitations", "--round", national_round.slug, str(path))
    assert "line 3 'Eikeli barnehage' looks like line 2 'Eikely barnehage'" in str(excinfo.value)
    assert "--accept-similar" in str(excinfo.value)
    assert not Invitation.objects.exists()
    out = io.StringIO()
    call_command("create_invitations", "--round", national_round.slug, str(path), "--dry-run", "--accept-similar",
                 stdout=out)  # fmt: skip
    assert "Dry run, nothing was changed. Would be: 2 invitations created" in out.getvalue()
    assert not Invitation.objects.exists() and not ImportedFile.objects.filter(kind=ImportKind.INVITATIONS).exists()
    call_command("create_invitations", "--round", national_round.slug, str(path), "--accept-similar", stdout=out)
    assert Invitation.objects.count() == 2
    record = ImportedFile.objects.get(kind=ImportKind.INVITATIONS)
    assert (record.kind, record.round, record.rows, record.file_name) == ("invitations", national_round, 2,
                                                                          "invitasjoner.csv")  # fmt: skip
    out = io.StringIO()
    call_command("create_invitations", "--round", national_round.slug, str(path), "--accept-similar", stdout=out)
    assert "The same file was imported on" in out.getvalue()
    assert "0 invitations created, 0 updated, 2 unchanged" in out.getvalue()  # nothing new


# --- Database constraints ----------------------------------------------------------------------


def test_constraints_hold_one_workplace_one_invitation_one_answer(national_round, municipality):
    first = Workplace.objects.create(name="Eikely barnehage", workplace_type=WorkplaceType.KINDERGARTEN,
                                     municipality=municipality, organisation_number="974123452")  # fmt: skip
    cases = [
        lambda: Workplace.objects.create(
            name="Eikely  BARNEHAGE", workplace_type="kindergarten", municipality=municipality
        ),
        lambda: Workplace.objects.create(
            name="Annet navn", workplace_type="kindergarten", municipality=municipality, organisation_number="974123452"
        ),
        lambda: [Invitation.objects.create(round=national_round, workplace=first) for _ in range(2)],
        lambda: [
            Response.objects.create(
                round=national_round,
                question_set=national_round.question_set,
                workplace=first,
                workplace_type="kindergarten",
                municipality=municipality,
                status=ResponseStatus.SUBMITTED,
                submitted_at=timezone.now(),
            )
            for _ in range(2)
        ],
    ]
    for case in cases:
        with pytest.raises(IntegrityError), transaction.atomic():
            case()


def test_a_source_number_is_unique_in_a_round(national_round, municipality):
    def response(name, source_id, round_=national_round):
        workplace = Workplace.objects.create(name=name, workplace_type="kindergarten", municipality=municipality)
        return Response.objects.create(
            round=round_, question_set=round_.question_set, workplace=workplace, workplace_type="kindergarten",
            municipality=municipality, source_id=source_id,
        )  # fmt: skip

    response("A", "")
    response("B", "")  # empty numbers do not collide
    response("C", "P-17")
    with pytest.raises(IntegrityError), transaction.atomic():
        response("D", "P-17")


def test_the_data_migration_reports_duplicates_and_leaves_them(municipality, capsys):
    for name in ("Eikely barnehage", "Eikely Barnehage", "Eikely  barnehage.", "Solbakken skole"):
        workplace = Workplace.objects.create(
            name=f"tmp {name}", workplace_type="kindergarten", municipality=municipality
        )
        Workplace.objects.filter(pk=workplace.pk).update(name=name, name_key=None)  # as before migration 0010
    migration = importlib.import_module("surveys.migrations.0010_report_duplicate_workplaces")
    migration.fill_keys_and_report_duplicates(django_apps, None)
    keys = dict(Workplace.objects.values_list("name", "name_key"))
    assert keys == {"Eikely barnehage": "eikely barnehage", "Eikely Barnehage": None, "Eikely  barnehage.": None,
                    "Solbakken skole": "solbakken skole"}  # fmt: skip
    printed = capsys.readouterr().out
    assert "2 duplicate workplace(s) found" in printed
    assert "'Eikely Barnehage' has the same name as workplace" in printed
    assert Workplace.objects.count() == 4  # nothing merged or deleted


# --- Responses: a file imported twice, source numbers, workplace identity ------------------------


@pytest.fixture
def paper(barometer_data, question_set, register, tmp_path):
    """A round, and a file of three answers in the export's format with the workplaces'
    identity and paper form numbers added."""
    source = generate_round(question_set=question_set, slug="kilde", name="Kilde", workplaces=3).round
    rows = without_identity(export_rows(source, full=True))
    identity = [("Solbakken skole", "974123452", "P-1"), ("Eikely barnehage", "", "P-2"), ("", "998877660", "P-3")]
    rows = [[*rows[0], "workplace", "organisation_number", "source_id"]] + [
        [*row, *values] for row, values in zip(rows[1:], identity, strict=True)
    ]
    target = Round.objects.create(slug="papir", name="Papir", kind=RoundKind.NATIONAL, question_set=question_set,
                                  opens_at=source.opens_at, closes_at=source.closes_at)  # fmt: skip
    path = tmp_path / "papirsvar.csv"
    path.write_text("".join(csv_lines(rows)), encoding="utf-8-sig")
    return target, path, rows


def test_the_same_file_twice_is_refused(paper):
    target, path, _rows = paper
    assert import_responses(target, path).responses == 3
    with pytest.raises(ResponseFileError, match=r"this file was already imported into round papir on .* \(3 rows"):
        import_responses(target, path)
    assert Response.objects.countable().filter(round=target).count() == 3
    with pytest.raises(CommandError, match="already imported"):
        call_command("import_responses", "--round", target.slug, str(path))
    assert Response.objects.countable().filter(round=target).count() == 3


def test_the_same_source_number_in_another_file_is_refused(paper, tmp_path):
    target, path, rows = paper
    import_responses(target, path)
    again = tmp_path / "igjen.csv"
    changed = [rows[0], [*rows[1][:-3], "Ny skole", "", "P-1"]]
    again.write_text("".join(csv_lines(changed)), encoding="utf-8")
    with pytest.raises(ResponseFileError) as excinfo:
        import_responses(target, again)
    assert excinfo.value.errors == ["row 2, column source_id: 'P-1' is already imported into round papir"]


def test_the_same_workplace_again_is_refused(paper, tmp_path):
    target, path, rows = paper
    import_responses(target, path)
    again = tmp_path / "igjen.csv"
    again.write_text("".join(csv_lines([rows[0], [*rows[1][:-3], "SOLBAKKEN skole", "", "P-9"]])), encoding="utf-8")
    with pytest.raises(ResponseFileError, match="row 2: 'Solbakken skole' already has a submitted response"):
        import_responses(target, again)


def test_a_row_must_identify_its_workplace(paper, tmp_path):
    target, _path, rows = paper
    unnamed = tmp_path / "uten.csv"
    unnamed.write_text("".join(csv_lines([rows[0], [*rows[1][:-3], "", "", ""]])), encoding="utf-8")
    with pytest.raises(ResponseFileError, match="row 2: the workplace is not identified"):
        import_responses(target, unnamed)
    no_columns = tmp_path / "uten-kolonner.csv"
    no_columns.write_text("".join(csv_lines([rows[0][:-3], rows[1][:-3]])), encoding="utf-8")
    with pytest.raises(ResponseFileError, match="missing column organisation_number or workplace"):
        import_responses(target, no_columns)


def test_imported_answers_match_registered_and_invited_workplaces(paper):
    target, path, rows = paper
    municipality = Municipality.objects.get(number=rows[2][rows[0].index("municipality")])
    invited = Workplace.objects.create(  # registered as the paper answer describes it
        name="Eikely Barnehage", workplace_type=rows[2][rows[0].index("workplace_type")], municipality=municipality
    )
    invitation = Invitation.objects.create(round=target, workplace=invited, email="s@example.invalid")
    import_responses(target, path)
    response = Response.objects.get(round=target, source_id="P-2")
    assert (response.workplace, response.invitation) == (invited, invitation)
    assert Workplace.objects.get(organisation_number="998877660").name == "998877660"
    assert Workplace.objects.filter(name="Solbakken skole", organisation_number="974123452").exists()


def table_counts() -> dict[str, int]:
    """The number of rows in every table of every installed app."""
    return {model._meta.label: model._base_manager.count() for model in django_apps.get_models()}


def test_a_dry_run_into_an_empty_database_changes_no_table(empty_database, tmp_path):
    """The register's regions and counties were loaded outside the dry run's transaction."""
    from tests.conftest import QUESTIONSET_FILE

    before = table_counts()
    for command in (("import_municipalities",), ("import_municipalities", "--sample"),
                    ("import_questionset", str(QUESTIONSET_FILE))):  # fmt: skip
        out = io.StringIO()
        call_command(*command, "--dry-run", stdout=out)
        assert "Dry run, nothing was changed" in out.getvalue(), out.getvalue()
        assert table_counts() == before, command


def test_dry_run_of_every_import_command_changes_nothing(paper, national_round, tmp_path):
    target, path, _rows = paper
    municipalities = tmp_path / "kommuner.csv"
    municipalities.write_text("number;name;county;population;centrality\n301;Oslo-test;3;700000;1\n", encoding="cp1252")
    population = tmp_path / "populasjon.csv"
    population.write_text("workplace_type,region,workplaces\nkindergarten,vestlandet,120\n", encoding="utf-8")
    invitation_file = tmp_path / "invitasjoner.csv"
    invitation_file.write_text(HEADER + "Solbakken skole,primary_school,9901,30,r@example.invalid,,nb,\n")
    from tests.conftest import QUESTIONSET_FILE

    before = table_counts()
    runs = [
        (("import_responses", "--round", target.slug, str(path)), "Would be: 3 responses imported into papir"),
        (("create_invitations", "--round", target.slug, str(invitation_file)), "Would be: 1 invitations created"),
        (("import_municipalities", str(municipalities)), "Would be: Municipalities: 1 created"),
        (("load_population", "--round", target.slug, str(population)), "Would be: 1 population cells loaded"),
        (("import_questionset", str(QUESTIONSET_FILE)), "already loaded; nothing changed"),
    ]
    for command, expected in runs:
        out = io.StringIO()
        call_command(*command, "--dry-run", stdout=out)
        assert expected in out.getvalue(), out.getvalue()
    assert table_counts() == before
    # and a real run after the dry run is not refused as a repeat
    assert import_responses(target, path).responses == 3
    assert ImportedFile.objects.filter(kind=ImportKind.RESPONSES).count() == 1


def test_a_rename_onto_another_registered_name_is_refused_cleanly(national_round, municipality):
    Workplace.objects.create(name="Solbakken skole", workplace_type="primary_school", municipality=municipality,
                             organisation_number="974123452")  # fmt: skip
    Workplace.objects.create(name="Bakken skole", workplace_type="primary_school", municipality=municipality)
    with pytest.raises(
        InvitationFileError,
        match="line 2: 'Bakken skole' would rename the registered workplace 'Solbakken skole' to the name of another",
    ):
        import_invitations(
            national_round, invitations("Bakken skole,primary_school,9901,30,r@example.invalid,,nb,974123452")
        )
    assert not Invitation.objects.exists()
    assert Workplace.objects.get(organisation_number="974123452").name == "Solbakken skole"


def test_one_new_workplace_named_twice_in_a_response_file_is_refused(paper, tmp_path):
    target, _path, rows = paper
    header = rows[0]
    second = list(rows[2])
    second[header.index("municipality")] = rows[1][header.index("municipality")]
    twice = tmp_path / "to-ganger.csv"
    twice.write_text(
        "".join(
            csv_lines([header, [*rows[1][:-3], "Nyskolen", "974123452", "A"], [*second[:-3], "Nyskolen", "", "B"]])
        ),
        encoding="utf-8",
    )
    with pytest.raises(ResponseFileError, match="row 3: the same workplace as row 2"):
        import_responses(target, twice)
    numbered = tmp_path / "nummer.csv"
    numbered.write_text("".join(csv_lines([header, [*rows[1][:-3], "", "974123452", "A"],
                                           [*rows[2][:-3], "Annen", "974123452", "B"]])), encoding="utf-8")  # fmt: skip
    with pytest.raises(ResponseFileError, match="row 3: the same workplace as row 2"):
        import_responses(target, numbered)
    assert not Response.objects.filter(round=target).exists()


def test_a_form_is_told_about_a_duplicate_name_before_the_database_is(municipality):
    Workplace.objects.create(name="Eikely barnehage", workplace_type="kindergarten", municipality=municipality)
    twin = Workplace(name="EIKELY barnehage", workplace_type="kindergarten", municipality=municipality)
    with pytest.raises(ValidationError) as excinfo:
        twin.full_clean()
    assert "name" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        Workplace(name="Ny", workplace_type="kindergarten", municipality=municipality,
                  organisation_number="974123453").full_clean()  # fmt: skip
    assert "organisation_number" in excinfo.value.message_dict


# --- A paper answer imported before the workplace is invited (review of issue 14) -------------


def test_a_paper_answer_imported_before_the_invitation_counts_as_the_workplaces_answer(paper, client):
    """Import a paper answer, then invite the same workplace: the invitation is linked to the
    answer, nobody reminds or lists the workplace, and its link shows its report (no 500)."""
    from django.core import mail

    from barometer.reports.fieldwork import non_respondents
    from surveys.services.invitations import send_invitations, send_reminders, unfinished_invitations

    target, path, rows = paper
    import_responses(target, path)
    number = rows[1][rows[0].index("municipality")]
    other = Municipality.objects.exclude(number=number).first()
    import_invitations(
        target,
        invitations(
            f"Solbakken skole,primary_school,{number},30,rektor@example.invalid,,nb,",
            f"Nyby skole,primary_school,{other.number},30,nyby@example.invalid,,nb,",
        ),
    )
    now = timezone.now()
    Round.objects.filter(pk=target.pk).update(
        opens_at=now - timezone.timedelta(days=1), closes_at=now + timezone.timedelta(days=9)
    )
    target.refresh_from_db()
    invitation = Invitation.objects.get(round=target, workplace__name="Solbakken skole")
    assert Response.objects.get(round=target, workplace=invitation.workplace).invitation == invitation
    send_invitations(target)
    mail.outbox.clear()
    assert [i.workplace.name for i in unfinished_invitations(target)] == ["Nyby skole"]
    assert send_reminders(target) == 1
    assert [message.to for message in mail.outbox] == [["nyby@example.invalid"]]
    assert [i.workplace.name for i in non_respondents(target)] == ["Nyby skole"]
    for url in (f"/s/{invitation.token}/", f"/s/{invitation.token}/del/profile/"):
        page = client.get(url)
        assert page.status_code == 302, url  # to the workplace's report
    assert client.get(f"/s/{invitation.token}/", follow=True).status_code == 200


def test_an_invitation_made_before_the_link_existed_finds_the_imported_answer(paper, client):
    """Data from before the fix: an invitation and an earlier imported answer of its workplace,
    not linked. The link must link them and show the report, never create a second answer."""
    target, path, _rows = paper
    import_responses(target, path)
    response = Response.objects.get(round=target, source_id="P-1")
    invitation = Invitation.objects.create(round=target, workplace=response.workplace, email="r@example.invalid")
    page = client.get(f"/s/{invitation.token}/")
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.invitation == invitation
    assert Response.objects.filter(round=target, workplace=response.workplace).count() == 1


def test_import_responses_lists_near_duplicate_workplaces_and_accepts_them_only_when_asked(paper, tmp_path):
    target, _path, rows = paper
    number = rows[1][rows[0].index("municipality")]
    import_invitations(
        target, invitations(f"Solbakken skole,primary_school,{number},30,r@example.invalid,,nb,974123452")
    )
    near = tmp_path / "skule.csv"
    near.write_text("".join(csv_lines([rows[0], [*rows[1][:-3], "Solbakken skule", "", "P-1"]])), encoding="utf-8")
    before = (Workplace.objects.count(), Response.objects.count())
    with pytest.raises(CommandError, match=r"'Solbakken skule' looks like registered workplace 'Solbakken skole'"):
        call_command("import_responses", "--round", target.slug, str(near))
    assert (Workplace.objects.count(), Response.objects.count()) == before
    call_command("import_responses", "--round", target.slug, str(near), "--accept-similar", stdout=io.StringIO())
    assert Response.objects.get(round=target).workplace.name == "Solbakken skule"


def test_a_paper_answer_that_contradicts_its_registered_workplace_is_refused(paper, tmp_path):
    """Benchmarks and weighting group by the response's stored type and municipality: an
    answer matched to a registered workplace must not say it is another kind of workplace
    somewhere else, or the invited school's answer would count as a kindergarten elsewhere."""
    target, _path, rows = paper
    import_invitations(target, invitations("Org skole,primary_school,9901,30,r@example.invalid,,nb,974760673"))
    type_column, municipality_column = rows[0].index("workplace_type"), rows[0].index("municipality")
    by_number = [*rows[1][:-3], "", "974760673", "P-1"]
    by_number[type_column], by_number[municipality_column] = "kindergarten", "9902"
    eikely = Workplace.objects.create(
        name="Eikely barnehage",
        workplace_type=WorkplaceType.KINDERGARTEN,
        municipality=Municipality.objects.get(number=rows[2][municipality_column]),
    )
    by_name = [*rows[2][:-3], "Eikely barnehage", "", "P-2"]
    by_name[type_column] = "nursing_home"
    contradicting = tmp_path / "motsier.csv"
    contradicting.write_text("".join(csv_lines([rows[0], by_number, by_name])), encoding="utf-8")
    with pytest.raises(ResponseFileError) as excinfo:
        import_responses(target, contradicting)
    assert excinfo.value.errors == [
        "row 2, column workplace_type: 'Org skole' (organisation number 974760673) is registered as primary_school, "
        "not kindergarten",
        "row 2, column municipality: 'Org skole' (organisation number 974760673) is registered in municipality 9901, "
        "not 9902",
        f"row 3, column workplace_type: {eikely.name!r} is registered as kindergarten, not nursing_home",
    ]
    assert not Response.objects.filter(round=target).exists()
    with pytest.raises(CommandError, match="row 2, column municipality: 'Org skole'"):
        call_command("import_responses", "--round", target.slug, str(contradicting))
    assert not Response.objects.filter(round=target).exists()


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ({"workplace": "X" * 250}, "row 2, column workplace: 250 characters, longer than the 200 that fit"),
        (
            {"workplace": "ß" * 150},
            "row 2, column workplace: case-folded for matching, 300 characters, longer than the 200 that fit",
        ),
        (
            {"employees": "99999999999"},
            "row 2, column employees: 99999999999 is larger than 2147483647, the largest number that can be stored",
        ),
        ({"source_id": "P" * 65}, "row 2, column source_id: 65 characters, longer than the 64 that fit"),
        (
            {"employees": "1_234"},
            "row 2, column employees: '1_234' is not a whole number of 1 or more"
            " (digits 0-9; thousands may be separated by a space)",
        ),
    ],
)
def test_a_paper_answer_too_big_for_its_columns_is_refused_before_anything_is_written(paper, tmp_path, cells, problem):
    """PostgreSQL would refuse these with a DataError (SQLite stores them): the file is
    refused first, by row and column, on every database."""
    target, _path, rows = paper
    row = dict(zip(rows[0], rows[1], strict=True)) | {"workplace": "Ny skole", "organisation_number": ""} | cells
    big = tmp_path / "for-stor.csv"
    big.write_text("".join(csv_lines([rows[0], [row[column] for column in rows[0]]])), encoding="utf-8")
    before = Workplace.objects.count()
    with pytest.raises(ResponseFileError) as excinfo:
        import_responses(target, big)
    assert excinfo.value.errors == [problem]
    with pytest.raises(CommandError, match=problem[:30]):
        call_command("import_responses", "--round", target.slug, str(big))
    assert (Workplace.objects.count(), Response.objects.filter(round=target).count()) == (before, 0)


@pytest.mark.parametrize(
    "when", ["2001-01-01", "2001-01-01T12:00:00+01:00", "2999-12-31", "after", "at the closing time"]
)
def test_a_submitted_date_outside_the_rounds_open_period_is_refused(paper, tmp_path, when):
    """The round is open up to, not including, its closing time (``Round.is_open``): an
    answer stamped with the closing time itself came too late, as on the web page."""
    target, _path, rows = paper
    column = rows[0].index("submitted")
    row = list(rows[1])
    if when in ("after", "at the closing time"):  # the round closed before (or as) the answer came
        from django.utils.dateparse import parse_datetime

        early = timezone.timedelta(minutes=1 if when == "after" else 0)
        Round.objects.filter(pk=target.pk).update(closes_at=parse_datetime(row[column]) - early)
        target.refresh_from_db()
    else:
        row[column] = when
    dated = tmp_path / "datert.csv"
    dated.write_text("".join(csv_lines([rows[0], row])), encoding="utf-8")
    with pytest.raises(ResponseFileError, match=r"row 2, column submitted: .* (is in the future|is outside the round)"):
        import_responses(target, dated)
    assert not Response.objects.filter(round=target).exists()


def test_names_that_differ_only_in_their_numbers_are_different_units():
    """ "Eikely barnehage avd 1" and "avd 2" are alike letter by letter, but two units."""
    from surveys.services.invitations import _similar

    assert _similar("eikely barnehage avd 1", "eikely barnehage avd 2") == 0.0
    assert _similar("importert 9", "importert 19") == 0.0
    assert _similar("eikely barnehage", "eikeli barnehage") >= 0.9


def test_identity_and_ignored_columns_are_matched_without_regard_to_case(paper, tmp_path):
    """ "Workplace" or "Organisation_Number" was refused as an unknown column while "Q1"
    beside it was read (found by a tester)."""
    target, _path, rows = paper
    header = [column.title() if column in {"workplace", "organisation_number", "source_id"} else column
              for column in rows[0]]  # fmt: skip
    capitalised = tmp_path / "Papirsvar.csv"
    capitalised.write_text("".join(csv_lines([header, *rows[1:]])), encoding="utf-8-sig")
    assert import_responses(target, capitalised).responses == 3
    assert set(Response.objects.filter(round=target).values_list("source_id", flat=True)) == {"P-1", "P-2", "P-3"}


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("2026-02-30", "'2026-02-30' is no date and time that exists"),
        ("2018-03-01 25:00", "'2018-03-01 25:00' is no date and time that exists"),
        ("2018-03-01T12:00:00+25:00", "'2018-03-01T12:00:00+25:00' is no date and time that exists"),
        ("0001-01-01T00:30:00+01:00", "'0001-01-01T00:30:00+01:00' is outside the years 1900 to 8999"),
        ("9999-12-31T23:59:00-01:00", "'9999-12-31T23:59:00-01:00' is outside the years 1900 to 8999"),
        ("1. mars 2018", "'1. mars 2018' is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DD HH:MM)"),
    ],
)
def test_a_submitted_date_that_does_not_exist_is_refused_by_row_and_column(paper, tmp_path, when, reason):
    """A well-formed date that no calendar has (30 February, 25 o'clock, an offset of 25
    hours) or one a database cannot store is named, not read into a traceback."""
    target, _path, rows = paper
    row = list(rows[1])
    row[rows[0].index("submitted")] = when
    dated = tmp_path / "umulig.csv"
    dated.write_text("".join(csv_lines([rows[0], row])), encoding="utf-8")
    with pytest.raises(ResponseFileError) as excinfo:
        import_responses(target, dated)
    assert excinfo.value.errors == [f"row 2, column submitted: {reason}"]
    with pytest.raises(CommandError, match="column submitted"):
        call_command("import_responses", "--round", target.slug, str(dated))
    assert not Response.objects.filter(round=target).exists()
