"""The one place an app plugs into the shared layer: its ``integrations.py`` declares an ``Integration``.

Every installed app (the shared ones and each action app) may have an ``integrations.py`` module with one
module-level ``INTEGRATION = Integration(...)``. The portal app finds them when Django is ready
(``discover()``, like the admin's autodiscovery) and applies, in ``INSTALLED_APPS`` order:

- ``verbs``: the actions beyond view/add/change/delete the app's matrix rows use (``sign``, ``review``);
- ``matrix``: ``{"app.model": {"view": roles, "add": roles, ...}}``, the app's rows of the permission matrix;
- ``navigation``: ``NavLink`` entries (section, label, URL name, model label, action, order);
- ``followups``: ``FollowUpSource`` entries for My tasks (concrete ``FollowUp`` models);
- ``owed_tasks``: ``OwedTaskSource`` entries for My tasks: work the records say is owed (portal/owed_tasks.py);
- ``digest``: ``(district, local_today) -> {user_id: [DigestLine]}`` callables for the daily digest;
- ``home_panels``: ``(request) -> context`` callables whose context the home page template reads (a
  ``panel_template`` key names a template the home page includes);
- ``demo_steps``: ``DemoStep`` entries that ``seed_demo`` runs in ``order``;
- ``on_access_ended``: ``(user) -> None`` callables run when a person loses access (deactivated, or their
  last role ended now): what the app issued to the person alone dies with it (drills' calendar feed);
- ``action``: an ``ActionDeclaration`` (the essential action's number, its evaluator and the roles that may
  read its reasons: declared here and nowhere else);
- ``documents`` and ``report_sections``: generated document kinds and sections of the compliance report.

The last three belong to ``compliance/``: the portal only collects them; compliance reads them from
``integrations()`` when it is ready. The shared layer never imports an action app: it learns about them
only through this registry.
"""

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

MODULE_NAME = "integrations"


@dataclasses.dataclass(frozen=True)
class NavLink:
    """One link of the navigation, shown to the roles the matrix allows ``action`` on ``model_label``."""

    section: str
    label: str
    url_name: str
    model_label: str | None = None  # None: everyone with an active membership
    action: str = "view"
    order: int = 100


@dataclasses.dataclass(frozen=True)
class FollowUpSource:
    """A concrete ``FollowUp`` model on My tasks; ``link(row)`` must not query (see portal/followups.py)."""

    model: type
    label: str
    link: Callable
    school_path: str = "school"
    select_related: tuple = ()


@dataclasses.dataclass(frozen=True)
class DemoStep:
    """A step of ``seed_demo``: ``run(context)`` adds the app's demo rows; ``context`` is a ``DemoContext``."""

    name: str
    run: Callable
    order: int = 100


@dataclasses.dataclass(frozen=True)
class ActionDeclaration:
    """The essential action an app implements: its evaluator and who may read its reasons.

    ``evaluator(schools, school_year, as_of) -> {school_id: Result}`` runs a fixed number of queries.
    ``reason_roles`` is the one list of roles that read the action's reasons on the dashboard and reports.
    """

    number: int
    evaluator: Callable
    reason_roles: Iterable[str]


@dataclasses.dataclass(frozen=True)
class Integration:
    """Everything one app adds to the shared registries (see the module docstring)."""

    app_label: str
    verbs: Sequence[str] = ()
    matrix: Mapping[str, Mapping[str, Iterable[str]]] = dataclasses.field(default_factory=dict)
    navigation: Sequence[NavLink] = ()
    followups: Sequence[FollowUpSource] = ()
    owed_tasks: Sequence = ()  # portal.owed_tasks.OwedTaskSource
    digest: Sequence[Callable] = ()
    home_panels: Sequence[Callable] = ()
    demo_steps: Sequence[DemoStep] = ()
    on_access_ended: Sequence[Callable] = ()
    action: ActionDeclaration | None = None
    documents: Sequence = ()
    report_sections: Sequence = ()


_INTEGRATIONS: dict[str, Integration] = {}


def integrations() -> list[Integration]:
    """The declarations found, in ``INSTALLED_APPS`` order."""
    return list(_INTEGRATIONS.values())


def get(app_label: str) -> Integration | None:
    return _INTEGRATIONS.get(app_label)


def discover() -> None:
    """Import every installed app's ``integrations`` module and apply what it declares (once per app)."""
    for config in apps.get_app_configs():
        if config.label in _INTEGRATIONS or not module_has_submodule(config.module, MODULE_NAME):
            continue
        module = import_module(f"{config.name}.{MODULE_NAME}")
        integration = getattr(module, "INTEGRATION", None)
        if not isinstance(integration, Integration):
            raise ImproperlyConfigured(f"{config.name}.{MODULE_NAME} must define INTEGRATION = Integration(...)")
        if integration.app_label != config.label:
            raise ImproperlyConfigured(
                f"{config.name}.{MODULE_NAME} declares app_label {integration.app_label!r}, not {config.label!r}")
        apply(integration)


def apply(integration: Integration) -> None:
    """Put one app's declarations into the portal's registries (compliance reads its own parts)."""
    from portal import followups, navigation, notifications, owed_tasks, permissions

    permissions.declare_verbs(*integration.verbs)
    for model_label, actions in integration.matrix.items():
        if not model_label.lower().startswith(f"{integration.app_label}."):
            raise ImproperlyConfigured(f"{integration.app_label} declares matrix rows of another app: {model_label}")
        permissions.register(model_label, **actions)
    for link in integration.navigation:
        navigation.add(link.section, link.label, link.url_name, link.model_label, action=link.action,
                       order=link.order)
    for source in integration.followups:
        followups.register(source.model, label=source.label, link=source.link, school_path=source.school_path,
                           select_related=source.select_related)
    for source in integration.owed_tasks:
        owed_tasks.register(source)
    for provider in integration.digest:
        notifications.register_digest_provider(provider)
    _INTEGRATIONS[integration.app_label] = integration


def home_panels() -> list[Callable]:
    return [panel for i in integrations() for panel in i.home_panels]


def demo_steps() -> list[DemoStep]:
    """Every app's demo step, in the order they must run (the district and its people first)."""
    steps = [step for i in integrations() for step in i.demo_steps]
    return sorted(steps, key=lambda s: s.order)


def access_ended(user) -> None:
    """Tell every app a person lost access, inside the caller's transaction (accounts/people.py calls it)."""
    for integration in integrations():
        for revoke in integration.on_access_ended:
            revoke(user)
