"""Records of the cross-action layer: generated compliance documents."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.scope import ScopedQuerySet


class GeneratedDocument(models.Model):
    """A PDF rendered in the background (a school profile, a drill log, a compliance report), kept for scoped
    download."""

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
    # The requester's language when asked: the worker renders in it (and writes the email in it).
    language = models.CharField(_("language"), max_length=10, default="en")
    # The actions whose reasons (and app sections) the PDF prints: only people who may read all of them
    # may download it (views.document_download), so a report never shows a reason to a role that may not.
    reason_actions = models.JSONField(default=list, blank=True)
    schedule = models.ForeignKey("compliance.ReportSchedule", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="documents")

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


class ReportSchedule(models.Model):
    """A district compliance report sent on a schedule to chosen district leaders (issue 13).

    Each schedule owns one django-celery-beat ``PeriodicTask`` (and its ``CrontabSchedule``), written,
    updated and deleted with it by ``compliance.schedules``; the code schedule never carries one. A run
    claims a ledger key per recipient and period (``SentReminder``), so a period is sent once.
    """

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly (January, April, July, October)")

    district = models.ForeignKey("schools.District", on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("1 to 28, so that every month has that day. Sent early in the morning, district time."))
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("send to"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    periodic_task = models.OneToOneField("django_celery_beat.PeriodicTask", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["district", "day_of_month", "pk"]
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")
        indexes = [models.Index(fields=["district", "frequency"]), models.Index(fields=["district", "is_active"])]

    def __str__(self):
        return _("%(frequency)s compliance report, day %(day)s") % {
            "frequency": self.get_frequency_display(), "day": self.day_of_month}
