"""Records of the cross-action layer: generated compliance documents."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.scope import ScopedQuerySet


class GeneratedDocument(models.Model):
    """A PDF rendered in the background (a school profile, a drill log) and kept for scoped download."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    district = models.ForeignKey("schools.District", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    school_year = models.ForeignKey("schools.SchoolYear", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    error = models.CharField(_("error"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When it last entered the queue (first request or a retry): the sweep re-enqueues what waits too long.
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # "host:pid" of the worker that rendered it, for an operator chasing a bad render.
    rendered_by = models.CharField(max_length=100, blank=True)

    # School documents are scoped by their school; district-wide ones (no school) by district roles only.
    scope_path = "school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "started_at"]), models.Index(fields=["district", "kind"]),
                   models.Index(fields=["status", "queued_at"])]

    def __str__(self):
        return self.title

    @classmethod
    def extra_scope(cls, user, action):
        from django.db.models import Q

        from portal.scope import allowed_memberships

        district_ids = [m.district_id for m in allowed_memberships(user, cls, action) if m.district_id]
        return Q(school__isnull=True, district_id__in=district_ids)
