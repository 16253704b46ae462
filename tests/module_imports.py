"""What a project module imports, read from its source with ``ast`` (nothing is imported or executed).

Used by ``tests/test_layers.py`` (which layer may import which app) and ``tests/test_import_cycles.py``
(no import cycles in the shared layer). Every import counts: at module level, inside functions and
classes, relative ones resolved against the module's package, ``from pkg import name`` meaning the
submodule ``pkg.name`` when there is one, and the string forms ``import_module("pkg.mod")`` /
``__import__("pkg.mod")`` (and an f-string whose fixed start names the module).
"""

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The dynamic import functions whose first argument names a module.
IMPORT_FUNCTIONS = {"import_module", "__import__"}


@dataclass(frozen=True)
class Import:
    module: str  # the imported module (or, for a string form, the dotted name as far as it is known)
    path: Path
    line: int
    how: str  # "import", "from", "string"

    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def module_name(path: Path) -> str:
    """``portal/scope.py`` -> ``portal.scope``; ``portal/__init__.py`` -> ``portal``."""
    parts = list(path.resolve().relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def python_files(package: str, exclude_dirs=()) -> list[Path]:
    """Every .py file under the package folder (optionally without some folders, e.g. migrations)."""
    if not (ROOT / package).is_dir():
        return []
    return sorted(p for p in (ROOT / package).rglob("*.py")
                  if not set(p.relative_to(ROOT / package).parts[:-1]) & set(exclude_dirs))


def is_module(name: str) -> bool:
    """Whether ``name`` is a module or package of this repository (a file or a folder with __init__.py)."""
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _package_of(path: Path) -> str:
    name = module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _resolve_from(node: ast.ImportFrom, path: Path) -> str:
    if not node.level:
        return node.module or ""
    package = _package_of(path).split(".")
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _string_start(node) -> str | None:
    """The module a dynamic import names: a plain string, or the fixed start of an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value)
    return None


def imports_of(path: Path) -> list[Import]:
    """Every import in one file, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, path, node.lineno, "import") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(node, path)
            for alias in node.names:
                sub = f"{base}.{alias.name}" if base else alias.name
                target = sub if alias.name != "*" and is_module(sub) else base
                found.append(Import(target, path, node.lineno, "from"))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            text = _string_start(node.args[0]) if name in IMPORT_FUNCTIONS else None
            if text:
                found.append(Import(text.rstrip("."), path, node.lineno, "string"))
    return found


def top_package(module: str) -> str:
    return module.split(".")[0]
