from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A test-only app (installed when PORTAL_ENV=test) that proves the shared mechanisms work for any app:
    a concrete FollowUp registered with My tasks, exactly as an action app would do it."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import reverse

        from schools import followups, permissions
        from schools.permissions import DISTRICT_ADMIN, SCHOOL_ADMIN

        from .models import FakeFollowUp

        permissions.register("testapp.fakefollowup", view={DISTRICT_ADMIN, SCHOOL_ADMIN},
                             change={DISTRICT_ADMIN, SCHOOL_ADMIN}, add={SCHOOL_ADMIN})
        # School staff read the rows they own through FakeFollowUp.extra_scope, not through the matrix.
        followups.register(FakeFollowUp, label="Fake follow-up",
                           link=lambda row: reverse("schools:school-detail", args=[row.school_id]))
