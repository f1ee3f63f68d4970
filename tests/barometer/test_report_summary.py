"""The report's first screen ("how are we doing?"), its details sections, the staff view
and the charts' addresses (issue 15)."""

import io
import re
from itertools import pairwise

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from barometer.engine.figures import Base, Figure, GroupFigures
from barometer.engine.groups import Filter
from barometer.engine.indicators import OwnValue
from barometer.engine.stats import Estimate, Suppressed
from barometer.formatting import among, upper_first
from barometer.models import Indicator, StaffMembership
from barometer.reports.summary import build_summary, comparison_groups
from barometer.synthetic import generate_round
from surveys.models import Invitation, Response, WorkplaceType
from tests.builders import ResponseBuilder, innovator, publish
from tests.conftest import shipped_question_set
from tests.shared_data import kept_for_the_module

BASE = Base("workplaces", "all workplaces")


class FakeSource:
    """A figure source answering only the groups it was given (as a published snapshot)."""

    def __init__(self, groups: dict[Filter, dict[str, Estimate]]):
        self.groups = groups
        self.asked: list[Filter] = []

    def group(self, filter_: Filter) -> GroupFigures:
        self.asked.append(filter_)
        estimates = self.groups.get(filter_, {})
        return GroupFigures(filter_, 100, {key: Figure(key, e, BASE, True, True) for key, e in estimates.items()})


def shown(value, low, high, n=120):
    return Estimate(n=n, value=value, low=low, high=high)


HIDDEN = Estimate(n=3, value=None, low=None, high=None, suppressed=Suppressed.TOO_FEW)

GROUPS = {"workplace_type": WorkplaceType.KINDERGARTEN, "centrality": 6}
NARROW = Filter(workplace_type=WorkplaceType.KINDERGARTEN, centrality=6)
TYPE = Filter(workplace_type=WorkplaceType.KINDERGARTEN)


def indicators(*keys):
    found = {i.key: i for i in Indicator.objects.filter(key__in=keys)}
    return [found[key] for key in keys]


@pytest.fixture
def bokmal():
    with translation.override("nb"):
        yield


def test_less_and_more_at_most_two_each_with_group_in_words(barometer_data, bokmal):
    keys = ["innovated", "external-collaboration", "municipal-collaboration", "value-quality", "spread", "evaluated"]
    inds = indicators(*keys)
    own = [OwnValue(True, 0.0)] * 3 + [OwnValue(True, 1.0)] * 3
    source = FakeSource({
        NARROW: {
            "innovated": shown(0.8, 0.7, 0.88), "external-collaboration": shown(0.7, 0.6, 0.79),
            "municipal-collaboration": shown(0.66, 0.55, 0.75), "value-quality": shown(0.3, 0.2, 0.42),
            "spread": shown(0.2, 0.12, 0.3), "evaluated": shown(0.45, 0.35, 0.55),
        }
    })  # fmt: skip
    summary = build_summary(source, list(zip(inds, own, strict=True)), comparison_groups(**GROUPS))
    assert len(summary.less) == 2 and len(summary.more) == 2
    # Headline indicators first; "evaluated" (interval across 50 %) never qualifies.
    assert [item.indicator.key for item in summary.less] == ["innovated", "external-collaboration"]
    assert {item.indicator.key for item in summary.more} == {"value-quality", "spread"}
    sentence = summary.less[0].sentence
    assert sentence.startswith("Virksomheten deres har ikke")
    # The group's class is said in the parenthesis, so that the verb follows its subject.
    assert "80\xa0% av barnehager i kommuner med samme sentralitet som deres har tatt i bruk" in sentence
    assert sentence.endswith(
        "(sentralitet: klasse 6 av 6, de minst sentrale; 95\xa0%-intervall 70–88\xa0%, 120 svar)."
    ), sentence
    # Elsewhere (the groups not shown, the row headings) the name keeps its class.
    assert summary.less[0].group.endswith("som deres (klasse 6 av 6, de minst sentrale)")
    assert source.asked == [NARROW]  # only groups of the published fixed set


