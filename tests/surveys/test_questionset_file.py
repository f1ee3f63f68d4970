"""The shipped question set as data: complete, valid, and round-tripping exactly."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.models import Question, QuestionKind, QuestionSet, QuestionSetStatus
from surveys.services.questionsets import (
    QuestionSetFileError,
    dump_questionset,
    export_questionset_data,
    import_questionset,
    publish,
    validate_questionset_data,
)
from tests.conftest import QUESTIONSET_FILE


@pytest.fixture(autouse=True)
def _in_english():
    """The file's reasons are the import command's, which runs without translations
    (English); the admin's words for a refused publication are tested in
    test_questionset_versions."""
    with translation.override("en"):
        yield


SKELETON_BLOCKS = {
    "profile": {"role"},
    "incidence": {"inc_services", "inc_processes", "inc_communication"},
    "in_progress": {"work_in_progress"},
    "newest": {"newest_description", "newest_type", "newest_break", "newest_technology", "novelty"},
    "initiation": {"initiated_by"},
    "implementation": {"implemented_by"},
    "collaboration": {"collaborated_with"},
    "value": {"value_created", "evaluated", "spread"},
    "culture": {"culture_risk", "culture_openness", "culture_recognition", "culture_collaboration", "culture_asking"},
}
INITIATION_ACTORS = {
    "leaders", "employees", "users", "private", "political", "voluntary", "research",
    "own_municipality", "outside_municipality", "unions", "other",
}  # fmt: skip


def test_shipped_file_is_valid(questionset_data):
    validate_questionset_data(questionset_data)


def test_shipped_set_covers_every_block_of_the_skeleton(question_set):
    sections = {s.code: {q.code for q in s.questions.all()} for s in question_set.sections.all()}
    for block, codes in SKELETON_BLOCKS.items():
        assert codes <= sections[block], block
    factors = {code for code in sections["factors"] if code.startswith("factor_")}
    assert len(factors) >= 8


def test_initiation_and_implementation_allow_up_to_three_of_the_same_actors(question_set):
    for code in ("initiated_by", "implemented_by"):
        question = Question.objects.get(question_set=question_set, code=code)
        assert question.kind == QuestionKind.MULTIPLE_CHOICE
        assert question.max_choices == 3
        assert {o.code for o in question.options.all()} == INITIATION_ACTORS
        assert "3" in question.text_nb or "tre" in question.text_nb


def test_collaboration_none_is_exclusive(question_set):
    options = {
        o.code: o for o in Question.objects.get(question_set=question_set, code="collaborated_with").options.all()
    }
    assert options["none"].exclusive
    assert not options["voluntary"].exclusive


def test_every_text_exists_in_all_three_languages(question_set):
    for question in Question.objects.filter(question_set=question_set).prefetch_related("options"):
        assert question.text_nb and question.text_nn and question.text_en, question.code
        assert question.text_nn != question.text_nb, question.code
        for option in question.options.all():
            assert option.label_nb and option.label_nn and option.label_en, str(option)


def test_innovation_blocks_are_shown_only_to_innovators(question_set):
    sections = {s.code: s for s in question_set.sections.all()}
    yes_options = {f"inc_{kind}.yes" for kind in ("services", "processes", "communication")}
    for code in ("newest", "initiation", "implementation", "collaboration", "value", "factors"):
        section = sections[code]
        assert section.show_if_mode == "any"
        assert {str(o) for o in section.show_if_options.all()} == yes_options
    assert sections["in_progress"].show_if_mode == "none"
    assert not sections["culture"].show_if_options.exists()


def test_export_round_trips_the_shipped_file_byte_for_byte(question_set):
    assert dump_questionset(export_questionset_data(question_set)) == QUESTIONSET_FILE.read_text(encoding="utf-8")


def test_export_command_round_trips(question_set, tmp_path):
    out = tmp_path / "export.json"
    call_command("export_questionset", "innovasjonsbarometeret", "--version", "1", "--output", str(out))
    assert out.read_text(encoding="utf-8") == QUESTIONSET_FILE.read_text(encoding="utf-8")


def test_importing_the_same_file_twice_changes_nothing(question_set, questionset_data):
    again = import_questionset(questionset_data)
    assert again.pk == question_set.pk
    assert QuestionSet.objects.count() == 1


def test_importing_changed_content_under_an_existing_version_is_refused(question_set, questionset_data):
    changed = copy.deepcopy(questionset_data)
    changed["sections"][0]["questions"][0]["required"] = False
    with pytest.raises(QuestionSetFileError, match="already exists"):
        import_questionset(changed)


def test_a_file_without_version_becomes_the_next_draft(question_set, questionset_data):
    data = copy.deepcopy(questionset_data)
    del data["version"]
    data["status"] = "draft"
    draft = import_questionset(data)
    assert (draft.version, draft.status) == (2, QuestionSetStatus.DRAFT)


@pytest.mark.parametrize(
    ("breakage", "place", "message"),
    [
        (
            lambda d: d["sections"][1]["questions"][1].update(code="inc_services"),
            "sections[1].questions[1].code",
            'duplicate question code "inc_services"',
        ),
        (
            lambda d: d["sections"][5]["questions"][0]["options"][1].update(code="leaders"),
            "sections[5].questions[0].options[1].code",
            'duplicate option code "leaders"',
        ),
        (
            lambda d: d["sections"][2]["show_if"]["options"].append("inc_services.maybe"),
            "sections[2].show_if.options",
            'unknown option "inc_services.maybe"',
        ),
        (
            lambda d: d["sections"][1]["questions"][0]["text"].update(nb=""),
            "sections[1].questions[0].text.nb",
            "the bokmål text is missing",
        ),
        (
            lambda d: d["sections"][1]["questions"][0].update(kind="slider"),
            "sections[1].questions[0].kind",
            "unknown kind",
        ),
    ],
)
def test_invalid_files_are_rejected_with_the_place_named(empty_database, questionset_data, breakage, place, message):
    data = copy.deepcopy(questionset_data)
    breakage(data)
    with pytest.raises(QuestionSetFileError) as excinfo:
        import_questionset(data)
    assert any(error.startswith(place) and message in error for error in excinfo.value.errors), excinfo.value.errors
    assert not QuestionSet.objects.exists()


def test_every_problem_is_reported_at_once(db, questionset_data):
    data = copy.deepcopy(questionset_data)
    data["title"]["nb"] = ""
    data["sections"][0]["questions"][0]["options"][0]["label"]["nb"] = ""
    with pytest.raises(QuestionSetFileError) as excinfo:
        validate_questionset_data(data)
    assert len(excinfo.value.errors) == 2


def test_import_command_reports_errors_and_stores_nothing(empty_database, tmp_path, questionset_data):
    data = copy.deepcopy(questionset_data)
    data["sections"][1]["questions"][1]["code"] = "inc_services"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match=r"sections\[1\]\.questions\[1\]\.code"):
        call_command("import_questionset", str(path))
    assert not QuestionSet.objects.exists()


def test_import_command_names_the_line_of_a_json_syntax_error(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"slug": "x",\n "version": }', encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("import_questionset", str(path))


@pytest.mark.parametrize("active_language", ["nb", "nn", "en"])
def test_import_command_loads_the_shipped_file(empty_database, active_language):
    """The command reports in English whichever language the calling thread has active."""
    out = io.StringIO()
    with translation.override(active_language):
        call_command("import_questionset", str(QUESTIONSET_FILE), stdout=out)
    assert "innovasjonsbarometeret v1 (published)" in out.getvalue()


def _first_question(kind: str, **fields):
    """A breakage that puts a new question of ``kind`` first on the first page."""

    def breakage(data):
        question = {"code": "added", "kind": kind, "text": {"nb": "Ny", "nn": "", "en": ""}, "help": {}, **fields}
        if kind == QuestionKind.MULTIPLE_CHOICE:
            question["options"] = [{"code": "a", "label": {"nb": "A", "nn": "", "en": ""}}]
        data["sections"][0]["questions"].insert(0, question)

    return breakage


def _refused(data) -> list[str]:
    """The problems an import of ``data`` reports; the database is left as it was."""
    sets_before = QuestionSet.objects.count()
    with pytest.raises(QuestionSetFileError) as excinfo:
        import_questionset(data)
    assert QuestionSet.objects.count() == sets_before
    return excinfo.value.errors


def _names(errors: list[str], place: str, message: str) -> bool:
    return any(error.startswith(f"{place}:") and message in error for error in errors)


def test_a_dotted_question_code_is_refused_not_a_crash(empty_database, questionset_data):
    data = copy.deepcopy(questionset_data)
    role = data["sections"][0]["questions"][0]
    assert role["code"] == "role"
    role["code"] = "role.x"
    data["sections"][1]["show_if"] = {"mode": "any", "options": ["role.x.unit_manager"]}
    errors = _refused(data)
    assert _names(errors, "sections[0].questions[0].code", '"role.x" is not a valid code'), errors


@pytest.mark.parametrize(
    ("breakage", "place", "value"),
    [
        (lambda d: d.update(slug="Innovasjons barometer 2025"), "(file).slug", "Innovasjons barometer 2025"),
        (lambda d: d["sections"][0].update(code="Profil"), "sections[0].code", "Profil"),
        (lambda d: d["sections"][0]["questions"][0].update(code="role type"), "sections[0].questions[0].code", ""),
        (lambda d: d["sections"][0]["questions"][0].update(code="1role"), "sections[0].questions[0].code", ""),
        (
            lambda d: d["sections"][0]["questions"][0]["options"][0].update(code="unit.manager"),
            "sections[0].questions[0].options[0].code",
            "",
        ),
        (
            lambda d: d["sections"][0]["questions"][0]["options"][0].update(code="Enhets leder"),
            "sections[0].questions[0].options[0].code",
            "",
        ),
    ],
)
def test_codes_and_the_slug_must_be_lowercase_slugs(empty_database, questionset_data, breakage, place, value):
    """Codes become export columns, "question.option" references and addresses."""
    data = copy.deepcopy(questionset_data)
    breakage(data)
    errors = _refused(data)
    assert _names(errors, place, "is not a valid"), errors
    assert value in "\n".join(errors)


@pytest.mark.parametrize(
    ("breakage", "place", "message"),
    [
        (lambda d: d.update(version=99999999999), "(file).version", "2147483647"),
        (lambda d: d.update(slug="a" * 100), "(file).slug", "longer than the 80 that fit"),
        (lambda d: d["sections"][0].update(code="s" * 61), "sections[0].code", "longer than the 60 that fit"),
        (
            lambda d: d["sections"][0]["questions"][0].update(code="q" * 70),
            "sections[0].questions[0].code",
            "longer than the 60 that fit",
        ),
        (
            lambda d: d["sections"][0]["questions"][0]["options"][0].update(code="o" * 61),
            "sections[0].questions[0].options[0].code",
            "longer than the 60 that fit",
        ),
        (lambda d: d["title"].update(nb="T" * 201), "(file).title.nb", "longer than the 200 that fit"),
        (
            lambda d: d["sections"][0]["questions"][0]["options"][0]["label"].update(en="L" * 301),
            "sections[0].questions[0].options[0].label.en",
            "longer than the 300 that fit",
        ),
        (
            _first_question(QuestionKind.TEXT, max_length=99999999999),
            "sections[0].questions[0].max_length",
            "2147483647",
        ),
        (
            _first_question(QuestionKind.NUMBER, min_value=-99999999999),
            "sections[0].questions[0].min_value",
            "-2147483648",
        ),
        (
            _first_question(QuestionKind.NUMBER, max_value=99999999999),
            "sections[0].questions[0].max_value",
            "2147483647",
        ),
        (
            _first_question(QuestionKind.MULTIPLE_CHOICE, max_choices=99999),
            "sections[0].questions[0].max_choices",
            "32767",
        ),
        (
            lambda d: d["sections"][0]["questions"][0]["options"][0].update(score=1e300),
            "sections[0].questions[0].options[0].score",
            "digits",
        ),
        (
            lambda d: d["sections"][0]["questions"][0]["options"][0].update(score=10000),
            "sections[0].questions[0].options[0].score",
            "digits",
        ),
    ],
)
def test_values_too_large_for_their_column_are_refused(empty_database, questionset_data, breakage, place, message):
    """The limits are the database columns' (Django's validators, and every backend's
    integer range), so a file that loads on SQLite also loads on PostgreSQL."""
    data = copy.deepcopy(questionset_data)
    breakage(data)
    errors = _refused(data)
    assert _names(errors, place, message), errors


@pytest.mark.parametrize(
    ("breakage", "place", "suggestion"),
    [
        (lambda d: d.update(sttus="draft"), "(file).sttus", "status"),
        (lambda d: d["sections"][0].update(show_iff=None), "sections[0].show_iff", "show_if"),
        (
            lambda d: d["sections"][0]["questions"][0].update(requried=False),
            "sections[0].questions[0].requried",
            "required",
        ),
        (
            _first_question(QuestionKind.MULTIPLE_CHOICE, max_choise=2),
            "sections[0].questions[0].max_choise",
            "max_choices",
        ),
        (
            lambda d: d["sections"][0]["questions"][0]["options"][0].update(exclusiv=True),
            "sections[0].questions[0].options[0].exclusiv",
            "exclusive",
        ),
        (lambda d: d["sections"][2]["show_if"].update(mdoe="none"), "sections[2].show_if.mdoe", "mode"),
    ],
)
def test_unknown_keys_are_refused_at_every_level(empty_database, questionset_data, breakage, place, suggestion):
    """A misspelt key would otherwise be ignored, and its value silently replaced by the default."""
    data = copy.deepcopy(questionset_data)
    breakage(data)
    errors = _refused(data)
    assert _names(errors, place, f'unknown key; did you mean "{suggestion}"?'), errors


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_a_score_that_is_not_a_finite_number_is_refused(empty_database, tmp_path, number):
    text = QUESTIONSET_FILE.read_text(encoding="utf-8")
    path = tmp_path / "nan.json"
    path.write_text(text.replace('"score": 1,', f'"score": {number},', 1), encoding="utf-8")
    with pytest.raises(CommandError, match=r"options\[\d+\]\.score: must be a finite number"):
        call_command("import_questionset", str(path))
    assert not QuestionSet.objects.exists()


def test_a_key_given_twice_in_one_object_is_refused(empty_database, tmp_path):
    text = QUESTIONSET_FILE.read_text(encoding="utf-8")
    path = tmp_path / "twice.json"
    path.write_text(text.replace('"required": true,', '"required": true,\n"required": false,', 1), encoding="utf-8")
    with pytest.raises(CommandError, match=r'sections\[0\]\.questions\[0\]: the key "required" is given 2 times'):
        call_command("import_questionset", str(path))
    assert not QuestionSet.objects.exists()


@pytest.mark.parametrize("score", [0.125, 1 / 3])
def test_a_score_with_more_decimals_than_stored_is_refused(empty_database, questionset_data, score):
    """Rounding it would store another number than the file's, and refuse the same file next time."""
    data = copy.deepcopy(questionset_data)
    data["sections"][0]["questions"][0]["options"][0]["score"] = score
    errors = _refused(data)
    assert _names(errors, "sections[0].questions[0].options[0].score", "has more than 2 decimals"), errors


