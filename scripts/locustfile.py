"""Simulated managers and report readers for make loadtest (run by scripts/loadtest.py).

Managers open an invitation, answer every page with 1-3 seconds of thinking between pages,
and submit; readers open finished reports and their charts. The site runs with production
settings behind a pretend TLS proxy: every request says ``X-Forwarded-Proto: https``, and
cookies (marked Secure) are carried by hand, since the connection itself is plain HTTP on
127.0.0.1.

While the database is down (the fault run restarts it) the site answers 503; a manager
then waits and tries the same page again, as a person would. Those 503s are counted
separately; any other 5xx is an error.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, events, task

WORK_DIR = Path(os.environ["LOADTEST_DIR"])
INVITATIONS = json.loads((WORK_DIR / "invitations.json").read_text())
READER_TOKENS = json.loads((WORK_DIR / "readers.json").read_text())
HEADERS = {"X-Forwarded-Proto": "https"}

_lock = threading.Lock()
_next_invitation = 0
confirmed: list[dict] = []
status_counts: dict[str, int] = {}


def take_invitation() -> str | None:
    global _next_invitation
    with _lock:
        if _next_invitation >= len(INVITATIONS):
            return None
        token = INVITATIONS[_next_invitation]
        _next_invitation += 1
        return token


@events.request.add_listener
def count_statuses(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    bucket = "503" if status == 503 else f"{status // 100}xx" if status else "no response"
    with _lock:
        status_counts[bucket] = status_counts.get(bucket, 0) + 1


@events.quitting.add_listener
def write_results(environment, **kwargs):
    (WORK_DIR / "confirmed.json").write_text(json.dumps(confirmed))
    (WORK_DIR / "statuses.json").write_text(json.dumps(status_counts))


class FormParser(HTMLParser):
    """The inputs of the page's main form: radio groups, checkbox groups, text fields."""

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.radios: dict[str, list[str]] = {}
        self.checkboxes: dict[str, list[str]] = {}
        self.csrf = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag != "input" or not self.in_main:
            return
        kind, name, value = attributes.get("type"), attributes.get("name"), attributes.get("value")
        if name == "csrfmiddlewaretoken":
            self.csrf = value or ""
        elif kind == "radio":
            self.radios.setdefault(name, []).append(value)
        elif kind == "checkbox":
            self.checkboxes.setdefault(name, []).append(value)


class Browser:
    """Cookies carried by hand: they are Secure, and the test connection is plain HTTP."""

    def __init__(self, client):
        self.client = client
        self.cookies: dict[str, str] = {}

    def _remember(self, response):
        for header in response.raw.headers.getlist("Set-Cookie") if hasattr(response.raw, "headers") else []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def _headers(self):
        headers = dict(HEADERS)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def get(self, url, name):
        response = self.client.get(url, headers=self._headers(), name=name, allow_redirects=False)
        self._remember(response)
        return response

    def post(self, url, data, name):
        # Django checks the Referer of HTTPS form posts against the host.
        host = self.client.base_url.split("://", 1)[1].rstrip("/")
        headers = {**self._headers(), "Referer": f"https://{host}{url}"}
        response = self.client.post(url, data=data, headers=headers, name=name, allow_redirects=False)
        self._remember(response)
        return response


def patiently(call, attempts=40):
    """Repeat a request while the site says 503 (the database is restarting)."""
    for _ in range(attempts):
        response = call()
        if response.status_code != 503:
            return response
        time.sleep(1.5)
    return response


class Manager(HttpUser):
    weight = 5
    wait_time = between(1, 3)

    def on_start(self):
        self.client.cookies.clear()

    @task
    def answer_the_barometer(self):
        token = take_invitation()
        if token is None:
            time.sleep(1)
            return
        browser = Browser(self.client)
        welcome = patiently(lambda: browser.get(f"/s/{token}/", "welcome"))
        if welcome.status_code != 200:
            return
        url = re.search(r'href="(/s/[^"]+/del/[^"]+/)"', welcome.text)
        if not url:
            return
        url = url.group(1)
        answered = 0
        for _page in range(15):
            page = patiently(lambda url=url: browser.get(url, "questionnaire page"))
            if page.status_code != 200:
                return
            form = FormParser()
            form.feed(page.text)
            data = {"csrfmiddlewaretoken": form.csrf, "action": "next"}
            for name, values in form.radios.items():
                data[name] = values[0]  # "yes" where there is one: the longest path
                answered += 1
            for name, values in form.checkboxes.items():
                data[name] = [values[0]]
                answered += 1
            time.sleep(random.uniform(1, 3))  # reading and thinking
            saved = patiently(lambda url=url, data=data: browser.post(url, data, "questionnaire save"))
            if saved.status_code != 302:
                return
            url = saved.headers["Location"]
            if url.endswith("/oppsummering/"):
                break
        review = patiently(lambda: browser.get(url, "review"))
        form = FormParser()
        form.feed(review.text)
        time.sleep(random.uniform(1, 3))
        submitted = patiently(lambda: browser.post(url, {"csrfmiddlewaretoken": form.csrf}, "submit"))
        if submitted.status_code == 302 and submitted.headers["Location"].endswith("/rapport/"):
            with _lock:
                confirmed.append({"token": token, "answers": answered})
            patiently(lambda: browser.get(submitted.headers["Location"], "report"))


class Reader(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.client.cookies.clear()

    @task
    def read_a_report(self):
        token = random.choice(READER_TOKENS)
        browser = Browser(self.client)
        patiently(lambda: browser.get(f"/s/{token}/rapport/", "report"))
        patiently(lambda: browser.get(f"/s/{token}/rapport/figur/shares.svg", "report chart"))