def test_the_centrality_class_is_said_in_the_parenthesis_in_every_language_and_for_staff(barometer_data):
    """Before: «80 % av barnehager i kommuner med samme sentralitet som deres (klasse 3 av 6,
    der 1 er de mest sentrale og 6 de minst sentrale) har ...»: two lines between the
    subject and its verb. The class now opens the parenthesis, before the base."""
    (value_quality,) = indicators("value-quality")
    innovators = Base("innovators", "workplaces with an innovation")

    class OfInnovators:
        def group(self, filter_: Filter) -> GroupFigures:
            estimate = shown(0.8, 0.7, 0.88)
            return GroupFigures(
                filter_, 100, {"value-quality": Figure("value-quality", estimate, innovators, True, True)}
            )

    def sentence(language: str, *, staff: bool = False) -> str:
        with translation.override(language):
            groups = comparison_groups(workplace_type=WorkplaceType.KINDERGARTEN, centrality=3, staff=staff)
            summary = build_summary(OfInnovators(), [(value_quality, OwnValue(True, 0.0))], groups, staff=staff)
            (item,) = summary.less
            return item.sentence

    nb = sentence("nb")
    assert "80\xa0% av barnehager i kommuner med samme sentralitet som deres oppgir at" in nb, nb
    assert "(sentralitet: klasse 3 av 6, der 1 er de mest sentrale og 6 de minst sentrale; grunnlag: " in nb, nb
    nn = sentence("nn")
    assert "80\xa0% av barnehagar i kommunar med same sentralitet som dykkar " in nn, nn
    assert "(sentralitet: klasse 3 av 6, der 1 er dei mest sentrale og 6 dei minst sentrale; grunnlag: " in nn, nn
    en = sentence("en")
    assert "80% of kindergartens in municipalities with the same centrality as yours " in en, en
    assert "(centrality: class 3 of 6, where 1 is the most central and 6 the least; base: " in en, en
    assert "sentralitet som kommunen til virksomheten oppgir at" in sentence("nb", staff=True)


def test_a_hidden_group_falls_back_to_the_next_wider_and_says_so(barometer_data, bokmal):
    (innovated,) = indicators("innovated")
    source = FakeSource({NARROW: {"innovated": HIDDEN}, TYPE: {"innovated": shown(0.75, 0.7, 0.8)}})
    summary = build_summary(source, [(innovated, OwnValue(True, 0.0))], comparison_groups(**GROUPS))
    (item,) = summary.less
    assert item.group == "barnehager på landsbasis"
    # The item names the group it compares with; why is said once, under the items.
    assert "75\xa0% av barnehager på landsbasis har tatt i bruk" in item.sentence
    assert item.hidden and "barnehager i kommuner med samme sentralitet" in summary.fallback_note
    assert "samme sentralitet" not in item.sentence
    # Its own sentences, not brackets around a group name that has brackets of its own.
    assert "((" not in summary.fallback_note and "))" not in summary.fallback_note
    assert source.asked == [NARROW, TYPE]


def test_the_fallback_names_the_hidden_group_the_group_shown_and_the_peer_row_apart(barometer_data):
    """A reader took "not shown" for the chart's "Centrality class 6" (every type), whose
    figure is shown further down: the summary names the hidden group, the wider group it
    compares with instead, and says that the class's row is another group."""
    (innovated,) = indicators("innovated")
    source = FakeSource({NARROW: {"innovated": HIDDEN}, TYPE: {"innovated": shown(0.75, 0.7, 0.8)}})
    with translation.override("en"):
        summary = build_summary(source, [(innovated, OwnValue(True, 0.0))], comparison_groups(**GROUPS))
    (item,) = summary.less
    hidden = "kindergartens in municipalities with the same centrality as yours (class 6 of 6, the least central)"
    assert summary.fallback_note == (
        f"The summary compares with kindergartens nationally, a wider group, because the figure for {hidden} is "
        "not shown: there are too few answers, or it could reveal a small group. “Workplaces in municipalities in "
        "centrality class 6 (least central)” further down is another group, with workplaces of every type."
    )
    assert "75% of kindergartens nationally have introduced" in item.sentence and "not shown" not in item.sentence
    # Nothing else of the hidden group: neither its number of answers nor why it is hidden.
    assert " 3 answers" not in summary.fallback_note and "protect" not in summary.fallback_note


def test_two_hidden_groups_are_both_named_and_the_national_one_by_its_base(barometer_data):
    (employees,) = indicators("employees-initiated-or-implemented")
    innovators = Base("innovators", "workplaces with an innovation")
    national = GroupFigures(
        Filter(), 100, {employees.key: Figure(employees.key, shown(0.9, 0.85, 0.95), innovators, True, True)}
    )

    class Source(FakeSource):
        def group(self, filter_):
            return national if filter_ == Filter() else super().group(filter_)

    source = Source({NARROW: {employees.key: HIDDEN}, TYPE: {employees.key: HIDDEN}})
    with translation.override("en"):
        summary = build_summary(source, [(employees, OwnValue(True, 0.0))], comparison_groups(**GROUPS))
    (item,) = summary.less
    assert item.group == "all workplaces nationally"
    note = summary.fallback_note
    assert note.startswith(
        "The summary compares with workplaces with an innovation nationally, a wider group, because the figures "
        "for kindergartens in municipalities with the same centrality as yours"
    )
    assert "and kindergartens nationally are not shown: there are too few answers, or they could" in note
    assert note.count("“Workplaces in municipalities in centrality class 6 (least central)”") == 1