def test_a_score_with_two_decimals_is_stored_exactly_and_loads_again(empty_database, questionset_data):
    data = copy.deepcopy(questionset_data)
    data["sections"][0]["questions"][0]["options"][0]["score"] = 0.25
    loaded = import_questionset(data)
    assert import_questionset(copy.deepcopy(data)).pk == loaded.pk
    assert export_questionset_data(loaded)["sections"][0]["questions"][0]["options"][0]["score"] == 0.25


def test_a_draft_file_of_a_version_published_since_is_already_loaded(empty_database, questionset_data, tmp_path):
    """The admin's file is the same content; the version moved on by being published."""
    data = copy.deepcopy(questionset_data)
    data["status"] = "draft"
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    call_command("import_questionset", str(path), stdout=io.StringIO())
    draft = QuestionSet.objects.get()
    publish(draft)
    out = io.StringIO()
    call_command("import_questionset", str(path), stdout=out)
    assert "is already loaded and has been published since; nothing changed" in out.getvalue()
    assert QuestionSet.objects.get().status == QuestionSetStatus.PUBLISHED
    changed = copy.deepcopy(data)
    changed["sections"][0]["questions"][0]["required"] = False
    with pytest.raises(QuestionSetFileError, match="already exists with other content"):
        import_questionset(changed)


