"""The platform's models.

The shared records the platform machinery works on (the audit log, the notification outbox, the reminder
ledger) stay in ``schools.models``, where the first migrations created them: moving a model between apps
costs a state-only migration in both apps, a rename of every content type and matrix label, and a risk to
the PostgreSQL audit trigger, for no gain to a reader. They are re-exported here so that code of the
platform reads them from the platform. What is defined here is abstract (``FollowUp``; signed records are
``portal.signed.SignedRecord``): the concrete models live in the action apps.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.uploads import SafeUploadField
from schools.models import AuditEvent, Notification, SentReminder  # noqa: F401  (re-exported, see above)


class FollowUp(models.Model):
    """Abstract follow-up work (after-action items, corrective actions): an owner, a due date, done or not.

    Concrete models add their own link to the record they follow up and a ``scope_path``.
    Due dates are district-local dates.
    """

    title = models.CharField(_("what needs doing"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"))
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    evidence_note = models.TextField(_("evidence"), blank=True)
    # Through the shared upload gate: type by content, metadata stripped from photos, generated names.
    evidence_file = SafeUploadField(_("evidence file"), prefix="followups", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["due_on"]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: dt.date) -> bool:
        return not self.is_done and self.due_on < today

    def mark_done(self, *, by, note: str = ""):
        if self.is_done:
            return
        self.done_at = timezone.now()
        self.done_by = by
        if note:
            self.evidence_note = note
        self.save(update_fields=["done_at", "done_by", "evidence_note"])
