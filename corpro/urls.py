from django.contrib import admin
from django.urls import include, path

from stories import views
from stories.urls import storyteller_patterns

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("my/", include(storyteller_patterns)),
    path("", include("stories.urls")),
]