def test_the_same_fallback_is_said_once_under_the_items_not_after_each(barometer_data):
    """A reviewer read the same 60 words after every item when the narrow group was hidden for
    all of them: said once, in the summary's note; each item still names the group it compares with."""
    keys = ["innovated", "external-collaboration", "value-quality", "spread"]
    inds = indicators(*keys)
    own = [OwnValue(True, 0.0)] * 2 + [OwnValue(True, 1.0)] * 2
    source = FakeSource({
        NARROW: dict.fromkeys(keys, HIDDEN),
        TYPE: {"innovated": shown(0.8, 0.7, 0.88), "external-collaboration": shown(0.7, 0.6, 0.79),
               "value-quality": shown(0.3, 0.2, 0.42), "spread": shown(0.2, 0.12, 0.3)},
    })  # fmt: skip
    with translation.override("en"):
        summary = build_summary(source, list(zip(inds, own, strict=True)), comparison_groups(**GROUPS))
    items = summary.less + summary.more
    assert len(items) == 4
    for item in items:
        assert "% of kindergartens nationally " in item.sentence, item.sentence
        assert "not shown" not in item.sentence and "further down" not in item.sentence, item.sentence
    assert summary.fallback_note.startswith("The summary compares with kindergartens nationally, a wider group,")
    assert summary.fallback_note.count("not shown") == 1


def test_an_item_whose_comparison_differs_keeps_its_own_words(barometer_data):
    """Two items compare with kindergartens nationally, a third with all workplaces (its type's
    figure hidden too), a fourth with its own narrow group: the two share the note, which
    says it is about where the summary compares with kindergartens nationally; the third
    keeps its own sentences; the fourth says nothing of hidden groups."""
    keys = ["innovated", "external-collaboration", "value-quality", "spread"]
    inds = indicators(*keys)
    own = [OwnValue(True, 0.0)] * 2 + [OwnValue(True, 1.0)] * 2
    source = FakeSource({
        NARROW: {"innovated": HIDDEN, "external-collaboration": HIDDEN, "value-quality": HIDDEN,
                 "spread": shown(0.2, 0.12, 0.3)},
        TYPE: {"innovated": shown(0.8, 0.7, 0.88), "external-collaboration": shown(0.7, 0.6, 0.79),
               "value-quality": HIDDEN},
        Filter(): {"value-quality": shown(0.3, 0.2, 0.42)},
    })  # fmt: skip
    with translation.override("en"):
        summary = build_summary(source, list(zip(inds, own, strict=True)), comparison_groups(**GROUPS))
    by_key = {item.indicator.key: item for item in summary.less + summary.more}
    assert summary.fallback_note.startswith(
        "Where the summary compares with kindergartens nationally, a wider group, it is because the figure for "
        "kindergartens in municipalities with the same centrality as yours"
    )
    for key in ("innovated", "external-collaboration"):
        assert "% of kindergartens nationally " in by_key[key].sentence and "not shown" not in by_key[key].sentence
    own_words = by_key["value-quality"].sentence
    assert "% of all workplaces nationally say that" in own_words
    assert "and kindergartens nationally are not shown" in own_words
    assert "This compares with all workplaces nationally instead, a wider group." in own_words
    assert "not shown" not in by_key["spread"].sentence and "same centrality as yours" in by_key["spread"].sentence


def test_no_fallback_no_words_about_other_groups(barometer_data):
    (innovated,) = indicators("innovated")
    source = FakeSource({NARROW: {"innovated": shown(0.8, 0.7, 0.88)}})
    with translation.override("en"):
        summary = build_summary(source, [(innovated, OwnValue(True, 0.0))], comparison_groups(**GROUPS))
    (item,) = summary.less
    assert "not shown" not in item.sentence and "instead" not in item.sentence and "“" not in item.sentence
    assert summary.fallback_note == ""


