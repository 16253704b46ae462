"""Drills (action 9): the rules schools must follow, the drills they plan and log, and what they learn.

Rules are data (``DrillRequirement`` rows loaded from ``drills/rules/*.csv`` plus a district's own);
compliance is computed from them and the logs in ``drills/evaluators.py``, never typed in. A signed
drill log is locked: a mistake is fixed by a correction, a new entry naming the one it replaces.
"""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.models import FollowUp
from portal.scope import ScopedQuerySet, active_memberships_for, allowed_memberships
from portal.signed import (
    COUNTERSIGN_FIELDS,  # noqa: F401  (re-exported: drills named it first)
    PartMessages,
    RecordLocked,
    SignedMessages,
    SignedPart,
    SignedPartQuerySet,
    SignedQuerySet,
    SignedRecord,
    countersigned_after_signed,
)
from schools.models import US_STATES, Agency, Building, District, School

# The first plural noun of a requirement's title, made singular for a count of one (DrillRequirement.what).
_SINGULAR = re.compile(r"\b(drill|test|exercise)s\b")

# Raised when something tries to change or delete a signed drill log (the shared exception, drills' old name).
DrillLocked = RecordLocked


# --------------------------------------------------------------------------------------------
# Kinds of drill
# --------------------------------------------------------------------------------------------


class DrillKindQuerySet(ScopedQuerySet):
    def for_district(self, district_id):
        """The shared kinds plus the district's own, active ones only (for choices)."""
        return self.filter(Q(district__isnull=True) | Q(district_id=district_id), is_active=True)


class DrillKind(models.Model):
    """A kind of drill a school practises: a shared code (fire evacuation, lockdown) or a district's own."""

    code = models.SlugField(_("code"), max_length=50, help_text=_("Short identifier, e.g. fire_evacuation."))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    # Empty for the kinds every district shares (seeded by migration 0002); set for a district's additions.
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drill_kinds",
        verbose_name=_("district"),
    )
    is_active = models.BooleanField(_("offered for new drills"), default=True)

    scope_path = "district"
    objects = DrillKindQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("drill kind")
        verbose_name_plural = _("drill kinds")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(district__isnull=True), name="drillkind_code_unique_shared"
            ),
            models.UniqueConstraint(fields=["district", "code"], name="drillkind_code_unique_per_district"),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def extra_scope(cls, user, action):
        """The shared kinds are reference data: whoever may see drill kinds somewhere sees them."""
        if action == "view" and allowed_memberships(user, cls, action):
            return Q(district__isnull=True)
        return Q(pk__in=[])

    @property
    def is_locked(self) -> bool:
        """Shared kinds come from the migration and are not edited by a district."""
        return self.district_id is None


# --------------------------------------------------------------------------------------------
# Requirements: the rules as data
# --------------------------------------------------------------------------------------------


class DrillRequirementQuerySet(ScopedQuerySet):
    def for_district(self, district: District):
        """The state's rules and the district's own additions."""
        return self.filter(Q(district__isnull=True, state=district.state) | Q(district=district))

    def overlapping(self, start: dt.date, end: dt.date):
        """Versions in effect at some point between ``start`` and ``end``."""
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=end),
            Q(effective_until__isnull=True) | Q(effective_until__gte=start),
        )


