"""make loadtest, two-server mode: the app as a deployment that has outgrown one machine.

    python scripts/loadtest.py --two-servers [--seconds 75] [--managers 50]

1. a throwaway PostgreSQL cluster (as scripts/loadtest.py) and a redis-server of its own on a
   free port (never the shared one at 6379), both on 127.0.0.1;
2. two gunicorn instances (deploy/gunicorn.conf.py, production settings and limits,
   TRUSTED_PROXIES=127.0.0.1/32) sharing that database and that cache;
3. Debian's nginx in front, terminating TLS with a throwaway self-signed certificate, run
   with deploy/nginx.conf, the file the README shows (only its @@NAME@@ values filled in);
4. simulated clients, each bound to a source address of its own in 127.0.0.0/8 (so nginx
   sees distinct clients; no client ever sends X-Forwarded-For):
   - 50 managers answer the questionnaire with 1-3 s of thinking per page and submit,
     spread over both servers by nginx;
   - an analyst checks that a submit through one server shows at once in the live table
     (the fieldwork dashboard) read directly from the other;
   - one address tries wrong links and one tries wrong passwords: the limits must count
     across both servers;
5. halfway through, one gunicorn is killed abruptly (SIGKILL to master and workers). nginx
   retries idempotent requests on the other server; the only acceptable failures are
   502/503 for requests in flight on the killed server, and a manager whose submit got no
   answer repeats it (which must be harmless);
6. the database check of scripts/loadtest.py: every confirmed submission stored completely
   and once. The access logs of nginx and gunicorn must not contain a single token.

Everything it started is stopped at the end, also on failure.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import ssl
import statistics
import subprocess
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from loadtest import CHECK, PYTHON, ROOT, SETUP, Cluster, app_env, django, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
ANALYST_PASSWORD = "loadtest-analyst-password-1"
EXTRA_SETUP = f"""
from django.contrib.auth.models import Group, User
analyst = User.objects.create_user("analytiker", password="{ANALYST_PASSWORD}")
analyst.groups.add(Group.objects.get(name="Analytikere"))
"""


# --- The throwaway servers ------------------------------------------------------------------


def render_nginx_conf(work: Path, listen: int, servers: list[str], certificate: Path, key: Path) -> Path:
    """deploy/nginx.conf with its @@NAME@@ values filled in; nothing else is changed."""
    values = {
        "RUN_DIR": str(work / "nginx"),
        "LISTEN": f"127.0.0.1:{listen}",
        "SERVER_NAME": "127.0.0.1",
        "TLS_CERTIFICATE": str(certificate),
        "TLS_CERTIFICATE_KEY": str(key),
        "APP_SERVER_1": servers[0],
        "APP_SERVER_2": servers[1],
    }
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text = re.sub(r"@@([A-Z0-9_]+)@@", lambda match: values[match.group(1)], text)
    (work / "nginx").mkdir(exist_ok=True)
    path = work / "nginx" / "nginx.conf"
    path.write_text(text)
    return path


def self_signed_certificate(work: Path) -> tuple[Path, Path]:
    certificate, key = work / "tls.crt", work / "tls.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


class Processes:
    """Processes started here, each in a session of its own, stopped in reverse order."""

    def __init__(self):
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], log: Path, **kwargs) -> subprocess.Popen:
        handle = log.open("ab")
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True, **kwargs)
        self.started.append((name, process))
        return process

    def stop_all(self):
        for _name, process in reversed(self.started):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=20)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)


# --- Clients ---------------------------------------------------------------------------------


class Recorder:
    """Every request: its kind, status (or exception), start, end."""

    def __init__(self):
        self.lock = threading.Lock()
        self.records: list[tuple[str, str, float, float]] = []

    def add(self, kind: str, outcome: str, started: float, ended: float):
        with self.lock:
            self.records.append((kind, outcome, started, ended))


class Client:
    """One visitor: one source address, a keep-alive connection, cookies kept by hand."""

    def __init__(self, host: str, port: int, source: str, recorder: Recorder, *, tls: ssl.SSLContext | None):
        self.host, self.port, self.source, self.recorder, self.tls = host, port, source, recorder, tls
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.scheme_host = f"https://{host}:{port}"

    def _connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            if self.tls is not None:
                self.connection = http.client.HTTPSConnection(
                    self.host, self.port, timeout=60, source_address=(self.source, 0), context=self.tls
                )
            else:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=60, source_address=(self.source, 0)
                )
        return self.connection

    def request(self, method: str, path: str, kind: str, data: dict | None = None) -> tuple[int, dict, str]:
        """(status, headers, body); status 0 when no answer came (the exception is recorded)."""
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.tls is None:
            headers["X-Forwarded-Proto"] = "https"  # direct to gunicorn, as nginx would say
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"{self.scheme_host}{path}"
            headers["Origin"] = self.scheme_host
        started = time.time()
        for attempt in (1, 2):
            reused = self.connection is not None
            try:
                connection = self._connect()
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as exc:
                if self.connection is not None:
                    self.connection.close()
                self.connection = None
                # A kept-alive connection the server closed while idle: like a browser, try
                # once more on a new connection (the server never saw the request).
                stale = isinstance(exc, http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError)
                if attempt == 1 and reused and stale:
                    continue
                self.recorder.add(kind, type(exc).__name__, started, time.time())
                return 0, {}, ""
        self.recorder.add(kind, str(response.status), started, time.time())
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, {key.lower(): value for key, value in response.getheaders()}, text

    def get(self, path: str, kind: str):
        return self.request("GET", path, kind)

    def post(self, path: str, data: dict, kind: str):
        return self.request("POST", path, kind, data)


class FormParser(HTMLParser):
    """The CSRF token and the radio and checkbox groups of the page's main form."""

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


