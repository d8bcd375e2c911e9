"""The app's URLs plus a bare view: the floor that gunicorn and the middleware cost alone."""

from django.http import HttpResponse
from django.urls import path

from corpro.urls import urlpatterns as app_urlpatterns


def bare(request):
    return HttpResponse("ok")


urlpatterns = [*app_urlpatterns, path("bench/bare/", bare)]
