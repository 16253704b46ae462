from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """A test-only app (installed when PORTAL_ENV=test) that proves the shared mechanisms work for any app:
    a concrete FollowUp registered with My tasks, exactly as an action app would do it."""

    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"
