"""Print the dependencies pyproject.toml declares, one per line, for ``pip install -r``.

``make run`` installs the portal's own dependencies (``python scripts/requirements.py``), ``make test`` also
the ``dev`` extra (``python scripts/requirements.py dev``). The project itself is not built or installed:
it runs from the checkout (manage.py, ``python -m pytest`` and ``python -m celery`` put it on sys.path), so
installing prints no build-backend warnings and a checkout never shadows an installed copy of itself.
"""

import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def requirements(extras: list[str]) -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return wanted


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1:])))
