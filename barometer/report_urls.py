from django.urls import path

from .views import reports

app_name = "barometer"

urlpatterns = [
    path("s/<str:token>/rapport/", reports.workplace_report, name="report"),
    path("s/<str:token>/rapport/figur/<slug:name>.svg", reports.report_chart, name="report_chart"),
    path("s/<str:token>/rapport/rapport.pdf", reports.report_pdf_download, name="report_pdf"),
    path("rapporter/<int:response_id>/", reports.workplace_report_for_staff, name="staff_report"),
]
