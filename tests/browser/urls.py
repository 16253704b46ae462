"""URLs for the browser tests only: the portal's own, plus a page that breaks an accessibility rule on purpose.

Used with ``@pytest.mark.urls("tests.browser.urls")`` under ``PORTAL_ENV=test``; nothing in the portal's URL
configuration includes this module, so the page exists in no dev or production server.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from safety_portal.urls import urlpatterns as portal_urlpatterns

if not settings.IS_TEST:
    raise ImproperlyConfigured("tests.browser.urls is for PORTAL_ENV=test only.")

# The portal's layout around a text box with no label: axe-core must report the "label" rule here.
UNLABELLED_INPUT_PAGE = """{% extends "base.html" %}
{% block title %}Unlabelled input{% endblock %}
{% block content %}
<h1>A page that breaks a rule on purpose</h1>
<form method="get"><input type="text" name="q"><button type="submit">Search</button></form>
{% endblock %}"""

# A script without the request's nonce: the Content Security Policy must block it, and the test see it.
INLINE_SCRIPT_PAGE = """{% extends "base.html" %}
{% block title %}Inline script{% endblock %}
{% block content %}
<h1>A page with an inline script</h1>
<script>document.title = "inline script ran";</script>
{% endblock %}"""


def _page(source):
    def view(request):
        return HttpResponse(engines["django"].from_string(source).render({}, request))

    return view


urlpatterns = [
    *portal_urlpatterns,
    path("test-only/unlabelled-input/", _page(UNLABELLED_INPUT_PAGE), name="test-unlabelled-input"),
    path("test-only/inline-script/", _page(INLINE_SCRIPT_PAGE), name="test-inline-script"),
]