def test_a_published_file_of_a_version_loaded_as_a_draft_publishes_it(empty_database, questionset_data, tmp_path):
    draft_data = copy.deepcopy(questionset_data)
    draft_data["status"] = "draft"
    import_questionset(draft_data)
    path = tmp_path / "published.json"
    path.write_text(json.dumps(questionset_data), encoding="utf-8")
    out = io.StringIO()
    call_command("import_questionset", str(path), "--dry-run", stdout=out)
    assert "would be published" in out.getvalue()
    assert QuestionSet.objects.get().status == QuestionSetStatus.DRAFT
    out = io.StringIO()
    call_command("import_questionset", str(path), stdout=out)
    assert "was loaded as a draft before; it is now published" in out.getvalue()
    assert QuestionSet.objects.get().status == QuestionSetStatus.PUBLISHED


@pytest.mark.parametrize(
    ("model", "field", "bad", "good"),
    [("QuestionSet", "slug", "Innovasjonsbarometer", "innovasjonsbarometer-2025"),
     ("Section", "code", "Role", "role"), ("Question", "code", "role-x", "role_x"),
     ("Option", "code", "unit-manager", "6")],
)  # fmt: skip
def test_the_admin_s_forms_hold_codes_to_the_file_s_rule(model, field, bad, good):
    """The import refuses codes that are not lowercase slugs; the admin's forms took
    "Role" and "role-x" (SlugField's rule, which the model's clean_fields runs for a form),
    and publishing then refused them."""
    from django.core.exceptions import ValidationError

    from surveys import models

    model_field = getattr(models, model)._meta.get_field(field)
    with translation.override("nb"):
        with pytest.raises(ValidationError) as refused:
            model_field.clean(bad, None)
        assert "små bokstav" in refused.value.messages[0]  # a lazy message: read in bokmål
    assert model_field.clean(good, None) == good


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)


