"""The bare page the bench compares respondent pages with: a minimal Django project with one
view returning a fixed 5 KB HTML page, served by the same gunicorn command as the app.

    gunicorn scripts.bare_site:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-bare-page",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

_HEAD = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bare page</title></head><body><main><p>'
_TAIL = "</p></main></body></html>"
_FILLER = "Innovation barometer bare page. " * 200
PAGE = (_HEAD + _FILLER[: 5120 - len(_HEAD) - len(_TAIL)] + _TAIL).encode()  # 5 KB exactly


def page(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]
application = get_wsgi_application()
