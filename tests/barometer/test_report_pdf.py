"""The PDF says what the page says (issue 15, item 3): read back with pypdf."""

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader

from barometer.synthetic import generate_round
from surveys.models import Invitation, Response


def pdf_text(client, barometer_data, question_set, register, language):
    round_ = generate_round(question_set=question_set, slug="pdf-text", name="PDF", workplaces=300).round
    response = Response.objects.filter(round=round_, workplace__isnull=False).first()
    invitation = Invitation.objects.create(round=round_, workplace=response.workplace)
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    page = client.get(f"/s/{invitation.token}/rapport/", HTTP_ACCEPT_LANGUAGE=language)
    pdf = client.get(f"/s/{invitation.token}/rapport/rapport.pdf", HTTP_ACCEPT_LANGUAGE=language)
    reader = PdfReader(io.BytesIO(pdf.content))
    pages = [p.extract_text() for p in reader.pages]
    links = [
        annotation.get_object()["/A"]["/URI"]
        for p in reader.pages
        for annotation in p.get("/Annots") or []
        if "/A" in annotation.get_object() and "/URI" in annotation.get_object()["/A"]
    ]
    return page.context["report"], invitation, pages, links


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_pdf_has_page_numbers_the_interval_explanation_the_summary_and_links(client, barometer_data, question_set,
                                                                           register):  # fmt: skip
    report, invitation, pages, links = pdf_text(client, barometer_data, question_set, register, "nb")
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"Side {number} av {len(pages)}" in text
    everything = flat(" ".join(pages))
    assert "95 %-intervallet viser hvor usikkert tallet er (hvis undersøkelsen ble gjentatt" in everything
    assert "mest sannsynlig" not in everything  # an interval is not where the true share most likely lies
    assert (
        "«Ikke vist» betyr at tallet er skjult for å beskytte virksomhetene som har svart: det er for få svar, "
        "eller det kunne avsløre en liten gruppe." in everything
    )
    assert "Kort oppsummert" in everything
    summary = report.summary
    for item in summary.less + summary.more:
        # The sentence's opening words (the PDF may break lines anywhere after them).
        assert flat(item.sentence)[:40] in everything
    if summary.empty:
        assert "ikke tydelig ut fra de fleste sammenlignbare" in everything
    assert any(link.endswith(f"/s/{invitation.token}/rapport/") for link in links)
    assert any(link.startswith("https://") and "ks.no" in link for link in links)
    # Every published figure says whom it is about, as on the page.
    assert "(virksomheter med en innovasjon)" in everything
    # The published texts often begin "Barometeret viser …": the lead-in does not say it again.
    assert "Dette fant barometeret" not in everything and "Dette viser barometeret" not in everything
    # What the barometer found stands under its own indicator, as on the page, not in a
    # section of its own at the end.
    for row in report.suggestions:
        heading_at = everything.rindex(flat(str(row.indicator.name)))  # its heading in the details
        assert "Fra barometeret: " + flat(row.suggestion)[:40] in everything[heading_at:]
    assert "Funn og råd fra barometeret" not in everything


