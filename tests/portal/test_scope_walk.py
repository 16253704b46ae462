"""The scope walk: every URL the resolver knows, as every persona, against the scope table.

The table is every app's ``tests/<app>/scope.py``, collected by ``tests.scope_table.collect()``: see
``tests/scope_table.py`` for what is checked and how an app adds its URLs. ``walk()`` returns the list of
failures (empty when all is well) so that a test can also prove the walk notices a leak.
"""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.paginator import Page
from django.db.models import Q
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from portal import crud
from schools.models import District, Membership, User
from tests.conftest import PERSONAS
from tests.scope_table import ALL_PEOPLE, NOBODY, TESTS_DIR, Places, collect, places_of

COLLECTED = collect()
TABLE, PUBLIC = COLLECTED.table, COLLECTED.public
WALKED = [*ALL_PEOPLE, "anonymous"]


# --- The resolver's URLs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Url:
    name: str | None  # "namespace:name", None when the pattern has no name
    route: str
    kwarg_names: tuple[str, ...]
    namespaces: tuple[str, ...]

    @property
    def is_admin(self):
        return "admin" in self.namespaces


def all_urls(patterns=None, namespaces=(), prefix="", kwarg_names=()):
    """Every URL pattern, recursing through includes."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        groups = tuple(p.pattern.regex.groupindex)
        if isinstance(p, URLResolver):
            ns = (*namespaces, p.namespace) if p.namespace else namespaces
            yield from all_urls(p.url_patterns, ns, prefix + str(p.pattern), kwarg_names + groups)
        else:
            name = ":".join((*namespaces, p.name)) if p.name else None
            yield Url(name, prefix + str(p.pattern), kwarg_names + groups, namespaces)


def portal_urls():
    return [u for u in all_urls() if not u.is_admin]


# --- Names no page may show ----------------------------------------------------------------------


def canaries(places: Places, user) -> list[re.Pattern]:
    """Names no page may show the person: districts they have no place in, their schools, their people."""
    names = []
    for district in District.objects.exclude(pk__in=places.districts):
        names += [district.name, *district.schools.values_list("name", flat=True)]
    reached = Q(district__in=places.districts) | Q(school__district__in=places.districts)
    strangers = (User.objects.exclude(memberships__in=Membership.objects.filter(reached))
                 .filter(memberships__isnull=False).exclude(pk=getattr(user, "pk", None)).distinct())
    names += [person.display_name for person in strangers]
    return [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)") for n in names]


# --- The walk ---------------------------------------------------------------------------------------


def _status_matches(response, expected):
    if expected == 302:
        return response.status_code in (301, 302, 303) and not _to_login(response)
    return response.status_code == expected


def _to_login(response):
    login_url = resolve_url(settings.LOGIN_URL)
    return response.status_code in (301, 302) and response["Location"].startswith(login_url)


MISSING_ID = 2**31 - 1


def _body(response) -> str:
    # CSV exports and downloads stream. Reading one to the end closes it: the test client does that without
    # closing the database connection (closing the response again would, which PostgreSQL tests do not survive).
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def walk(world, persona: str, user, only=None) -> list[str]:
    """GET every URL of the table as ``persona`` (``user`` None for anonymous); return what went wrong."""
    failures = []
    as_ = "no_membership" if persona in NOBODY else persona
    urls = {u.name: u for u in portal_urls() if u.name}
    entries = {name: e for name, e in TABLE.items() if name in urls and (not only or name in only)}

    # Records first (each builder once per school), so that the names no page may show are all known.
    built = {}
    for entry in entries.values():
        for school in (world.school_a, world.school_b, world.other_school):
            if entry.make is not None and (entry.make, school.pk) not in built:
                built[entry.make, school.pk] = (school, entry.make(world, school))
    places = places_of(user, world)
    bad_names = canaries(places, user)
    client = Client()
    if user is not None:
        client.force_login(user)

    def fetch(label, url, method="get"):
        try:
            return getattr(client, method)(url)
        except Exception as exc:  # a crash is a failure of the walk, not of the test run
            failures.append(f"{label}: raised {exc!r}")
            return None

    def check(name, url, expected, where="", missing_url=None, method="get"):
        label = f"{persona} {method.upper()} {url} ({name}{where})"
        response = fetch(label, url, method)
        if response is None:
            return
        if expected == "login":
            if not _to_login(response):
                failures.append(f"{label}: {response.status_code}, expected a redirect to the login page")
            return
        if expected == 404 and response.status_code == 403 and missing_url:
            # Refused whatever the id (the person may not do this anywhere): that confirms nothing.
            missing = fetch(label, missing_url, method)
            if missing is not None and missing.status_code == 403:
                return
        if not _status_matches(response, expected):
            failures.append(f"{label}: {response.status_code}, expected {expected}")
            return
        if response.status_code != 200:
            return
        content = _body(response)
        for pattern in bad_names:
            if pattern.search(content):
                failures.append(f"{label}: shows {pattern.pattern!r}, outside the person's scope")
        page = (response.context or {}).get("page")
        if isinstance(page, Page):
            for row in page.object_list:
                if not places.reach_any(row):
                    failures.append(f"{label}: lists {type(row).__name__} {row.pk} ({row}) outside the scope")

    for name, entry in entries.items():
        if entry.make is None:
            url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)
            if user is None:
                check(name, url, "login")
            else:
                check(name, url, 405 if entry.post_only else entry.expected(as_))
            continue
        kwarg_names = urls[name].kwarg_names
        for (make, _), (school, record) in built.items():
            if make is not entry.make:
                continue
            if entry.kwargs:
                kwargs, missing_url = entry.kwargs(record), None
            else:
                assert len(kwarg_names) == 1, f"{name}: give kwargs= for {kwarg_names}"
                kwargs = {kwarg_names[0]: record.pk}
                missing_url = reverse(name, kwargs={kwarg_names[0]: MISSING_ID})
            url, where = reverse(name, kwargs=kwargs), f", record at {school}"
            if user is None:
                check(name, url, "login", where)
                continue
            in_scope = places.reach(entry.via(record) if entry.via else record)
            if entry.post_only:
                check(name, url, 405, where)
                if not in_scope:
                    check(name, url, 404, where, missing_url, method="post")
                continue
            check(name, url, entry.expected(as_) if in_scope else 404, where, missing_url)
    return failures


# --- Tests -----------------------------------------------------------------------------------------


def test_every_named_url_is_in_the_scope_table_or_public():
    urls = portal_urls()
    named = {u.name for u in urls if u.name}
    missing = sorted(named - set(TABLE) - set(PUBLIC))
    unnamed = sorted(u.route for u in urls if not u.name)
    assert not missing, ("URLs missing from every tests/<app>/scope.py (add them to URLS or PUBLIC of the app's "
                         f"scope.py; see tests/scope_table.py): {missing}")
    assert not unnamed, f"URL patterns without a name cannot be walked; name them: {unnamed}"


def test_the_scope_table_names_only_urls_that_exist():
    named = {u.name for u in portal_urls() if u.name}
    stale = sorted(set(TABLE) - named)
    assert not stale, "stale URLS entries: " + ", ".join(f"{n} (tests/{COLLECTED.owner[n]}/scope.py)" for n in stale)
    stale = sorted(set(PUBLIC) - named)
    assert not stale, "stale PUBLIC entries: " + ", ".join(f"{n} (tests/{COLLECTED.owner[n]}/scope.py)" for n in stale)
    assert not set(TABLE) & set(PUBLIC), "a URL cannot be both scoped and public"


def test_each_app_declares_the_urls_of_its_own_namespace():
    """``drills:...`` is declared in tests/drills/scope.py: the table of an app moves and is read with the app."""
    misplaced = [f"{name} (in tests/{app}/scope.py)" for name, app in COLLECTED.owner.items()
                 if ":" in name and name.split(":")[0] != app]
    assert not misplaced, f"declare each URL in tests/<its namespace>/scope.py: {misplaced}"


def test_every_tests_app_scope_py_is_collected():
    """The walk finds every tests/*/scope.py by itself (no list to edit when an app is added)."""
    folders = {path.parent.name for path in TESTS_DIR.glob("*/scope.py")}
    assert {"schools", "accounts", "portal", "compliance", "drills"} <= folders
    assert set(COLLECTED.owner.values()) == folders, "a scope.py that declares no URL at all: drop it"
    assert len(COLLECTED.owner) == len(TABLE) + len(PUBLIC)


