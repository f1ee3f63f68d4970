from django.urls import path

from .views import reports

app_name = "barometer"

urlpatterns = [
    path("s/<str:token>/rapport/", reports.workplace_report, name="report"),
]
