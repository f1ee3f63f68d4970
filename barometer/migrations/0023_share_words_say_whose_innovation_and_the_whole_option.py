"""The shipped words of what a share counts, as a reader (and a second look at the
questionnaire) found they should be:

- whose newest innovation: the workplaces' own ("sin nyeste innovasjon", "egen nyeste
  innovasjon"), not "den nyeste innovasjonen" just after the reader's own, which read as
  the reader's;
- who initiated or carried it through *first and foremost* ("først og fremst"), as the
  questions ask, not everyone who took part; "managers", as the English option says;
- the whole option: "better quality of services", "efficiency or productivity", "employee
  satisfaction or a better working environment";
- "introduced", as the English questionnaire says, not "taken into use".

A text is changed only where it still holds the words migration 0022 gave it; an admin's
own words are left alone.
"""

from django.db import migrations

#: key -> field -> (shipped by 0022, shipped now)
CHANGES = {
    'innovated': {
        "share_clause_en": (
            'have taken at least one innovation into use in the last two years',
            'have introduced at least one innovation in the last two years',
        ),
    },
    'employees-initiated-or-implemented': {
        "share_clause_nb": (
            'oppgir at medarbeiderne var med på å sette i gang eller gjennomføre den nyeste innovasjonen',
            'oppgir at medarbeiderne var blant dem som først og fremst satte i gang eller gjennomførte egen nyeste innovasjon',
        ),
        "share_clause_nn": (
            'oppgir at dei tilsette var med på å setje i gang eller gjennomføre den nyaste innovasjonen',
            'oppgir at dei tilsette var blant dei som først og fremst sette i gang eller gjennomførte eigen nyaste innovasjon',
        ),
        "share_clause_en": (
            'say that employees helped initiate or implement their newest innovation',
            'say that employees were among those who mainly initiated or carried through their newest innovation',
        ),
    },
    'leaders-initiated': {
        "share_clause_nb": (
            'oppgir at ledere var blant dem som satte i gang den nyeste innovasjonen',
            'oppgir at ledere var blant dem som først og fremst satte i gang egen nyeste innovasjon',
        ),
        "share_clause_nn": (
            'oppgir at leiarar var blant dei som sette i gang den nyaste innovasjonen',
            'oppgir at leiarar var blant dei som først og fremst sette i gang eigen nyaste innovasjon',
        ),
        "share_clause_en": (
            'say that leaders were among those who initiated their newest innovation',
            'say that managers were among those who mainly initiated their newest innovation',
        ),
    },
    'political-leadership-initiated': {
        "share_clause_nb": (
            'oppgir at politisk ledelse var blant dem som satte i gang den nyeste innovasjonen',
            'oppgir at politisk ledelse var blant dem som først og fremst satte i gang egen nyeste innovasjon',
        ),
        "share_clause_nn": (
            'oppgir at politisk leiing var blant dei som sette i gang den nyaste innovasjonen',
            'oppgir at politisk leiing var blant dei som først og fremst sette i gang eigen nyaste innovasjon',
        ),
        "share_clause_en": (
            'say that political leadership was among those who initiated their newest innovation',
            'say that political leadership was among those who mainly initiated their newest innovation',
        ),
    },
    'external-collaboration': {
        "share_clause_nb": (
            'samarbeidet med aktører utenfor virksomheten om den nyeste innovasjonen',
            'samarbeidet med aktører utenfor virksomheten om sin nyeste innovasjon',
        ),
        "share_clause_nn": (
            'samarbeidde med aktørar utanfor verksemda om den nyaste innovasjonen',
            'samarbeidde med aktørar utanfor verksemda om den nyaste innovasjonen sin',
        ),
    },
    'municipal-collaboration': {
        "share_clause_nb": (
            'samarbeidet med andre (fylkes)kommunale virksomheter, i egen eller en annen (fylkes)kommune, om den nyeste innovasjonen',
            'samarbeidet med andre (fylkes)kommunale virksomheter, i egen eller en annen (fylkes)kommune, om sin nyeste innovasjon',
        ),
        "share_clause_nn": (
            'samarbeidde med andre (fylkes)kommunale verksemder, i eigen eller ein annan (fylkes)kommune, om den nyaste innovasjonen',
            'samarbeidde med andre (fylkes)kommunale verksemder, i eigen eller ein annan (fylkes)kommune, om den nyaste innovasjonen sin',
        ),
    },
    'collaboration-own-municipality': {
        "share_clause_nb": (
            'samarbeidet med andre virksomheter i egen (fylkes)kommune om den nyeste innovasjonen',
            'samarbeidet med andre virksomheter i egen (fylkes)kommune om sin nyeste innovasjon',
        ),
        "share_clause_nn": (
            'samarbeidde med andre verksemder i eigen (fylkes)kommune om den nyaste innovasjonen',
            'samarbeidde med andre verksemder i eigen (fylkes)kommune om den nyaste innovasjonen sin',
        ),
    },
    'collaboration-outside-municipality': {
        "share_clause_nb": (
            'samarbeidet med kommunale, fylkeskommunale eller statlige virksomheter utenfor egen (fylkes)kommune om den nyeste innovasjonen',
            'samarbeidet med kommunale, fylkeskommunale eller statlige virksomheter utenfor egen (fylkes)kommune om sin nyeste innovasjon',
        ),
        "share_clause_nn": (
            'samarbeidde med kommunale, fylkeskommunale eller statlege verksemder utanfor eigen (fylkes)kommune om den nyaste innovasjonen',
            'samarbeidde med kommunale, fylkeskommunale eller statlege verksemder utanfor eigen (fylkes)kommune om den nyaste innovasjonen sin',
        ),
    },
    'collaboration-voluntary': {
        "share_clause_nb": (
            'samarbeidet med frivillige organisasjoner eller foreninger om den nyeste innovasjonen',
            'samarbeidet med frivillige organisasjoner eller foreninger om sin nyeste innovasjon',
        ),
        "share_clause_nn": (
            'samarbeidde med frivillige organisasjonar eller foreiningar om den nyaste innovasjonen',
            'samarbeidde med frivillige organisasjonar eller foreiningar om den nyaste innovasjonen sin',
        ),
    },
    'collaboration-users': {
        "share_clause_nb": (
            'samarbeidet med tjenestemottakere eller innbyggere om den nyeste innovasjonen',
            'samarbeidet med tjenestemottakere eller innbyggere om sin nyeste innovasjon',
        ),
        "share_clause_nn": (
            'samarbeidde med tenestemottakarar eller innbyggjarar om den nyaste innovasjonen',
            'samarbeidde med tenestemottakarar eller innbyggjarar om den nyaste innovasjonen sin',
        ),
    },
    'collaboration-private': {
        "share_clause_nb": (
            'samarbeidet med private virksomheter om den nyeste innovasjonen',
            'samarbeidet med private virksomheter om sin nyeste innovasjon',
        ),
        "share_clause_nn": (
            'samarbeidde med private verksemder om den nyaste innovasjonen',
            'samarbeidde med private verksemder om den nyaste innovasjonen sin',
        ),
    },
    'collaboration-research': {
        "share_clause_nb": (
            'samarbeidet med utdannings- eller forskningsinstitusjoner om den nyeste innovasjonen',
            'samarbeidet med utdannings- eller forskningsinstitusjoner om sin nyeste innovasjon',
        ),
        "share_clause_nn": (
            'samarbeidde med utdannings- eller forskingsinstitusjonar om den nyaste innovasjonen',
            'samarbeidde med utdannings- eller forskingsinstitusjonar om den nyaste innovasjonen sin',
        ),
    },
    'reused-solutions': {
        "share_clause_nb": (
            'bygde den nyeste innovasjonen på andres løsninger, helt eller delvis',
            'bygde sin nyeste innovasjon på andres løsninger, helt eller delvis',
        ),
        "share_clause_nn": (
            'bygde den nyaste innovasjonen på løysingane til andre, heilt eller delvis',
            'bygde den nyaste innovasjonen sin på løysingane til andre, heilt eller delvis',
        ),
    },
    'novelty-adapted': {
        "share_clause_nb": (
            'oppgir at den nyeste innovasjonen var inspirert av andre, men vesentlig tilpasset',
            'oppgir at egen nyeste innovasjon var inspirert av andre, men vesentlig tilpasset',
        ),
        "share_clause_nn": (
            'oppgir at den nyaste innovasjonen var inspirert av andre, men vesentleg tilpassa',
            'oppgir at eigen nyaste innovasjon var inspirert av andre, men vesentleg tilpassa',
        ),
    },
    'novelty-copy': {
        "share_clause_nb": (
            'oppgir at den nyeste innovasjonen i stor grad var en kopi av andres løsning',
            'oppgir at egen nyeste innovasjon i stor grad var en kopi av andres løsning',
        ),
        "share_clause_nn": (
            'oppgir at den nyaste innovasjonen i stor grad var ein kopi av løysinga til andre',
            'oppgir at eigen nyaste innovasjon i stor grad var ein kopi av løysinga til andre',
        ),
    },
    'value-quality': {
        "share_clause_nb": (
            'oppgir at den nyeste innovasjonen har gitt bedre kvalitet',
            'oppgir at egen nyeste innovasjon har gitt bedre kvalitet på tjenestene',
        ),
        "share_clause_nn": (
            'oppgir at den nyaste innovasjonen har gitt betre kvalitet',
            'oppgir at eigen nyaste innovasjon har gitt betre kvalitet på tenestene',
        ),
        "share_clause_en": (
            'say that their newest innovation has improved quality',
            'say that their newest innovation has improved the quality of services',
        ),
    },
    'value-employee-satisfaction': {
        "share_clause_nb": (
            'oppgir at den nyeste innovasjonen har gitt høyere medarbeidertilfredshet',
            'oppgir at egen nyeste innovasjon har gitt høyere medarbeidertilfredshet eller bedre arbeidsmiljø',
        ),
        "share_clause_nn": (
            'oppgir at den nyaste innovasjonen har gitt høgare trivsel blant dei tilsette',
            'oppgir at eigen nyaste innovasjon har gitt meir nøgde tilsette eller betre arbeidsmiljø',
        ),
        "share_clause_en": (
            'say that their newest innovation has raised employee satisfaction',
            'say that their newest innovation has raised employee satisfaction or improved the working environment',
        ),
    },
    'value-efficiency': {
        "share_clause_nb": (
            'oppgir at den nyeste innovasjonen har gitt høyere effektivitet',
            'oppgir at egen nyeste innovasjon har gitt høyere effektivitet eller produktivitet',
        ),
        "share_clause_nn": (
            'oppgir at den nyaste innovasjonen har gitt høgare effektivitet',
            'oppgir at eigen nyaste innovasjon har gitt høgare effektivitet eller produktivitet',
        ),
        "share_clause_en": (
            'say that their newest innovation has raised efficiency',
            'say that their newest innovation has raised efficiency or productivity',
        ),
    },
    'value-user-influence': {
        "share_clause_nb": (
            'oppgir at den nyeste innovasjonen har gitt brukerne eller innbyggerne mer innsikt og innflytelse',
            'oppgir at egen nyeste innovasjon har gitt brukerne eller innbyggerne mer innsikt og innflytelse',
        ),
        "share_clause_nn": (
            'oppgir at den nyaste innovasjonen har gitt brukarane eller innbyggjarane meir innsikt og innverknad',
            'oppgir at eigen nyaste innovasjon har gitt brukarane eller innbyggjarane meir innsikt og innverknad',
        ),
    },
    'value-more-than-one': {
        "share_clause_nb": (
            'oppgir at den nyeste innovasjonen har skapt mer enn én form for verdi',
            'oppgir at egen nyeste innovasjon har skapt mer enn én form for verdi',
        ),
        "share_clause_nn": (
            'oppgir at den nyaste innovasjonen har skapt meir enn éi form for verdi',
            'oppgir at eigen nyaste innovasjon har skapt meir enn éi form for verdi',
        ),
    },
    'newest-breaks': {
        "share_clause_nb": (
            'oppgir at den nyeste innovasjonen bryter med tidligere praksis',
            'oppgir at egen nyeste innovasjon bryter med tidligere praksis',
        ),
        "share_clause_nn": (
            'oppgir at den nyaste innovasjonen bryt med tidlegare praksis',
            'oppgir at eigen nyaste innovasjon bryt med tidlegare praksis',
        ),
    },
    'technology-central': {
        "share_clause_nb": (
            'oppgir at ny teknologi er sentral i den nyeste innovasjonen',
            'oppgir at ny teknologi er sentral i egen nyeste innovasjon',
        ),
        "share_clause_nn": (
            'oppgir at ny teknologi er sentral i den nyaste innovasjonen',
            'oppgir at ny teknologi er sentral i eigen nyaste innovasjon',
        ),
    },
    'evaluated': {
        "share_clause_nb": (
            'har evaluert den nyeste innovasjonen',
            'har evaluert sin nyeste innovasjon',
        ),
        "share_clause_nn": (
            'har evaluert den nyaste innovasjonen',
            'har evaluert den nyaste innovasjonen sin',
        ),
    },
    'spread': {
        "share_clause_nb": (
            'har gjort noe aktivt for å spre den nyeste innovasjonen til andre',
            'har gjort noe aktivt for å spre sin nyeste innovasjon til andre',
        ),
        "share_clause_nn": (
            'har gjort noko aktivt for å spreie den nyaste innovasjonen til andre',
            'har gjort noko aktivt for å spreie den nyaste innovasjonen sin til andre',
        ),
    },
    'factor-safe-operations-promoted': {
        "share_clause_nb": (
            'oppgir at fokus på sikker og stabil drift fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)',
            'oppgir at fokus på sikker og stabil drift fremmet arbeidet med egen nyeste innovasjon (5 eller 6 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at fokus på sikker og stabil drift fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)',
            'oppgir at fokus på sikker og stabil drift fremja arbeidet med eigen nyaste innovasjon (5 eller 6 på skalaen frå 1 til 6)',
        ),
    },
    'factor-safe-operations-hindered': {
        "share_clause_nb": (
            'oppgir at fokus på sikker og stabil drift hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)',
            'oppgir at fokus på sikker og stabil drift hemmet arbeidet med egen nyeste innovasjon (1 eller 2 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at fokus på sikker og stabil drift hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)',
            'oppgir at fokus på sikker og stabil drift hemma arbeidet med eigen nyaste innovasjon (1 eller 2 på skalaen frå 1 til 6)',
        ),
    },
    'factor-mistakes-promoted': {
        "share_clause_nb": (
            'oppgir at måten de håndterer feil på, fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)',
            'oppgir at måten de håndterer feil på, fremmet arbeidet med egen nyeste innovasjon (5 eller 6 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at måten dei handterer feil på, fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)',
            'oppgir at måten dei handterer feil på, fremja arbeidet med eigen nyaste innovasjon (5 eller 6 på skalaen frå 1 til 6)',
        ),
    },
    'factor-mistakes-hindered': {
        "share_clause_nb": (
            'oppgir at måten de håndterer feil på, hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)',
            'oppgir at måten de håndterer feil på, hemmet arbeidet med egen nyeste innovasjon (1 eller 2 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at måten dei handterer feil på, hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)',
            'oppgir at måten dei handterer feil på, hemma arbeidet med eigen nyaste innovasjon (1 eller 2 på skalaen frå 1 til 6)',
        ),
    },
    'factor-internal-collaboration-promoted': {
        "share_clause_nb": (
            'oppgir at samarbeid internt i virksomheten fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)',
            'oppgir at samarbeid internt i virksomheten fremmet arbeidet med egen nyeste innovasjon (5 eller 6 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at samarbeid internt i verksemda fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)',
            'oppgir at samarbeid internt i verksemda fremja arbeidet med eigen nyaste innovasjon (5 eller 6 på skalaen frå 1 til 6)',
        ),
    },
    'factor-internal-collaboration-hindered': {
        "share_clause_nb": (
            'oppgir at samarbeid internt i virksomheten hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)',
            'oppgir at samarbeid internt i virksomheten hemmet arbeidet med egen nyeste innovasjon (1 eller 2 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at samarbeid internt i verksemda hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)',
            'oppgir at samarbeid internt i verksemda hemma arbeidet med eigen nyaste innovasjon (1 eller 2 på skalaen frå 1 til 6)',
        ),
    },
    'factor-technology-promoted': {
        "share_clause_nb": (
            'oppgir at ny teknologi fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)',
            'oppgir at ny teknologi fremmet arbeidet med egen nyeste innovasjon (5 eller 6 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at ny teknologi fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)',
            'oppgir at ny teknologi fremja arbeidet med eigen nyaste innovasjon (5 eller 6 på skalaen frå 1 til 6)',
        ),
    },
    'factor-technology-hindered': {
        "share_clause_nb": (
            'oppgir at ny teknologi hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)',
            'oppgir at ny teknologi hemmet arbeidet med egen nyeste innovasjon (1 eller 2 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at ny teknologi hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)',
            'oppgir at ny teknologi hemma arbeidet med eigen nyaste innovasjon (1 eller 2 på skalaen frå 1 til 6)',
        ),
    },
    'factor-economy-promoted': {
        "share_clause_nb": (
            'oppgir at begrensede økonomiske ressurser fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)',
            'oppgir at begrensede økonomiske ressurser fremmet arbeidet med egen nyeste innovasjon (5 eller 6 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at avgrensa økonomiske ressursar fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)',
            'oppgir at avgrensa økonomiske ressursar fremja arbeidet med eigen nyaste innovasjon (5 eller 6 på skalaen frå 1 til 6)',
        ),
    },
    'factor-economy-hindered': {
        "share_clause_nb": (
            'oppgir at begrensede økonomiske ressurser hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)',
            'oppgir at begrensede økonomiske ressurser hemmet arbeidet med egen nyeste innovasjon (1 eller 2 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at avgrensa økonomiske ressursar hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)',
            'oppgir at avgrensa økonomiske ressursar hemma arbeidet med eigen nyaste innovasjon (1 eller 2 på skalaen frå 1 til 6)',
        ),
    },
    'factor-employee-involvement-promoted': {
        "share_clause_nb": (
            'oppgir at medvirkning fra medarbeiderne fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)',
            'oppgir at medvirkning fra medarbeiderne fremmet arbeidet med egen nyeste innovasjon (5 eller 6 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at medverknad frå dei tilsette fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)',
            'oppgir at medverknad frå dei tilsette fremja arbeidet med eigen nyaste innovasjon (5 eller 6 på skalaen frå 1 til 6)',
        ),
    },
    'factor-employee-involvement-hindered': {
        "share_clause_nb": (
            'oppgir at medvirkning fra medarbeiderne hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)',
            'oppgir at medvirkning fra medarbeiderne hemmet arbeidet med egen nyeste innovasjon (1 eller 2 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at medverknad frå dei tilsette hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)',
            'oppgir at medverknad frå dei tilsette hemma arbeidet med eigen nyaste innovasjon (1 eller 2 på skalaen frå 1 til 6)',
        ),
    },
    'factor-user-involvement-promoted': {
        "share_clause_nb": (
            'oppgir at medvirkning fra brukere eller innbyggere fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)',
            'oppgir at medvirkning fra brukere eller innbyggere fremmet arbeidet med egen nyeste innovasjon (5 eller 6 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at medverknad frå brukarar eller innbyggjarar fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)',
            'oppgir at medverknad frå brukarar eller innbyggjarar fremja arbeidet med eigen nyaste innovasjon (5 eller 6 på skalaen frå 1 til 6)',
        ),
    },
    'factor-user-involvement-hindered': {
        "share_clause_nb": (
            'oppgir at medvirkning fra brukere eller innbyggere hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)',
            'oppgir at medvirkning fra brukere eller innbyggere hemmet arbeidet med egen nyeste innovasjon (1 eller 2 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at medverknad frå brukarar eller innbyggjarar hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)',
            'oppgir at medverknad frå brukarar eller innbyggjarar hemma arbeidet med eigen nyaste innovasjon (1 eller 2 på skalaen frå 1 til 6)',
        ),
    },
    'factor-political-promoted': {
        "share_clause_nb": (
            'oppgir at politiske vedtak og prioriteringer fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)',
            'oppgir at politiske vedtak og prioriteringer fremmet arbeidet med egen nyeste innovasjon (5 eller 6 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at politiske vedtak og prioriteringar fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)',
            'oppgir at politiske vedtak og prioriteringar fremja arbeidet med eigen nyaste innovasjon (5 eller 6 på skalaen frå 1 til 6)',
        ),
    },
    'factor-political-hindered': {
        "share_clause_nb": (
            'oppgir at politiske vedtak og prioriteringer hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)',
            'oppgir at politiske vedtak og prioriteringer hemmet arbeidet med egen nyeste innovasjon (1 eller 2 på skalaen fra 1 til 6)',
        ),
        "share_clause_nn": (
            'oppgir at politiske vedtak og prioriteringar hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)',
            'oppgir at politiske vedtak og prioriteringar hemma arbeidet med eigen nyaste innovasjon (1 eller 2 på skalaen frå 1 til 6)',
        ),
    },
}


def _apply(model, forward: bool) -> None:
    """Each text to its new words (``forward``) or back, where it holds the other ones."""
    for key, fields in CHANGES.items():
        for field, (before, after) in fields.items():
            old, new = (before, after) if forward else (after, before)
            model.objects.filter(key=key, **{field: old}).update(**{field: new})


def forwards(apps, schema_editor):
    _apply(apps.get_model("barometer", "Indicator"), True)


def backwards(apps, schema_editor):
    _apply(apps.get_model("barometer", "Indicator"), False)


class Migration(migrations.Migration):
    dependencies = [("barometer", "0022_indicators_say_what_a_share_counts")]

    operations = [migrations.RunPython(forwards, backwards)]