def form_of(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


def until_answered(call, attempts: int = 20):
    """Repeat a request that got no answer or 502/503, as a person would after a moment."""
    for _ in range(attempts):
        status, headers, text = call()
        if status not in {0, 502, 503, 504}:
            return status, headers, text
        time.sleep(1)
    return status, headers, text


def answer_questionnaire(client: Client, token: str, think: tuple[float, float]) -> tuple[str, int] | None:
    """Opens the invitation and answers every page; (review URL, answers sent) or None."""
    status, _headers, text = until_answered(lambda: client.get(f"/s/{token}/", "welcome"))
    found = re.search(r'href="(/s/[^"]+/del/[^"]+/)"', text) if status == 200 else None
    if not found:
        return None
    url, answered = found.group(1), 0
    for _page in range(15):
        status, _headers, text = until_answered(lambda url=url: client.get(url, "questionnaire page"))
        if status != 200:
            return None
        form = form_of(text)
        data: dict[str, object] = {"csrfmiddlewaretoken": form.csrf, "action": "next"}
        for name, values in form.radios.items():
            data[name] = values[0]
            answered += 1
        for name, values in form.checkboxes.items():
            data[name] = [values[0]]
            answered += 1
        time.sleep(random.uniform(*think))
        # Saving a page again is harmless (it stores the same answers), so a lost answer is repeated.
        status, headers, _text = until_answered(lambda url=url, data=data: client.post(url, data, "questionnaire save"))
        if status != 302:
            return None
        url = headers["location"]
        if url.endswith("/oppsummering/"):
            return url, answered
    return None


def submit(client: Client, review_url: str) -> bool:
    """Submits; a submit that got no answer is repeated (a second submit is harmless)."""
    status, _headers, text = until_answered(lambda: client.get(review_url, "review"))
    if status != 200:
        return False
    csrf = form_of(text).csrf
    status, headers, _text = until_answered(lambda: client.post(review_url, {"csrfmiddlewaretoken": csrf}, "submit"))
    return status == 302 and headers.get("location", "").endswith("/rapport/")


def login(client: Client, username: str, password: str, kind: str = "login") -> int:
    _status, _headers, text = client.get("/konto/login/", "login page")
    csrf = form_of(text).csrf
    status, _headers, _text = client.post(
        "/konto/login/", {"csrfmiddlewaretoken": csrf, "username": username, "password": password}, kind
    )
    return status


def submitted_today(client: Client) -> int | None:
    status, _headers, text = client.get("/statistikk/runder/last/", "live table")
    if status != 200:
        return None
    table = text.split('id="days-caption"', 1)[-1].split("</table>", 1)[0]
    return sum(int(re.sub(r"\D", "", cell)) for cell in re.findall(r"<td>([\d\s\u00a0\u202f]+)</td>", table))


# --- The run ----------------------------------------------------------------------------------


def percentiles(durations: list[float]) -> dict[str, float]:
    if len(durations) < 2:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    cuts = statistics.quantiles(durations, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000), "p95": round(cuts[94] * 1000), "p99": round(cuts[98] * 1000)}