def test_a_group_hidden_to_protect_another_reads_like_any_hidden_group(barometer_data, bokmal):
    """A figure hidden by secondary suppression is not called "too few answers" (it may rest
    on many), and reads exactly like a small group's, so the page tells nothing of why."""
    (innovated,) = indicators("innovated")
    protecting = Estimate(n=47, value=None, low=None, high=None, suppressed=Suppressed.COMPLEMENT)
    sentences = []
    for hidden in (HIDDEN, protecting):
        source = FakeSource({NARROW: {"innovated": hidden}, TYPE: {"innovated": shown(0.75, 0.7, 0.8)}})
        summary = build_summary(source, [(innovated, OwnValue(True, 0.0))], comparison_groups(**GROUPS))
        sentences.append((summary.less[0].sentence, summary.fallback_note))
    assert sentences[0] == sentences[1]
    assert "47" not in sentences[1][1] and "barnehager i kommuner med samme sentralitet" in sentences[1][1]


def test_no_qualifying_indicator_gives_an_empty_summary(barometer_data, client, bokmal):
    (innovated,) = indicators("innovated")
    source = FakeSource({NARROW: {"innovated": shown(0.5, 0.4, 0.6)}})
    summary = build_summary(source, [(innovated, OwnValue(True, 0.0))], comparison_groups(**GROUPS))
    assert summary.empty


def test_without_figures_the_summary_compares_with_published_national_figures(barometer_data):
    (innovated,) = indicators("innovated")
    with translation.override("en"):
        summary = build_summary(
            None, [(innovated, OwnValue(True, 0.0))], comparison_groups(**GROUPS), workplace_type="kindergarten"
        )
        assert summary.source == "published"
        (item,) = summary.less
        assert "2018" in item.sentence
        # The figure published for its own types (education: "8 in 10"), as published, not the
        # all-types 74 % nor "80 %", a precision the source does not claim; with whom it is
        # a share of and the types it was published for.
        assert item.sentence.endswith(
            " In the national barometer of 2018, the figure for “Education workplaces with at least one innovation” "
            "was 8 in 10 (base: all workplaces; published for the education and childhood sector)."
        )
        # Without a figure for its own types, the figure for all the types 2018 asked: those.
        (external,) = indicators("external-collaboration")
        (item,) = build_summary(
            None, [(external, OwnValue(True, 0.0))], comparison_groups(**GROUPS), workplace_type="kindergarten"
        ).less
        assert item.sentence.endswith(
            " In the national barometer of 2018, the figure for “Have external collaboration in innovation "
            "processes” was 6 in 10 (base: workplaces with an innovation; published for the education and "
            "childhood sector and the health and care sector)."
        )
    # KS 2018 did not ask "other" workplaces: nothing of 2018 is theirs to be compared with.
    assert build_summary(
        None, [(innovated, OwnValue(True, 0.0))], comparison_groups(**GROUPS), workplace_type="other"
    ).empty


def test_staff_wording_is_third_person(barometer_data, bokmal):
    (innovated,) = indicators("innovated")
    source = FakeSource({NARROW: {"innovated": shown(0.8, 0.7, 0.88)}})
    summary = build_summary(source, [(innovated, OwnValue(True, 0.0))], comparison_groups(**GROUPS, staff=True),
                            staff=True)  # fmt: skip
    sentence = summary.less[0].sentence
    assert "Dere" not in sentence and "deres" not in sentence
    assert sentence.startswith("«Har innovert de siste to årene»: stemmer ikke for denne virksomheten. 80")


def build_demo_report(question_set) -> tuple[int, int]:
    """A demo round of 400 workplaces, its results published, and an invitation for one of
    its workplaces; returns the invitation's and the response's primary keys."""
    round_ = generate_round(question_set=question_set, slug="summary", name="Summary", workplaces=400).round
    publish(round_)
    response = Response.objects.filter(round=round_, workplace__isnull=False).first()
    invitation = Invitation.objects.create(round=round_, workplace=response.workplace)
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    return invitation.pk, response.pk


@pytest.fixture(scope="module")
def _demo_report(django_db_setup, django_db_blocker):
    """Built once for the module (publishing takes seconds); each test runs in a savepoint
    and changes nothing for the next."""
    with kept_for_the_module(
        django_db_blocker, lambda: build_demo_report(shipped_question_set(django_db_setup))
    ) as keys:
        yield keys


@pytest.fixture
def demo_report(db, _demo_report):
    """The demo round's invitation and response, read afresh for each test: answered with
    factors, reached through its link. The report's national and peer figures, factor
    distributions and charts come from the published snapshot only."""
    invitation_pk, response_pk = _demo_report
    return Invitation.objects.get(pk=invitation_pk), Response.objects.get(pk=response_pk)


