"""WSGI entry point (gunicorn corpro.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corpro.settings")
application = get_wsgi_application()