def run(args) -> int:
    work = Path(tempfile.mkdtemp(prefix="barometer-loadtest2-"))
    work.chmod(0o755)  # nginx's worker processes read the certificate
    processes = Processes()
    cluster = Cluster(work, free_port())
    redis_port, nginx_port = free_port(), free_port()
    app_ports = [free_port(), free_port()]
    env = app_env(cluster, work, nginx_port)
    env.pop("TOKEN_FAILURE_RATE", None)  # production limits
    env.update(
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        TRUSTED_PROXIES="127.0.0.1/32",
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{nginx_port}",
        LOADTEST_INVITATIONS=str(args.managers * 8),
        LOADTEST_BACKGROUND=str(args.background),
        LOG_LEVEL="WARNING",
    )
    recorder = Recorder()
    try:
        print(f"Throwaway PostgreSQL on 127.0.0.1:{cluster.port}, redis on {redis_port}, in {work}")
        cluster.create()
        processes.start(
            "redis", [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            work / "redis.log",
        )  # fmt: skip
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        print(f"Loading data ({args.background} synthetic background responses) ...")
        django(SETUP + EXTRA_SETUP, env)
        servers = []
        for number, port in enumerate(app_ports, start=1):
            servers.append(
                processes.start(
                    f"gunicorn {number}",
                    [
                        str(Path(PYTHON).parent / "gunicorn"),
                        "-c",
                        str(ROOT / "deploy" / "gunicorn.conf.py"),
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(args.workers),
                        "--threads",
                        "2",
                        "--preload",
                    ],
                    work / f"gunicorn-{number}.log",
                    cwd=ROOT,
                    env=env,
                )
            )
        certificate, key = self_signed_certificate(work)
        conf = render_nginx_conf(work, nginx_port, [f"127.0.0.1:{port}" for port in app_ports], certificate, key)
        subprocess.run([NGINX, "-t", "-q", "-p", str(work / "nginx"), "-c", str(conf), "-e", str(work / "nginx" /
                        "nginx-error.log")], check=True)  # fmt: skip
        processes.start(
            "nginx", [NGINX, "-p", str(work / "nginx"), "-c", str(conf), "-e", str(work / "nginx" / "nginx-error.log"),
                      "-g", "daemon off;"], work / "nginx.log",
        )  # fmt: skip
        tls = ssl.create_default_context(cafile=str(certificate))
        for port in app_ports:
            wait_until_up(lambda port=port: Client("127.0.0.1", port, "127.0.0.1", Recorder(), tls=None).get("/", "-"))
        wait_until_up(lambda: Client("127.0.0.1", nginx_port, "127.0.0.2", Recorder(), tls=tls).get("/", "-"))
        tokens = json.loads((work / "invitations.json").read_text())
        return load(args, work, tokens, nginx_port, app_ports, servers, tls, recorder, env)
    finally:
        processes.stop_all()
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def wait_until_up(call, seconds: float = 60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if call()[0] == 200:
            return
        time.sleep(0.5)
    raise SystemExit("a server did not come up")


def load(args, work, tokens, nginx_port, app_ports, servers, tls, recorder, env) -> int:
    queue = list(tokens)
    queue_lock = threading.Lock()
    confirmed: list[dict] = []
    killed: dict[str, float] = {}
    findings: dict[str, object] = {}

    def manager(number: int):
        client = Client("127.0.0.1", nginx_port, f"127.0.0.{10 + number}", recorder, tls=tls)
        time.sleep(random.uniform(0, 5))  # they do not all start in the same second
        while time.time() < stop_at:
            with queue_lock:
                token = queue.pop() if queue else None
            if token is None:
                return
            answered = answer_questionnaire(client, token, think=(1, 3))
            if answered is None:
                continue
            review_url, count = answered
            time.sleep(random.uniform(1, 3))
            if submit(client, review_url):
                confirmed.append({"token": token, "answers": count})

    def analyst():
        """A submit through server 1 must show at once on server 2, before the kill."""
        second = Client("127.0.0.1", app_ports[1], "127.0.0.1", recorder, tls=None)
        respondent = Client("127.0.0.1", app_ports[0], "127.0.0.1", recorder, tls=None)
        findings["analyst_login"] = login(second, "analytiker", ANALYST_PASSWORD)
        with queue_lock:
            token = queue.pop()
        answered = answer_questionnaire(respondent, token, think=(0, 0.2))
        before = submitted_today(second)
        ok = answered is not None and submit(respondent, answered[0])
        after = submitted_today(second)
        if ok:
            confirmed.append({"token": token, "answers": answered[1]})
        findings["live_table"] = {"before": before, "after": after, "submitted_through_server_1": ok}

    def wrong_links():
        """One client tries wrong links through nginx: the limit (30/h) counts across both servers."""
        client = Client("127.0.0.1", nginx_port, "127.0.0.201", recorder, tls=tls)
        statuses = [client.get(f"/s/wrong-link-{number:03d}/", "wrong link")[0] for number in range(32)]
        other = Client("127.0.0.1", nginx_port, "127.0.0.202", recorder, tls=tls)
        findings["wrong_links"] = {
            "statuses": {str(status): statuses.count(status) for status in sorted(set(statuses))},
            "first_429_at": statuses.index(429) + 1 if 429 in statuses else None,
            "another_client_then": other.get(f"/s/{tokens[0]}/", "welcome")[0],
        }

    def wrong_passwords():
        """Five wrong passwords from one address lock that user name at that address (axes,
        in the database) on both servers; the analyst elsewhere is not locked out."""
        client = Client("127.0.0.1", nginx_port, "127.0.0.203", recorder, tls=tls)
        statuses: list[int] = []
        # Five wrong passwords that got an answer; the fifth is the one that locks.
        while len([status for status in statuses if status in {200, 429}]) < 5 and len(statuses) < 10:
            statuses.append(login(client, "analytiker", "wrong-password", kind="login (wrong)"))
        locked = [login(client, "analytiker", ANALYST_PASSWORD, kind="login (locked)") for _ in range(2)]
        elsewhere = Client("127.0.0.1", nginx_port, "127.0.0.204", recorder, tls=tls)
        findings["wrong_passwords"] = {
            "wrong": statuses,
            "right_password_after_five_wrong": locked,
            "right_password_from_another_address": login(elsewhere, "analytiker", ANALYST_PASSWORD),
        }

    def killer():
        time.sleep(max(0.0, kill_at - time.time()))
        killed["at"] = time.time()
        os.killpg(servers[0].pid, signal.SIGKILL)  # master and workers, no goodbye
        servers[0].wait()
        print(f"Killed gunicorn 1 (pid {servers[0].pid}) at {killed['at'] - start:.1f} s")

    # The checks that need both servers up run first, the load with the kill after them.
    analyst()
    wrong_links()
    wrong_passwords()
    start = time.time()
    stop_at = start + args.seconds
    kill_at = start + args.seconds / 2
    threads = [threading.Thread(target=manager, args=(number,)) for number in range(args.managers)]
    threads += [threading.Thread(target=killer)]
    print(f"Load: {args.managers} managers for {args.seconds} s; gunicorn 1 is killed at {args.seconds / 2:.0f} s")
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 240)
    elapsed = time.time() - start

    (work / "confirmed.json").write_text(json.dumps(confirmed))
    stored = json.loads(django(CHECK, env).strip().splitlines()[-1])
    kill_time = killed.get("at", float("inf"))
    by_kind: dict[str, list[float]] = {}
    failures: dict[str, int] = {}
    unacceptable: list[str] = []
    for kind, outcome, started, ended in recorder.records:
        by_kind.setdefault(kind, []).append(ended - started)
        if outcome.isdigit() and int(outcome) < 500:
            continue
        in_flight = started <= kill_time + 0.5 and ended >= kill_time
        label = f"{outcome} {'in flight at the kill' if in_flight else 'other'}"
        failures[label] = failures.get(label, 0) + 1
        if not (in_flight and outcome in {"502", "503"}):
            unacceptable.append(f"{kind}: {outcome} at {started - start:.1f}-{ended - start:.1f} s")
    logs = "".join(path.read_text(errors="replace") for path in [*work.glob("gunicorn-*.log"), work / "nginx" /
                   "nginx-access.log"] if path.exists())  # fmt: skip
    leaked = sum(logs.count(token) for token in tokens)
    live = findings.get("live_table", {})
    links = findings.get("wrong_links", {})
    passwords = findings.get("wrong_passwords", {})
    checks = {
        "no unacceptable failures": not unacceptable,
        "every confirmed submission stored once and complete": not stored["problems"]
        and stored["duplicate_confirmations"] == 0,
        "confirmed == stored": stored["confirmed"] == stored["submitted_in_db"] and stored["confirmed"] > 0,
        "submit through server 1 seen at once on server 2": live.get("after") is not None
        and live.get("before") is not None
        and live["after"] == live["before"] + 1,
        "wrong links limited at the 31st across both servers": links.get("first_429_at") == 31
        and links.get("another_client_then") == 200,
        "lockout counts across both servers": all(
            status == 429 for status in passwords.get("right_password_after_five_wrong", [0])
        )
        and passwords.get("right_password_from_another_address") == 302,
        "no token in any access log": leaked == 0,
        "a server was killed": "at" in killed,
    }
    kinds = {
        kind: {"requests": len(durations), **percentiles(durations)} for kind, durations in sorted(by_kind.items())
    }
    report = {
        "seconds": round(elapsed),
        "requests": len(recorder.records),
        "all": percentiles([duration for durations in by_kind.values() for duration in durations]),
        "kinds": kinds,
        "failures": failures,
        "unacceptable": unacceptable[:20],
        "confirmed": stored["confirmed"],
        "stored": stored["submitted_in_db"],
        "problems": stored["problems"][:10],
        "duplicates": stored["duplicate_confirmations"],
        "findings": findings,
        "tokens_in_logs": leaked,
        "checks": checks,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    ok = all(checks.values())
    print("RESULT:", "PASS" if ok else "FAIL", "" if ok else [name for name, passed in checks.items() if not passed])
    return 0 if ok else 1
