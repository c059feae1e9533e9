"""WSGI entry point for gunicorn and friends: ``gunicorn proofroom.wsgi``."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proofroom.settings")

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ImproperlyConfigured as exc:
    sys.exit(f"proofroom: configuration error: {exc}")
