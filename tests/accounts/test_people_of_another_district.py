"""A district never reaches another district's people: an import or invitation of their email offers a
role they accept themselves, and the account (name, factors, sessions, active state) is never the
district's to change (issue 9)."""

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import people
from portal.scope import active_memberships_for
from schools.models import AuditEvent, Membership, Notification, User

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("accounts:user-import")
CONFIRM_URL = reverse("accounts:user-import-confirm")
INVITE_URL = reverse("accounts:user-invite")


@pytest.fixture
def outsider(world):
    """Olive works in the other district: an enabled account with a password and a second factor."""
    person = UserFactory(email="olive@olympia.example", display_name="Olive Olympia", is_active=True)
    MembershipFactory(user=person, role=Membership.Role.SCHOOL_STAFF, school=world.other_school)
    TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    return person


@pytest.fixture
def admin_client(client, district_admin):
    client.force_login(district_admin)
    return client


def upload(client, world, text):
    file = SimpleUploadedFile("staff.csv", text.encode(), content_type="text/csv")
    return client.post(UPLOAD_URL, {"district": world.district.pk, "file": file})


def confirm(client, preview):
    return client.post(CONFIRM_URL, {"digest": preview.context["confirm_form"].initial["digest"],
                                     "send_invitations": "on"})


def untouched(person, name="Olive Olympia"):
    person.refresh_from_db()
    assert person.display_name == name
    assert person.is_active and person.deactivated_at is None
    assert TOTPDevice.objects.filter(user=person).exists()


def offered(person, world):
    return Membership.objects.get(user=person, school=world.school_a)


# --- The import and the invitation offer a role; they never attach the account ------------------------


def test_importing_another_districts_person_offers_a_role_and_attaches_nothing(admin_client, world, outsider):
    text = "email,name,title,role,school\nOLIVE@olympia.example,Renamed Person,,school_staff,School A\n"
    preview = upload(admin_client, world, text)
    assert preview.status_code == 200
    response = confirm(admin_client, preview)
    assert response.status_code == 302

    membership = offered(outsider, world)
    assert membership.pending
    assert not Membership.objects.filter(user=outsider, school=world.school_a).active_on(
        world.district.local_today()).exists()
    untouched(outsider)
    # The person is told by email, with a link and no record content.
    note = Notification.objects.get(recipient=outsider)
    assert note.kind == "role_offer"
    assert note.link.endswith(reverse("accounts:membership-accept", kwargs={"pk": membership.pk}))
    assert note.link in note.body_text
    # Until they accept, the admin reaches nothing of theirs: the role gives no scope.
    assert world.district.pk not in {m.home_district.pk for m in active_memberships_for(outsider)}


def test_inviting_another_districts_email_offers_a_role_and_attaches_nothing(admin_client, world, outsider):
    response = admin_client.post(INVITE_URL, {
        "email": "Olive@Olympia.example", "display_name": "Renamed Person", "title": "", "phone": "",
        "role": Membership.Role.SCHOOL_STAFF, "district": world.district.pk, "school": world.school_a.pk,
        "agency": ""})
    assert response.status_code == 302
    assert offered(outsider, world).pending
    assert User.objects.filter(email__iexact="olive@olympia.example").count() == 1
    untouched(outsider)
    assert Notification.objects.get(recipient=outsider).kind == "role_offer"


# --- The person accepts or declines, and nobody else can ----------------------------------------------


