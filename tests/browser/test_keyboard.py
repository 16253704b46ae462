"""The portal works with the keyboard alone: the skip link, the menu (wide screen and phone), the school
switcher, and a form with its errors (announced, tied to their fields, focus on the first one)."""

import pytest
from django.urls import reverse

from schools.models import Building

from .helpers import sign_in_directly

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def is_focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page, locator, limit=60):
    """Press Tab until ``locator`` has the focus (it must be reachable in the tab order)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return
    active = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{limit} presses of Tab never reached {locator}; the focus is on {active}")


def press_and_wait(page, key):
    """Press a key that submits a form or follows a link, and wait for the new page."""
    with page.expect_navigation():
        page.keyboard.press(key)


@pytest.fixture
def signed_in(page, context, live_server, district_admin):
    """The district admin's browser, signed in (signing in through the pages is tested elsewhere)."""
    sign_in_directly(context, live_server.url, district_admin)
    page.goto(reverse("home"))
    return page


def test_the_first_tab_reaches_the_skip_link_and_enter_moves_focus_to_main(signed_in):
    page = signed_in
    page.goto(reverse("schools:school-list"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert is_focused(skip)
    assert skip.is_visible()  # shown when focused (visually hidden otherwise)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes into the page's content, not back into the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_the_menu_opens_and_navigates_with_the_keyboard(signed_in):
    page = signed_in
    toggle = page.locator("#portal-nav").get_by_role("button", name="District")
    tab_to(page, toggle)
    assert toggle.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    menu = toggle.locator("xpath=following-sibling::ul")
    assert menu.is_visible()
    page.keyboard.press("Escape")  # closes, focus back on the toggle
    assert toggle.get_attribute("aria-expanded") == "false"
    assert is_focused(toggle)
    page.keyboard.press("Space")  # opens with Space too
    assert toggle.get_attribute("aria-expanded") == "true"
    buildings = menu.get_by_role("link", name="Buildings")
    for _ in range(10):  # arrow keys walk the items
        page.keyboard.press("ArrowDown")
        if is_focused(buildings):
            break
    assert is_focused(buildings)
    press_and_wait(page, "Enter")
    assert page.url.endswith(reverse("schools:building-list"))
    assert page.get_by_role("heading", level=1).inner_text() == "Buildings"


def test_the_phone_menu_opens_from_the_toggler_with_the_keyboard(signed_in):
    page = signed_in
    page.set_viewport_size(PHONE)
    page.goto(reverse("home"))
    toggler = page.get_by_role("button", name="Show menu")
    tab_to(page, toggler)
    nav = page.locator("#portal-nav")
    assert not nav.is_visible()
    page.keyboard.press("Enter")
    assert toggler.get_attribute("aria-expanded") == "true"
    home = nav.get_by_role("button", name="Home")
    home.wait_for()  # the menu has slid open
    tab_to(page, home, limit=5)  # the menu's first entry follows the toggler
    page.keyboard.press("Enter")
    my_tasks = nav.get_by_role("link", name="My tasks")
    for _ in range(10):
        page.keyboard.press("ArrowDown")
        if is_focused(my_tasks):
            break
    press_and_wait(page, "Enter")
    assert page.url.endswith(reverse("portal:my-tasks"))


def test_the_school_switcher_narrows_the_list_with_the_keyboard(signed_in, world):
    page = signed_in
    page.goto(reverse("schools:building-list"))
    rows = page.locator("main table tbody tr")
    assert rows.count() == 3  # one building at each of schools A, B and C
    switcher = page.get_by_label("Show school")
    tab_to(page, switcher)
    page.keyboard.type("School B")  # a focused select picks the option typed
    assert switcher.evaluate("el => el.options[el.selectedIndex].text") == "School B"
    page.keyboard.press("Tab")
    assert is_focused(page.locator("header").get_by_role("button", name="Show", exact=True))
    press_and_wait(page, "Enter")
    assert page.url.endswith(reverse("schools:building-list"))
    assert rows.count() == 1
    assert "School B" in rows.first.inner_text()
    assert page.get_by_text("Showing School B only.").is_visible()
    assert switcher.evaluate("el => el.options[el.selectedIndex].text") == "School B"


def test_a_create_form_works_with_the_keyboard_and_ties_its_errors_to_fields(signed_in, world):
    page = signed_in
    page.goto(reverse("schools:building-list"))
    tab_to(page, page.get_by_role("link", name="Add building"))
    press_and_wait(page, "Enter")
    assert page.url.endswith(reverse("schools:building-create"))

    # Saving the empty form: the page says so, and the focus lands on the first field in error.
    tab_to(page, page.get_by_role("button", name="Save"))
    press_and_wait(page, "Enter")
    assert page.get_by_role("alert").first.inner_text().startswith("Please correct the errors below.")
    school = page.locator("main").get_by_label("School")
    assert is_focused(school)
    for field in (school, page.locator("main").get_by_label("Name")):
        assert "is-invalid" in field.get_attribute("class")
        assert field.get_attribute("aria-invalid") == "true"
        described = field.get_attribute("aria-describedby").split()
        messages = [page.locator(f"#{i}").inner_text() for i in described]
        assert "This field is required." in messages, messages

    # Filled in with keys only: the school typed into its select, the name typed, Tab to Save.
    page.keyboard.type("School C")
    page.keyboard.press("Tab")
    assert is_focused(page.locator("main").get_by_label("Name"))
    page.keyboard.type("Gym annex")
    tab_to(page, page.get_by_role("button", name="Save"), limit=5)
    press_and_wait(page, "Enter")
    building = Building.objects.get(name="Gym annex")
    assert building.school == world.school_c
    assert page.url.endswith(reverse("schools:building-detail", args=[building.pk]))
    assert page.get_by_role("status").inner_text() == f"{building} saved."


def test_switching_school_with_unsaved_input_asks_before_leaving(signed_in, world):
    page = signed_in
    page.goto(reverse("schools:building-create"))
    page.get_by_label("Name").fill("Annex typed but not saved")
    page.get_by_label("Show school").select_option(label="School B")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("header").get_by_role("button", name="Show", exact=True).click()
    page.wait_for_timeout(300)
    assert asked and "not saved" in asked[0]
    assert page.url.endswith(reverse("schools:building-create"))
    assert page.get_by_label("Name").input_value() == "Annex typed but not saved"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Show school").select_option(label="School B")
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Show", exact=True).click()
    switcher = page.get_by_label("Show school")
    assert switcher.evaluate("el => el.options[el.selectedIndex].text") == "School B"


def test_switching_school_without_input_does_not_ask(signed_in, world):
    page = signed_in
    page.goto(reverse("schools:building-create"))
    page.on("dialog", lambda dialog: pytest.fail(f"asked without unsaved input: {dialog.message}"))
    page.get_by_label("Show school").select_option(label="School B")
    with page.expect_navigation():
        page.locator("header").get_by_role("button", name="Show", exact=True).click()
    switcher = page.get_by_label("Show school")
    assert switcher.evaluate("el => el.options[el.selectedIndex].text") == "School B"
