"""Behavioral threat assessment and management (action 6): confidential cases from referral to closure.

Who sees a case (decided here, and why): the **case's team** and the **district threat team**, nobody else,
not the school's principal or counselor unless they are on the team. The permission matrix gives the
``threat_team`` role alone the case rows (``integrations.py``): a ``threat_team`` membership at a school is
the district's appointment of that person to the school's team, and a district-wide one is the district
threat team. The team's roster (``TeamMember``) then adds the people whose role would not open a case
(the administrator, the SRO, an outside clinician), each only while their place on the roster lasts (an
outside member until their end date), and only for their team's cases, or the one case they were added
to. That grant is the models' ``extra_scope``, so ``for_user`` (hence every view, list, PDF and task)
applies it; no view decides visibility on its own.

Private notes are their author's alone (``PrivateNote.objects.for_user``), and never exported.
"""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.followups import owner_scope
from portal.models import FollowUp
from portal.scope import ScopedQuerySet, active_memberships_for
from portal.signed import SignedMessages, SignedQuerySet, SignedRecord
from schools.models import District, School

from . import steps as model_steps

GRADE_CHOICES = [(g, g) for g in School.GRADES]


# --------------------------------------------------------------------------------------------
# The team grant: who is on which team today
# --------------------------------------------------------------------------------------------

