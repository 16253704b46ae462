"""The public tip page: no sign-in, emergency first, English and Spanish, a tip stored with a code and a
passphrase shown once (hashed), spam held back by a honeypot and a rate limit, files through the gate."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from reporting.models import Tip, TipAttachment

from .conftest import form_url, tip_data

pytestmark = pytest.mark.django_db


def test_the_page_opens_without_an_account_emergency_numbers_first(client, world, line):
    response = client.get(form_url(world))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("911") < html.index("<form")
    assert "tel:988" in html and "Suicide &amp; Crisis Lifeline" in html
    assert "What “anonymous” means here" in html
    assert "Weapon at school" in html and "I&#x27;m not sure / more than one" in html


def test_the_page_needs_no_javascript_and_loads_nothing_from_other_hosts(client, world, line):
    html = client.get(form_url(world)).content.decode()
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)


def test_the_spanish_page_is_fully_translated(client, world, line):
    html = client.get(form_url(world, "es")).content.decode()
    assert '<html lang="es">' in html
    for spanish in ("Enviar el aviso", "¿Alguien está en peligro ahora mismo?", "Arma en la escuela",
                    "Qué significa «anónimo» aquí", "No estoy seguro/a / más de una"):
        assert spanish in html, spanish
    for english in ("Send the tip", "Is someone in danger", "Weapon at school", "What happened", "optional",
                    "Your tip", "Check a tip you already sent"):
        assert english not in html, english
    # The link back to English is in English, marked as such.
    assert 'hreflang="en"' in html


def test_every_string_of_the_public_templates_has_a_spanish_translation():
    from pathlib import Path

    po = (Path(__file__).resolve().parents[2] / "reporting/locale/es/LC_MESSAGES/django.po").read_text()
    assert '#, fuzzy' not in po
    empty = re.findall(r'msgid "([^"]+)"\nmsgstr ""\n\n', po)
    assert not empty, empty


def test_a_tip_is_stored_and_its_code_and_passphrase_are_shown_once(client, world, line, routine):
    response = client.post(form_url(world), tip_data(routine, school=world.school_a.pk, when_happened="Monday"))
    html = response.content.decode()
    assert response.status_code == 200
    tip = Tip.objects.get()
    assert tip.code in html and tip.school == world.school_a and tip.when_happened == "Monday"
    passphrase = re.search(r"<code class=\"fs-4\">([a-z0-9-]{19})</code>", html).group(1)
    assert passphrase not in tip.passphrase_hash and tip.passphrase_hash.startswith("pbkdf2_sha256$")
    assert tip.passphrase_matches(passphrase)
    assert response["Cache-Control"] == "no-store"
    assert tip.status == Tip.Status.NEW and not tip.life_safety
    # Going back to the page shows a fresh form, never the code again.
    assert tip.code not in client.get(form_url(world)).content.decode()


def test_no_cookie_is_set_but_csrfs(client, world, line, routine):
    response = client.get(form_url(world))
    response = client.post(form_url(world), tip_data(routine))
    assert response.status_code == 200
    assert set(client.cookies) <= {"csrftoken", "__Host-csrftoken"}
    assert "sessionid" not in response.cookies and "django_language" not in client.cookies


def test_a_missing_category_and_text_are_refused_with_clear_messages(client, world, line):
    response = client.post(form_url(world), {"what_happened": "", "category": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose what the tip is about." in html and "Tell us what happened or what you know." in html
    assert not Tip.objects.exists()


def test_a_category_of_another_district_is_refused(client, world, line):
    from reporting.models import TipLineSettings

    other = TipLineSettings.for_district(world.other_district).district.tip_categories.first()
    response = client.post(form_url(world), tip_data(other))
    assert response.status_code == 400 and not Tip.objects.exists()


def test_the_honeypot_stores_nothing_but_answers_like_a_success(client, world, line, routine):
    response = client.post(form_url(world), tip_data(routine, website="http://spam.example"))
    assert response.status_code == 200 and "Write these down now" in response.content.decode()
    assert not Tip.objects.exists()


def test_the_rate_limit_holds_back_a_flood_without_storing_the_address(client, world, line, routine):
    for _ in range(5):
        assert client.post(form_url(world), tip_data(routine), REMOTE_ADDR="203.0.113.7").status_code == 200
    response = client.post(form_url(world), tip_data(routine), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429 and "Too many tips" in response.content.decode()
    assert Tip.objects.count() == 5
    # Another address is not held back.
    assert client.post(form_url(world), tip_data(routine), REMOTE_ADDR="198.51.100.9").status_code == 200


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (42.0, 16.0, 0.0)}  # GPS info
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_attachments_go_through_the_upload_gate_and_lose_their_metadata(client, world, line, routine):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("IMG_0001.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(form_url(world), {**tip_data(routine), "attachments": [photo]})
    assert response.status_code == 200
    stored = TipAttachment.objects.get()
    data = stored.file.read()
    assert b"PhoneMaker" not in data and b"Exif" not in data
    svg = SimpleUploadedFile("x.svg", b"<svg onload=alert(1)></svg>", content_type="image/svg+xml")
    response = client.post(form_url(world), {**tip_data(routine), "attachments": [svg]})
    assert response.status_code == 400 and "cannot be uploaded" in response.content.decode()


def test_more_than_five_files_are_refused(client, world, line, routine):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"n{i}.txt", b"hello", content_type="text/plain") for i in range(6)]
    response = client.post(form_url(world), {**tip_data(routine), "attachments": files})
    assert response.status_code == 400 and "At most 5 files." in response.content.decode()
    assert not Tip.objects.exists()


def test_a_switched_off_line_says_how_else_to_report(client, world, line):
    line.enabled = False
    line.save()
    html = client.get(form_url(world)).content.decode()
    assert "switched off" in html and "<form" not in html.split("</header>")[1].split("<footer")[0]


def test_the_index_lists_districts_whose_line_is_on(client, world, line):
    html = client.get(reverse("tips:index")).content.decode()
    assert world.district.name in html and form_url(world, "es") in html


def test_an_unknown_district_or_language_is_a_404(client, world, line):
    assert client.get("/tips/en/999999/").status_code == 404
    assert client.get(f"/tips/fr/{world.district.pk}/").status_code == 404


def test_a_new_district_line_is_off_until_switched_on(client, world):
    html = client.get(form_url(world)).content.decode()
    assert "switched off" in html
    assert world.district.name not in client.get(reverse("tips:index")).content.decode()
    response = client.post(form_url(world), {"what_happened": "x"})
    assert response.status_code == 200 and not Tip.objects.exists()
