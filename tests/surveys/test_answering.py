"""Answering the barometer through an invitation link, page by page, as a manager would."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from barometer.engine.figures import resolved_indicators
from barometer.engine.indicators import OwnValue, evaluate
from surveys.models import Answer, AnswerChoice, Invitation, Response, ResponseStatus
from surveys.questionnaire import AnswerValues, Questionnaire
from tests.answering import INNOVATOR_ANSWERS, NON_INNOVATOR_ANSWERS, answer_all, option_id, post_data

INNOVATION_SECTIONS = ["newest", "initiation", "implementation", "collaboration", "value", "factors"]


@pytest.fixture
def invitation(national_round, workplace):
    return Invitation.objects.create(round=national_round, workplace=workplace, email="rektor@example.invalid")


def url(invitation, page=""):
    return f"/s/{invitation.token}/{page}"


def section_url(invitation, code):
    return url(invitation, f"del/{code}/")


def stored_codes(response, question_code):
    return set(
        AnswerChoice.objects.filter(response=response, option__question__code=question_code).values_list(
            "option__code", flat=True
        )
    )


def test_innovator_answers_every_block_and_gets_the_report(client, invitation, question_set):
    visited = answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    assert visited == ["profile", "incidence", *INNOVATION_SECTIONS, "culture"]
    review = client.get(url(invitation, "oppsummering/"))
    assert review.status_code == 200
    assert "Digital tilsynsliste" in review.content.decode()
    submitted = client.post(url(invitation, "oppsummering/"))
    assert submitted["Location"] == url(invitation, "rapport/")
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED and response.submitted_at
    assert response.question_set == question_set
    assert stored_codes(response, "initiated_by") == {"employees", "leaders"}
    report = client.get(submitted["Location"])
    assert report.status_code == 200
    assert "Digital tilsynsliste" in report.content.decode()


def test_non_innovator_skips_the_innovation_blocks(client, invitation, question_set):
    visited = answer_all(client, invitation.token, question_set, NON_INNOVATOR_ANSWERS)
    assert visited == ["profile", "incidence", "in_progress", "culture"]
    client.post(url(invitation, "oppsummering/"))
    response = Response.objects.get()
    assert response.is_submitted
    assert not Answer.objects.filter(response=response, question__section__code__in=INNOVATION_SECTIONS).exists()


def test_a_dont_know_answer_is_never_reported_as_no(client, invitation, question_set, barometer_data):
    """ "Vet ikke" to the last innovation question (and to work in progress) read "Dere har
    ikke ..." and "Nei" in the report: the workplace did not say no. The figures still count
    it as not yes, and the report says so."""
    answers = {**NON_INNOVATOR_ANSWERS, "work_in_progress": "dont_know"}
    answer_all(client, invitation.token, question_set, answers)
    client.post(url(invitation, "oppsummering/"))
    report = client.get(url(invitation, "rapport/"))
    rows = {row.indicator.key: row for row in report.context["report"].rows}
    for key in ("innovated", "work-in-progress"):
        row = rows[key]
        assert row.own.value == 0.0 and row.own.unsure == "dont_know" and row.own_unsure == "Vet ikke"
        assert row.sentence.startswith(
            "Dere svarte «vet ikke». I tallene telles virksomheten deres blant dem dette ikke stemmer for."
        )
        assert not row.suggestion
    html = report.content.decode()
    assert "<td>Vet ikke</td>" in html and "Dere har ikke innovasjonsarbeid på gang" not in html
    summary = report.context["report"].summary
    assert all(item.indicator.key not in ("innovated", "work-in-progress") for item in summary.less + summary.more)
    # A firm "no" to all three is still a no; "yes" to any is a yes, whatever else was said.
    spec = next(item.spec for item in resolved_indicators(question_set.pk) if item.spec.key == "innovated")

    def chosen(*codes):
        questions = ("inc_services", "inc_processes", "inc_communication")
        return {int(option_id(question_set, q, code)) for q, code in zip(questions, codes, strict=True)}

    assert evaluate(spec, chosen("no", "no", "no")) == OwnValue(applies=True, value=0.0)
    assert evaluate(spec, chosen("no", "dont_know", "yes")) == OwnValue(applies=True, value=1.0)
    assert evaluate(spec, chosen("dont_know", "no", "no")).unsure == "dont_know"


def test_progress_counts_the_parts_this_respondent_sees(client, invitation, question_set):
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    page = client.get(section_url(invitation, "newest"))
    assert page.context["progress"] == {"number": 3, "total": 9, "percent": 33, "skipped": False}
    assert "3 of 9" in page.content.decode() or "3 av 9" in page.content.decode()
    assert "hoppet over" not in page.content.decode()
    # A non-innovator sees 4 of the 9 parts: the welcome page does not promise exactly 9.
    assert "inntil 9 deler, avhengig av svarene deres" in client.get(url(invitation)).content.decode()


def test_progress_says_why_the_number_of_parts_shrank(client, invitation, question_set):
    """After "no innovation" the count went from "part 2 of 9" to "part 3 of 4" unexplained."""
    answer_all(client, invitation.token, question_set, NON_INNOVATOR_ANSWERS)
    page = client.get(section_url(invitation, "culture"))
    assert page.context["progress"]["total"] == 4 and page.context["progress"]["skipped"]
    label = page.content.decode().split('id="progress-label">', 1)[1].split("</p>", 1)[0]
    assert "Del 4 av 4" in label and "deler som ikke gjelder ut fra svarene deres, er hoppet over" in label, label


def test_the_register_profile_is_shown_for_confirmation(client, invitation):
    page = client.get(section_url(invitation, "profile")).content.decode()
    assert "Eksempelvik skole" in page
    assert invitation.workplace.municipality.name in page


def test_a_page_with_a_required_answer_missing_is_refused(client, invitation, question_set):
    response = client.post(section_url(invitation, "incidence"), {"action": "next"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and 'href="#id_inc_services_0"' in page
    assert not Answer.objects.exists()


def _innovator_until(client, invitation, question_set, section_code):
    for code, fields in [("profile", ["role"]), ("incidence", ["inc_services", "inc_processes", "inc_communication"])]:
        client.post(section_url(invitation, code), post_data(question_set, fields, INNOVATOR_ANSWERS))
    return section_url(invitation, section_code)


@pytest.mark.parametrize(
    ("section", "data_of", "error"),
    [
        ("initiation", {"initiated_by": ["employees", "leaders", "users", "private"]}, "at most 3"),
        ("collaboration", {"collaborated_with": ["none", "users"]}, "cannot be combined"),
    ],
)
def test_choice_rules_are_enforced(client, invitation, question_set, section, data_of, error):
    Invitation.objects.filter(pk=invitation.pk).update(language="en")
    target = _innovator_until(client, invitation, question_set, section)
    before = Answer.objects.count()
    response = client.post(target, post_data(question_set, list(data_of), data_of))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Answer.objects.count() == before


def test_an_option_of_another_question_is_an_error_never_stored(client, invitation, question_set):
    target = _innovator_until(client, invitation, question_set, "initiation")
    foreign = option_id(question_set, "collaborated_with", "users")
    response = client.post(target, {"action": "next", "initiated_by": [foreign]})
    assert response.status_code == 400
    assert not Answer.objects.filter(question__code="initiated_by").exists()


@pytest.mark.parametrize("value", ["999999999", "abc", "", "-1"])
def test_unknown_option_ids_are_errors(client, invitation, question_set, value):
    response = client.post(section_url(invitation, "profile"), {"action": "next", "role": value})
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_several_values_for_a_single_choice_question_are_an_error(client, invitation, question_set):
    data = {
        "action": "next",
        "role": [option_id(question_set, "role", "deputy"), option_id(question_set, "role", "other")],
    }
    assert client.post(section_url(invitation, "profile"), data).status_code == 400
    assert not Answer.objects.exists()


def test_the_same_option_twice_is_an_error(client, invitation, question_set):
    target = _innovator_until(client, invitation, question_set, "initiation")
    employees = option_id(question_set, "initiated_by", "employees")
    response = client.post(target, {"action": "next", "initiated_by": [employees, employees]})
    assert response.status_code == 400
    assert not Answer.objects.filter(question__code="initiated_by").exists()


def test_a_huge_text_is_refused(client, invitation, question_set):
    target = _innovator_until(client, invitation, question_set, "newest")
    answers = {**INNOVATOR_ANSWERS, "newest_description": "x" * 1001}
    codes = ["newest_description", "newest_type", "newest_break", "newest_technology", "novelty"]
    response = client.post(target, post_data(question_set, codes, answers))
    assert response.status_code == 400
    assert not Answer.objects.filter(question__section__code="newest").exists()
    # The numbers grouped as the help text's ("Høyst 1 000 tegn."), not "1000".
    assert "Skriv høyst 1\xa0000 tegn. Denne teksten har 1\xa0001." in response.content.decode()
    # The browser stops typing (or cuts a paste) at the limit without a word: the page says
    # the limit beforehand, in the help the text area points to.
    page = client.get(target).content.decode()
    help_id = re.search(r'<textarea[^>]*aria-describedby="([^" ]+)', page).group(1)
    assert re.search(rf'id="{help_id}"[^>]*>[^<]*Høyst 1\xa0000 tegn\.', page), page[page.find(help_id) :][:400]


def test_control_characters_are_removed_from_text(client, invitation, question_set):
    target = _innovator_until(client, invitation, question_set, "newest")
    answers = {**INNOVATOR_ANSWERS, "newest_description": "Ny\x07 rutine\x1b"}
    codes = ["newest_description", "newest_type", "newest_break", "newest_technology", "novelty"]
    assert client.post(target, post_data(question_set, codes, answers)).status_code == 302
    assert Answer.objects.get(question__code="newest_description").text_value == "Ny rutine"


def test_going_back_keeps_valid_partial_answers(client, invitation, question_set):
    target = _innovator_until(client, invitation, question_set, "initiation")
    employees = option_id(question_set, "initiated_by", "employees")
    response = client.post(target, {"action": "back", "initiated_by": [employees]})
    assert response["Location"] == section_url(invitation, "newest")
    assert stored_codes(Response.objects.get(), "initiated_by") == {"employees"}
    # ... and an empty page may be left with "back" without an error.
    assert client.post(section_url(invitation, "newest"), {"action": "back"}).status_code == 302


def test_a_change_from_the_review_returns_to_the_review(client, invitation, question_set):
    """On a phone, "Next" after "Change" paged through every later part again (a fresh
    respondent's finding); from the review it goes back there, and a part the change makes
    necessary is listed there as not answered."""
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    review = client.get(url(invitation, "oppsummering/")).content.decode()
    change = section_url(invitation, "profile") + "?fra=oppsummering"
    assert f'href="{change}"' in review
    page = client.get(change).content.decode()
    assert "Tilbake til oppsummeringen" in page and f'action="{change}"' in page
    saved = client.post(change, post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    assert saved["Location"] == url(invitation, "oppsummering/")
    # Without coming from the review, "Next" goes on as before.
    onward = client.post(section_url(invitation, "profile"), post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    assert onward["Location"] != url(invitation, "oppsummering/")
    # A change that makes a new required question appear goes to it first (the review only
    # said "not answered" there, and only submitting said why), then back to the review.
    no_innovation = {**INNOVATOR_ANSWERS, "inc_services": "no", "work_in_progress": "no"}
    fields = ["inc_services", "inc_processes", "inc_communication"]
    changed = client.post(
        section_url(invitation, "incidence") + "?fra=oppsummering", post_data(question_set, fields, no_innovation)
    )
    assert changed["Location"] == section_url(invitation, "in_progress") + "?fra=oppsummering"
    # Leaving it unanswered, the review still names the part to answer.
    missing = client.post(url(invitation, "oppsummering/"))
    assert [entry["section"].code for entry in missing.context["missing"]] == ["in_progress"]
    # The review's link to that part comes back to the review too.
    assert f'href="{section_url(invitation, "in_progress")}?fra=oppsummering"' in missing.content.decode()
    answered = client.post(changed["Location"], post_data(question_set, ["work_in_progress"], no_innovation))
    assert answered["Location"] == url(invitation, "oppsummering/")


def test_answers_that_became_unreachable_are_removed_on_submit(client, invitation, question_set):
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    # The manager changes their mind: nothing new after all.
    no_innovation = {**INNOVATOR_ANSWERS, "inc_services": "no", "work_in_progress": "no"}
    client.post(
        section_url(invitation, "incidence"),
        post_data(question_set, ["inc_services", "inc_processes", "inc_communication"], no_innovation),
    )
    review = client.post(url(invitation, "oppsummering/"))
    assert review.status_code == 400  # the newly shown question is not answered yet
    assert [entry["section"].code for entry in review.context["missing"]] == ["in_progress"]
    client.post(section_url(invitation, "in_progress"), post_data(question_set, ["work_in_progress"], no_innovation))
    assert client.post(url(invitation, "oppsummering/"))["Location"].endswith("/rapport/")
    response = Response.objects.get()
    assert not Answer.objects.filter(response=response, question__section__code__in=INNOVATION_SECTIONS).exists()
    assert Answer.objects.filter(response=response, question__code="culture_risk").exists()


def test_a_hidden_section_cannot_be_opened_directly(client, invitation, question_set):
    answer_all(client, invitation.token, question_set, NON_INNOVATOR_ANSWERS)
    response = client.get(section_url(invitation, "initiation"))
    assert response["Location"] == url(invitation)


def test_a_page_works_out_which_parts_are_shown_once(client, invitation, question_set, monkeypatch):
    """The page's own check, the progress bar and the neighbours all ask which parts are
    shown; the answer is worked out once a page, from one pass over the conditions."""
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    client.get(section_url(invitation, "newest"))  # the questionnaire is kept in memory now
    passes = []
    original = Questionnaire._shown
    monkeypatch.setattr(Questionnaire, "_shown", lambda self, *args: passes.append(1) or original(self, *args))
    page = client.get(section_url(invitation, "newest"))
    assert page.status_code == 200 and page.context["progress"]["number"] == 3
    sections = len(Questionnaire.of(question_set).sections)
    # One pass over the sections that are shown, and one for the page's own questions.
    assert len(passes) <= sections + 1


def test_which_parts_are_shown_follows_the_answers_as_they_change(question_set):
    questionnaire = Questionnaire.of(question_set)
    values = AnswerValues()
    codes = lambda: [section.code for section in questionnaire.visible_sections(values)]  # noqa: E731
    before = codes()
    assert "newest" not in before and "in_progress" in before and codes() == before
    # A "yes" to a kind of innovation, stored on the same values, brings the innovation parts.
    services = next(question for question in questionnaire.questions if question.code == "inc_services")
    values.options[services.pk] = [int(option_id(question_set, "inc_services", "yes"))]
    assert "newest" in codes() and "in_progress" not in codes()
    assert [section.code for section in questionnaire.visible_sections(AnswerValues())] == before


def test_submitting_twice_gives_one_submission(client, invitation, question_set):
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    first = client.post(url(invitation, "oppsummering/"))
    submitted_at = Response.objects.get().submitted_at
    second = client.post(url(invitation, "oppsummering/"))
    assert first["Location"] == second["Location"] == url(invitation, "rapport/")
    assert Response.objects.get().submitted_at == submitted_at


def test_a_submitted_response_cannot_be_changed(client, invitation, question_set):
    answer_all(client, invitation.token, question_set, INNOVATOR_ANSWERS)
    client.post(url(invitation, "oppsummering/"))
    response = client.post(section_url(invitation, "profile"), post_data(question_set, ["role"], {"role": "other"}))
    assert response["Location"] == url(invitation, "rapport/")
    assert stored_codes(Response.objects.get(), "role") == {"unit_manager"}
    assert client.get(url(invitation))["Location"] == url(invitation, "rapport/")


def test_save_and_continue_later_shows_and_emails_the_resume_link(client, invitation, question_set):
    data = post_data(question_set, ["role"], INNOVATOR_ANSWERS, action="save")
    response = client.post(section_url(invitation, "profile"), data)
    assert response["Location"] == url(invitation, "lagret/")
    page = client.get(response["Location"]).content.decode()
    assert f"/s/{invitation.token}/" in page
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rektor@example.invalid"]
    assert f"/s/{invitation.token}/" in mail.outbox[0].body
    # Opening the link again continues at the first unanswered part.
    assert client.get(url(invitation)).context["next_url"] == section_url(invitation, "incidence")


def test_an_unknown_link_gets_a_helpful_404(client, db):
    response = client.get("/s/not-a-real-token/")
    assert response.status_code == 404
    assert "whole link" in response.content.decode() or "hele lenken" in response.content.decode()


def test_a_round_not_yet_open_says_when_it_opens(client, invitation):
    round_ = invitation.round
    round_.opens_at = timezone.now() + timedelta(days=3)
    round_.closes_at = timezone.now() + timedelta(days=30)
    round_.save()
    response = client.get(url(invitation))
    assert response.status_code == 403
    assert response.templates[0].name == "surveys/round_not_open.html"


def test_a_closed_round_refuses_answers(client, invitation, question_set):
    round_ = invitation.round
    round_.opens_at = timezone.now() - timedelta(days=30)
    round_.closes_at = timezone.now() - timedelta(days=1)
    round_.save()
    assert client.get(url(invitation)).templates[0].name == "surveys/round_closed.html"
    response = client.post(section_url(invitation, "profile"), post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_a_refused_form_gets_a_clear_page(client, invitation, question_set):
    from django.test import Client

    client.post(section_url(invitation, "profile"), post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    saved = Answer.objects.count()
    strict = Client(enforce_csrf_checks=True)
    strict.get(url(invitation))  # the CSRF cookie; the form's token is not sent
    answers = post_data(question_set, ["inc_services"], INNOVATOR_ANSWERS)
    response = strict.post(section_url(invitation, "incidence"), answers)
    assert response.status_code == 403
    assert response.templates[0].name == "csrf_failure.html"
    assert Answer.objects.count() == saved
    # Respondents are "dere" here as on every other page they meet.
    page = response.content.decode()
    assert "sidene dere fylte ut" in page and "Hvis dere brukte" in page and " du " not in page


def test_the_response_remembers_its_language(client, invitation, question_set):
    client.post("/i18n/setlang/", {"language": "nn", "next": url(invitation)})
    client.post(section_url(invitation, "profile"), post_data(question_set, ["role"], INNOVATOR_ANSWERS))
    assert Response.objects.get().language == "nn"
    from django.test import Client

    other_device = Client()
    page = other_device.get(section_url(invitation, "incidence")).content.decode()
    assert '<html lang="nn">' in page
    nn_text = question_set.questions.get(code="inc_services").text_nn
    assert nn_text in page


def test_invitation_language_is_used_on_first_visit(client, national_round, workplace):
    invitation = Invitation.objects.create(round=national_round, workplace=workplace, language="en")
    page = client.get(url(invitation)).content.decode()
    assert '<html lang="en">' in page
    assert Response.objects.get().language == "en"
