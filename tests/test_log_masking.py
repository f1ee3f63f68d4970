"""Links in logs (issue 13, item 6): no respondent-link token reaches the gunicorn access
log, Django's "Not Found" warnings or an error e-mail."""

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import override_settings
from gunicorn.config import Config

from config.logmasking import MaskedAdminEmailHandler, MaskedGunicornLogger, mask_tokens
from surveys.models import Invitation

TOKEN = "Zq3xV9aLr0mKp2YtWc8HbN4dUe6FgJ1sTo5RiQ7wXyE"


def test_masking_keeps_the_rest_of_the_path():
    assert mask_tokens(f"GET /s/{TOKEN}/del/profil/?x=1 HTTP/1.1") == "GET /s/…/del/profil/?x=1 HTTP/1.1"
    assert mask_tokens(f"/konto/login/?next=%2Fs%2F{TOKEN}%2F") == "/konto/login/?next=%2Fs%2F…%2F"
    assert mask_tokens("/statistikk/data/svar.csv") == "/statistikk/data/svar.csv"


def test_not_found_warnings_mask_the_token(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(f"/s/{TOKEN}/").status_code == 404
    assert "Not Found" in caplog.text and "/s/…/" in caplog.text
    assert TOKEN not in caplog.text


def test_a_server_error_on_a_link_is_logged_and_e_mailed_without_the_token(client, national_round, workplace,
                                                                           monkeypatch, caplog):  # fmt: skip
    invitation = Invitation.objects.create(round=national_round, workplace=workplace)

    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr("surveys.views.response_for_invitation", broken)
    client.raise_request_exception = False
    with override_settings(ADMINS=[("Admin", "admin@example.invalid")]), caplog.at_level(logging.ERROR):
        assert client.get(f"/s/{invitation.token}/", HTTP_REFERER=f"https://x/s/{invitation.token}/").status_code == 500
        handler = MaskedAdminEmailHandler(include_html=True)
        for record in caplog.records:
            handler.emit(record)
    assert invitation.token not in caplog.text
    assert mail.outbox, "no error e-mail was sent"
    for message in mail.outbox:
        assert invitation.token not in message.subject + message.body
        assert all(invitation.token not in html for html, _type in message.alternatives)
        assert "/s/…/" in message.body


def test_the_gunicorn_access_log_masks_the_token():
    logger = MaskedGunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"/s/{TOKEN}/rapport/", "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": f"/s/{TOKEN}/rapport/", "QUERY_STRING": "", "HTTP_REFERER": f"https://x.no/s/{TOKEN}/",
        "REMOTE_ADDR": "127.0.0.1",
    }  # fmt: skip
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, SimpleNamespace(headers=[("REFERER", f"/s/{TOKEN}/")]), environ, timedelta(0))
    line = logger.cfg.access_log_format % atoms
    assert TOKEN not in line and TOKEN not in str(atoms)
    assert "/s/…/rapport/" in line


@pytest.mark.parametrize("path", ["deploy/nginx.conf"])
def test_the_nginx_example_logs_a_masked_path(path):
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / path).read_text()
    assert "log_format" in text and "$masked_request" in text
    assert "$request " not in text.split("log_format", 1)[1].split(";", 1)[0]


def test_the_readme_shows_the_nginx_configuration_the_load_test_runs():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    assert (root / "deploy" / "nginx.conf").read_text().strip() in (root / "README.md").read_text()
