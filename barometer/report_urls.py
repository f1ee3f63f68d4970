from django.urls import path

from barometer.views import fieldwork, reports, staff

app_name = "barometer"

urlpatterns = [
    path("s/<str:token>/rapport/", reports.workplace_report, name="report"),
    path("s/<str:token>/rapport/figur/<slug:name>.svg", reports.report_chart, name="report_chart"),
    path("s/<str:token>/rapport/rapport.pdf", reports.report_pdf_download, name="report_pdf"),
    path("rapporter/", staff.workplace_reports, name="staff_reports"),
    path("rapporter/<int:response_id>/", reports.workplace_report_for_staff, name="staff_report"),
    path("rapporter/<int:response_id>/rapport.pdf", reports.report_pdf_for_staff, name="staff_report_pdf"),
    path("metode/", reports.method, name="method"),
    path("statistikk/", staff.aggregate, name="aggregate"),
    path("statistikk/figur.svg", staff.aggregate_chart, name="aggregate_chart"),
    path("statistikk/eksport.<str:file_format>", staff.aggregate_export, name="aggregate_export"),
    path("statistikk/funn/", staff.findings_page, name="findings"),
    path("statistikk/runder/", fieldwork.rounds, name="rounds"),
    path("statistikk/runder/<slug:slug>/", fieldwork.dashboard, name="dashboard"),
    path("statistikk/runder/<slug:slug>/innsendinger.svg", fieldwork.daily_svg, name="dashboard_chart"),
    path("statistikk/runder/<slug:slug>/ikke-svart.csv", fieldwork.non_respondents_csv, name="non_respondents"),
    path("statistikk/runder/<slug:slug>/ikke-svart.xlsx", fieldwork.non_respondents_xlsx, name="non_respondents_xlsx"),
    path("statistikk/data/", staff.data_page, name="data"),
    path("statistikk/data/svar.csv", staff.raw_csv, name="raw_csv"),
    path("statistikk/data/svar.xlsx", staff.raw_xlsx, name="raw_xlsx"),
    path("statistikk/data/kodebok.csv", staff.codebook_csv, name="codebook_csv"),
    path("statistikk/data/kodebok.xlsx", staff.codebook_xlsx, name="codebook_xlsx"),
]
