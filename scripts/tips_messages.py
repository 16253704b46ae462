"""Rebuild the tip line's Spanish catalog (run from the repository root with the project's Python).

Extracts the strings of the public tip pages (and the upload gate's messages they show) with Django's
makemessages, fills them from ``reporting/locale_es.py``, writes ``reporting/locale/es/LC_MESSAGES/django.po``
and compiles the ``.mo`` with msgfmt (both committed: CI may lack gettext). Fails on a string without a
translation, so the Spanish page is never half English.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["reporting/views_public.py", "reporting/forms.py", "reporting/models.py", "portal/uploads.py"]
TEMPLATES = ["public_base", "public_index", "tip_form", "tip_sent", "follow_up", "tip_status", "_anonymity",
             "_metrics_tables", "public_summary"]


def unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(parts).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from reporting.locale_es import ES

    work = Path(tempfile.mkdtemp())
    try:
        (work / "templates").mkdir()
        (work / "locale").mkdir()
        for source in SOURCES:
            shutil.copy(ROOT / source, work / source.replace("/", "_"))
        for name in TEMPLATES:
            shutil.copy(ROOT / f"templates/reporting/{name}.html", work / "templates")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "safety_portal.settings",
               "PORTAL_ENV": "test", "DATABASE_URL": "sqlite:////tmp/tips_messages.sqlite3"}
        subprocess.run([str(ROOT / ".venv/bin/django-admin"), "makemessages", "-l", "es", "--no-location",  # noqa: S603
                        "--no-obsolete"], cwd=work, env=env, check=True, capture_output=True)
        extracted = (work / "locale/es/LC_MESSAGES/django.po").read_text()
    finally:
        shutil.rmtree(work)
    entries = extracted.split("\n\n")
    out = ['msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n'
           '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"']
    missing = []
    for entry in entries[1:]:
        match = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not match:
            continue
        msgid = unquote(match.group(1))
        translation = ES.get(msgid)
        if translation is None:
            missing.append(msgid)
            continue
        flags = "#, python-format\n" if "%(" in msgid else ""
        out.append(f"{flags}msgid {quote(msgid)}\nmsgstr {quote(translation)}")
    if missing:
        print("No Spanish for:\n" + "\n".join(missing), file=sys.stderr)
        return 1
    target = ROOT / "reporting/locale/es/LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    (target / "django.po").write_text("\n\n".join(out) + "\n")
    subprocess.run(["msgfmt", "--check-format", "-o", str(target / "django.mo"), str(target / "django.po")],  # noqa: S603, S607
                   check=True)
    print(f"{len(out) - 1} strings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
