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