def test_url_records_are_built_for_urls_with_ids_only():
    by_name = {u.name: u for u in portal_urls() if u.name}
    wrong = [name for name, entry in TABLE.items()
             if name in by_name and bool(by_name[name].kwarg_names) != bool(entry.make or entry.kwargs)]
    assert not wrong, f"entries whose URL has ids but no builder, or a builder but no ids: {wrong}"


@pytest.mark.parametrize("persona_name", WALKED)
def test_every_url_answers_each_persona_within_their_scope(persona_name, request, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # generated documents' files
    user = None if persona_name == "anonymous" else request.getfixturevalue(persona_name)
    failures = walk(world, persona_name, user)
    assert not failures, f"{len(failures)} scope failures:\n" + "\n".join(failures)


@pytest.mark.parametrize("persona_name", [*PERSONAS, "ended_membership_user", "anonymous"])
def test_only_superusers_get_into_the_django_admin(persona_name, request, world, client):
    if persona_name != "anonymous":
        client.force_login(request.getfixturevalue(persona_name))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_walk_notices_when_the_base_view_stops_scoping(monkeypatch, world, school_a_admin):
    """Removing for_user from the CRUD base view must turn the suite red."""

    def unscoped_queryset(self, action="view"):
        return self.model.objects.all()

    def unscoped_get(request, model, pk, action="view"):
        return model.objects.get(pk=pk)

    names = {"schools:building-list", "schools:building-detail", "schools:building-update"}
    assert walk(world, "school_a_admin", school_a_admin, only=names) == []
    monkeypatch.setattr(crud.ScopedCRUDView, "get_queryset", unscoped_queryset)
    monkeypatch.setattr(crud, "get_scoped_or_404", unscoped_get)
    failures = walk(world, "school_a_admin", school_a_admin, only=names)
    assert any("building-list" in f and "outside the scope" in f for f in failures), failures
    assert any("building-detail" in f and "record at School B" in f and ": 200, expected 404" in f
               for f in failures), failures
    assert any("building-detail" in f and "Other District School" in f for f in failures), failures