def test_the_invited_person_accepts_after_signing_in_and_the_role_then_counts(client, world, outsider,
                                                                                district_admin):
    membership = people.role_offer(user=outsider, by=district_admin, district=world.district,
                                   role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    url = reverse("accounts:membership-accept", kwargs={"pk": membership.pk})
    client.force_login(outsider)
    page = client.get(url)
    assert page.status_code == 200 and "School A" in page.content.decode()
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.pending
    assert membership.is_active_on(world.district.local_today())
    assert AuditEvent.objects.filter(actor=outsider, object_type="schools.membership",
                                     object_id=str(membership.pk), note__contains="accepted").exists()
    # Once answered, the page is gone.
    assert client.get(url).status_code == 404


def test_the_invited_person_may_decline(client, world, outsider, district_admin):
    membership = people.role_offer(user=outsider, by=district_admin, district=world.district,
                                   role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    client.force_login(outsider)
    client.post(reverse("accounts:membership-accept", kwargs={"pk": membership.pk}), {"decision": "decline"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    untouched(outsider)


@pytest.mark.parametrize("who", ["district_admin", "school_a_staff", "no_membership"])
def test_nobody_but_the_invited_person_can_open_or_accept_the_offer(client, world, outsider, district_admin,
                                                                     who, request):
    membership = people.role_offer(user=outsider, by=district_admin, district=world.district,
                                   role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    url = reverse("accounts:membership-accept", kwargs={"pk": membership.pk})
    client.force_login(request.getfixturevalue(who))
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "accept"}).status_code == 404
    membership.refresh_from_db()
    assert membership.pending
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_NOT_FOUND, object_id=str(membership.pk),
                                     object_type="schools.membership").exists()


# --- The account of a person who is also elsewhere is never the district's to change ------------------


@pytest.fixture
def shared(world, outsider):
    """Olive also holds an (accepted) role at School A: the admin sees her but does not own the account."""
    MembershipFactory(user=outsider, role=Membership.Role.COUNSELOR, school=world.school_a)
    return outsider


ACCOUNT_ACTIONS = [
    ("accounts:user-update", {"display_name": "Renamed", "title": "", "phone": ""}),
    ("accounts:user-deactivate", {}),
    ("accounts:user-two-factor-reset", {}),
    ("accounts:user-sessions-end", {}),
    ("accounts:user-enable", {}),
]


@pytest.mark.parametrize(("url_name", "data"), ACCOUNT_ACTIONS)
def test_the_admin_cannot_change_the_account_of_a_person_held_elsewhere(admin_client, world, shared, url_name,
                                                                       data):
    theirs = Client()
    theirs.force_login(shared)
    response = admin_client.post(reverse(url_name, kwargs={"pk": shared.pk}), data)
    assert response.status_code == 403
    untouched(shared)
    assert Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert Membership.objects.filter(user=shared, ends_on__isnull=True).count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED_FORBIDDEN, object_type="schools.user",
                                     object_id=str(shared.pk), note="account held in another district").exists()


def test_the_admin_still_ends_the_role_in_their_own_district_only(admin_client, world, shared):
    here = Membership.objects.get(user=shared, school=world.school_a)
    response = admin_client.post(reverse("accounts:membership-end", kwargs={"pk": here.pk}))
    assert response.status_code == 302
    here.refresh_from_db()
    assert here.ends_on == world.district.local_today()
    assert Membership.objects.get(user=shared, school=world.other_school).ends_on is None
    untouched(shared)


def test_the_account_buttons_are_hidden_for_a_person_held_elsewhere(admin_client, world, shared):
    html = admin_client.get(reverse("accounts:user-detail", kwargs={"pk": shared.pk})).content.decode()
    for url_name, _data in ACCOUNT_ACTIONS:
        assert reverse(url_name, kwargs={"pk": shared.pk}) not in html
    here = Membership.objects.get(user=shared, school=world.school_a)
    assert reverse("accounts:membership-end", kwargs={"pk": here.pk}) in html


# --- The preview and the invite form say the same for an unknown email and one of elsewhere ------------


def _outcome_rows(html):
    start = html.index("<tbody>", html.index("What the import will do"))
    return html[start:html.index("</tbody>", start)]


def test_the_preview_says_the_same_for_a_new_email_and_one_of_another_district(admin_client, world, outsider):
    unknown = upload(admin_client, world, "email,name,title,role,school\n"
                                          "nobody@olympia.example,Pat Person,,school_staff,School A\n")
    known = upload(admin_client, world, "email,name,title,role,school\n"
                                        "olive@olympia.example,Pat Person,,school_staff,School A\n")
    assert unknown.status_code == known.status_code == 200
    a, b = unknown.content.decode(), known.content.decode()
    assert _outcome_rows(a).replace("nobody@", "X@") == _outcome_rows(b).replace("olive@", "X@")
    assert "Olive Olympia" not in b
    assert "1 people get an invitation" in a and "1 people get an invitation" in b
    # A row with a problem reads the same too (an empty name is a problem for both).
    bad_a = upload(admin_client, world, "email,name,title,role,school\nnobody@olympia.example,,,school_staff,"
                                        "School A\n")
    bad_b = upload(admin_client, world, "email,name,title,role,school\nolive@olympia.example,,,school_staff,"
                                        "School A\n")
    assert bad_a.status_code == bad_b.status_code == 400
    assert bad_a.context["report"].rows[0].errors == bad_b.context["report"].rows[0].errors


def test_the_import_message_says_the_same_for_both(world, outsider, district_admin):
    texts = []
    for email in ("nobody@olympia.example", "olive@olympia.example"):
        admin_client = Client()
        admin_client.force_login(district_admin)
        preview = upload(admin_client, world, f"email,name,title,role,school\n{email},Pat,,school_staff,"
                                              "School A\n")
        response = confirm(admin_client, preview)
        texts.append([str(m) for m in response.wsgi_request._messages])
    assert texts[0] == texts[1]


def test_the_invite_form_says_the_same_for_a_new_email_and_one_of_another_district(world, outsider,
                                                                                   district_admin):
    answers = []
    for email in ("nobody@olympia.example", "olive@olympia.example"):
        admin_client = Client()
        admin_client.force_login(district_admin)
        response = admin_client.post(INVITE_URL, {
            "email": email, "display_name": "Pat Person", "title": "", "phone": "",
            "role": Membership.Role.SCHOOL_STAFF, "district": world.district.pk, "school": world.school_a.pk,
            "agency": ""}, follow=False)
        messages = [str(m).replace(email, "X") for m in response.wsgi_request._messages]
        answers.append((response.status_code, response.url, messages))
    assert answers[0] == answers[1]


def test_a_role_offered_cannot_be_bypassed_with_the_membership_form(admin_client, world, outsider,
                                                                   district_admin):
    people.role_offer(user=outsider, by=district_admin, district=world.district,
                      role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    response = admin_client.post(reverse("schools:membership-create"), {
        "user": outsider.pk, "role": Membership.Role.COUNSELOR, "district": "", "school": world.school_a.pk,
        "agency": "", "starts_on": world.district.local_today().isoformat(), "ends_on": ""})
    assert response.status_code == 400
    # Someone who has not accepted is not even one of the district's people: not a choice of the form.
    assert "Select a valid choice" in str(response.context["form"].errors["user"])
    assert not Membership.objects.filter(user=outsider, pending=False, school=world.school_a).exists()


def test_a_person_offered_a_role_is_known_only_by_the_typed_address_until_they_accept(
        admin_client, world, outsider, district_admin):
    people.role_offer(user=outsider, by=district_admin, district=world.district,
                      role=Membership.Role.SCHOOL_STAFF, school=world.school_a)
    people_page = admin_client.get(reverse("accounts:user-list")).content.decode()
    memberships = admin_client.get(reverse("schools:membership-list")).content.decode()
    assert outsider.display_name not in people_page and outsider.display_name not in memberships
    assert f"{outsider.email} (has not accepted yet)" in memberships
    assert admin_client.get(reverse("accounts:user-detail", args=[outsider.pk])).status_code == 404
