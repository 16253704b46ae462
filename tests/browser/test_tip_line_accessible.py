"""The public tip line in Chromium: every tipster page passes axe at phone width, in English and Spanish, with
its errors showing; and the whole tipster side works with JavaScript switched off."""

import re

import pytest
from django.urls import reverse

from reporting.models import Tip, TipLineSettings

from .helpers import Walk

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def send(walk, button):
    with walk.page.expect_navigation():
        walk.page.get_by_role("button", name=button).click()
    walk.check()


@pytest.mark.parametrize("lang, send_label, open_label", [("en", "Send the tip", "Open my tip"),
                                                          ("es", "Enviar el aviso", "Abrir mi aviso")])
def test_the_tipster_pages_pass_axe_on_a_phone(page, watch, world, lang, send_label, open_label):
    TipLineSettings.objects.filter(pk=TipLineSettings.for_district(world.district).pk).update(enabled=True)
    page.set_viewport_size(PHONE)
    walk = Walk(page, watch)
    walk.visit(reverse("tips:index"))
    walk.visit(reverse("tips:form", args=[lang, world.district.pk]))
    send(walk, send_label)  # nothing filled in: the errors show
    assert page.get_by_role("alert").count() >= 1
    page.locator("#id_category").select_option(index=1)
    page.locator("#id_what_happened").fill("A student showed a knife on the bus.")
    send(walk, send_label)  # the code and passphrase page
    code = page.locator("code").first.inner_text()
    passphrase = page.locator("code").nth(1).inner_text()
    walk.visit(reverse("tips:follow-up", args=[lang]))
    page.locator("#id_code").fill(code)
    page.locator("#id_passphrase").fill(passphrase)
    send(walk, open_label)  # the tip's status and conversation
    walk.visit(reverse("tips:summary", args=[lang, world.district.pk]))
    walk.assert_clean()


def test_the_tipster_side_works_with_javascript_switched_off(browser, live_server, world):
    TipLineSettings.objects.filter(pk=TipLineSettings.for_district(world.district).pk).update(enabled=True)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(reverse("tips:form", args=["en", world.district.pk]))
        page.locator("#id_category").select_option(index=1)
        page.locator("#id_what_happened").fill("Someone is selling vapes in the locker room.")
        with page.expect_navigation():
            page.get_by_role("button", name="Send the tip").click()
        text = page.content()
        code = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}", text).group(0)
        passphrase = re.search(r"[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}", text).group(0)
        assert Tip.objects.filter(code=code).exists()
        page.goto(reverse("tips:follow-up", args=["en"]))
        page.locator("#id_code").fill(code)
        page.locator("#id_passphrase").fill(passphrase)
        with page.expect_navigation():
            page.get_by_role("button", name="Open my tip").click()
        page.locator("#id_body").fill("It happens every Friday.")
        with page.expect_navigation():
            page.get_by_role("button", name="Send").click()
        assert "your information was added" in page.content()
        assert {c["name"] for c in context.cookies()} <= {"csrftoken", "__Host-csrftoken"}
    finally:
        context.close()
