"""WSGI entry point for gunicorn: `gunicorn indivisible.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "indivisible.settings")
application = get_wsgi_application()