def roster_places(user):
    """The person's roster places that count today: a queryset, used as a subquery (no query of its own).

    A place counts while it lasts (its start and end dates, in its district's time zone) and only in a
    district where the person holds some active membership today (deny by default: an outside clinician
    holds a time-boxed membership too).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    districts = {m.home_district.pk: m.home_district for m in active_memberships_for(user)}
    if not districts:
        return None
    today_q = Q(pk__in=[])
    for pk, district in districts.items():
        today = district.local_today()
        today_q |= Q(team__school__district_id=pk, starts_on__lte=today) & (
            Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return TeamMember.objects.filter(today_q, user=user)


def case_grant_q(user, action: str, prefix: str = "") -> Q:
    """The cases (``prefix`` leads from a case's child to its case) the person's roster places open.

    Team members view and work their cases (view, add and change of its records, sign its closure, its case
    file); deleting, destroying and the district's settings stay with the roles of the matrix.
    """
    if action not in ("view", "add", "change", "sign", "export"):
        return Q(pk__in=[])
    places = roster_places(user)
    if places is None:
        return Q(pk__in=[])
    case_pk = f"{prefix}id" if prefix else "pk"
    return (Q(**{f"{prefix}school_id__in": places.filter(case__isnull=True).values("team__school_id")})
            | Q(**{f"{case_pk}__in": places.filter(case__isnull=False).values("case_id")}))


def team_grant_q(user, prefix: str = "") -> Q:
    """The teams (``prefix`` leads to a team) whose roster the person is on today."""
    places = roster_places(user)
    if places is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}school_id__in": places.values("team__school_id")})


# --------------------------------------------------------------------------------------------
# The district's choices
# --------------------------------------------------------------------------------------------


class ThreatSettings(models.Model):
    """A district's threat assessment settings: the model its teams follow and its retention schedule."""

    district = models.OneToOneField(District, on_delete=models.PROTECT, related_name="threat_settings")
    model = models.CharField(_("threat assessment model"), max_length=10, choices=model_steps.MODEL_CHOICES,
                             default=model_steps.CSTAG,
                             help_text=_("New cases follow this model; a case keeps the model it was opened "
                                         "under."))
    retention_years = models.PositiveSmallIntegerField(
        _("keep closed cases for (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("Counted from the day a case was closed. A case under legal hold is never destroyed."))
    retention_rule = models.CharField(
        _("retention rule"), max_length=200, blank=True,
        help_text=_("The schedule this follows, as your records policy names it (e.g. a state schedule item)."))
    records_race_ethnicity = models.BooleanField(
        _("the district records race and ethnicity on cases"), default=False,
        help_text=_("Shown on the case form and counted on the equity dashboard when recorded."))
    updated_at = models.DateTimeField(auto_now=True)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("threat assessment settings")
        verbose_name_plural = _("threat assessment settings")

    def __str__(self):
        return str(_("Threat assessment settings of %(district)s") % {"district": self.district})

    @classmethod
    def model_of(cls, district) -> str:
        """The district's chosen model (CSTAG until it chooses), without writing a row."""
        return cls.objects.filter(district=district).values_list("model", flat=True).first() or model_steps.CSTAG

    @classmethod
    def for_district(cls, district) -> "ThreatSettings":
        return cls.objects.get_or_create(district=district)[0]

    def rule_text(self) -> str:
        text = _("Closed cases are kept %(years)s years after closure") % {"years": self.retention_years}
        return f"{text} ({self.retention_rule})" if self.retention_rule else str(text)


# --------------------------------------------------------------------------------------------
# Teams
# --------------------------------------------------------------------------------------------


class Discipline(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    MENTAL_HEALTH = "mental_health", _("Mental health professional")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    COUNSELOR = "counselor", _("Counselor")
    OTHER = "other", _("Other")


REQUIRED_DISCIPLINES = (Discipline.ADMINISTRATOR, Discipline.MENTAL_HEALTH, Discipline.LAW_ENFORCEMENT)


class TeamQuerySet(ScopedQuerySet):
    def with_roster(self, today=None):
        return self.prefetch_related(models.Prefetch("members", queryset=TeamMember.objects.filter(
            case__isnull=True).select_related("user").order_by("discipline", "user__display_name")))


class Team(models.Model):
    """A school's threat assessment team: the multidisciplinary group that assesses and manages cases."""

    school = models.OneToOneField(School, on_delete=models.PROTECT, related_name="threat_team")
    name = models.CharField(_("name"), max_length=120, blank=True,
                            help_text=_("Optional, e.g. “Lincoln High threat assessment team”."))
    notes = models.TextField(_("notes"), blank=True, help_text=_("When it meets, how to reach it."))
    created_at = models.DateTimeField(default=timezone.now)

    scope_path = "school"
    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["school__name"]
        verbose_name = _("threat assessment team")
        verbose_name_plural = _("threat assessment teams")

    def __str__(self):
        return self.name or str(_("Threat assessment team of %(school)s") % {"school": self.school})

    @classmethod
    def extra_scope(cls, user, action):
        return team_grant_q(user) if action == "view" else Q(pk__in=[])

    def active_members(self, today=None):
        today = today or self.school.district.local_today()
        return [m for m in self.members.all() if m.case_id is None and m.is_active_on(today)]

    def missing_disciplines(self, today=None) -> list[str]:
        """The disciplines a team needs (administrator, mental health, law enforcement) it lacks today."""
        present = {m.discipline for m in self.active_members(today)}
        return [str(d.label) for d in REQUIRED_DISCIPLINES if d not in present]


class TeamMember(models.Model):
    """A person's place on a school's team (or, with ``case``, on one case only), with their discipline.

    An outside member (a community mental health clinician) has an end date: their access ends with it.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("person"))
    discipline = models.CharField(_("discipline"), max_length=20, choices=Discipline.choices)
    case = models.ForeignKey("Case", null=True, blank=True, on_delete=models.CASCADE, related_name="extra_members",
                             verbose_name=_("only for case"),
                             help_text=_("Leave empty for a member of the whole team."))
    is_outside = models.BooleanField(_("outside member"), default=False,
                                     help_text=_("Not district staff (e.g. a community clinician): needs an end "
                                                 "date."))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True,
                               help_text=_("Access ends after this day. Required for an outside member."))

    scope_path = "team__school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["discipline"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        indexes = [models.Index(fields=["user", "team"], name="threat_member_user")]
        constraints = [
            models.CheckConstraint(condition=Q(is_outside=False) | Q(ends_on__isnull=False),
                                   name="threat_member_outside_has_end"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                   name="threat_member_end_after_start"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_discipline_display()})"

    @classmethod
    def extra_scope(cls, user, action):
        return team_grant_q(user, prefix="team__") if action == "view" else Q(pk__in=[])

    def is_active_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def clean(self):
        super().clean()
        if self.is_outside and not self.ends_on:
            raise ValidationError({"ends_on": _("An outside member needs an end date: their access ends then.")})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date is before the start date.")})
        if self.case_id and self.team_id and self.case.school_id != self.team.school_id:
            raise ValidationError(_("The case belongs to another school's team."))


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


class CaseQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(status=Case.Status.CLOSED)


class Case(models.Model):
    """One threat assessment: a referral about a student (or an adult), its assessment, its safety and
    support plan, monitoring, and its closure."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open: being assessed")
        MONITORING = "monitoring", _("Monitoring: plan in place")
        CLOSED = "closed", _("Closed")

    class Subject(models.TextChoices):
        STUDENT = "student", _("A student")
        ADULT = "adult", _("An adult (staff, parent, visitor, other)")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        STUDENT = "student", _("A student")
        PARENT = "parent", _("A parent or guardian")
        SRO = "sro", _("School resource officer")
        TIP = "tip", _("The anonymous tip line")
        OTHER = "other", _("Other")

    class Race(models.TextChoices):
        NOT_RECORDED = "", _("Not recorded")
        AMERICAN_INDIAN = "american_indian", _("American Indian or Alaska Native")
        ASIAN = "asian", _("Asian")
        BLACK = "black", _("Black or African American")
        HISPANIC = "hispanic", _("Hispanic or Latino")
        PACIFIC = "pacific", _("Native Hawaiian or Other Pacific Islander")
        WHITE = "white", _("White")
        MULTIPLE = "multiple", _("Two or more races")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+", verbose_name=_("school"))
    subject_kind = models.CharField(_("who the case is about"), max_length=10, choices=Subject.choices,
                                    default=Subject.STUDENT)
    subject_name = models.CharField(_("name of the person of concern"), max_length=200)
    student_local_id = models.CharField(_("student's local id"), max_length=40, blank=True)
    grade = models.CharField(_("grade"), max_length=2, choices=GRADE_CHOICES, blank=True)
    has_iep = models.BooleanField(_("has an IEP"), default=False)
    has_504 = models.BooleanField(_("has a 504 plan"), default=False)
    race_ethnicity = models.CharField(_("race and ethnicity"), max_length=20, choices=Race.choices, blank=True,
                                      help_text=_("Only where the district records it; used for the equity "
                                                  "dashboard, never shown outside the team."))
    referral_source = models.CharField(_("referred by (how)"), max_length=10, choices=Source.choices,
                                       default=Source.STAFF)
    referred_by = models.CharField(_("referred by (who)"), max_length=200, blank=True,
                                   help_text=_("Name or role of the person who reported it; empty for an "
                                               "anonymous tip."))
    referred_on = models.DateField(_("referred on"))
    incident_on = models.DateField(_("date of the behaviour or statement"), null=True, blank=True)
    concerning_behavior = models.TextField(_("concerning behaviour or statement"),
                                           help_text=_("What was said or done, in the words reported."))
    targets = models.TextField(_("targets, if any"), blank=True)
    model = models.CharField(_("model"), max_length=10, choices=model_steps.MODEL_CHOICES, editable=False,
                             default=model_steps.CSTAG)
    classification = models.CharField(_("classification"), max_length=30,
                                      choices=model_steps.CLASSIFICATION_CHOICES, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True,
                                   help_text=_("The day the team classified the threat."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    legal_hold = models.BooleanField(_("legal hold"), default=False, editable=False)
    legal_hold_reason = models.CharField(_("reason for the legal hold"), max_length=300, blank=True, editable=False)
    tip = models.ForeignKey("reporting.Tip", null=True, blank=True, on_delete=models.PROTECT,
                            related_name="threat_cases", editable=False, verbose_name=_("tip"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    scope_path = "school"
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("threat assessment case")
        verbose_name_plural = _("threat assessment cases")
        indexes = [
            models.Index(fields=["school", "status", "-referred_on"], name="threat_case_school_status"),
            models.Index(fields=["school", "classification"], name="threat_case_school_class"),
            models.Index(fields=["school", "-referred_on", "-id"], name="threat_case_school_date"),
            models.Index(fields=["status", "closed_on"], name="threat_case_status_closed"),
            models.Index(fields=["-referred_on", "-id"], name="threat_case_date"),
        ]

    def __str__(self):
        return str(_("Case %(number)s") % {"number": self.pk or "(new)"})

    @classmethod
    def extra_scope(cls, user, action):
        return case_grant_q(user, action)

    @property
    def number(self) -> str:
        """How people name the case (the list's first column): "Case 12"."""
        return str(self)

    @property
    def has_iep_or_504(self) -> bool:
        return self.has_iep or self.has_504

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def clean(self):
        super().clean()
        errors = {}
        if self.classification and self.classification not in model_steps.CLASSIFICATIONS_BY_MODEL[self.model]:
            errors["classification"] = _("Choose a classification of the case's model.")
        if self.subject_kind == self.Subject.STUDENT and not self.grade:
            errors["grade"] = _("Give the student's grade.")
        if self.subject_kind == self.Subject.ADULT and (self.grade or self.has_iep or self.has_504):
            errors["grade"] = _("An adult has no grade, IEP or 504 plan: leave them empty.")
        if self.classification and not self.assessed_on:
            errors["assessed_on"] = _("Give the day the team classified the threat.")
        if self.assessed_on and self.referred_on and self.assessed_on < self.referred_on:
            errors["assessed_on"] = _("The assessment cannot come before the referral.")
        if self.incident_on and self.referred_on and self.incident_on > self.referred_on:
            errors["incident_on"] = _("The behaviour cannot come after the referral.")
        if errors:
            raise ValidationError(errors)

    # -- the model's steps -----------------------------------------------------------------------
    def required_steps(self) -> tuple[str, ...]:
        return model_steps.REQUIRED.get(self.classification, ())

    def satisfied_steps(self) -> set[str]:
        """Step codes the case's records satisfy (reads its step records, interviews, plan and themes)."""
        done = {s.step for s in self.step_records.all()}
        kinds = {i.kind for i in self.interviews.all()}
        if Interview.Kind.SUBJECT in kinds:
            done.add("interview_subject")
        if kinds & {Interview.Kind.WITNESS, Interview.Kind.TARGET}:
            done.add("interview_witnesses")
        if self.interventions.exists():
            done.add("safety_plan")
        if self.themes.count() >= len(model_steps.NTAC_THEMES):
            done.add("ntac_themes")
        return done

    def missing_steps(self) -> list[str]:
        """What the classification still requires before closure, in words (classification first)."""
        if not self.classification:
            return [str(_("Classify the threat (the model's decision)."))]
        done = self.satisfied_steps()
        return [model_steps.step_label(code) for code in self.required_steps() if code not in done]

    def retention_ends_on(self, settings_row: ThreatSettings):
        if not self.closed_on:
            return None
        try:
            return self.closed_on.replace(year=self.closed_on.year + settings_row.retention_years)
        except ValueError:  # 29 February
            return self.closed_on.replace(year=self.closed_on.year + settings_row.retention_years, day=28)


class CaseChild(models.Model):
    """Abstract: a record of one case, seen by whoever sees the case."""

    scope_path = "case__school"

    class Meta:
        abstract = True

    @classmethod
    def extra_scope(cls, user, action):
        return case_grant_q(user, action, prefix="case__")


class StepRecord(CaseChild):
    """One step of the model done on a case: what, when, by whom."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="step_records")
    step = models.CharField(_("step"), max_length=40, choices=[(s.code, s.name) for s in model_steps.STEPS.values()])
    done_on = models.DateField(_("done on"))
    notes = models.TextField(_("what was done"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["done_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="threat_step_once")]
        verbose_name = _("step done")
        verbose_name_plural = _("steps done")

    def __str__(self):
        return self.get_step_display()


class Interview(CaseChild):
    """A structured interview held for a case: with whom, when, by whom, and what was learned."""

    class Kind(models.TextChoices):
        SUBJECT = "subject", _("The person of concern")
        TARGET = "target", _("A target")
        WITNESS = "witness", _("A witness")
        PARENT = "parent", _("A parent or guardian")
        OTHER = "other", _("Someone else (teacher, friend...)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interviews")
    kind = models.CharField(_("interview with"), max_length=10, choices=Kind.choices)
    interviewee = models.CharField(_("name or role of the person interviewed"), max_length=200)
    held_on = models.DateField(_("held on"))
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("interviewer"))
    summary = models.TextField(_("what was said"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.interviewee}"


class ThemeNote(CaseChild):
    """One NTAC investigative theme on a case: whether it is a concern, and the team's notes."""

    class Finding(models.TextChoices):
        CONCERN = "concern", _("A concern")
        NO_CONCERN = "no_concern", _("Not a concern")
        UNKNOWN = "unknown", _("Not known yet")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(_("theme"), max_length=20, choices=model_steps.NTAC_THEMES)
    finding = models.CharField(_("finding"), max_length=12, choices=Finding.choices)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["case", "theme"], name="threat_theme_once")]
        verbose_name = _("investigative theme")
        verbose_name_plural = _("investigative themes")

    def __str__(self):
        return self.get_theme_display()


class Intervention(FollowUp):
    """An intervention of a case's safety and support plan: work with an owner and a due date (My tasks)."""

    class Kind(models.TextChoices):
        COUNSELING = "counseling", _("Counseling")
        PARENT_CONFERENCE = "parent_conference", _("Parent conference")
        MENTAL_HEALTH_REFERRAL = "mental_health_referral", _("Mental health referral")
        SUPERVISION = "supervision", _("Supervision")
        SCHEDULE_CHANGE = "schedule_change", _("Schedule change")
        DISCIPLINE = "discipline", _("Discipline")
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(_("intervention"), max_length=30, choices=Kind.choices)
    changes_placement = models.BooleanField(
        _("a disciplinary change of placement"), default=False,
        help_text=_("Suspension over 10 days, expulsion or a move to another setting."))
    iep_team_notified_on = models.DateField(
        _("IEP or 504 team notified on"), null=True, blank=True,
        help_text=_("For a student with an IEP or 504 plan, before any disciplinary change of placement."))

    scope_path = "case__school"
    objects = ScopedQuerySet.as_manager()

    class Meta(FollowUp.Meta):
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        indexes = [models.Index(fields=["owner", "done_at"], name="threat_intervention_owner"),
                   models.Index(fields=["case", "due_on"], name="threat_intervention_case")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    @classmethod
    def extra_scope(cls, user, action):
        grant = case_grant_q(user, action, prefix="case__")
        return grant | owner_scope(user) if action == "view" else grant


class CheckIn(CaseChild):
    """A monitoring check-in of a case, due on a day of its schedule; held (with notes) or not yet."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField(_("due on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    notes = models.TextField(_("how it went"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["held_on", "due_on"], name="threat_checkin_due")]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return str(_("Check-in due %(day)s") % {"day": self.due_on})


class PrivateNoteQuerySet(ScopedQuerySet):
    def for_user(self, user, action: str = "view"):
        """Their author's alone, and only while the author still sees the case."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(author=user, case__in=Case.objects.for_user(user, "view").values("pk"))


class PrivateNote(CaseChild):
    """A team member's private working note on a case: seen by its author alone, never exported."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    objects = PrivateNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "author"], name="threat_note_author")]
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")

    def __str__(self):
        return str(_("Private note"))


class Disclosure(CaseChild):
    """A FERPA disclosure of the case's information outside the team: to whom, when, what, on what basis."""

    class Basis(models.TextChoices):
        EMERGENCY = "emergency", _("Health or safety emergency (34 CFR 99.36)")
        CONSENT = "consent", _("Written consent of the parent or eligible student")
        SCHOOL_OFFICIAL = "school_official", _("School official with a legitimate educational interest")
        SUBPOENA = "subpoena", _("Court order or lawfully issued subpoena")
        OTHER = "other", _("Another exception (say which)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="disclosures")
    disclosed_on = models.DateField(_("disclosed on"))
    recipient = models.CharField(_("to whom"), max_length=200, help_text=_("Name and organisation."))
    information = models.TextField(_("what was disclosed"))
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    threat_description = models.TextField(
        _("the articulable and significant threat"), blank=True,
        help_text=_("Required for a health or safety emergency: the threat that made the disclosure necessary."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_on", "-id"]
        indexes = [models.Index(fields=["case", "-disclosed_on"], name="threat_disclosure_case")]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self):
        return str(_("Disclosure to %(who)s") % {"who": self.recipient})

    def clean(self):
        super().clean()
        if self.basis == self.Basis.EMERGENCY and not self.threat_description.strip():
            raise ValidationError({"threat_description": _(
                "Describe the articulable and significant threat: FERPA's emergency exception requires it.")})
        if self.basis == self.Basis.OTHER and not self.information.strip():
            raise ValidationError({"information": _("Say what was disclosed.")})


class CaseClosureQuerySet(SignedQuerySet):
    pass


class CaseClosure(SignedRecord):
    """The closure of a case with its outcome, signed by a team member: the case is closed and locked."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="closure")
    closed_on = models.DateField(_("closed on"))
    outcome = models.TextField(_("outcome"), help_text=_("How the concern was resolved; what continues."))
    services_provided = models.BooleanField(_("services provided"), default=False)
    suspension = models.BooleanField(_("suspended"), default=False)
    days_out_of_school = models.PositiveSmallIntegerField(_("days out of school"), default=0,
                                                          validators=[MaxValueValidator(365)])
    change_of_placement = models.BooleanField(_("change of placement"), default=False)
    arrest = models.BooleanField(_("arrested"), default=False)

    scope_path = "case__school"
    objects = CaseClosureQuerySet.as_manager()
    signed_messages = SignedMessages(
        locked=_("A signed closure cannot be changed."),
        undeletable=_("A signed closure cannot be deleted (only the retention schedule destroys it)."),
        already_signed=_("This case is already closed."),
        locked_page=_("This closure is signed and locked."),
    )

    class Meta:
        verbose_name = _("case closure")
        verbose_name_plural = _("case closures")

    def __str__(self):
        return str(_("Closure of case %(number)s") % {"number": self.case_id})

    @classmethod
    def extra_scope(cls, user, action):
        return case_grant_q(user, action, prefix="case__")

    def sign_off_problems(self) -> list[str]:
        problems = super().sign_off_problems()
        problems += [str(_("Missing step: %(step)s") % {"step": s}) for s in self.case.missing_steps()]
        if self.case.interventions.filter(done_at__isnull=True, changes_placement=True,
                                          iep_team_notified_on__isnull=True).exists() and self.case.has_iep_or_504:
            problems.append(str(_("Notify the IEP or 504 team of the change of placement.")))
        return problems

    def clean(self):
        super().clean()
        if self.days_out_of_school and not self.suspension and not self.change_of_placement:
            raise ValidationError({"days_out_of_school": _(
                "Days out of school follow a suspension or a change of placement: tick which.")})


class CaseFile(models.Model):
    """A case file PDF of one case, for its team: rendered in the background (compliance's PDF renderer),
    watermarked with who asked and when, downloaded only through this row's scope (never a public URL).

    Not a ``compliance.GeneratedDocument``: compliance lists and serves those by school to the principal and
    the district's leaders, who must never read a threat case (see the report of issue 14).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="threat_case_files/%Y/%m/", blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_path = "case__school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"], name="threat_casefile_status")]
        verbose_name = _("case file")
        verbose_name_plural = _("case files")

    def __str__(self):
        return str(_("Case file of case %(number)s") % {"number": self.case_id})

    @classmethod
    def extra_scope(cls, user, action):
        return case_grant_q(user, "view" if action == "download" else action, prefix="case__")


class DestructionRecord(models.Model):
    """What the retention schedule destroyed: which case (by number), when, by whom and under which rule.

    It holds no content of the case: only its number, school, dates and what was removed.
    """

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    case_number = models.PositiveIntegerField(_("case number"))
    referred_on = models.DateField(_("referred on"))
    closed_on = models.DateField(_("closed on"))
    rule = models.CharField(_("rule"), max_length=300)
    removed = models.JSONField(_("what was removed"), default=dict)
    destroyed_at = models.DateTimeField(_("destroyed at"), default=timezone.now)
    destroyed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-destroyed_at"]
        indexes = [models.Index(fields=["district", "-destroyed_at"], name="threat_destruction_date")]
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")

    def __str__(self):
        return str(_("Case %(number)s destroyed") % {"number": self.case_number})
