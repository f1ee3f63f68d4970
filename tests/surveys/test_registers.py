"""Importing SSB's municipality list."""

import io

import pytest
from django.core.management import CommandError, call_command

from surveys.models import County, Municipality, Region
from surveys.models.registers import size_class_for
from surveys.services.registers import RegisterFileError, import_municipalities, load_regions_and_counties

HEADER = "number,name,county,population,centrality\n"


def csv_file(*rows):
    return io.StringIO(HEADER + "".join(row + "\n" for row in rows))


def test_counties_belong_to_regions(empty_database):
    load_regions_and_counties()
    assert County.objects.count() == 15
    assert Region.objects.count() == 5
    assert County.objects.get(number="46").region.code == "vestlandet"


def test_sample_register_covers_every_size_and_centrality_class(register):
    assert Municipality.objects.count() == 30
    assert set(Municipality.objects.values_list("size_class", flat=True)) == {1, 2, 3, 4}
    assert set(Municipality.objects.values_list("centrality", flat=True)) == {1, 2, 3, 4, 5, 6}
    assert all(Municipality.objects.values_list("is_sample", flat=True))


def test_import_is_idempotent_and_updates_by_number(register):
    result = import_municipalities(csv_file("9901,Nytt navn,46,12000,4"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    municipality = Municipality.objects.get(number="9901")
    assert (municipality.name, municipality.population) == ("Nytt navn", 12000)
    again = import_municipalities(csv_file("9901,Nytt navn,46,12000,4"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_leading_zero_lost_in_a_spreadsheet_is_restored(empty_database):
    import_municipalities(csv_file("301,Oslo-test,3,700000,1"))
    assert Municipality.objects.get(number="0301").county.number == "03"


def test_bad_rows_are_all_reported_and_nothing_is_saved(empty_database):
    with pytest.raises(RegisterFileError) as excinfo:
        import_municipalities(
            csv_file("9901,Godt navn,46,1200,5", "99A1,Dårlig,46,1200,5", "9903,Dårlig,77,-5,9", "9901,Dobbel,46,1,1")
        )
    errors = excinfo.value.errors
    assert errors[0].startswith("line 3:") and "four-digit" in errors[0]
    assert errors[1].startswith("line 4:") and "county '77'" in errors[1] and "population" in errors[1]
    assert "centrality '9'" in errors[1]
    assert errors[2].startswith("line 5:") and "also appears on line 2" in errors[2]
    assert not Municipality.objects.exists()


def test_missing_columns_are_named(db):
    with pytest.raises(RegisterFileError, match="missing column"):
        import_municipalities(io.StringIO("number,name\n9901,X\n"))


def test_command_reports_errors(db, tmp_path):
    path = tmp_path / "kommuner.csv"
    path.write_text(HEADER + "9901,X,46,many,3\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: population 'many'"):
        call_command("import_municipalities", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_municipalities", str(tmp_path / "missing.csv"))


def test_the_shipped_ssb_register_is_complete(empty_database):
    """SSB's register of 1 January 2024 (surveys/data/ssb/), the default for the demo and real use."""
    from surveys.models import SizeClass
    from surveys.services.registers import load_default_register

    result = load_default_register()
    assert result.created == 357
    assert Municipality.objects.count() == 357
    assert County.objects.filter(municipalities__isnull=False).distinct().count() == 15
    assert sum(Municipality.objects.values_list("population", flat=True)) == 5_550_203
    assert set(Municipality.objects.values_list("centrality", flat=True)) == {1, 2, 3, 4, 5, 6}
    assert not Municipality.objects.filter(is_sample=True).exists()
    oslo = Municipality.objects.get(number="0301")
    assert (oslo.population, oslo.centrality, oslo.size_class) == (717_710, 1, SizeClass.FROM_50000)
    # The size class follows the population bands; every band occurs.
    assert set(Municipality.objects.values_list("size_class", flat=True)) == set(SizeClass.values)
    for municipality in Municipality.objects.all():
        assert municipality.size_class == size_class_for(municipality.population)
    again = load_default_register()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 357)


def test_import_municipalities_without_a_file_loads_the_ssb_register(empty_database):
    call_command("import_municipalities", stdout=io.StringIO())
    assert Municipality.objects.count() == 357


def test_values_too_large_for_their_column_are_refused_before_writing(empty_database):
    """On PostgreSQL these ended in a DataError traceback ("integer out of range", varchar(100))."""
    with pytest.raises(RegisterFileError) as excinfo:
        import_municipalities(csv_file("0301,Oslo,03,99999999999,1", "4601," + "B" * 150 + ",46,291940,1"))
    assert excinfo.value.errors == [
        "line 2: population: 99999999999 is larger than 2147483647, the largest number that can be stored",
        "line 3: name: 150 characters, longer than the 100 that fit",
    ]
    assert not Municipality.objects.exists()


def test_a_file_with_only_its_header_is_refused_and_not_recorded(empty_database, tmp_path):
    from surveys.models import ImportedFile

    path = tmp_path / "kommuner.csv"
    path.write_text(HEADER, encoding="utf-8")
    recorded = ImportedFile.objects.count()
    with pytest.raises(CommandError, match=r"nothing was imported.\n  the file has no rows"):
        call_command("import_municipalities", str(path))
    assert ImportedFile.objects.count() == recorded
    assert not County.objects.exists()  # a refused file changes nothing, the counties included


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("0301,Oslo,46,709037,1", "line 2: number 0301 is not in county 46: a municipality number begins with its "
                                  "county's number"),
        ("3001,Halden,31,31444,3", "line 2: number 3001 is not in county 31: a municipality number begins with "
                                   "its county's number; 30 is no county of the 2024 division (a number from "
                                   "before 2024?)"),
    ],
)  # fmt: skip
def test_a_county_that_contradicts_the_number_is_refused(register, row, message):
    with pytest.raises(RegisterFileError) as excinfo:
        import_municipalities(csv_file(row))
    assert excinfo.value.errors == [message]
    assert not Municipality.objects.filter(number__in=["0301", "3001"]).exists()


def test_every_number_in_the_shipped_register_begins_with_its_county():
    import csv

    from surveys.services.registers import SSB_REGISTER

    with SSB_REGISTER.open(encoding="utf-8-sig") as file:
        assert all(row["number"].startswith(row["county"]) for row in csv.DictReader(file))


@pytest.mark.parametrize(
    ("population", "centrality", "expected"),
    [("1 234", "1", 1234), ("1\u00a0234", "2", 1234), ("1\u202f234\u202f567", "3", 1234567), ("709037", "4", 709037)],
)
def test_population_accepts_digits_grouped_by_spaces(register, population, centrality, expected):
    import_municipalities(csv_file(f'9901,Nytt navn,46,"{population}",{centrality}'))
    assert Municipality.objects.get(number="9901").population == expected


@pytest.mark.parametrize(
    ("population", "centrality", "problem"),
    [
        ("7_09037", "1", "population '7_09037' is not a whole number of 0 or more (digits 0-9; thousands may be "
                         "separated by a space)"),
        ("٣٠٠", "1", "population '٣٠٠' is not a whole number"),
        ("12 34", "1", "population '12 34' is not a whole number"),
        ("700", "١", "centrality '١' is not a class from 1 to 6"),
        ("700", "+1", "centrality '+1' is not a class from 1 to 6"),
    ],
)  # fmt: skip
def test_numbers_are_read_in_ascii_digits_only(register, population, centrality, problem):
    with pytest.raises(RegisterFileError) as excinfo:
        import_municipalities(csv_file(f"9901,Nytt navn,46,{population},{centrality}"))
    assert excinfo.value.errors[0].startswith("line 2: ") and problem in excinfo.value.errors[0]
    assert Municipality.objects.get(number="9901").name != "Nytt navn"


def test_a_municipality_number_in_other_digits_is_refused(register):
    with pytest.raises(RegisterFileError, match="number '٩٩٠١' is not a four-digit municipality number"):
        import_municipalities(csv_file("٩٩٠١,Nytt navn,46,700,1"))
