"""Malformed query parameters (issue 13, item 3): whatever a visitor puts in the query
string (NUL bytes, huge values, wrong types, odd Unicode), no page answers 5xx.

The property test draws, for every URL of the site and the admin's list pages, a visitor
(each kind of user) and a query string, with a bounded number of examples per view
(``QUERY_EXAMPLES_PER_VIEW``, 8 by default; CI can raise it)."""

import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.test_permissions import PERSONAS, _world, client_for, concrete_url, url_names, world  # noqa: F401 - fixtures

EXAMPLES_PER_VIEW = int(os.environ.get("QUERY_EXAMPLES_PER_VIEW", "8"))
# Names the site's pages read (the admin's list pages draw from their own list filters).
KNOWN_NAMES = ["round", "group", "size_class", "centrality", "county", "vekting", "next", "q", "page"]
ODD_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
VALUES = st.one_of(
    st.just("\x00"),
    ODD_TEXT.map(lambda text: text + "\x00"),
    ODD_TEXT,
    st.integers().map(str),
    st.integers(min_value=2**63 - 5, max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "-1", "0", "1e999", "null", "[]", "{}", "' OR 1=1 --", "%00", "\u202e", "ﷺ", "𝔘"]),
    st.integers(min_value=1001, max_value=20_000).map(lambda n: "9" * n),
)


def test_a_nul_byte_in_an_export_parameter_is_refused_cleanly(world):  # noqa: F811
    client = client_for("analyst", world)
    for path in ("/statistikk/data/svar.csv", "/statistikk/data/svar.xlsx", "/statistikk/data/kodebok.csv"):
        assert client.get(path, {"round": "\x00"}).status_code == 400
        assert client.get(path, {"round": "no such round"}).status_code == 404
    admin = client_for("admin", world)
    assert admin.get("/admin/surveys/round/", {"slug": "\x00"}).status_code == 400


def _admin_filter_names(name: str) -> list[str]:
    """The query names an admin list page accepts: its list filters, search, ordering, page."""
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        if name == f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist":
            names = []
            for field_path in model_admin.list_filter:
                if not isinstance(field_path, str):  # a filter class names its own parameter
                    continue
                field = model._meta.get_field(field_path.split("__")[0])
                names.append(f"{field_path}__id__exact" if field.is_relation else f"{field_path}__exact")
            if model_admin.date_hierarchy:
                names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
            return [*names, "q", "o", "p"]
    return []


def _property_for(name: str, url: str, world):  # noqa: F811
    base, _sep, fixed = url.partition("?")
    admin_names = _admin_filter_names(name)
    names = st.sampled_from(admin_names) if admin_names else st.one_of(st.sampled_from(KNOWN_NAMES), ODD_TEXT)
    personas = ("admin",) if admin_names else PERSONAS  # everyone else is sent to the login page
    queries = st.lists(st.tuples(names, VALUES), max_size=4)
    nul_everywhere = [(key, "\x00") for key in admin_names or ["round", "county", "group", "q"]]

    @settings(max_examples=EXAMPLES_PER_VIEW, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(persona=st.sampled_from(personas), query=queries)
    @example(persona=personas[-1], query=nul_everywhere[:1])
    @example(persona=personas[-1], query=nul_everywhere[-1:])
    def no_server_error(persona, query):
        client = client_for(persona, world)
        client.raise_request_exception = False
        data: dict[str, list[str]] = {}
        for key, value in ([tuple(fixed.split("=", 1))] if fixed else []) + query:
            data.setdefault(key, []).append(value)
        status = client.get(base, data).status_code
        assert status < 500, f"{name} {base} {data!r} as {persona}: {status}"

    return no_server_error


def _date_hierarchy_pages() -> list[tuple[str, str]]:
    """(changelist URL, date_hierarchy field) of every registered admin that has one."""
    from django.contrib import admin
    from django.urls import reverse

    return [
        (reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"), model_admin.date_hierarchy)
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    ]


def test_a_huge_date_in_any_admin_date_hierarchy_is_refused_cleanly(world):  # noqa: F811
    """``?started_at__year=99999999999999999999999`` overflowed ``datetime()`` in the admin."""
    admin = client_for("admin", world)
    admin.raise_request_exception = False
    pages = _date_hierarchy_pages()
    assert ("/admin/axes/accesslog/", "attempt_time") in pages and len(pages) >= 3
    huge = "9" * 23
    for url, field in pages:
        for query in (
            {f"{field}__year": huge},
            {f"{field}__year": "-" + huge},
            {f"{field}__year": "2026", f"{field}__month": huge},
            {f"{field}__year": "2026", f"{field}__month": "1", f"{field}__day": huge},
        ):
            status = admin.get(url, query).status_code
            assert status in (302, 400), f"{url} {query}: {status}"
        # An ordinary date and a non-number still work as Django's admin intends.
        assert admin.get(url, {f"{field}__year": "2026"}).status_code == 200
        assert admin.get(url, {f"{field}__year": "abc"}).status_code == 302  # ?e=1


def test_a_year_at_the_ends_of_the_calendar_or_a_pattern_is_refused_on_every_admin_list(world):  # noqa: F811
    """Year 1 is year 0 in UTC and 9999 has no year after it: both overflowed in the admin,
    also as a date value and in full-width digits; a regular expression the database cannot
    compile made every list fail (found by a tester)."""
    from django.contrib import admin as admin_site
    from django.urls import reverse

    admin = client_for("admin", world)
    admin.raise_request_exception = False
    for url, field in _date_hierarchy_pages():
        for query in (
            {f"{field}__year": "1"},
            {f"{field}__year": "\uff11"},
            {f"{field}__year": "9999"},
            {f"{field}__gte": "0001-01-01"},
            {f"{field}__lt": "9999-12-31 23:59:59"},
        ):
            status = admin.get(url, query).status_code
            assert status == 400, f"{url} {query}: {status}"
        assert admin.get(url, {f"{field}__year": "1998"}).status_code == 200
        assert admin.get(url, {f"{field}__gte": "2018-01-01T00:00:00+01:00"}).status_code in (200, 302)
    for model in admin_site.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in ({"id__regex": "("}, {"pk__iregex": "["}):
            status = admin.get(url, query).status_code
            assert status == 400, f"{url} {query}: {status}"


def test_no_query_string_makes_any_page_fail(world):  # noqa: F811
    views = [(name, pattern) for name, pattern in url_names() if not name.startswith("admin:")]
    views += [(name, pattern) for name, pattern in url_names() if name.endswith("_changelist")]
    failures = []
    for name, pattern in views:
        try:
            _property_for(name, concrete_url(name, pattern, world, "admin"), world)()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, failures
