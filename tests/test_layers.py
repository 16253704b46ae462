"""The layers stay honest: the shared layer and compliance never import an action app, and the shared layer
never imports compliance (compliance sits above it).

    action apps (drills, ...)  ->  compliance  ->  shared layer (schools, portal, accounts)

An action app adds itself through its ``integrations.py``, which ``portal.registry`` finds by name; nothing
below it names it in an import. The files are read with ``ast`` (tests/module_imports.py), never imported,
so imports inside functions and ``import_module("drills.models")`` count too.
"""

from pathlib import Path

import pytest

from tests.module_imports import ROOT, imports_of, python_files, top_package

ACTION_APPS = {"assessments", "climate", "campus_security", "reporting", "coordination", "threat_mgmt",
               "law_enforcement", "mental_health", "drills", "social_media"}
SHARED_LAYER = ("schools", "portal", "accounts")


def violations(packages, forbidden) -> list[str]:
    found = []
    for package in packages:
        for path in python_files(package):
            for imp in imports_of(path):
                if top_package(imp.module) in forbidden:
                    found.append(f"{imp.where()}: {imp.how} {imp.module}")
    return found


def test_the_layers_exist_where_the_test_looks():
    for package in (*SHARED_LAYER, "compliance"):
        assert (ROOT / package / "__init__.py").is_file(), package
        assert len(python_files(package)) > 3, f"{package}: no files found, the test would prove nothing"


@pytest.mark.parametrize("package", [*SHARED_LAYER, "compliance"])
def test_no_action_app_is_imported_below_the_action_apps(package):
    found = violations([package], ACTION_APPS)
    assert not found, (f"{package}/ imports an action app (an app adds itself through its integrations.py, "
                       "read by portal.registry):\n" + "\n".join(found))


@pytest.mark.parametrize("package", SHARED_LAYER)
def test_the_shared_layer_never_imports_compliance(package):
    found = violations([package], {"compliance"})
    assert not found, (f"{package}/ imports compliance, which sits above the shared layer (compliance reads the "
                       "registry; the shared layer never reads compliance):\n" + "\n".join(found))


# --- The check itself notices each form of violation ----------------------------------------------------

VIOLATIONS = '''
import drills
import drills.models as drill_models
from drills.models import Drill
from compliance import registry


def later():
    from drills import services
    return services


def dynamically(app):
    import importlib
    importlib.import_module("drills.evaluators")
    __import__(f"climate.{app}")
'''


def test_the_check_notices_every_form_of_import(monkeypatch, tmp_path):
    package = tmp_path / "portal"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "sneaky.py").write_text(VIOLATIONS)
    monkeypatch.setattr("tests.module_imports.ROOT", tmp_path)
    found = violations(["portal"], ACTION_APPS)
    assert sorted(line.split(": ", 1)[1] for line in found) == [
        "from drills", "from drills.models", "import drills", "import drills.models", "string climate",
        "string drills.evaluators"], found
    assert all(line.startswith("portal/sneaky.py:") for line in found)
    assert violations(["portal"], {"compliance"}) == ["portal/sneaky.py:5: from compliance"]


def test_relative_imports_are_resolved(monkeypatch, tmp_path):
    (tmp_path / "compliance").mkdir()
    (tmp_path / "compliance" / "__init__.py").write_text("")
    (tmp_path / "compliance" / "views.py").write_text("from .models import X\nfrom . import registry\n")
    (tmp_path / "compliance" / "registry.py").write_text("")
    monkeypatch.setattr("tests.module_imports.ROOT", tmp_path)
    modules = [imp.module for imp in imports_of(Path(tmp_path / "compliance" / "views.py"))]
    assert modules == ["compliance.models", "compliance.registry"]


# --- Action apps do not import each other; threat_mgmt alone may import three of them --------------------

# A case from a tip, a referral from a safety plan, a case from a reported concern (docs/architecture.md).
THREAT_MGMT_MAY_IMPORT = {"reporting", "mental_health", "social_media"}


def installed_action_apps() -> list[str]:
    return sorted(app for app in ACTION_APPS if (ROOT / app / "__init__.py").is_file())


@pytest.mark.parametrize("app", installed_action_apps())
def test_an_action_app_imports_no_other_action_app(app):
    allowed = THREAT_MGMT_MAY_IMPORT if app == "threat_mgmt" else set()
    found = violations([app], ACTION_APPS - {app} - allowed)
    assert not found, (f"{app}/ imports another action app (apps talk through the registry; only threat_mgmt may "
                       f"import {', '.join(sorted(THREAT_MGMT_MAY_IMPORT))}):\n" + "\n".join(found))


def test_threat_mgmt_imports_only_the_three_apps_it_may():
    imported = {top_package(imp.module) for path in python_files("threat_mgmt") for imp in imports_of(path)}
    assert imported & ACTION_APPS <= THREAT_MGMT_MAY_IMPORT | {"threat_mgmt"}
    assert "reporting" in imported  # the tip link is built, so the test would notice a wrong name