def _places(value, path=()):
    """Every place in a parsed JSON document, as a path of keys and indexes."""
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _places(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _places(child, (*path, index))


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=st.data(), replacement=_JSON_VALUES)
def test_any_value_anywhere_is_refused_with_its_place_or_accepted_never_a_crash(questionset_data, place, replacement):
    """A list for "status", a list in "show_if" and the like raised TypeError out of the
    check (found by a tester): whatever a file holds at any place, the check either accepts
    it or names the problems, and never raises anything else."""
    data = copy.deepcopy(questionset_data)
    path = place.draw(st.sampled_from(list(_places(data))[1:]))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = replacement
    try:
        validate_questionset_data(data)
    except QuestionSetFileError as exc:
        assert exc.errors


@pytest.mark.parametrize(
    ("content", "message"),
    [("[]", "must be a JSON object"), ("null", "must be a JSON object"), ('"x"', "must be a JSON object"),
     ('{"version": ' + "9" * 5000 + "}", "not a question set"), ("[" * 100_000, "nested too deep")],
)  # fmt: skip
def test_a_file_that_is_no_question_set_at_all_is_refused_in_one_line(tmp_path, db, content, message):
    path = tmp_path / "sett.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("import_questionset", str(path))


def test_a_question_code_the_set_already_has_is_a_form_error_not_a_500(question_set):
    """The admin's form leaves out the question's set (it follows the section), so Django
    skipped the unique code per set and the database refused the row (found by a tester)."""
    from django.core.exceptions import ValidationError

    existing = Question.objects.filter(question_set=question_set).first()
    twin = Question(
        section=existing.section, code=existing.code, position=999, kind=QuestionKind.TEXT,
        text_nb="Et annet spørsmål", required=False,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        twin.full_clean(exclude=["question_set"])  # as the admin's form calls it
    assert "code" in str(refused.value).lower() or "kode" in str(refused.value).lower()
