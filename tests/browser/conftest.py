"""Browser tests: Playwright drives Debian's Chromium against pytest-django's ``live_server``.

Every test in this folder is marked ``browser`` (deselect them with ``-m "not browser"``).
Chromium comes from the distribution (``apt-get install -y chromium``); ``playwright install``
is never needed. Without Chromium the tests are skipped, unless ``REQUIRE_BROWSER=1`` (as in CI)
turns that into a failure.

Fixtures: ``browser`` (one per module), ``page`` (a fresh context per test: 1280x900, nb-NO),
``axe`` (the axe-core violations on the current page), ``assert_accessible`` (fails listing
them), ``accessibility_audit`` (axe on page after page, failing once at the end with every
violation met) and ``screenshot`` (saves to ``artifacts/screenshots/``, which git ignores).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE_FILE = HERE / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = HERE.parents[1] / "artifacts" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    """Mark the tests of this folder (and only these) as browser tests."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _live_server_sends_at_once():
    """The live server's sockets with Nagle's algorithm off (``TCP_NODELAY``).

    Django's test server writes a response's headers and its body in two sends. With Nagle's
    algorithm on, the body then waits for the browser to acknowledge the headers, and the
    browser delays that acknowledgement by up to 40 ms: every page of the walks took about
    50 ms to arrive instead of 15-20 ms. Production servers (gunicorn) set ``TCP_NODELAY``
    themselves.
    """
    from django.test.testcases import QuietWSGIRequestHandler

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(QuietWSGIRequestHandler, "disable_nagle_algorithm", True)
        yield


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module.

    While Playwright's sync API is running it keeps an asyncio event loop registered as running
    in the test thread, and Django then refuses every ORM call from that thread
    (SynchronousOnlyOperation): fixtures, database assertions and pytest-django's own flush.
    The tests never run async code, so the guard is switched off with DJANGO_ALLOW_ASYNC_UNSAFE,
    but only for as long as the browser lives. That is why this fixture is not session-scoped:
    Playwright would then outlive the browser tests, and the variable would have to stay set for
    every later test, including the subprocess `check --deploy` run by tests/test_project.py,
    which rightly fails with async.E001 when it sees it.
    """
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium is not installed at {CHROMIUM}: apt-get install -y chromium")
        pytest.skip("Chromium is not installed: apt-get install -y chromium (browser tests skipped)")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def new_context(browser):
    """Open a browser context as a Norwegian user (nothing shared with other contexts); closed after the test."""
    contexts = []

    def open_context(**options):
        settings = {"viewport": VIEWPORT, "locale": "nb-NO", **options}
        context = browser.new_context(**settings)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# Accessibility: axe-core ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SOURCE_FILE.read_text(encoding="utf-8")


@pytest.fixture
def axe(axe_source) -> Callable:
    """``axe(page)``: the WCAG 2.1 A/AA violations axe-core finds on the page as it is now.

    axe is injected with ``page.evaluate``, which a Content-Security-Policy does not restrict
    (a <script> tag added to the page would be). Only violations are asked for
    (``resultTypes``): axe still runs every rule of the tags and reports every violating
    node, but skips collecting the nodes that pass, which took about a tenth of each run.
    """

    def run(page) -> list[dict]:
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        return page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {
                    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
                });
                return result.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
                }));
            }""",
            AXE_TAGS,
        )

    return run


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"][:3]:
            lines.append(f"    at {node['target']}: {node['html'][:300]}")
        if len(violation["nodes"]) > 3:
            lines.append(f"    ... and {len(violation['nodes']) - 3} more")
    return "\n".join(lines)


@pytest.fixture
def assert_accessible(axe) -> Callable:
    """``assert_accessible(page, label)``: fail, listing every axe violation, unless there are none."""

    def check(page, label: str) -> None:
        violations = axe(page)
        assert not violations, f"axe found accessibility violations on {label} ({page.url}):\n" + describe_violations(
            violations
        )

    return check


# Artefacts ------------------------------------------------------------------------------------


@pytest.fixture
def screenshot(request) -> Iterator[Callable]:
    """``screenshot(page, name)``: a full-page PNG in artifacts/screenshots/, named after the test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = request.node.name.removeprefix("test_")

    def take(page, name: str) -> Path:
        width = page.viewport_size["width"] if page.viewport_size else VIEWPORT["width"]
        path = SCREENSHOTS / f"{prefix}--{name}--{width}px.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    yield take


class AccessibilityAudit:
    """axe-core on page after page, remembering every violation so that one run reports them all.

    ``check(page, label)`` runs axe on the page as it is now; ``assert_clean()`` fails listing
    every page with a violation. ``checked`` holds the labels of every page checked, in order.
    """

    def __init__(self, axe: Callable):
        self._axe = axe
        self.checked: list[str] = []
        self.failures: dict[str, str] = {}

    def check(self, page, label: str) -> None:
        violations = self._axe(page)
        self.checked.append(label)
        if violations:
            self.failures[f"{label} ({page.url})"] = describe_violations(violations)

    def assert_clean(self) -> None:
        report = "\n".join(f"{label}:\n{violations}" for label, violations in self.failures.items())
        assert not self.failures, (
            f"axe found accessibility violations on {len(self.failures)} of {len(self.checked)} pages:\n{report}"
        )


@pytest.fixture
def accessibility_audit(axe) -> AccessibilityAudit:
    """``accessibility_audit.check(page, label)`` page after page, then ``.assert_clean()``."""
    return AccessibilityAudit(axe)


# The site the walks visit ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def _site_rows(django_db_setup, django_db_blocker):
    """The site's rows (``tests/browser/site.py``), built once per test process, then
    flushed away: ``(KeptRows, keys)``. Building took about 10 s a test, most of it
    publishing the earlier round."""
    from tests.browser.site import build_site
    from tests.conftest import shipped_question_set
    from tests.shared_data import KeptRows

    with django_db_blocker.unblock():
        return KeptRows.build(lambda: build_site(shipped_question_set(django_db_setup)), django_db_setup)


@pytest.fixture
def site(transactional_db, _site_rows, django_user_model):
    """The site's rows put back as they were built, with an administrator and an analyst
    (a ``tests.browser.site.Site``)."""
    from tests.browser.site import open_site

    kept, keys = _site_rows
    kept.restore()
    return open_site(keys, django_user_model)
