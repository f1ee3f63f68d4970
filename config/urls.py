from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path

from config.accounts import LoginForm, LogoutView
from config.language_switch import set_language_from_this_site

urlpatterns = [
    path("", include("surveys.urls")),
    path("", include("barometer.report_urls")),
    # Django's own view, taken without a CSRF token when the browser says the form was sent
    # from this site (config/language_switch.py says why); anything else is checked as before.
    path("i18n/setlang/", set_language_from_this_site, name="set_language"),
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
