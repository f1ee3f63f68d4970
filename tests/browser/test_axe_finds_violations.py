"""The accessibility checks can fail: axe, run as every browser test runs it, finds the
violations of a page built to have them. Without this, a change to how axe is run (its
options, its injection) could make every "no violations" pass without checking anything."""

from __future__ import annotations

BROKEN_PAGE = """<!doctype html><html><head><title>Broken</title></head><body><main>
<h1>Skjema</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input type="text" name="unlabelled">
<p style="color:#bbb;background:#fff">Grå tekst på hvit bakgrunn</p>
</main></body></html>"""


def test_axe_reports_each_kind_of_violation_and_every_node(page, axe):
    page.set_content(BROKEN_PAGE)
    found = {violation["id"]: violation for violation in axe(page)}
    assert {"html-has-lang", "image-alt", "label", "color-contrast"} <= set(found), sorted(found)
    assert found["image-alt"]["nodes"][0]["target"] == "img"


def test_axe_finds_nothing_on_a_page_without_faults(page, axe):
    page.set_content(
        '<!doctype html><html lang="nb"><head><title>Fin</title></head><body><main><h1>Fin</h1>'
        '<label for="x">Navn</label><input id="x" type="text"></main></body></html>'
    )
    assert axe(page) == []
