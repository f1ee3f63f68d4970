from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from config.accounts import LoginForm, LogoutView

urlpatterns = [
    path("", include("surveys.urls")),
    path("", include("barometer.report_urls")),
    # Django's own view (``django.conf.urls.i18n``), without the CSRF check. The language
    # cookie is a preference, not an authority: a forged switch can do no more than show
    # the next page in another of the three languages, which the visitor sees and switches
    # back. The view still refuses a ``next`` on another site and changes nothing on GET.
    # So the language form carries no CSRF token, and a page whose only form it is (the
    # front page, the method page, a report) makes no CSRF secret and cookie for each new
    # visitor: a quarter of the front page's time went to that.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Before Django's own, so that the login form's messages say what to write.
    path("konto/login/", LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("konto/logout/", LogoutView.as_view(), name="logout"),
    path("konto/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
