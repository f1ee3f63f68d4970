"""Error pages in the site's style; they never show a stack trace."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the failure may lie in anything a context needs.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
