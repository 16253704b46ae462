"""Importing staff from a CSV file: a preview with every problem by line number, then all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import people
from schools.models import AuditEvent, Membership, Notification, User

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("accounts:user-import")
CONFIRM_URL = reverse("accounts:user-import-confirm")


def csv_file(text, name="staff.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def upload(client, world, text):
    return client.post(UPLOAD_URL, {"district": world.district.pk, "file": csv_file(text)})


def confirm(client, response, send_invitations=True):
    data = {"digest": response.context["confirm_form"].initial["digest"]}
    if send_invitations:
        data["send_invitations"] = "on"
    return client.post(CONFIRM_URL, data)


@pytest.fixture
def admin_client(client, district_admin):
    client.force_login(district_admin)
    return client


def test_a_good_file_is_previewed_then_imported_with_inactive_accounts(admin_client, district_admin, world):
    world.school_b.nces_id = "261234005678"
    world.school_b.save()
    text = (
        "email,name,title,role,school\n"
        "Tess.New@District.example,Tess New,Grade 3 teacher,school_staff,School A\n"
        "bo@district.example,Bo Builder,Principal,School administrator,261234005678\n"
        "lee2@district.example,Lee Two,Director,district_leader,\n"
    )
    preview = upload(admin_client, world, text)
    assert preview.status_code == 200
    assert "All 3 lines are fine" in preview.content.decode()
    assert not User.objects.filter(email="bo@district.example").exists()  # a preview saves nothing

    done = confirm(admin_client, preview)
    assert done.status_code == 302
    tess = User.objects.get(email="tess.new@district.example")
    assert (tess.display_name, tess.title, tess.is_active, tess.invited_by) == (
        "Tess New",
        "Grade 3 teacher",
        False,
        district_admin,
    )
    assert tess.memberships.get().school == world.school_a
    bo = Membership.objects.get(user__email="bo@district.example")
    assert (bo.role, bo.school) == ("school_admin", world.school_b)
    lee = Membership.objects.get(user__email="lee2@district.example")
    assert (lee.role, lee.district, lee.school) == ("district_leader", world.district, None)
    assert lee.starts_on == world.district.local_today()
    assert Notification.objects.filter(kind="invitation").count() == 3
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, actor=district_admin).count() == 1
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_CHANGE, actor=district_admin).count()
        == 3
    )


def test_invitations_can_be_left_for_later(admin_client, world):
    preview = upload(
        admin_client, world, "email,name,title,role,school\nx@district.example,X,,school_staff,School A\n"
    )
    confirm(admin_client, preview, send_invitations=False)
    assert User.objects.filter(email="x@district.example").exists()
    assert not Notification.objects.exists()


def test_bad_rows_are_reported_by_line_number_and_nothing_is_saved(admin_client, world):
    text = (
        "email,name,title,role,school\n"
        "ok@district.example,Okay Person,,school_staff,School A\n"
        "r@district.example,Rita Role,,janitor,School A\n"
        "s@district.example,Sam School,,school_staff,Nowhere High\n"
        "o@district.example,Olga Other,,school_staff,Other District School\n"
        "ok@district.example,Okay Again,,school_staff,School B\n"
        "not-an-email,Mal Formed,,school_staff,School A\n"
        "d@district.example,Dee District,,district_admin,School A\n"
    )
    response = upload(admin_client, world, text)
    assert response.status_code == 400
    report = response.context["report"]
    problems = {row.line: " ".join(row.errors) for row in report.bad_rows}
    assert set(problems) == {3, 4, 5, 6, 7, 8}
    assert "Unknown role “janitor”" in problems[3]
    assert "No school of the district matches “Nowhere High”" in problems[4]
    assert "is a school of another district" in problems[5]
    assert "already on line 2" in problems[6]
    assert "not a valid email address" in problems[7]
    assert "covers the whole district" in problems[8]
    html = response.content.decode()
    assert "6 lines have problems. Nothing was saved" in html
    assert '<th scope="row">3</th>' in html

    assert (
        not User.objects.filter(email__endswith="@district.example")
        .exclude(email="admin@district.example")
        .exists()
    )
    assert not Membership.objects.exclude(user__email="admin@district.example").exists()
    assert response.context["confirm_form"] is None
    # Nothing waits to be confirmed: a forged confirmation imports nothing.
    forged = admin_client.post(CONFIRM_URL, {"digest": "0" * 64, "send_invitations": "on"})
    assert forged.status_code == 302 and forged.url == UPLOAD_URL
    assert not User.objects.filter(email="ok@district.example").exists()


def test_an_existing_person_gets_the_membership_without_a_second_account(admin_client, world):
    existing = UserFactory(email="sam.existing@district.example", display_name="Sam Existing")
    MembershipFactory(user=existing, role=Membership.Role.SCHOOL_STAFF, school=world.school_b)
    text = "email,name,title,role,school\nSAM.Existing@District.Example,Samuel Renamed,,counselor,School A\n"
    preview = upload(admin_client, world, text)
    assert "Existing account: gets this role" in preview.content.decode()
    confirm(admin_client, preview)

    assert User.objects.filter(email__iexact="sam.existing@district.example").count() == 1
    existing.refresh_from_db()
    assert existing.display_name == "Sam Existing"  # the import adds a role, it does not rename anyone
    assert set(existing.memberships.values_list("role", "school")) == {
        ("school_staff", world.school_b.pk),
        ("counselor", world.school_a.pk),
    }
    assert not Notification.objects.filter(recipient=existing).exists()


def test_a_role_already_held_is_left_alone(admin_client, world, school_a_staff):
    text = f"email,name,title,role,school\n{school_a_staff.email},Tess Teacher,,school_staff,School A\n"
    preview = upload(admin_client, world, text)
    assert "Already holds this role" in preview.content.decode()
    confirm(admin_client, preview)
    assert school_a_staff.memberships.count() == 1


def test_a_school_of_another_district_is_refused_by_its_nces_id_too(admin_client, world):
    world.other_school.nces_id = "530123000111"
    world.other_school.save()
    response = upload(
        admin_client, world, "email,name,title,role,school\nq@x.example,Q,,school_staff,530123000111\n"
    )
    assert response.status_code == 400
    assert "is a school of another district" in response.context["report"].bad_rows[0].errors[0]
    assert not User.objects.filter(email="q@x.example").exists()


def test_an_officer_row_names_their_agency(admin_client, world):
    text = (
        "email,name,title,role,school,agency\n"
        f"cop@police.example,Officer Kim,,sro,School A,{world.agency.name}\n"
        "cop2@police.example,Officer Lu,,sro,School B,\n"
    )
    response = upload(admin_client, world, text)
    problems = {row.line: " ".join(row.errors) for row in response.context["report"].bad_rows}
    assert set(problems) == {3}
    assert "agency" in problems[3]


def test_a_file_without_the_required_columns_says_which_are_missing(admin_client, world):
    response = upload(admin_client, world, "mail,full name\nx@y.example,X\n")
    assert response.status_code == 400
    assert "missing: email, role" in response.context["report"].file_errors[0]


def test_a_spreadsheet_saved_as_windows_1252_is_read(admin_client, world):
    text = "email,name,title,role,school\njose@district.example,José Núñez,,school_staff,School A\n"
    response = admin_client.post(
        UPLOAD_URL,
        {"district": world.district.pk, "file": SimpleUploadedFile("s.csv", text.encode("cp1252"))},
    )
    assert response.status_code == 200
    assert response.context["report"].rows[0].name == "José Núñez"


def test_the_import_is_all_or_nothing(district_admin, world, monkeypatch):
    text = (
        "email,name,title,role,school\n"
        "one@district.example,One,,school_staff,School A\n"
        "two@district.example,Two,,school_staff,School B\n"
    )
    report = people.staff_csv_read(text=text, district=world.district)
    assert report.is_valid
    calls = []

    def failing_invitation(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("mail template broke on the second person")

    monkeypatch.setattr(people, "invitation_send", failing_invitation)
    with pytest.raises(RuntimeError):
        people.staff_csv_import(staff_import=report, by=district_admin)
    assert not User.objects.filter(email__in=["one@district.example", "two@district.example"]).exists()
    assert not Membership.objects.filter(user__email="one@district.example").exists()


def test_a_school_admin_may_not_import(client, school_a_admin, world):
    client.force_login(school_a_admin)
    assert client.get(UPLOAD_URL).status_code == 403
    assert (
        upload(
            client, world, "email,name,title,role,school\nz@z.example,Z,,school_staff,School A\n"
        ).status_code
        == 403
    )
    assert client.post(CONFIRM_URL, {"digest": "x"}).status_code == 403
    assert not User.objects.filter(email="z@z.example").exists()
