from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.home, name="home"),
    path("selvtest/", views.self_test_start, name="self_test"),
    path("tilgjengelighet/", views.accessibility, name="accessibility"),
    path("s/<str:token>/", views.welcome, name="welcome"),
    path("s/<str:token>/del/<slug:code>/", views.section, name="section"),
    path("s/<str:token>/lagret/", views.saved, name="saved"),
    path("s/<str:token>/oppsummering/", views.review, name="review"),
]
