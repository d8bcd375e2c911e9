"""Settings for an app server a test runs in a process of its own: production settings, with
static files named as in the rest of the suite, so no `collectstatic` manifest is needed."""

from corpro.settings import *  # noqa: F403
from corpro.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
