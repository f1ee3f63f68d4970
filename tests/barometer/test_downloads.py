"""Issue 14 item 5, on the way out: CSV as UTF-8 with a byte-order mark, and XLSX beside every
CSV download, with municipality numbers kept as text."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook

from surveys.models import Invitation, Municipality, Workplace, WorkplaceType


@pytest.fixture
def oslo_invitation(national_round, register):
    from surveys.models import County

    oslo = Municipality.objects.create(number="0301", name="Oslo-test", county=County.objects.get(number="03"),
                                       population=700_000, centrality=1)  # fmt: skip
    workplace = Workplace.objects.create(name="Ås skole", workplace_type=WorkplaceType.PRIMARY_SCHOOL,
                                         municipality=oslo, organisation_number="974123452")  # fmt: skip
    return Invitation.objects.create(round=national_round, workplace=workplace, email="rektor@example.invalid")


def test_non_respondents_as_csv_with_bom_and_as_xlsx_with_text_numbers(admin_client, oslo_invitation):
    slug = oslo_invitation.round.slug
    csv_bytes = admin_client.get(f"/statistikk/runder/{slug}/ikke-svart.csv").content
    assert csv_bytes.startswith("\ufeffworkplace,organisation_number,".encode())
    assert "Ås skole,974123452,primary_school,0301 Oslo-test" in csv_bytes.decode("utf-8-sig")
    response = admin_client.get(f"/statistikk/runder/{slug}/ikke-svart.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["ikke-svart"]
    assert [cell.value for cell in sheet[2]][:4] == ["Ås skole", "974123452", "primary_school", "0301 Oslo-test"]
    assert sheet["B2"].data_type == "s"  # text, so Excel keeps every digit
    dashboard = admin_client.get(f"/statistikk/runder/{slug}/").content.decode()
    assert f"/statistikk/runder/{slug}/ikke-svart.xlsx" in dashboard


def test_codebook_as_xlsx_and_raw_csv_with_bom(client, django_user_model, national_round, oslo_invitation):
    analyst = django_user_model.objects.create_user("analytiker", password="x")
    analyst.groups.add(Group.objects.get(name="Analytikere"))
    client.force_login(analyst)
    response = client.get(f"/statistikk/data/kodebok.xlsx?round={national_round.slug}")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["kodebok"]
    assert [cell.value for cell in sheet[1]] == ["question", "option", "kind", "column", "text_nb", "text_nn",
                                                 "text_en"]  # fmt: skip
    assert sheet.max_row > 50
    codebook = b"".join(client.get(f"/statistikk/data/kodebok.csv?round={national_round.slug}").streaming_content)
    assert codebook.startswith(b"\xef\xbb\xbfquestion,option,")
    raw = b"".join(client.get(f"/statistikk/data/svar.csv?round={national_round.slug}").streaming_content)
    # The analysts' form: a row number, the date in Oslo, employees in bands, no identifiers.
    assert raw.startswith(b"\xef\xbb\xbfrow,round,")
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert not {"response", "employees", "organisation_number", "workplace", "source_id"} & set(header)
    assert {"submitted", "employees_band"} <= set(header)  # the date only: tests/surveys/test_dates.py
    assert "trusted tier" in codebook.decode("utf-8-sig")
    assert f"kodebok.xlsx?round={national_round.slug}" in client.get("/statistikk/data/").content.decode()