class DrillRequirement(models.Model):
    """One rule: how many drills of which kinds a school runs in a window, from a state's law or a district.

    A rule change is a new row with the same ``code`` and a later ``effective_from`` (the old row gets an
    ``effective_until``): each window is judged by the version in effect on the day the window opens, so a
    change never rewrites last year's compliance.
    """

    class Window(models.TextChoices):
        SCHOOL_YEAR = "school_year", _("Each school year")
        TERM = "term", _("Each term of the school year")
        YEAR_PART = "year_part", _("Each of N equal parts of the school year (2: semesters, 4: quarters)")
        CALENDAR_MONTH = "calendar_month", _("Each month school is in session")
        EACH_MONTH_WITH_MIN_DAYS = (
            "each_month_with_min_instructional_days",
            _("Each month with at least N days of school"),
        )
        DATE_RANGE = "date_range", _("Between two dates each year")
        BY_DATE = "by_date", _("By a date each year")
        FIRST_N_INSTRUCTIONAL_DAYS = "first_n_instructional_days", _("Within the first N days of school")
        FIRST_N_DAYS = "first_n_days", _("Within N calendar days of the first day of school")

    # The windows that need N, the ones that need a start and/or an end (month and day).
    WINDOWS_WITH_N = {
        Window.YEAR_PART,
        Window.EACH_MONTH_WITH_MIN_DAYS,
        Window.FIRST_N_INSTRUCTIONAL_DAYS,
        Window.FIRST_N_DAYS,
    }
    WINDOWS_WITH_START = {Window.DATE_RANGE}
    WINDOWS_WITH_END = {Window.DATE_RANGE, Window.BY_DATE}

    class Confidence(models.TextChoices):
        VERIFIED_STATUTE = "verified_statute", _("Checked against the statute or regulation text")
        OFFICIAL_SUMMARY = "official_summary", _("From an official summary")
        UNVERIFIED = "unverified", _("Unverified: verify with your state")

    state = models.CharField(
        _("state"),
        max_length=2,
        choices=US_STATES,
        blank=True,
        help_text=_("For a state's rule; leave empty for a district's own requirement."),
    )
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drill_requirements",
        verbose_name=_("district"),
    )
    code = models.SlugField(
        _("code"), max_length=80, help_text=_("Stable identifier shared by every version of this rule.")
    )
    title = models.CharField(
        _("what is counted"),
        max_length=120,
        help_text=_("Plural, as in “2 of 3 fire drills”: e.g. “fire drills”."),
    )
    kinds = models.ManyToManyField(
        DrillKind, related_name="requirements", verbose_name=_("drill kinds that count")
    )
    min_count = models.PositiveSmallIntegerField(
        _("at least"), default=1, validators=[MaxValueValidator(100)]
    )
    max_count = models.PositiveSmallIntegerField(
        _("at most"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Only where the law caps drills of these kinds."),
    )
    window = models.CharField(_("window"), max_length=40, choices=Window.choices, default=Window.SCHOOL_YEAR)
    window_n = models.PositiveSmallIntegerField(
        _("N"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    start_month = models.PositiveSmallIntegerField(
        _("from month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    start_day = models.PositiveSmallIntegerField(
        _("from day"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    end_month = models.PositiveSmallIntegerField(
        _("until month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    end_day = models.PositiveSmallIntegerField(
        _("until day"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    # School.Level values; empty applies to every school. Combined and other schools follow every rule.
    levels = models.JSONField(_("school levels"), default=list, blank=True)
    citation = models.CharField(_("citation"), max_length=300, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    effective_from = models.DateField(
        _("in effect from"),
        null=True,
        blank=True,
        help_text=_("Leave empty if in effect since before the portal's records."),
    )
    effective_until = models.DateField(
        _("in effect until"), null=True, blank=True, help_text=_("Leave empty while it lasts.")
    )
    confidence = models.CharField(
        _("confidence"), max_length=20, choices=Confidence.choices, default=Confidence.UNVERIFIED
    )
    created_at = models.DateTimeField(default=timezone.now)

    scope_path = "district"
    objects = DrillRequirementQuerySet.as_manager()

    class Meta:
        ordering = ["state", "title", "code", "effective_from"]
        verbose_name = _("drill requirement")
        verbose_name_plural = _("drill requirements")
        indexes = [models.Index(fields=["state", "code"]), models.Index(fields=["district", "code"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(district__isnull=True) & ~Q(state=""))
                | (Q(district__isnull=False) & Q(state="")),
                name="drillrequirement_state_xor_district",
            ),
            models.CheckConstraint(
                condition=Q(max_count__isnull=True) | Q(max_count__gte=F("min_count")),
                name="drillrequirement_max_not_below_min",
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_until__gte=F("effective_from")),
                name="drillrequirement_effective_order",
            ),
        ]

    def __str__(self):
        return f"{self.owner_label}: {self.title} ({self.count_phrase()})"

    @classmethod
    def extra_scope(cls, user, action):
        """State rules are public law: whoever may view requirements sees their districts' states' rules."""
        if action != "view":
            return Q(pk__in=[])
        states = {m.home_district.state for m in allowed_memberships(user, cls, action)}
        return Q(district__isnull=True, state__in=states)

    # -- reading ---------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        """State rules come from the shipped rule sets (``load_drill_rules``), not from a district's edits."""
        return self.district_id is None

    @property
    def owner_label(self) -> str:
        return str(self.district) if self.district_id else self.get_state_display()

    @property
    def is_verified(self) -> bool:
        return self.confidence != self.Confidence.UNVERIFIED

    def applies_to_level(self, level: str) -> bool:
        if not self.levels or level in (School.Level.COMBINED, School.Level.OTHER):
            return True
        return level in self.levels

    def in_effect_on(self, day: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_until is None or day <= self.effective_until
        )

    def window_phrase(self) -> str:
        """The window in words, e.g. "each month with at least 10 days of school"."""
        n, W = self.window_n, self.Window
        phrases = {
            W.SCHOOL_YEAR: _("each school year"),
            W.TERM: _("each term"),
            W.YEAR_PART: {2: _("each semester"), 4: _("each quarter")}.get(n)
            or _("each of %(n)s parts of the year"),
            W.CALENDAR_MONTH: _("each month school is in session"),
            W.EACH_MONTH_WITH_MIN_DAYS: _("each month with at least %(n)s days of school"),
            W.DATE_RANGE: (
                _("between %(start)s and %(end)s")
                if self.end_month
                else _("between %(start)s and the last day of school")
            ),
            W.BY_DATE: _("by %(end)s"),
            W.FIRST_N_INSTRUCTIONAL_DAYS: _("within the first %(n)s days of school"),
            W.FIRST_N_DAYS: _("within %(n)s days of the first day of school"),
        }
        return str(phrases[self.window]) % {
            "n": n,
            "start": self._month_day(self.start_month, self.start_day),
            "end": self._month_day(self.end_month, self.end_day),
        }

    def what(self, count: int) -> str:
        """What is counted, agreeing with ``count``: the title is plural ("fire drills"); one is "fire drill".

        The first plural noun of the title becomes singular ("fire drills (fire code)" -> "fire drill (fire
        code)", "tests of emergency response procedures" -> "test of ..."); other titles stay as written.
        """
        if count != 1:
            return self.title
        return _SINGULAR.sub(lambda m: m.group(1), self.title, count=1)

    def count_phrase(self) -> str:
        if self.max_count is not None and self.min_count == 0:
            return ngettext("at most %(max)s %(what)s %(window)s", "at most %(max)s %(what)s %(window)s",
                            self.max_count) % {
                "max": self.max_count,
                "what": self.what(self.max_count),
                "window": self.window_phrase(),
            }
        text = ngettext("at least %(min)s %(what)s %(window)s", "at least %(min)s %(what)s %(window)s",
                        self.min_count) % {
            "min": self.min_count,
            "what": self.what(self.min_count),
            "window": self.window_phrase(),
        }
        if self.max_count is not None:
            text += str(_(", at most %(max)s")) % {"max": self.max_count}
        return text

    @staticmethod
    def _month_day(month, day) -> str:
        if not month or not day:
            return ""
        return date_format(dt.date(2000, month, day), "M j")

    # -- validation ------------------------------------------------------------------------
    def clean(self):
        errors = {}
        if bool(self.state) == bool(self.district_id):
            errors["state"] = _("A requirement is either a state's rule or a district's own, not both.")
        if self.max_count is not None and self.min_count is not None and self.max_count < self.min_count:
            errors["max_count"] = _("The maximum cannot be below the minimum.")
        errors.update(self._clean_window())
        invalid = set(self.levels or []) - set(School.Level.values)
        if invalid:
            errors["levels"] = _("Unknown school levels: %(levels)s.") % {
                "levels": ", ".join(sorted(invalid))
            }
        if self.effective_from and self.effective_until and self.effective_until < self.effective_from:
            errors["effective_until"] = _("The end date cannot come before the start date.")
        if errors:
            raise ValidationError(errors)
        self._check_no_overlapping_version()

    def _clean_window(self) -> dict:
        errors = {}
        W = self.Window
        if self.window in self.WINDOWS_WITH_N:
            if not self.window_n:
                errors["window_n"] = _("This window needs N.")
        else:
            self.window_n = None
        needs_start, needs_end = self.window in self.WINDOWS_WITH_START, self.window in self.WINDOWS_WITH_END
        for prefix, needed in (("start", needs_start), ("end", needs_end)):
            month, day = getattr(self, f"{prefix}_month"), getattr(self, f"{prefix}_day")
            # A date range may run to the last day of school: its end is optional.
            optional = prefix == "end" and self.window == W.DATE_RANGE
            if not needed:
                setattr(self, f"{prefix}_month", None)
                setattr(self, f"{prefix}_day", None)
            elif (month is None) != (day is None) or (month is None and not optional):
                errors[f"{prefix}_month"] = _("Give both the month and the day.")
            elif month is not None:
                try:
                    dt.date(2000, month, day)  # a leap year, so 29 February is allowed
                except ValueError:
                    errors[f"{prefix}_day"] = _("That day does not exist in that month.")
        return errors

    def _check_no_overlapping_version(self):
        """Two versions of one rule may not be in effect on the same day."""
        if not self.code:
            return
        versions = DrillRequirement.objects.filter(
            code=self.code, state=self.state, district_id=self.district_id
        )
        start, end = self.effective_from or dt.date.min, self.effective_until or dt.date.max
        clash = versions.exclude(pk=self.pk).overlapping(start, end).first()
        if clash:
            raise ValidationError(
                _(
                    "Another version of this rule is in effect over these dates (from %(start)s). "
                    "End that version first."
                )
                % {"start": clash.effective_from or "the start"}
            )


# --------------------------------------------------------------------------------------------
# A district's drill settings
# --------------------------------------------------------------------------------------------


class DrillSettings(models.Model):
    """A district's choices about its drill logs: whether a held drill counts toward compliance before its
    log is signed. No row means the default (unsigned drills count; the PDFs mark them as not signed)."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="+",
                                    verbose_name=_("district"))
    unsigned_drills_count = models.BooleanField(
        _("unsigned drills count toward compliance"),
        default=True,
        help_text=_("Off: a held drill counts only once the school administrator has signed its log."),
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill settings")
        verbose_name_plural = _("drill settings")

    def __str__(self):
        return str(_("Drill settings of %(district)s") % {"district": self.district})

    @classmethod
    def unsigned_count_for(cls, district_id) -> bool:
        """Whether the district counts drills whose log is not signed yet (one query)."""
        value = cls.objects.filter(district_id=district_id).values_list("unsigned_drills_count", flat=True).first()
        return True if value is None else value


def counting_rule_text(unsigned_count: bool) -> str:
    """The district's counting rule in words, as the pages and the PDFs state it."""
    from django.utils.translation import gettext

    if unsigned_count:
        return gettext("Counting rule: every completed drill counts, signed or not; entries not yet signed are "
                       "marked as such.")
    return gettext("Counting rule: a completed drill counts only once the school administrator has signed its "
                   "log; entries not yet signed do not count.")


# --------------------------------------------------------------------------------------------
# Drills: planned, logged, signed, countersigned, corrected
# --------------------------------------------------------------------------------------------

_NAME = r"[A-Z][a-z'\-]+"
_ROSTER_ITEM = re.compile(rf"^(?:{_NAME}(?: [A-Z]\.)? {_NAME}|{_NAME}, {_NAME})$")


def validate_no_student_names(text: str) -> None:
    """Refuse notes that look like a list of people's names: drill logs are read by many roles."""
    items = [item.strip() for item in re.split(r"[;\n]|,(?! [A-Z][a-z]+$)", text or "") if item.strip()]
    if sum(1 for item in items if _ROSTER_ITEM.match(item)) >= 2:
        raise ValidationError(
            _(
                "This looks like a list of names. Record counts and kinds of accommodation "
                "only (for example “2 students using wheelchairs, evacuated by the ramp”)."
            )
        )


class DrillQuerySet(SignedQuerySet):
    """Drills; bulk writes refuse signed logs (``SignedQuerySet``)."""

    def counting(self):
        """Completed drills that count: not replaced by a correction (only the latest entry counts)."""
        return self.current().filter(status=Drill.Status.COMPLETED)

    def planned(self):
        return self.current().filter(status=Drill.Status.PLANNED)

    def starting_between(self, start: dt.datetime, end: dt.datetime):
        """Drills whose actual start (or, if not yet held, planned start) falls in [start, end)."""
        return self.filter(
            Q(actual_start__gte=start, actual_start__lt=end)
            | Q(actual_start__isnull=True, planned_start__gte=start, planned_start__lt=end)
        )


class Drill(SignedRecord):
    """One drill at one school: planned ahead, then logged with its results, signed off by the school admin
    (which locks it) and optionally countersigned by the school's resource officer.

    Sign-off, countersignature and correction (fields, guards, methods) come from ``portal.signed``.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="drills", verbose_name=_("school")
    )
    kind = models.ForeignKey(
        DrillKind, on_delete=models.PROTECT, related_name="drills", verbose_name=_("kind")
    )
    planned_start = models.DateTimeField(_("planned for"))
    buildings = models.ManyToManyField(
        Building,
        blank=True,
        related_name="drills",
        verbose_name=_("buildings"),
        help_text=_("Leave empty for the whole campus."),
    )
    plan_notes = models.TextField(
        _("plan notes"), blank=True, help_text=_("Scenario and roles. Never student names.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)

    # Results, recorded once the drill has been held.
    actual_start = models.DateTimeField(_("started at"), null=True, blank=True)
    actual_end = models.DateTimeField(_("ended at"), null=True, blank=True)
    evacuation_or_lockdown_seconds = models.PositiveIntegerField(
        _("time to evacuate or secure (seconds)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(86_400)],
        help_text=_("From the signal until everyone was out (evacuation) or secured (lockdown)."),
    )
    participant_count = models.PositiveIntegerField(
        _("people taking part"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    observing_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observed_drills",
        verbose_name=_("observing agency"),
    )
    announced = models.BooleanField(_("announced in advance to staff and students"), default=True)
    accommodations_count = models.PositiveIntegerField(
        _("people given accommodations"), default=0, validators=[MaxValueValidator(100_000)]
    )
    accommodations_notes = models.TextField(
        _("accommodations used"),
        blank=True,
        validators=[validate_no_student_names],
        help_text=_(
            "Counts and kinds only, e.g. “2 wheelchair users evacuated by the ramp”. "
            "Never student names: many roles read this log."
        ),
    )
    families_notified_in_advance = models.BooleanField(_("families were told in advance"), default=False)
    no_attacker_roleplay_confirmed = models.BooleanField(
        _("no one role-played an attacker"),
        default=False,
        help_text=_(
            "Required before sign-off: drills must not include anyone acting as an active aggressor."
        ),
    )
    issues_found = models.TextField(_("issues found"), blank=True, help_text=_("Never student names."))

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_path = "school"
    objects = DrillQuerySet.as_manager()

    # What a correction starts from (portal.signed): the results, not the sign-off or the status.
    correction_copy_fields = (
        "school_id",
        "kind_id",
        "planned_start",
        "plan_notes",
        "actual_start",
        "actual_end",
        "evacuation_or_lockdown_seconds",
        "participant_count",
        "observing_agency_id",
        "announced",
        "accommodations_count",
        "accommodations_notes",
        "families_notified_in_advance",
        "no_attacker_roleplay_confirmed",
        "issues_found",
    )
    correction_copy_m2m = ("buildings",)
    signed_messages = SignedMessages(
        locked=_("A signed drill log cannot be changed; record a correction instead."),
        undeletable=_("A signed drill log cannot be deleted."),
        already_signed=_("This log is already signed."),
        sign_first=_("The school administrator signs the log first."),
        already_countersigned=_("This log is already countersigned."),
        locked_page=_("This log is signed and locked; record a correction instead."),
        referenced=_("%(target)s is named by a signed drill log and cannot be deleted."),
    )

    class Meta:
        ordering = ["-planned_start", "-id"]
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        # One per list filter (school, kind, status, dates) and for the evaluator's and reminders' reads.
        indexes = [
            models.Index(fields=["school", "-planned_start"], name="drill_school_planned"),
            models.Index(fields=["school", "status", "actual_start"], name="drill_school_status_actual"),
            models.Index(fields=["status", "planned_start"], name="drill_status_planned"),
            models.Index(fields=["kind", "planned_start"], name="drill_kind_planned"),
            models.Index(fields=["actual_start"], name="drill_actual_start"),
            # The "waiting for" filter and the owed tasks: small partial indexes over the few waiting rows.
            models.Index(fields=["school", "actual_start"], name="drill_awaiting_sign_off",
                         condition=Q(status="completed", signed_at__isnull=True)),
            models.Index(fields=["school", "signed_at"], name="drill_awaiting_countersign",
                         condition=Q(signed_at__isnull=False, countersigned_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_end__gte=F("actual_start")),
                name="drill_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(actual_start__isnull=False),
                name="drill_completed_has_start",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(status="completed"),
                name="drill_signed_only_when_completed",
            ),
            countersigned_after_signed("drill_countersigned_after_signed"),
        ]

    def __str__(self):
        when = self.actual_start or self.planned_start
        local = timezone.localtime(when).strftime("%Y-%m-%d") if when else "?"
        return f"{self.kind_name} · {self.school_name} · {local}"

    @property
    def audit_label(self) -> str:
        """"Fire drill, Pioneer High, 2 Oct 2026": what the audit log shows (portal/audit.py)."""
        day = self.local_date(self.school.district.tz) if self.held_or_planned_at else None
        when = f", {day.day} {day:%b %Y}" if day else ""
        return f"{self.kind_name}, {self.school_name}{when}"

    # -- names: as signed for a signed log (``signed_snapshot``), today's otherwise ---------------
    def snapshot(self) -> dict:
        """The names a signed log keeps showing whatever is renamed later (``portal.signed``)."""
        return {
            "school": self.school.name,
            "kind": self.kind.name,
            "buildings": sorted(b.name for b in self.buildings.all()),
            "observing_agency": self.observing_agency.name if self.observing_agency_id else "",
        }

    @property
    def school_name(self) -> str:
        return self.signed_name("school", self.school.name)

    @property
    def kind_name(self) -> str:
        return self.signed_name("kind", self.kind.name)

    @property
    def building_names(self) -> list[str]:
        """The buildings by name (empty: the whole campus)."""
        if self.is_locked and "buildings" in (self.signed_snapshot or {}):
            return list(self.signed_snapshot["buildings"])
        return sorted(b.name for b in self.buildings.all()) if self.pk else []

    @property
    def observing_agency_name(self) -> str:
        live = self.observing_agency.name if self.observing_agency_id else ""
        return self.signed_name("observing_agency", live)

    # -- state -----------------------------------------------------------------------------
    @property
    def held_or_planned_at(self) -> dt.datetime:
        return self.actual_start or self.planned_start

    def local_date(self, tz) -> dt.date:
        return timezone.localtime(self.held_or_planned_at, tz).date()

    @property
    def past_planned_time(self) -> bool:
        """Still planned after its time: the results are owed (or it should be cancelled)."""
        return self.status == self.Status.PLANNED and self.planned_start < timezone.now()

    def sign_off_problems(self) -> list[str]:
        """What stops the school admin from signing, in words (empty when it can be signed)."""
        problems = super().sign_off_problems()
        if self.status != self.Status.COMPLETED:
            problems.append(str(_("Record the drill's results first.")))
        if not self.no_attacker_roleplay_confirmed:
            problems.append(str(_("Confirm that no one role-played an attacker.")))
        return problems

    # -- behaviour -------------------------------------------------------------------------
    def cancel(self, *, reason: str) -> None:
        if self.status != self.Status.PLANNED:
            raise ValidationError(_("Only a planned drill can be cancelled."))
        self.status, self.cancel_reason = self.Status.CANCELLED, reason
        self.save(update_fields=["status", "cancel_reason"])

    def correction_draft(self) -> "Drill":
        """An unsaved new entry copying this one's results, to be edited and saved as its correction."""
        draft = super().correction_draft()
        draft.status = self.Status.COMPLETED
        return draft


class AfterActionReport(SignedPart):
    """The review written after a drill: what happened, what went well and what to improve.

    It is locked together with its drill's sign-off (``portal.signed.SignedPart``: model, queryset and the
    PostgreSQL trigger of migration 0006); its improvement items stay workable.
    """

    drill = models.OneToOneField(
        Drill, on_delete=models.PROTECT, related_name="after_action", verbose_name=_("drill")
    )
    what_happened = models.TextField(_("what happened"), help_text=_("Never student names."))
    went_well = models.TextField(_("what went well"), blank=True)
    areas_for_improvement = models.TextField(_("areas for improvement"), blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    scope_path = "drill__school"
    signed_parent = "drill"
    part_messages = PartMessages(
        locked=_("The drill is signed: its after-action report is locked."),
        undeletable=_("The drill is signed: its after-action report cannot be deleted."),
    )
    objects = SignedPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("after-action report")
        verbose_name_plural = _("after-action reports")

    def __str__(self):
        return _("After-action report: %(drill)s") % {"drill": self.drill}



class ImprovementItemQuerySet(SignedPartQuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today: dt.date):
        return self.open().filter(due_on__lt=today)


class ImprovementItem(SignedPart, FollowUp):
    """One improvement agreed after a drill ("fix the east stairwell alarm"), owned by a person until done.

    Follow-up work outlives the signature: once the drill is signed an item is still worked and marked done
    (``writable_after_signing``: done at/by and the evidence), and items found later may still be added, but
    what was agreed (title, owner, due date, report) stays as written and no item is deleted.
    """

    after_action = models.ForeignKey(
        AfterActionReport,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("after-action report"),
    )

    scope_path = "after_action__drill__school"
    signed_parent = "after_action__drill"
    writable_after_signing = frozenset(
        {"done_at", "done_by", "done_by_id", "evidence_note", "evidence_file"}
    )
    part_messages = PartMessages(
        locked=_("The drill is signed: an improvement item's title, owner and due date stay as agreed; "
                 "only marking it done and its evidence change."),
        undeletable=_("The drill is signed: its improvement items cannot be deleted."),
    )
    objects = ImprovementItemQuerySet.as_manager()

    class Meta(FollowUp.Meta):
        verbose_name = _("improvement item")
        verbose_name_plural = _("improvement items")
        indexes = [
            models.Index(fields=["owner", "done_at", "due_on"], name="improvement_owner_open"),
            models.Index(fields=["done_at", "due_on"], name="improvement_open_due"),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def extra_scope(cls, user, action):
        """Owners see and complete their own items while they hold a membership in that district."""
        if action not in ("view", "change"):
            return Q(pk__in=[])
        districts = {m.home_district.pk for m in active_memberships_for(user)}
        return Q(owner_id=user.pk, after_action__drill__school__district_id__in=districts)

    @property
    def school(self):
        return self.after_action.drill.school


# --------------------------------------------------------------------------------------------
# The personal iCal feed address
# --------------------------------------------------------------------------------------------


class CalendarFeedTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class CalendarFeedToken(models.Model):
    """A person's secret address for subscribing to the planned drills they may see, from a calendar app.

    Only a hash of the secret is stored; making a new one revokes the old. The feed dies with the person's
    memberships: it is read through ``Drill.objects.for_user`` at every fetch.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drill_feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    scope_path = None  # personal: read only by its owner's own page and by the secret itself
    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_live_drill_feed_per_person"
            )
        ]

    def __str__(self):
        return f"drill feed of {self.user_id} ({'revoked' if self.revoked_at else 'live'})"

    @staticmethod
    def hash(secret: str) -> str:
        import hashlib

        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, user) -> str:
        """Revoke the person's live address and make a new one; returns the secret (shown once)."""
        import secrets

        secret = secrets.token_urlsafe(32)
        with transaction.atomic():
            cls.objects.filter(user=user).live().update(revoked_at=timezone.now())
            cls.objects.create(user=user, token_hash=cls.hash(secret))
        return secret

    @classmethod
    def revoke_all(cls, user) -> int:
        return cls.objects.filter(user=user).live().update(revoked_at=timezone.now())
