"""Wording of the shipped reference figures and indicators, as the shipped data now has it.

- The notes of four Norwegian 2018 figures only said whom they were published for ("Gjelder
  bare grunnskoler og barnehager."), which the figure's population and scope already say:
  beside a group's figure it was said three times. They are emptied.
- Nynorsk: a Danish share of innovations is a "prosentdel", not a "del" ("ein del av norske
  kommunale verksemder" read as "a part of"). English: "2018–19" with an en dash.
- The culture suggestion began "Barometeret viser at ...", after the report's lead-in "Fra
  barometeret:"; English "risk willingness" is "willingness to take risks", and the culture
  index's English name has "0–100" with an en dash, as everywhere else.

A field is changed only where it still holds the text shipped before; an admin's own wording
is left alone.
"""

from django.db import migrations

#: key -> field -> (shipped before, shipped now)
REFERENCE_FIGURES = {
    "no2018-municipal-collaboration-schools-kindergartens": {
        "note_nb": (
            "Gjelder bare grunnskoler og barnehager.",
            "",
        ),
        "note_nn": (
            "Gjeld berre grunnskular og barnehagar.",
            "",
        ),
        "note_en": (
            "Applies to primary schools and kindergartens only.",
            "",
        ),
    },
    "no2018-municipal-collaboration-nursing-homes-upper-secondary": {
        "note_nb": (
            "Gjelder bare alders- og sykehjem og videregående skoler.",
            "",
        ),
        "note_nn": (
            "Gjeld berre alders- og sjukeheimar og vidaregåande skular.",
            "",
        ),
        "note_en": (
            "Applies to nursing homes and upper-secondary schools only.",
            "",
        ),
    },
    "no2018-innovated-education": {
        "note_nb": (
            "Gjelder sektoren oppvekst og utdanning.",
            "",
        ),
        "note_nn": (
            "Gjeld sektoren oppvekst og utdanning.",
            "",
        ),
        "note_en": (
            "Applies to the education sector.",
            "",
        ),
    },
    "no2018-innovated-health-care": {
        "note_nb": (
            "Gjelder sektoren helse og omsorg.",
            "",
        ),
        "note_nn": (
            "Gjeld sektoren helse og omsorg.",
            "",
        ),
        "note_en": (
            "Applies to the health and care sector.",
            "",
        ),
    },
    "dk2015-external-collaboration": {
        "note_nn": (
            (
                "Dansk del av innovasjonar i heile offentleg sektor, ikkje ein del av norske kommunale verksemder. "
                "Attgjeve av KS i Innovasjonsbarometeret for kommunal sektor 2018."
            ),
            (
                "Dansk prosentdel av innovasjonar i heile offentleg sektor, ikkje ein prosentdel av norske kommunale "
                "verksemder. Attgjeve av KS i Innovasjonsbarometeret for kommunal sektor 2018."
            ),
        ),
    },
    "dk2015-collaboration-outside": {
        "note_nn": (
            (
                "Dansk del av innovasjonar; tel alle eksterne aktørar utanfor eigen kommune, region eller "
                "departement, ikkje berre kommunale verksemder. Attgjeve av KS i Innovasjonsbarometeret for kommunal "
                "sektor 2018."
            ),
            (
                "Dansk prosentdel av innovasjonar; tel alle eksterne aktørar utanfor eigen kommune, region eller "
                "departement, ikkje berre kommunale verksemder. Attgjeve av KS i Innovasjonsbarometeret for kommunal "
                "sektor 2018."
            ),
        ),
    },
    "dk2015-employees-key-role": {
        "note_nn": (
            "Dansk del av innovasjonar; «nøkkelrolle» er ikkje heilt det same som å setje i gang eller gjennomføre.",
            (
                "Dansk prosentdel av innovasjonar; «nøkkelrolle» er ikkje heilt det same som å setje i gang eller "
                "gjennomføre."
            ),
        ),
    },
    "dk2015-reused-solutions": {
        "note_nn": (
            "Dansk del av innovasjonar i heile offentleg sektor.",
            "Dansk prosentdel av innovasjonar i heile offentleg sektor.",
        ),
    },
    "dk2015-value-quality": {
        "note_nn": (
            "Dansk del av innovasjonar i heile offentleg sektor.",
            "Dansk prosentdel av innovasjonar i heile offentleg sektor.",
        ),
    },
    "dk2015-value-efficiency": {
        "note_nn": (
            "Dansk del av innovasjonar i heile offentleg sektor.",
            "Dansk prosentdel av innovasjonar i heile offentleg sektor.",
        ),
    },
    "dk2015-interplay-citizens": {
        "note_nn": (
            "Dansk del av innovasjonar; «samspel» er vidare enn samarbeid.",
            "Dansk prosentdel av innovasjonar; «samspel» er vidare enn samarbeid.",
        ),
    },
    "dk2015-interplay-private": {
        "note_nn": (
            "Dansk del av innovasjonar; «samspel» er vidare enn samarbeid.",
            "Dansk prosentdel av innovasjonar; «samspel» er vidare enn samarbeid.",
        ),
    },
    "dk2015-interplay-research": {
        "note_nn": (
            "Dansk del av innovasjonar; «samspel» er vidare enn samarbeid.",
            "Dansk prosentdel av innovasjonar; «samspel» er vidare enn samarbeid.",
        ),
    },
    "dk2015-interplay-voluntary": {
        "note_nn": (
            "Dansk del av innovasjonar; «samspel» er vidare enn samarbeid.",
            "Dansk prosentdel av innovasjonar; «samspel» er vidare enn samarbeid.",
        ),
    },
    "dk3-innovative-workplaces": {
        "note_nn": (
            "Dansk del av arbeidsplassar i heile offentleg sektor, målt for 2018–19.",
            "Dansk prosentdel av arbeidsplassar i heile offentleg sektor, målt for 2018–19.",
        ),
        "note_en": (
            "A Danish share of workplaces across the whole public sector, measured for 2018-19.",
            "A Danish share of workplaces across the whole public sector, measured for 2018–19.",
        ),
    },
}

