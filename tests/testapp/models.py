"""Models of the test-only app, built as docs/adding-an-action-app.md says an action app is built."""

from django.db import models
from django.utils import timezone

from portal.followups import owner_scope
from portal.models import FollowUp
from portal.scope import ScopedQuerySet
from portal.signed import SignedQuerySet, SignedRecord


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


class WalkthroughQuerySet(SignedQuerySet):
    def at(self, school):
        return self.filter(school=school)


class Walkthrough(SignedRecord):
    """A principal's walk around a school's grounds on one day and what they noticed; signed off (and then
    locked) by the school admin, corrected by a new entry."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name="school")
    walked_on = models.DateField("walked on")
    notes = models.TextField("what was noticed", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    scope_path = "school"
    correction_copy_fields = ("school_id", "walked_on", "notes")
    objects = WalkthroughQuerySet.as_manager()

    class Meta:
        ordering = ["-walked_on", "-id"]
        verbose_name = "walk-through"
        verbose_name_plural = "walk-throughs"
        # One per list filter (school, date).
        indexes = [models.Index(fields=["school", "-walked_on"], name="walkthrough_school_date")]

    def __str__(self):
        return f"Walk-through of {self.walked_on:%Y-%m-%d}"

    @property
    def state(self) -> str:
        """The entry's state in words (the list's last column): never told by colour alone."""
        if self.is_locked:
            return "Signed"
        return "Correction, not signed" if self.corrects_id else "Not signed"
