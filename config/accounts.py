"""The login form's messages: what to do, in the page's language, as every other form says it
(Django's own say "This field is required."), and a logout address that can be opened."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's ``AuthenticationForm`` with messages that say what to write."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Write your user name.")
        self.fields["password"].error_messages["required"] = _("Write your password.")


class LogoutView(auth_views.LogoutView):
    """Django's ``LogoutView`` (which logs out on POST only, against cross-site logouts),
    answering a GET, such as a bookmark or a typed address, with a page that asks and has
    the button, instead of a blank 405. A visitor who is not signed in goes to the front
    page (``LOGOUT_REDIRECT_URL``)."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            # As Django's own POST does: the address as it is, never taken for a view name
            # (``redirect("0")`` would try to reverse "0" and fail with a 500).
            return HttpResponseRedirect(self.get_success_url())
        return render(request, "registration/logout_confirm.html")