INDICATORS = {
    "innovated": {
        "suggestion_nb": (
            (
                "Barometeret viser at en kultur med risikovilje, åpenhet, anerkjennelse og samarbeid gir flere nye "
                "løsninger. Spør medarbeiderne hva som kan gjøres annerledes, og gi rom for å prøve og feile."
            ),
            (
                "En kultur med risikovilje, åpenhet, anerkjennelse og samarbeid gir flere nye løsninger. Spør "
                "medarbeiderne hva som kan gjøres annerledes, og gi rom for å prøve og feile."
            ),
        ),
        "suggestion_nn": (
            (
                "Barometeret viser at ein kultur med risikovilje, openheit, anerkjenning og samarbeid gir fleire nye "
                "løysingar. Spør dei tilsette kva som kan gjerast annleis, og gi rom for å prøve og feile."
            ),
            (
                "Ein kultur med risikovilje, openheit, anerkjenning og samarbeid gir fleire nye løysingar. Spør dei "
                "tilsette kva som kan gjerast annleis, og gi rom for å prøve og feile."
            ),
        ),
        "suggestion_en": (
            (
                "The barometer finds that a culture of risk willingness, openness, recognition and collaboration "
                "yields more new solutions. Ask employees what could be done differently, and make room for trial and"
                " error."
            ),
            (
                "A culture of willingness to take risks, openness, recognition and collaboration yields more new "
                "solutions. Ask employees what could be done differently, and make room for trial and error."
            ),
        ),
    },
    "culture-index": {
        "name_en": ("Culture index for new ideas (0-100)", "Culture index for new ideas (0–100)"),
        "suggestion_en": (
            (
                "Risk willingness, openness, recognition and collaboration yield more new solutions. An important "
                "task for leaders is to ask employees for new solutions and to make room for trial and error."
            ),
            (
                "Willingness to take risks, openness, recognition and collaboration yield more new solutions. An "
                "important task for leaders is to ask employees for new solutions and to make room for trial and "
                "error."
            ),
        ),
    },
}


def _apply(model, changes, forward: bool) -> None:
    for key, fields in changes.items():
        for field, (before, after) in fields.items():
            old, new = (before, after) if forward else (after, before)
            model.objects.filter(key=key, **{field: old}).update(**{field: new})


def forwards(apps, schema_editor):
    _apply(apps.get_model("barometer", "ReferenceFigure"), REFERENCE_FIGURES, True)
    _apply(apps.get_model("barometer", "Indicator"), INDICATORS, True)


def backwards(apps, schema_editor):
    _apply(apps.get_model("barometer", "ReferenceFigure"), REFERENCE_FIGURES, False)
    _apply(apps.get_model("barometer", "Indicator"), INDICATORS, False)


class Migration(migrations.Migration):
    dependencies = [("barometer", "0017_nynorsk_participle_danish_statement")]

    operations = [migrations.RunPython(forwards, backwards)]
