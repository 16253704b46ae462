"""gunicorn's entry point for scripts/bench_tips.py (settings: bench_tips_settings)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_tips_settings")
application = get_wsgi_application()
