"""Query budgets of the respondent's pages (issue 16).

Every SQL statement a request sends counts, except transaction control and savepoints:
Django's session and rate-limit machinery and the cache included. Each budget holds with
the default cache (the database cache, no ``REDIS_URL``) and with Redis, on SQLite and on
PostgreSQL (run with ``DATABASE_URL``). Counts are exact, not timings: a page over budget
means a round trip was added to every respondent's request.
"""

from __future__ import annotations

import os

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from surveys.models import Invitation, Response
from surveys.questionnaire import Questionnaire
from tests.answering import INNOVATOR_ANSWERS, post_data

# A questionnaire page shown, a page saved, the review shown, the response submitted.
SHOW, SAVE, REVIEW, SUBMIT = 4, 8, 10, 10
# The front page, the self-test's start (form shown, profile sent), the welcome page of a
# started response, and the workplace report once its body is cached. Starting a self-test
# creates a draft, so it is counted for the per-address throttle (issue 13) like a saved
# page: in the shared cache, which on the database cache costs a count, a read and a write.
# The welcome page reads the answers in the link's own statement: that one statement.
# The cached workplace report: the link with every relation the report reads and the
# latest published round (one statement), and the cached body with its figures version.
HOME, SELF_TEST_FORM, SELF_TEST_START, WELCOME, REPORT_CACHED = 2, 2, 6, 1, 2
# The welcome page and the first questionnaire page show the workplace as registered: its
# name and municipality come in the link's own statement, with the answers: one statement.
PROFILE_PAGE = 1
# A self-test's link is looked for among the invitations first: one statement more.
SELF_TEST_LINK = 1
# A self-test's report ranks the national rounds to find the one it compares with: one more.
SELF_TEST_REPORT_ROUND = 1
# The first report of a round computes its figures; still a fixed number of queries (on
# PostgreSQL two more: a draft-only round counts from its answers with its own work_mem).
REPORT_COLD = 32

CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
REDIS_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
        # Each test process (pytest-xdist worker) clears only its own keys.
        "KEY_PREFIX": "barometer-query-budget-test-" + os.environ.get("PYTEST_XDIST_WORKER", "main"),
        "TIMEOUT": 60,
    }
}


def statements(captured) -> list[str]:
    """The statements that count: everything but transaction control and savepoints."""
    return [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith(CONTROL)]


class Budget:
    """Runs a request and fails, listing the SQL, when it sends more statements than allowed."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def __call__(self, label: str, limit: int, request):
        with CaptureQueriesContext(connection) as captured:
            result = request()
        sql = statements(captured.captured_queries)
        self.counts[label] = len(sql)
        assert len(sql) <= limit, f"{label}: {len(sql)} statements, budget {limit}:\n" + "\n".join(sql)
        return result


@pytest.fixture(params=["database cache", "redis"])
def cache_setup(request, db):
    """The default cache configuration, then Redis (database 15, a key prefix of its own)."""
    if request.param == "database cache":
        caches["default"].clear()
        yield request.param
        return
    with override_settings(CACHES=REDIS_CACHE):
        cache = caches["default"]
        try:
            cache.get("ping")
        except Exception:  # any connection error means there is no Redis here
            pytest.skip("no Redis at 127.0.0.1:6379")
        cache.delete_pattern("*")  # only this prefix's keys
        yield request.param
        cache.delete_pattern("*")


def walk(client: Client, budget: Budget, token: str, question_set, extra: int = 0) -> str:
    """Answer the whole questionnaire as an innovator, checking every page; the review URL.
    ``extra``: statements a link of this kind costs more than an invitation's."""
    page = budget("welcome (first visit)", 20, lambda: client.get(f"/s/{token}/"))
    page = budget("welcome", WELCOME + extra, lambda: client.get(f"/s/{token}/"))
    url = page.context["next_url"]
    first = url
    while not url.endswith("/oppsummering/"):
        limit = PROFILE_PAGE + extra if url.endswith("/del/profile/") else SHOW
        page = budget(f"show {url}", limit, lambda url=url: client.get(url))
        assert page.status_code == 200
        data = post_data(question_set, list(page.context["form"].fields), INNOVATOR_ANSWERS)
        saved = budget(f"save {url}", SAVE, lambda url=url, data=data: client.post(url, data))
        assert saved.status_code == 302, saved.context and saved.context["form"].errors
        url = saved["Location"]
    # Going back and saving a page again replaces its answers: still within budget.
    page = client.get(first)
    data = post_data(question_set, list(page.context["form"].fields), INNOVATOR_ANSWERS)
    assert budget("save again", SAVE, lambda: client.post(first, data)).status_code == 302
    return url


@pytest.mark.parametrize("kind", ["invitation", "self-test"])
def test_every_respondent_page_keeps_its_query_budget(
    cache_setup, kind, barometer_data, national_round, self_test_round, workplace, municipality
):
    Questionnaire.clear_cache()
    client = Client()
    budget = Budget()
    budget("front page", HOME, lambda: client.get("/"))
    if kind == "invitation":
        token = Invitation.objects.create(round=national_round, workplace=workplace).token
        question_set = national_round.question_set
    else:
        assert budget("self-test form", SELF_TEST_FORM, lambda: client.get("/selvtest/")).status_code == 200
        profile = {"workplace_type": workplace.workplace_type, "municipality": municipality.pk, "employees": 12}
        started = budget("self-test start", SELF_TEST_START, lambda: client.post("/selvtest/", profile))
        assert started.status_code == 302
        token = Response.objects.get(round=self_test_round).token
        question_set = self_test_round.question_set
    review = walk(client, budget, token, question_set, extra=0 if kind == "invitation" else SELF_TEST_LINK)
    assert budget("review", REVIEW, lambda: client.get(review)).status_code == 200
    submitted = budget("submit", SUBMIT, lambda: client.post(review, {}))
    assert submitted.status_code == 302
    report = submitted["Location"]
    assert budget("report (computed)", REPORT_COLD, lambda: client.get(report)).status_code == 200
    extra = 0 if kind == "invitation" else SELF_TEST_LINK + SELF_TEST_REPORT_ROUND
    assert budget("report (cached)", REPORT_CACHED + extra, lambda: client.get(report)).status_code == 200


def test_valid_links_cost_no_rate_limit_or_cache_statement(db, national_round, workplace):
    """Only failed links are counted: a valid link's page reads no cache table at all."""
    token = Invitation.objects.create(round=national_round, workplace=workplace).token
    client = Client()
    client.get(f"/s/{token}/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/s/{token}/").status_code == 200
    assert not [sql for sql in statements(captured.captured_queries) if "barometer_cache" in sql]
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/s/not-a-link/").status_code == 404
    assert [sql for sql in statements(captured.captured_queries) if "barometer_cache" in sql]
