"""No 500 from any input: every URL of the resolver, fed hostile query parameters and form values.

The URLs and the records they are about come from the scope table (``tests.scope_table.collect()``, every
app's ``tests/<app>/scope.py``), so a new app is fuzzed without being listed here. For each page, signed
in as the district admin and as a school admin, the test:

- GETs the page with hostile query parameters (NUL in keys and values, Unicode digits, extreme dates,
  a 100k-character string, wrong types) under the names pages read (``year``, ``page``, ``school``...);
- reads the forms the page renders (``html.parser``) and submits every field of each form, once per
  hostile value set (one value per field kind, not a cartesian product), plus an extra field and a
  key with a NUL, by GET or POST as the form says, to its action;
- GETs the page's path with a NUL in it.

'١²' is a digit to ``str.isdigit()`` that ``int()`` refuses; '١٢' is one ``int()`` reads.

Any 500 (or exception) fails. It POSTs only the hostile values, which no form accepts, so it does no
real work in anybody's scope; sign-out forms are never submitted.
"""

import contextlib
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from portal import audit
from tests.portal.test_scope_walk import TABLE, portal_urls

LONG = "x" * 100_000
NUL = "a\x00b"

# One value per field kind and round. Kinds: date, datetime, number (incl. selects and hidden ids), text.
ROUNDS = [
    {"date": NUL, "datetime": NUL, "number": NUL, "text": NUL},
    {"date": "٢٠٢٦-١٠-٠١", "datetime": "٢٠٢٦-١٠-٠١T١٠:٠٠", "number": "١²", "text": "١٢"},
    {"date": "9999-12-31", "datetime": "9999-12-31T23:59", "number": "99999999999999999999999", "text": "9999-12-31"},
    {"date": "0001-01-01", "datetime": "0001-01-01T00:00", "number": "-1", "text": "0001-01-01"},
    {"date": LONG, "datetime": LONG, "number": LONG, "text": LONG},
    {"date": "2026-02-30", "datetime": "yesterday", "number": "1.5e400", "text": "<script>\u202e\ud7ff"},
]
# Names pages read from the query string without a form on the page.
QUERY_NAMES = ["year", "page", "school", "district", "user", "status", "format", "kind", "next", "q", "date",
               "starts_on", "ends_on", "on", "from", "to"]


@dataclass
class Form:
    method: str
    action: str
    fields: dict = field(default_factory=dict)  # name -> kind


class FormParser(HTMLParser):
    """The forms of a page: method, action and the kind of each named field."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.current: Form | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = Form((attrs.get("method") or "get").lower(), attrs.get("action") or "")
            self.forms.append(self.current)
            return
        name = attrs.get("name")
        if self.current is None or not name or tag not in ("input", "select", "textarea", "button"):
            return
        kind = (attrs.get("type") or "text").lower()
        if name == "csrfmiddlewaretoken" or kind in ("submit", "file", "image", "reset"):
            return
        if kind == "date":
            self.current.fields[name] = "date"
        elif kind == "datetime-local":
            self.current.fields[name] = "datetime"
        elif kind in ("number", "hidden") or tag == "select":
            self.current.fields[name] = "number"
        else:
            self.current.fields[name] = "text"

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def url_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def fuzz_urls(world) -> list[str]:
    """Every page of the table (not the POST-only ones), built with its record at School A."""
    by_name = {u.name: u for u in portal_urls() if u.name}
    urls, built = [], {}
    for name, entry in sorted(TABLE.items()):
        if name not in by_name or entry.post_only:
            continue
        if entry.make is None:
            urls.append(reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None))
            continue
        if entry.make not in built:
            built[entry.make] = entry.make(world, world.school_a)
        record = built[entry.make]
        kwargs = entry.kwargs(record) if entry.kwargs else {by_name[name].kwarg_names[0]: record.pk}
        urls.append(reverse(name, kwargs=kwargs))
    return urls


def fuzz(client: Client, url: str, failures: list[str]) -> None:
    def send(method, target, data):
        # Each request in a savepoint rolled back after it: nothing it wrote stays (no real work done in
        # anybody's scope), and a database error cannot break the test's transaction for the next requests.
        with transaction.atomic():
            try:
                response = getattr(client, method)(target, data)
            except Exception as exc:  # noqa: BLE001 - a crash is what the fuzz looks for
                response = None
                failures.append(f"{method.upper()} {target} {summary(data)}: raised {exc!r}"[:500])
            transaction.set_rollback(True)
        if response is None:
            return None
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {target} {summary(data)}: {response.status_code}")
        return response

    page = send("get", url, {})
    for values in ROUNDS:
        send("get", url, {name: values["number"] if i % 2 else values["text"]
                          for i, name in enumerate(QUERY_NAMES)} | {"k\x00ey": "1"})
    send("get", url.rstrip("/") + "%00/", {})
    if page is None or page.status_code != 200 or page.streaming or "html" not in page.get("Content-Type", ""):
        return
    for form in forms_of(page.content.decode(errors="replace")):
        target = urljoin(url, form.action) if form.action else url
        name = url_name(target)
        if name is None or "logout" in name:
            continue
        method = "post" if form.method == "post" else "get"
        for values in ROUNDS:
            data = {field_name: values[kind] for field_name, kind in form.fields.items()}
            send(method, target, data | {"not_a_field": values["text"], "nul\x00key": "1"})


def summary(data) -> str:
    return repr({k: (v[:20] + "...") if isinstance(v, str) and len(v) > 20 else v for k, v in data.items()})[:300]


@pytest.mark.parametrize("persona_name", ["district_admin", "school_a_admin"])
def test_no_page_answers_500_to_hostile_input(persona_name, request, world, settings, tmp_path, monkeypatch):
    # In production requests run in autocommit and audit rows are written as they are recorded; inside the
    # test's transaction they would be deferred to the end of the request and a failed write only logged.
    monkeypatch.setattr(audit, "deferred_writes", contextlib.nullcontext)
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    user = request.getfixturevalue(persona_name)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    failures: list[str] = []
    started = time.monotonic()
    for url in fuzz_urls(world):
        fuzz(client, url, failures)
    assert not failures, f"{len(failures)} answers of 500 ({time.monotonic() - started:.0f}s):\n" + "\n".join(
        failures)