def test_report_page_has_the_summary_first_and_every_answered_block_in_details(client, demo_report):
    invitation, _response = demo_report
    page = client.get(f"/s/{invitation.token}/rapport/", HTTP_ACCEPT_LANGUAGE="nb")
    html = page.content.decode()
    summary_at, details_at = html.index('id="summary-title"'), html.index("<details")
    assert summary_at < details_at
    summary = page.context["report"].summary
    assert summary.less or summary.more or "summary-none" in html
    blocks = page.context["blocks"]
    answered = [entry["section"].code for entry in page.context["summary"]]
    assert [block.section.code for block in blocks] == answered
    for code in answered:
        assert f'id="block-{code}"' in html
    # Each part's title is a heading (a screen reader lists the parts by heading), and the
    # indicators are headings one level below it, never beside it under "In detail".
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", html[html.index('id="summary-title"') :])]
    assert all(later - earlier <= 1 for earlier, later in pairwise(levels)), levels
    # What looks like a heading is one (WCAG 1.3.1): "Publiserte resultater" below its
    # indicator, "Deres svar" below its part, so that a screen reader can jump to them.
    assert not re.search(r'<(p|div|span|strong)\b[^>]*class="[^"]*\bh[1-6]\b', html), html
    assert '<h5 class="h6 mb-1">Publiserte resultater</h5>' in html
    assert html.count('<h4 class="h6 mt-3 mb-1">Svarene deres</h4>') == len(page.context["blocks"])
    # The profile inside "About the comparison" is a heading below it, not a new top-level part.
    assert '<h4 id="profile-title"' in html
    in_detail = html[html.index(">I detalj<") : html.rindex("<h2", 0, html.index(">Kilder<"))]
    assert "<h2" not in in_detail, re.findall(r"<h[1-6][^>]*>[^<]*", in_detail)
    for block in blocks:
        opening = html[html.index(f'id="block-{block.section.code}"') :]
        assert opening.split("</summary>", 1)[0].count("<h3") == 1
        for row in block.rows:
            assert f'<h4 class="h6" id="indicator-{row.indicator.key}"' in opening
    factors = next((b for b in blocks if b.section.code == "factors"), None)
    if factors is not None:
        assert len(factors.factors) == 8
        assert '<ul class="factors' in html and "(5–6)" in html and "(1–2)" in html
    # Every group of an indicator's table has the row's base (a share of innovators): the
    # table says it once, in its caption ("Blant virksomheter med en innovasjon"), and
    # its rows name the group alone, not "..., blant ..." on each.
    rows = [row for block in blocks for row in block.rows if row.peers and row.base.kind != "workplaces"]
    assert rows
    with translation.override("nb"):
        words = {row.indicator.key: among(row.base) for row in rows}
    for row in rows:
        table = html[html.index(f'id="indicator-{row.indicator.key}"') :].split("</table>", 1)[0]
        caption = table.split("<caption", 1)[1].split("</caption>", 1)[0]
        assert caption.endswith(f"</span>{upper_first(words[row.indicator.key])}"), caption
        assert words[row.indicator.key] not in table.split("</caption>", 1)[1], table


def test_factor_feedback_shows_own_rating_beside_the_distribution(client, barometer_data, question_set, register,
                                                                 national_round, workplace):  # fmt: skip
    generate_round(question_set=question_set, slug="factors", name="F", workplaces=10)
    factors = {f"factor_{name}": ["5"] for name in (
        "safe_operations", "mistakes", "internal_collaboration", "technology", "economy",
        "employee_involvement", "user_involvement", "political")}  # fmt: skip
    factors["factor_economy"] = ["2"]
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)
    builder = ResponseBuilder(national_round)
    response = builder.submitted(
        workplace_type=workplace.workplace_type, municipality=workplace.municipality, workplace=workplace,
        answers=innovator(**factors),
    )  # fmt: skip
    Response.objects.filter(pk=response.pk).update(invitation=invitation)
    page = client.get(f"/s/{invitation.token}/rapport/", HTTP_ACCEPT_LANGUAGE="nb")
    block = next(b for b in page.context["blocks"] if b.section.code == "factors")
    ratings = {factor.name: factor.own for factor in block.factors}
    assert ratings["Begrensede økonomiske ressurser"] == "2"
    assert ratings["Ny teknologi"] == "5"
    assert "Vurderingen deres:" in page.content.decode()


def test_staff_see_a_staff_view(admin_client, demo_report):
    _invitation, response = demo_report
    html = admin_client.get(f"/rapporter/{response.pk}/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    for respondent_only in ("Svarene deres ble sendt inn", "Ta vare på lenken", "/rapport/rapport.pdf",
                            "Vurderingen deres", "Slik ligger virksomheten", "Svarene deres", "svarer dere likevel",
                            "Virksomheten deres"):  # fmt: skip
        assert respondent_only not in html
    # The PDF staff get is their own, about "the workplace", not the respondent's link.
    assert f'href="/rapporter/{response.pk}/rapport.pdf"' in html
    assert "Svarene ble sendt inn" in html


