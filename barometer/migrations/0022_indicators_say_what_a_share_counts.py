"""Indicators say what their share counts, so that a report can say "80 % of nursing homes
have taken at least one innovation into use" instead of "80 % answered yes" for a measure that
is no yes/no question (who initiated, what kind of value, a factor's 5 or 6 on a scale).

The shipped indicators get the shipped words, where an indicator still counts what it
counted when shipped (the same questions and options) and has none of its own.
"""

from django.db import migrations, models

#: key -> (question codes, option codes, the words per language), as shipped with this migration
CLAUSES = {
    'innovated': (
        ['inc_services', 'inc_processes', 'inc_communication'],
        ['yes'],
        {"nb": 'har tatt i bruk minst én innovasjon de siste to årene', "nn": 'har teke i bruk minst éin innovasjon dei siste to åra', "en": 'have taken at least one innovation into use in the last two years'},
    ),
    'work-in-progress': (
        ['work_in_progress'],
        ['yes'],
        {"nb": 'har innovasjonsarbeid på gang', "nn": 'har innovasjonsarbeid på gang', "en": 'have innovation work under way'},
    ),
    'employees-initiated-or-implemented': (
        ['initiated_by', 'implemented_by'],
        ['employees'],
        {"nb": 'oppgir at medarbeiderne var med på å sette i gang eller gjennomføre den nyeste innovasjonen', "nn": 'oppgir at dei tilsette var med på å setje i gang eller gjennomføre den nyaste innovasjonen', "en": 'say that employees helped initiate or implement their newest innovation'},
    ),
    'leaders-initiated': (
        ['initiated_by'],
        ['leaders'],
        {"nb": 'oppgir at ledere var blant dem som satte i gang den nyeste innovasjonen', "nn": 'oppgir at leiarar var blant dei som sette i gang den nyaste innovasjonen', "en": 'say that leaders were among those who initiated their newest innovation'},
    ),
    'political-leadership-initiated': (
        ['initiated_by'],
        ['political'],
        {"nb": 'oppgir at politisk ledelse var blant dem som satte i gang den nyeste innovasjonen', "nn": 'oppgir at politisk leiing var blant dei som sette i gang den nyaste innovasjonen', "en": 'say that political leadership was among those who initiated their newest innovation'},
    ),
    'external-collaboration': (
        ['collaborated_with'],
        ['own_municipality', 'other_municipalities', 'state', 'unions', 'private', 'research', 'users', 'voluntary'],
        {"nb": 'samarbeidet med aktører utenfor virksomheten om den nyeste innovasjonen', "nn": 'samarbeidde med aktørar utanfor verksemda om den nyaste innovasjonen', "en": 'collaborated with actors outside the workplace on their newest innovation'},
    ),
    'municipal-collaboration': (
        ['collaborated_with'],
        ['own_municipality', 'other_municipalities'],
        {"nb": 'samarbeidet med andre (fylkes)kommunale virksomheter, i egen eller en annen (fylkes)kommune, om den nyeste innovasjonen', "nn": 'samarbeidde med andre (fylkes)kommunale verksemder, i eigen eller ein annan (fylkes)kommune, om den nyaste innovasjonen', "en": 'collaborated with other municipal or county workplaces, in their own municipality or another, on their newest innovation'},
    ),
    'collaboration-own-municipality': (
        ['collaborated_with'],
        ['own_municipality'],
        {"nb": 'samarbeidet med andre virksomheter i egen (fylkes)kommune om den nyeste innovasjonen', "nn": 'samarbeidde med andre verksemder i eigen (fylkes)kommune om den nyaste innovasjonen', "en": 'collaborated with other workplaces in their own municipality or county on their newest innovation'},
    ),
    'collaboration-outside-municipality': (
        ['collaborated_with'],
        ['other_municipalities', 'state'],
        {"nb": 'samarbeidet med kommunale, fylkeskommunale eller statlige virksomheter utenfor egen (fylkes)kommune om den nyeste innovasjonen', "nn": 'samarbeidde med kommunale, fylkeskommunale eller statlege verksemder utanfor eigen (fylkes)kommune om den nyaste innovasjonen', "en": 'collaborated with municipal, county or state workplaces outside their own municipality or county on their newest innovation'},
    ),
    'collaboration-voluntary': (
        ['collaborated_with'],
        ['voluntary'],
        {"nb": 'samarbeidet med frivillige organisasjoner eller foreninger om den nyeste innovasjonen', "nn": 'samarbeidde med frivillige organisasjonar eller foreiningar om den nyaste innovasjonen', "en": 'collaborated with voluntary organisations or associations on their newest innovation'},
    ),
    'collaboration-users': (
        ['collaborated_with'],
        ['users'],
        {"nb": 'samarbeidet med tjenestemottakere eller innbyggere om den nyeste innovasjonen', "nn": 'samarbeidde med tenestemottakarar eller innbyggjarar om den nyaste innovasjonen', "en": 'collaborated with service users or citizens on their newest innovation'},
    ),
    'collaboration-private': (
        ['collaborated_with'],
        ['private'],
        {"nb": 'samarbeidet med private virksomheter om den nyeste innovasjonen', "nn": 'samarbeidde med private verksemder om den nyaste innovasjonen', "en": 'collaborated with private companies on their newest innovation'},
    ),
    'collaboration-research': (
        ['collaborated_with'],
        ['research'],
        {"nb": 'samarbeidet med utdannings- eller forskningsinstitusjoner om den nyeste innovasjonen', "nn": 'samarbeidde med utdannings- eller forskingsinstitusjonar om den nyaste innovasjonen', "en": 'collaborated with education or research institutions on their newest innovation'},
    ),
    'reused-solutions': (
        ['novelty'],
        ['adapted', 'copy'],
        {"nb": 'bygde den nyeste innovasjonen på andres løsninger, helt eller delvis', "nn": 'bygde den nyaste innovasjonen på løysingane til andre, heilt eller delvis', "en": "built their newest innovation on others' solutions, wholly or partly"},
    ),
    'novelty-adapted': (
        ['novelty'],
        ['adapted'],
        {"nb": 'oppgir at den nyeste innovasjonen var inspirert av andre, men vesentlig tilpasset', "nn": 'oppgir at den nyaste innovasjonen var inspirert av andre, men vesentleg tilpassa', "en": 'say that their newest innovation was inspired by others but substantially adapted'},
    ),
    'novelty-copy': (
        ['novelty'],
        ['copy'],
        {"nb": 'oppgir at den nyeste innovasjonen i stor grad var en kopi av andres løsning', "nn": 'oppgir at den nyaste innovasjonen i stor grad var ein kopi av løysinga til andre', "en": "say that their newest innovation was largely a copy of others' solution"},
    ),
    'value-quality': (
        ['value_created'],
        ['quality'],
        {"nb": 'oppgir at den nyeste innovasjonen har gitt bedre kvalitet', "nn": 'oppgir at den nyaste innovasjonen har gitt betre kvalitet', "en": 'say that their newest innovation has improved quality'},
    ),
    'value-employee-satisfaction': (
        ['value_created'],
        ['employee_satisfaction'],
        {"nb": 'oppgir at den nyeste innovasjonen har gitt høyere medarbeidertilfredshet', "nn": 'oppgir at den nyaste innovasjonen har gitt høgare trivsel blant dei tilsette', "en": 'say that their newest innovation has raised employee satisfaction'},
    ),
    'value-efficiency': (
        ['value_created'],
        ['efficiency'],
        {"nb": 'oppgir at den nyeste innovasjonen har gitt høyere effektivitet', "nn": 'oppgir at den nyaste innovasjonen har gitt høgare effektivitet', "en": 'say that their newest innovation has raised efficiency'},
    ),
    'value-user-influence': (
        ['value_created'],
        ['user_influence'],
        {"nb": 'oppgir at den nyeste innovasjonen har gitt brukerne eller innbyggerne mer innsikt og innflytelse', "nn": 'oppgir at den nyaste innovasjonen har gitt brukarane eller innbyggjarane meir innsikt og innverknad', "en": 'say that their newest innovation has given users or citizens more insight and influence'},
    ),
    'value-more-than-one': (
        ['value_created'],
        ['quality', 'efficiency', 'avoided_costs', 'employee_satisfaction', 'business_value', 'user_influence'],
        {"nb": 'oppgir at den nyeste innovasjonen har skapt mer enn én form for verdi', "nn": 'oppgir at den nyaste innovasjonen har skapt meir enn éi form for verdi', "en": 'say that their newest innovation has created more than one kind of value'},
    ),
    'newest-breaks': (
        ['newest_break'],
        ['breaks'],
        {"nb": 'oppgir at den nyeste innovasjonen bryter med tidligere praksis', "nn": 'oppgir at den nyaste innovasjonen bryt med tidlegare praksis', "en": 'say that their newest innovation breaks with earlier practice'},
    ),
    'technology-central': (
        ['newest_technology'],
        ['central'],
        {"nb": 'oppgir at ny teknologi er sentral i den nyeste innovasjonen', "nn": 'oppgir at ny teknologi er sentral i den nyaste innovasjonen', "en": 'say that new technology is central to their newest innovation'},
    ),
    'evaluated': (
        ['evaluated'],
        ['internal', 'external'],
        {"nb": 'har evaluert den nyeste innovasjonen', "nn": 'har evaluert den nyaste innovasjonen', "en": 'have evaluated their newest innovation'},
    ),
    'spread': (
        ['spread'],
        ['yes'],
        {"nb": 'har gjort noe aktivt for å spre den nyeste innovasjonen til andre', "nn": 'har gjort noko aktivt for å spreie den nyaste innovasjonen til andre', "en": 'have actively spread their newest innovation to others'},
    ),
    'factor-safe-operations-promoted': (
        ['factor_safe_operations'],
        ['5', '6'],
        {"nb": 'oppgir at fokus på sikker og stabil drift fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)', "nn": 'oppgir at fokus på sikker og stabil drift fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)', "en": 'say that a focus on safe, stable operations promoted the work on their newest innovation (5 or 6 on the scale from 1 to 6)'},
    ),
    'factor-safe-operations-hindered': (
        ['factor_safe_operations'],
        ['1', '2'],
        {"nb": 'oppgir at fokus på sikker og stabil drift hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)', "nn": 'oppgir at fokus på sikker og stabil drift hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)', "en": 'say that a focus on safe, stable operations hindered the work on their newest innovation (1 or 2 on the scale from 1 to 6)'},
    ),
    'factor-mistakes-promoted': (
        ['factor_mistakes'],
        ['5', '6'],
        {"nb": 'oppgir at måten de håndterer feil på, fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)', "nn": 'oppgir at måten dei handterer feil på, fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)', "en": 'say that the way they handle mistakes promoted the work on their newest innovation (5 or 6 on the scale from 1 to 6)'},
    ),
    'factor-mistakes-hindered': (
        ['factor_mistakes'],
        ['1', '2'],
        {"nb": 'oppgir at måten de håndterer feil på, hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)', "nn": 'oppgir at måten dei handterer feil på, hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)', "en": 'say that the way they handle mistakes hindered the work on their newest innovation (1 or 2 on the scale from 1 to 6)'},
    ),
    'factor-internal-collaboration-promoted': (
        ['factor_internal_collaboration'],
        ['5', '6'],
        {"nb": 'oppgir at samarbeid internt i virksomheten fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)', "nn": 'oppgir at samarbeid internt i verksemda fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)', "en": 'say that collaboration within the workplace promoted the work on their newest innovation (5 or 6 on the scale from 1 to 6)'},
    ),
    'factor-internal-collaboration-hindered': (
        ['factor_internal_collaboration'],
        ['1', '2'],
        {"nb": 'oppgir at samarbeid internt i virksomheten hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)', "nn": 'oppgir at samarbeid internt i verksemda hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)', "en": 'say that collaboration within the workplace hindered the work on their newest innovation (1 or 2 on the scale from 1 to 6)'},
    ),
    'factor-technology-promoted': (
        ['factor_technology'],
        ['5', '6'],
        {"nb": 'oppgir at ny teknologi fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)', "nn": 'oppgir at ny teknologi fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)', "en": 'say that new technology promoted the work on their newest innovation (5 or 6 on the scale from 1 to 6)'},
    ),
    'factor-technology-hindered': (
        ['factor_technology'],
        ['1', '2'],
        {"nb": 'oppgir at ny teknologi hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)', "nn": 'oppgir at ny teknologi hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)', "en": 'say that new technology hindered the work on their newest innovation (1 or 2 on the scale from 1 to 6)'},
    ),
    'factor-economy-promoted': (
        ['factor_economy'],
        ['5', '6'],
        {"nb": 'oppgir at begrensede økonomiske ressurser fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)', "nn": 'oppgir at avgrensa økonomiske ressursar fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)', "en": 'say that limited financial resources promoted the work on their newest innovation (5 or 6 on the scale from 1 to 6)'},
    ),
    'factor-economy-hindered': (
        ['factor_economy'],
        ['1', '2'],
        {"nb": 'oppgir at begrensede økonomiske ressurser hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)', "nn": 'oppgir at avgrensa økonomiske ressursar hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)', "en": 'say that limited financial resources hindered the work on their newest innovation (1 or 2 on the scale from 1 to 6)'},
    ),
    'factor-employee-involvement-promoted': (
        ['factor_employee_involvement'],
        ['5', '6'],
        {"nb": 'oppgir at medvirkning fra medarbeiderne fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)', "nn": 'oppgir at medverknad frå dei tilsette fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)', "en": 'say that employee involvement promoted the work on their newest innovation (5 or 6 on the scale from 1 to 6)'},
    ),
    'factor-employee-involvement-hindered': (
        ['factor_employee_involvement'],
        ['1', '2'],
        {"nb": 'oppgir at medvirkning fra medarbeiderne hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)', "nn": 'oppgir at medverknad frå dei tilsette hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)', "en": 'say that employee involvement hindered the work on their newest innovation (1 or 2 on the scale from 1 to 6)'},
    ),
    'factor-user-involvement-promoted': (
        ['factor_user_involvement'],
        ['5', '6'],
        {"nb": 'oppgir at medvirkning fra brukere eller innbyggere fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)', "nn": 'oppgir at medverknad frå brukarar eller innbyggjarar fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)', "en": 'say that involvement of users or citizens promoted the work on their newest innovation (5 or 6 on the scale from 1 to 6)'},
    ),
    'factor-user-involvement-hindered': (
        ['factor_user_involvement'],
        ['1', '2'],
        {"nb": 'oppgir at medvirkning fra brukere eller innbyggere hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)', "nn": 'oppgir at medverknad frå brukarar eller innbyggjarar hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)', "en": 'say that involvement of users or citizens hindered the work on their newest innovation (1 or 2 on the scale from 1 to 6)'},
    ),
    'factor-political-promoted': (
        ['factor_political'],
        ['5', '6'],
        {"nb": 'oppgir at politiske vedtak og prioriteringer fremmet arbeidet med den nyeste innovasjonen (5 eller 6 på skalaen fra 1 til 6)', "nn": 'oppgir at politiske vedtak og prioriteringar fremja arbeidet med den nyaste innovasjonen (5 eller 6 på skalaen frå 1 til 6)', "en": 'say that political decisions and priorities promoted the work on their newest innovation (5 or 6 on the scale from 1 to 6)'},
    ),
    'factor-political-hindered': (
        ['factor_political'],
        ['1', '2'],
        {"nb": 'oppgir at politiske vedtak og prioriteringer hemmet arbeidet med den nyeste innovasjonen (1 eller 2 på skalaen fra 1 til 6)', "nn": 'oppgir at politiske vedtak og prioriteringar hemma arbeidet med den nyaste innovasjonen (1 eller 2 på skalaen frå 1 til 6)', "en": 'say that political decisions and priorities hindered the work on their newest innovation (1 or 2 on the scale from 1 to 6)'},
    ),
}


