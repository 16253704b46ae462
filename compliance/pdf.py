"""HTML to tagged PDF with WeasyPrint, fetching nothing but the project's own static files.

Templates link their stylesheet with ``{% static %}`` as pages do. The document's base URL is a fixed
origin under the reserved ``.invalid`` domain, so ``/static/css/documents.css`` becomes
``https://portal-static.invalid/static/css/documents.css``; the fetcher answers only those URLs, from
the static files on disk, and refuses everything else (any other host, ``http:``, ``file:``, ``data:``):
a document can neither reach the network nor read the server's files.
"""

import logging
import mimetypes
import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)
# WeasyPrint logs each rendering step at INFO; the worker's log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

STATIC_ORIGIN = "https://portal-static.invalid"
BASE_URL = STATIC_ORIGIN + "/"
PDF_VARIANT = "pdf/ua-1"


class RefusedURL(ValueError):
    """A document asked for something other than one of the project's static files."""


def static_path_for(url: str) -> str:
    """The static file name a URL stands for; raises RefusedURL for anything not under the static origin."""
    parts = urlsplit(url)
    origin = urlsplit(STATIC_ORIGIN)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        raise RefusedURL(f"Documents may only load the portal's static files, not {url[:200]!r}")
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or "\\" in path or "\x00" in path:
        raise RefusedURL(f"Not a static file: {url[:200]!r}")
    name = path[len(settings.STATIC_URL):]
    if not name or ".." in name.split("/") or posixpath.normpath(name) != name:
        raise RefusedURL(f"Not a static file: {url[:200]!r}")
    return name


def read_static(name: str) -> bytes:
    """A static file's bytes: the collected (possibly hashed) file in production, else the source one."""
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as handle:
            return handle.read()
    found = finders.find(name)
    if not found:
        raise RefusedURL(f"No static file {name!r}")
    with open(found, "rb") as handle:
        return handle.read()


class StaticOnlyURLFetcher(URLFetcher):
    """WeasyPrint's fetcher, narrowed to the project's static files; never opens a connection or a path."""

    def __init__(self):
        super().__init__(allowed_protocols=())

    def fetch(self, url, headers=None):
        try:
            name = static_path_for(url)
            body = read_static(name)
        except RefusedURL:
            logger.warning("Document render refused to fetch %s", url[:200])
            raise
        return URLFetcherResponse(url, body, {"Content-Type": _content_type(name)})


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a document template to PDF/UA bytes. The template sets ``<html lang>`` and ``<title>``."""
    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyURLFetcher()).write_pdf(
        pdf_variant=PDF_VARIANT)
