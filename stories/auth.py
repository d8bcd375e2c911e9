"""Sign-in rules: the demo passwords work only in demo mode."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

DEMO_PASSWORD = "corpro-demo-2026"  # noqa: S105 (published on purpose; refused outside demo mode)


class DemoAwareBackend(ModelBackend):
    """Refuse the published demo password unless the site runs in demo mode."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password == DEMO_PASSWORD and not settings.DEMO_MODE:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