def forwards(apps, schema_editor):
    """The shipped words, for each shipped indicator that counts what it did and has none."""
    Indicator = apps.get_model("barometer", "Indicator")
    for key, (questions, options, words) in CLAUSES.items():
        indicator = Indicator.objects.filter(key=key, rule="share", share_clause_nb="").first()
        if indicator is None or indicator.question_codes != questions or sorted(indicator.option_codes) != sorted(options):
            continue
        for language, text in words.items():
            setattr(indicator, f"share_clause_{language}", text)
        indicator.save(update_fields=[f"share_clause_{language}" for language in words])



class Migration(migrations.Migration):

    dependencies = [
        ('barometer', '0021_collaboration_names_say_what_they_count'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalindicator',
            name='share_clause_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='what the share counts (English)'),
        ),
        migrations.AddField(
            model_name='historicalindicator',
            name='share_clause_nb',
            field=models.CharField(blank=True, help_text="Share: the words that complete “80 % of nursing homes …” in the reports, for example “har tatt i bruk minst én innovasjon de siste to årene”. Without them a report names the share by the indicator's name.", max_length=300, verbose_name='what the share counts (bokmål)'),
        ),
        migrations.AddField(
            model_name='historicalindicator',
            name='share_clause_nn',
            field=models.CharField(blank=True, max_length=300, verbose_name='what the share counts (nynorsk)'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='share_clause_en',
            field=models.CharField(blank=True, max_length=300, verbose_name='what the share counts (English)'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='share_clause_nb',
            field=models.CharField(blank=True, help_text="Share: the words that complete “80 % of nursing homes …” in the reports, for example “har tatt i bruk minst én innovasjon de siste to årene”. Without them a report names the share by the indicator's name.", max_length=300, verbose_name='what the share counts (bokmål)'),
        ),
        migrations.AddField(
            model_name='indicator',
            name='share_clause_nn',
            field=models.CharField(blank=True, max_length=300, verbose_name='what the share counts (nynorsk)'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
