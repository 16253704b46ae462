# The portal's production image: one image for the web, worker and beat services of docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAL_ENV=production \
    MEDIA_ROOT=/var/lib/portal/media

# WeasyPrint (PDFs, rendered by the worker) needs Pango and a font; nothing else comes from apt.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . /app

# The dependencies only (scripts/requirements.py reads pyproject.toml): the portal runs in place from /app,
# where templates/, static/ and locale/ live beside the packages, as it does from a checkout.
RUN python scripts/requirements.py | pip install -r /dev/stdin

# Hashed, compressed static files are built into the image; whitenoise serves them from STATIC_ROOT.
# The values below exist only so production settings load for this one command; nothing connects to them.
RUN SECRET_KEY=collectstatic-only-not-a-real-key ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid/build REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput

# The code stays root-owned and read-only to the service user; it writes only to the media volume and to
# its home (fontconfig's cache, for WeasyPrint).
RUN useradd --system --uid 10001 --create-home --home-dir /home/portal --shell /usr/sbin/nologin portal \
 && mkdir -p "$MEDIA_ROOT" \
 && chown portal:portal "$MEDIA_ROOT"
USER portal

EXPOSE 8000
# No client address, browser or referrer in the access log (the tip line is anonymous).
CMD ["gunicorn", "safety_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", \
     "--access-logformat", "%(t)s \"%(r)s\" %(s)s %(b)s %(M)sms"]
