from django.db import models

from portal.followups import owner_scope
from portal.models import FollowUp
from portal.scope import ScopedQuerySet


class FakeFollowUp(FollowUp):
    """A follow-up of no real app, for tests of My tasks."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")

    scope_path = "school"
    objects = ScopedQuerySet.as_manager()

    class Meta(FollowUp.Meta):
        pass

    @classmethod
    def extra_scope(cls, user, action):
        # Owners read their own tasks whatever their role (school staff work the tasks assigned to them).
        return owner_scope(user) if action == "view" else models.Q(pk__in=[])