def test_staff_get_the_report_as_pdf_about_the_workplace(client, admin_client, barometer_data, question_set,
                                                         register):  # fmt: skip
    """An analyst checking a workplace report found no PDF on /rapporter/<id>/: staff get
    one of their own, worded about "the workplace" as their page is, never "dere"."""
    report, _invitation, _pages, _links = pdf_text(client, barometer_data, question_set, register, "nb")
    response = report.response
    page = admin_client.get(f"/rapporter/{response.pk}/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert f'href="/rapporter/{response.pk}/rapport.pdf"' in page
    pdf = admin_client.get(f"/rapporter/{response.pk}/rapport.pdf", HTTP_ACCEPT_LANGUAGE="nb")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    everything = flat(" ".join(p.extract_text() for p in reader.pages))
    assert f"Slik ligger {response.workplace.name} an" in everything
    assert "Denne virksomheten:" in everything
    assert not re.search(r"\b(Dere|dere|deres|Deres)\b", everything), re.findall(r".{40}\b[Dd]ere.{40}", everything)
    signed_out = Client().get(f"/rapporter/{response.pk}/rapport.pdf")
    assert signed_out["Location"].startswith("/konto/login/?next=")  # logging in leads back to it


def test_the_pdf_follows_the_page_part_by_part(client, barometer_data, question_set, register):
    """The PDF listed the indicators in the indicators' order, the page in the
    questionnaire's, part by part with the factors and the answers: now both the same."""
    report, invitation, pages, _links = pdf_text(client, barometer_data, question_set, register, "nb")
    everything = flat(" ".join(pages))
    from barometer.reports.workplace import report_blocks
    from surveys.questionnaire import AnswerValues, Questionnaire

    response = report.response
    blocks = report_blocks(
        report, Questionnaire.for_response(response).answer_summary(AnswerValues.for_response(response))
    )
    position = 0
    for block in blocks:
        title = flat(str(block.section.title))
        found = everything.find(title, position)
        assert found >= 0, f"part {title!r} missing or out of order"
        position = found
        for row in block.rows:
            name = flat(str(row.indicator.name))
            at = everything.find(name, position)
            assert at >= 0, f"{name!r} not under {title!r}"
            position = at
        for factor in block.factors:
            position = everything.index(flat(factor.name)[:30], position)
        assert everything.find("Svarene deres", position) >= 0
    assert any(block.factors for block in blocks) and "Vurderingen deres:" in everything
    # Whom the factors' shares are of, as on the page: "don't know" and "not relevant" count.
    said = "Hver andel er regnet av alle som svarte om forholdet, også dem som svarte «Vet ikke» eller «Ikke relevant»."
    assert flat(said) in everything
    assert said in client.get(f"/s/{invitation.token}/rapport/").content.decode()


def test_every_chart_in_the_pdf_fits_its_page_at_the_page_s_width(published_reports, monkeypatch):
    """The shares chart was one phone-shaped picture 29 inches tall scaled to the page's
    width: the page showed four of its twenty bars, cut off below them with the legend,
    and the last bar ran into the footer. Now it is drawn for print and split into parts
    that each fit on a page."""
    from barometer.outputs import pdf as pdf_module
    from barometer.outputs.charts import PRINT_LAYOUT

    placed = []
    original = pdf_module._NumberedPDF.image

    def image(self, name, *args, **kwargs):
        top = self.get_y()
        info = original(self, name, *args, **kwargs)
        placed.append((self.page_no(), top, info.rendered_width, info.rendered_height, self))
        return info

    monkeypatch.setattr(pdf_module._NumberedPDF, "image", image)
    response = Client().get(
        f"/s/{published_reports['links']['workplace']}/rapport/rapport.pdf", HTTP_ACCEPT_LANGUAGE="nb"
    )
    assert response.status_code == 200
    assert len(placed) >= 3  # the shares chart in parts, and the culture chart
    pages = {page for page, *_rest in placed}
    assert len(pages) >= 2
    for page, top, width, height, pdf in placed:
        assert top >= pdf.t_margin and top + height <= pdf.h - pdf.b_margin + 0.01, (page, top, height)
        # Placed at its own size (1:1, so its text prints at 10 pt), the page's width inside its margins.
        assert width == pytest.approx(PRINT_LAYOUT.width * 25.4) and width == pytest.approx(pdf.epw, abs=0.01)
    reader = PdfReader(io.BytesIO(response.content))
    everything = flat(" ".join(p.extract_text() for p in reader.pages))
    assert "Side 1 av" in everything


def test_a_part_taller_than_a_page_is_scaled_down_on_the_page_it_starts(monkeypatch):
    """A part taller than a page was checked at its full height, so it always started a
    new page, leaving the one it began on empty; a short part still moves on to a new
    page when it does not fit what is left."""
    from PIL import Image

    from barometer.outputs import pdf as pdf_module
    from barometer.outputs.charts import PNG_DPI, PRINT_LAYOUT, ChartPart

    def png(height_inches: float) -> bytes:
        buffer = io.BytesIO()
        size = (round(PRINT_LAYOUT.width * PNG_DPI), round(height_inches * PNG_DPI))
        Image.new("RGB", size, "white").save(buffer, format="PNG")
        return buffer.getvalue()

    parts = [ChartPart.from_png(png(16)), ChartPart.from_png(png(3))]
    monkeypatch.setattr(pdf_module, "chart_parts", lambda *args, **kwargs: parts)
    document = pdf_module._NumberedPDF(format="A4")
    document.add_font("DejaVu", "", str(pdf_module.FONT_DIR / "DejaVuSans.ttf"))  # for the page footer
    document.add_page()
    assert document.epw == pytest.approx(PRINT_LAYOUT.width * 25.4, abs=0.01)  # drawn 1:1: text at 10 pt
    placed = []
    original = pdf_module._NumberedPDF.image

    def image(self, name, *args, **kwargs):
        top, info = self.get_y(), original(self, name, *args, **kwargs)
        placed.append((self.page_no(), top, info.rendered_height))
        return info

    monkeypatch.setattr(pdf_module._NumberedPDF, "image", image)
    pdf_module._chart(document, report=None, name="shares")
    page_height = document.h - document.t_margin - document.b_margin
    assert placed[0][:2] == (1, document.t_margin) and placed[0][2] == pytest.approx(page_height)
    assert placed[1][0] == 2  # 3 inches do not fit under a full page
