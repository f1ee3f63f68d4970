from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("surveys.urls")),
    path("", include("barometer.report_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
