from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import QuestionSet, QuestionSetStatus


def home(request: HttpRequest) -> HttpResponse:
    question_set = QuestionSet.objects.filter(status=QuestionSetStatus.PUBLISHED).order_by("-published_at").first()
    return render(request, "surveys/home.html", {"question_set": question_set})
