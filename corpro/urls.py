from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import never_cache

from stories.api import api
from stories.feeds import StoryFeed
from stories.sitemaps import SITEMAPS
from stories.urls import storyteller_patterns
from stories.views import health, public

handler400 = "corpro.errors.bad_request"
handler500 = "corpro.errors.server_error"

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", api.urls),
    # Not cacheable: a withdrawn story must leave the feed and sitemap on the very next request.
    path("feeds/stories.atom", never_cache(StoryFeed()), name="stories-feed"),
    path("sitemap.xml", never_cache(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("my/", include(storyteller_patterns)),
    path("", include("stories.urls")),
    path("", include("sensemaking.urls")),
]