def test_chart_address_names_language_and_weighting_and_renders_without_styles(client, demo_report):
    invitation, _response = demo_report
    html = client.get(f"/s/{invitation.token}/rapport/?vekting=av", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    src = re.search(r'<img src="([^"]*shares\.svg[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "sprak=nb" in src and "vekting=av" in src and "utgave=" not in src
    english = client.get(src.replace("sprak=nb", "sprak=en"), HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Innovated in the last two years" in english or "Nationally" in english
    svg = client.get(src).content.decode()
    # The CSP (style-src 'self') blocks inline styles: colours and fonts are attributes.
    assert not re.search(r"\sstyle=", svg) and "<style" not in svg
    assert 'fill="#111111"' in svg and "font-size=" in svg


def test_the_respondent_report_addresses_the_workplace_one_way(client, demo_report):
    invitation, _response = demo_report
    nb = client.get(f"/s/{invitation.token}/rapport/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    main = nb[nb.index("<main") : nb.index("</main>")]
    # "dere/deres" for the workplace; never "du/din/ditt/dine" beside it.
    assert not re.search(r"\b(din|ditt|dine)\b", re.sub(r"<[^>]+>", " ", main))
    # What the national share counts, said of the workplaces: never "svarte ja" for a
    # measure that is no yes/no question, nor the indicator's name quoted into the sentence.
    assert "Nasjonalt gjelder «" not in main and " ja (" not in main
    assert re.search(r"\d\xa0% av (alle virksomheter|virksomheter med en innovasjon) på landsbasis \w", main)
    nn = client.get(f"/s/{invitation.token}/rapport/", HTTP_ACCEPT_LANGUAGE="nn").content.decode()
    nn_main = re.sub(r"<[^>]+>", " ", nn[nn.index("<main") : nn.index("</main>")])
    assert not re.search(r"\b(di|din|ditt|dine)\b", nn_main)
    assert "medarbeidarane" not in nn_main


def test_the_report_list_says_whose_workplaces_it_lists(admin_client, client, django_user_model, municipality):
    page = admin_client.get("/rapporter/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "in all municipalities" in page and "your own municipality" not in page
    user = django_user_model.objects.create_user("kommune", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name="Kommuneansatte"))
    StaffMembership.objects.create(user=user, municipality=municipality)
    client.force_login(user)
    page = client.get("/rapporter/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"in your municipality, {municipality.name}." in page and "all municipalities" not in page


def test_texts_in_another_language_carry_their_lang(client, demo_report):
    invitation, _response = demo_report
    html = client.get(f"/s/{invitation.token}/rapport/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="da">COI: Innovationsbarometeret' in html
    danish = re.findall(r'<(?:a|span)[^>]*lang="(\w+)"[^>]*>[^<]*Innovationsbarometeret', html)
    assert danish and set(danish) == {"da"}
    norwegian = re.findall(r'<(?:a|span)[^>]*lang="(\w+)"[^>]*>KS: Innovasjonsbarometeret', html)
    assert norwegian and set(norwegian) == {"nb"}
    # Each indicator is one heading, not a landmark named twice.
    assert 'role="region" aria-labelledby="indicator-' not in html


PHONE_IMAGE_WIDTH = 296  # a 320 px screen less the page's side padding


@pytest.mark.parametrize("name", ["shares", "culture"])
def test_chart_text_is_at_least_12_css_px_on_a_phone(client, demo_report, name):
    invitation, _response = demo_report
    svg = client.get(f"/s/{invitation.token}/rapport/figur/{name}.svg?sprak=nb").content.decode()
    own_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
    assert sizes
    # Rendered size = font size x rendered width / the SVG's own width (the image shrinks to fit).
    assert min(sizes) * PHONE_IMAGE_WIDTH / own_width >= 12
    if name == "shares":
        assert "Virksomheten deres:" in svg and "0\xa0%\xa0hvis\xa0ikke" in svg  # "you" has its own legend entry
        assert "Samme virksomhetstype som" in svg and "grunnskoler" in svg


def test_a_factor_shows_promoted_and_hindered_for_the_same_group():
    """Both shares of a factor describe the same workplaces: when the same type hides one
    of them, both come from all workplaces, never one from each."""
    from barometer.reports.workplace import IndicatorRow, PeerEstimate, _factor_figures

    def figure(value):
        estimate = Estimate(n=40, value=value, low=value - 0.1, high=value + 0.1) if value is not None else HIDDEN
        return Figure("factor", estimate, BASE, True, True)

    def row(national, same_type):
        peers = [PeerEstimate("workplace_type", "Upper-secondary school", figure(same_type))]
        return IndicatorRow(None, OwnValue(applies=True, value=1.0), figure(national), peers, [], [], "", "")

    # The type in the plural, as the sentence ("Among upper-secondary schools: ...") needs,
    # not the peer row's singular label.
    promoted, hindered, group = _factor_figures(row(0.6, 0.7), row(0.2, 0.1), "upper-secondary schools")
    assert (promoted.value, hindered.value, group) == (0.7, 0.1, "upper-secondary schools")
    promoted, hindered, group = _factor_figures(row(0.6, 0.7), row(0.2, None), "upper-secondary schools")
    assert (promoted.value, hindered.value) == (0.6, 0.2) and group != "upper-secondary schools"
    assert _factor_figures(row(None, 0.7), row(0.2, None), "upper-secondary schools") == (None, None, "")


def test_a_hidden_national_figure_is_not_called_too_few_answers(barometer_data, bokmal):
    """The national figure beside a workplace's own answer reads like every hidden figure."""
    from barometer.reports.workplace import _sentence

    (innovated,) = indicators("innovated")
    protecting = Estimate(n=400, value=None, low=None, high=None, suppressed=Suppressed.COMPLEMENT)
    sentence = _sentence(innovated, OwnValue(True, 1.0), Figure("innovated", protecting, BASE, True, True))
    hidden = "Det nasjonale tallet vises ikke: det er for få svar, eller det kunne avsløre en liten gruppe."
    assert sentence.endswith(hidden), sentence


def test_without_figures_a_published_figure_of_another_measure_is_never_quoted(barometer_data, bokmal):
    """The summary picks its 2018 figure by the charts' rule: one that measures what the
    indicator does. Marking the figure as another measure leaves nothing to compare with."""
    from barometer.models import ReferenceFigure

    (innovated,) = indicators("innovated")
    ReferenceFigure.objects.filter(key__startswith="no2018-innovated").update(same_measure=False)
    summary = build_summary(
        None, [(innovated, OwnValue(True, 0.0))], comparison_groups(**GROUPS), workplace_type="kindergarten"
    )
    assert summary.empty


def test_the_round_is_named_as_a_round_not_as_the_object_of_a_verb(client, demo_report):
    """ "the 3,000 workplaces that answered Synthetic demo round" read as if the round were
    a question; its name now stands in quotes after "the round"."""
    invitation, response = demo_report
    client.cookies["barometer_language"] = "en"
    english = client.get(f"/s/{invitation.token}/rapport/").content.decode()
    assert re.search(r"workplaces that answered in the round “[^”]+”, with", english)
    client.cookies["barometer_language"] = "nb"
    bokmal = client.get(f"/s/{invitation.token}/rapport/").content.decode()
    assert f"som svarte i runden «{response.round.name}», med" in bokmal, response.round.name


def test_a_staff_report_s_title_names_the_workplace_not_you(admin_client, demo_report):
    """The staff page's heading said "Slik ligger ... an" while its <title> said "Rapporten
    deres", to the respondent (found by a fresh helper)."""
    _invitation, response = demo_report
    admin_client.cookies["barometer_language"] = "nb"
    html = admin_client.get(f"/rapporter/{response.pk}/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert f"Slik ligger {response.workplace.name} an" in title and "deres" not in title


def test_no_template_styles_a_non_heading_as_a_heading():
    """A `<p class="h6">` looks like a heading and is none: a screen reader cannot list it
    or jump to it (WCAG 1.3.1). A heading styled smaller keeps its level (`<h5 class="h6">`)."""
    from pathlib import Path

    from django.conf import settings

    found = []
    for folder in [*settings.TEMPLATES[0]["DIRS"], *Path(settings.BASE_DIR).glob("*/templates")]:
        for path in Path(folder).rglob("*.html"):
            # A heading whose level the includer sets (``<h{{ heading_level }}``) is one too.
            tags = re.finditer(r'<(?!h[1-6]\b|h\{\{)(\w+)\b[^>]*\bclass="[^"]*\bh[1-6]\b', path.read_text())
            found += [f"{path}: {match.group(0)}" for match in tags]
    assert not found, found


def test_the_report_page_and_its_pdf_say_which_group_is_hidden_and_which_is_shown(published_reports, admin_client):
    """The self-test's kindergarten (centrality class 2) is compared with all workplaces: the
    page, the staff's page and the PDF each name the two hidden groups, the group shown
    instead, and "Centrality class 2" further down as another group, whose figure is shown."""
    self_test = published_reports["self_test"]
    url = f"/s/{published_reports['links']['self_test']}/rapport/"
    respondent = Client()
    for client in (respondent, admin_client):
        client.cookies["barometer_language"] = "en"
    expected = [
        "The summary compares with workplaces with an innovation nationally, a wider group, because the figures "
        "for kindergartens in municipalities with the same centrality as",
        "and kindergartens nationally are not shown",
        "“Workplaces in municipalities in centrality class 2” further down is another group, with workplaces of "
        "every type.",
    ]
    pages = [respondent.get(url), admin_client.get(f"/rapporter/{self_test.pk}/")]
    for html in (page.content.decode() for page in pages):
        summary = html[html.index('id="summary-title"') : html.index("</section>")]
        summary = re.sub(r"\s+", " ", summary.replace("&#x27;", "'"))
        items = re.findall(r"<li>.*?</li>", summary)
        for words in expected:
            assert summary.count(words) == 1, words  # once, not after every item
            assert not any(words in item for item in items), words  # in no item's list entry
        # After the lists, as a paragraph of its own.
        assert summary.rindex("</ul>") < summary.index('<p class="small summary-fallback">')
        # The row it is told apart from.
        assert ">Workplaces in municipalities in centrality class 2" in html[html.index("</section>") :]
    pdf = respondent.get(f"{url}rapport.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages))
    for words in expected:
        assert text.count(words) == 1, words


def test_a_report_of_several_items_says_the_fallback_once_on_the_page_the_staff_view_and_the_pdf(
    published_reports, admin_client, self_test_round
):
    """A kindergarten's self-test that differs from most on three questions, each compared
    with workplaces with an innovation nationally: the reason is said once, after the lists,
    in no list item, on the respondent's page, the staff view and the PDF; every item names
    the group it compares with."""
    municipality = published_reports["self_test"].municipality
    response = ResponseBuilder(self_test_round).submitted(
        workplace_type=WorkplaceType.KINDERGARTEN, municipality=municipality,
        answers=innovator(collaborated_with=["users"], spread=["yes"]),
    )  # fmt: skip
    response.workplace, response.token = None, "selvtest-token-severalitems"
    response.save()
    url = f"/s/{response.token}/rapport/"
    respondent = Client()
    for client in (respondent, admin_client):
        client.cookies["barometer_language"] = "en"
    reason = "because the figures for kindergartens in municipalities with the same centrality as"
    # The headings hold for the wider group compared with ("comparable workplaces" did not).
    own, staff = respondent.get(url).content.decode(), admin_client.get(f"/rapporter/{response.pk}/").content.decode()
    assert re.search(r"Where you do (less|more) than most of those you are compared with</h3>", own)
    staff_heading = r"Where the workplace does (less|more) than most of those it is compared with</h3>"
    assert re.search(staff_heading, staff)
    assert "comparable workplaces</h3>" not in own + staff
    for html in (own, staff):
        summary = re.sub(r"\s+", " ", html[html.index('id="summary-title"') : html.index("</section>")])
        items = re.findall(r"<li>.*?</li>", summary)
        assert len(items) >= 2, items
        assert all("% of workplaces with an innovation nationally " in item for item in items), items
        assert summary.count(reason) == 1 and summary.count("not shown") == 1
        assert not any("not shown" in item or "further down" in item for item in items), items
        assert summary.rindex("</ul>") < summary.index('<p class="small summary-fallback">')
    pdf = respondent.get(f"{url}rapport.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages))
    assert text.count(reason) == 1
    # The items come before the reason (the details further down name the same group).
    assert text[: text.index(reason)].count("% of workplaces with an innovation nationally ") >= 2


def test_a_published_figure_about_every_type_says_its_base_only(barometer_data, monkeypatch):
    """Were the 2018 edition to cover every type, the sentence names the base and no types."""
    import barometer.models

    coverage = {k: v for k, v in barometer.models.EDITION_COVERAGE.items() if k != "NO-2018"}
    monkeypatch.setattr(barometer.models, "EDITION_COVERAGE", coverage)
    (external,) = indicators("external-collaboration")
    with translation.override("en"):
        (item,) = build_summary(
            None, [(external, OwnValue(True, 0.0))], comparison_groups(**GROUPS), workplace_type="kindergarten"
        ).less
    assert item.sentence.endswith(
        " In the national barometer of 2018, the figure for “Have external collaboration in innovation processes” "
        "was 6 in 10 (base: workplaces with an innovation)."
    )
