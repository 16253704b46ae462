"""Coordination with first responders (action 5):
partners, plans reviewed and signed by responders, site information.

Who reads what: the district's own people through the permission matrix (coordination/integrations.py);
a partner responder (a time-boxed ``responder`` membership at chosen schools) reads only the approved
plans of those schools and the versions they are named to review (``ResponderNarrowing``), the contacts
serving those schools and their site information, read-only.
"""

import calendar
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import uploads
from portal.followups import owner_scope
from portal.models import FollowUp
from portal.permissions import RESPONDER, roles_for
from portal.scope import ScopedQuerySet, active_memberships_for
from portal.signed import PartMessages, SignedMessages, SignedPart, SignedPartQuerySet, SignedQuerySet, SignedRecord
from portal.uploads import SafeUploadField
from schools.models import Agency

RE_REVIEW_MONTHS = 12
VERIFY_MONTHS = 12


def months_ago(day: dt.date, months: int = 12) -> dt.date:
    """The same day ``months`` earlier (negative: later); the 31st becomes the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_later(day: dt.date, months: int = 12) -> dt.date:
    return months_ago(day, -months)


def person_today(user) -> dt.date:
    """Today in the district of the person's first active membership (the server's zone without one)."""
    memberships = active_memberships_for(user)
    return memberships[0].home_district.local_today() if memberships else timezone.localdate()


def is_responder(user) -> bool:
    """Whether the person holds a partner responder grant today (their reads are audited)."""
    return any(m.role == RESPONDER for m in active_memberships_for(user))


class ReviewKind(models.TextChoices):
    """The partner kinds a plan review is asked of (police and sheriff are both law enforcement)."""

    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    FIRE = "fire", _("Fire")
    EMS = "ems", _("EMS")
    DISPATCH = "dispatch", _("911 centre")
    EMERGENCY_MANAGEMENT = "emergency_management", _("Emergency management")
    PUBLIC_HEALTH = "public_health", _("Public health")
    HOSPITAL = "hospital", _("Hospital")
    UTILITY = "utility", _("Utility")


DEFAULT_REQUIRED_KINDS = [ReviewKind.LAW_ENFORCEMENT.value, ReviewKind.FIRE.value]


def review_kind_of(agency_kind: str) -> str:
    """The review kind an agency answers for (a sheriff's office reviews as law enforcement)."""
    if agency_kind in (Agency.Kind.POLICE, Agency.Kind.SHERIFF):
        return ReviewKind.LAW_ENFORCEMENT.value
    return agency_kind


# --------------------------------------------------------------------------------------------
# Responders: read only approved plans (and what they are named to review) of their schools
# --------------------------------------------------------------------------------------------


def responder_only_school_ids(user, model, action) -> set[int]:
    """Schools the person reaches for ``action`` on ``model`` only through a responder grant."""
    allowed = roles_for(model._meta.label_lower, action)
    memberships = [m for m in active_memberships_for(user) if m.role in allowed]
    staff_schools = {m.school_id for m in memberships if m.role != RESPONDER and m.school_id}
    staff_districts = {m.district_id for m in memberships if m.role != RESPONDER and m.district_id}
    return {m.school_id for m in memberships if m.role == RESPONDER
            and m.school_id not in staff_schools and m.school.district_id not in staff_districts}


class ResponderNarrowedQuerySet(ScopedQuerySet):
    """``for_user`` that keeps, at a responder's schools, only rows of approved plan versions or of the
    versions the responder is named to review (``version_path`` leads to the PlanVersion)."""

    version_path = ""

    def for_user(self, user, action="view"):
        qs = super().for_user(user, action)
        if not getattr(user, "is_authenticated", False):
            return qs
        schools = responder_only_school_ids(user, self.model, action)
        if not schools:
            return qs
        prefix = f"{self.version_path}__" if self.version_path else ""
        readable = Q(**{f"{prefix}countersigned_at__isnull": False}) | Q(
            **{f"{prefix}reviews__reviewer_id": user.pk})
        school_lookup = f"{prefix}plan__school_id__in"
        return qs.exclude(Q(**{school_lookup: schools}) & ~Q(pk__in=self.model._default_manager.filter(readable)
                                                             .values("pk")))


def district_plan_scope(model, prefix, user, action) -> Q:
    """District plans (no school): readable by the district's own people whom the matrix allows."""
    allowed = roles_for(model._meta.label_lower, action)
    memberships = [m for m in active_memberships_for(user) if m.role in allowed and m.role != RESPONDER]
    if action == "view":
        districts = {m.home_district.pk for m in memberships}
    else:  # only district-wide roles write the district plan (a school admin writes their school's)
        districts = {m.district_id for m in memberships if m.district_id}
    return Q(**{f"{prefix}school__isnull": True, f"{prefix}district_id__in": districts})


# --------------------------------------------------------------------------------------------
# District settings and the partner directory
# --------------------------------------------------------------------------------------------


class CoordinationSettings(models.Model):
    """A district's rules for coordination plans: which partner kinds must sign a plan before it is approved."""

    district = models.OneToOneField("schools.District", on_delete=models.CASCADE, related_name="+")
    required_review_kinds = models.JSONField(_("partners who must sign every plan"), default=list)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("coordination settings")
        verbose_name_plural = _("coordination settings")

    def __str__(self):
        return str(_("Coordination settings of %(district)s") % {"district": self.district})

    @classmethod
    def required_kinds_for(cls, district) -> list[str]:
        row = cls.objects.filter(district=district).first()
        return list(row.required_review_kinds) if row and row.required_review_kinds else list(DEFAULT_REQUIRED_KINDS)


class PartnerContactQuerySet(ScopedQuerySet):
    def unverified_since(self, cutoff: dt.date):
        return self.filter(Q(verified_on__isnull=True) | Q(verified_on__lt=cutoff))


class PartnerContact(models.Model):
    """A person at a partner agency (fire, EMS, 911, emergency management...) the schools call in a crisis:
    their numbers by day and after hours, the schools they serve, and when someone last checked them."""

    agency = models.ForeignKey("schools.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=120, help_text=_("Their job, e.g. Battalion chief."))
    phone = models.CharField(_("phone"), max_length=40)
    after_hours_phone = models.CharField(_("after-hours phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    schools = models.ManyToManyField("schools.School", related_name="+", blank=True, verbose_name=_("schools served"))
    verified_on = models.DateField(_("verified on"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False, verbose_name=_("verified by"))

    scope_path = "agency__district"
    objects = PartnerContactQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name", "name"]
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        indexes = [models.Index(fields=["agency", "name"], name="coord_contact_agency"),
                   models.Index(fields=["verified_on"], name="coord_contact_verified")]

    def __str__(self):
        return f"{self.name} ({self.agency})"

    @classmethod
    def extra_scope(cls, user, action):
        """A responder reads the contacts serving the schools of their grant (and nothing else)."""
        if action != "view":
            return Q(pk__in=[])
        schools = [m.school_id for m in active_memberships_for(user) if m.role == RESPONDER and m.school_id]
        if not schools:
            return Q(pk__in=[])
        served = cls.schools.through.objects.filter(school_id__in=schools).values("partnercontact_id")
        return Q(pk__in=served)

    def is_verified_since(self, cutoff: dt.date) -> bool:
        return self.verified_on is not None and self.verified_on >= cutoff


# --------------------------------------------------------------------------------------------
# Plans, their sections and versions
# --------------------------------------------------------------------------------------------

DEFAULT_SECTIONS = [
    ("basic", _("Basic plan")), ("evacuation", _("Evacuation")), ("lockdown", _("Lockdown")),
    ("shelter", _("Shelter-in-place")), ("reunification", _("Reunification")),
    ("accounting", _("Accounting for all persons")), ("communications", _("Communications")),
    ("medical", _("Medical")), ("utilities", _("Utilities")), ("recovery", _("Recovery")),
]


class PlanSectionKind(models.Model):
    """One section every coordination plan of a district has (the ten defaults, plus the district's own)."""

    district = models.ForeignKey("schools.District", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=100, validators=[MaxValueValidator(1000)])
    guidance = models.TextField(_("what the section should say"), blank=True)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        constraints = [models.UniqueConstraint(fields=["district", "title"], name="coord_section_title_unique")]
        indexes = [models.Index(fields=["district", "order"], name="coord_section_order")]

    def __str__(self):
        return self.title

    @classmethod
    def ensure_defaults(cls, district) -> list["PlanSectionKind"]:
        """The district's sections, the ten defaults added the first time (idempotent)."""
        existing = list(cls.objects.filter(district=district))
        if not existing:
            cls.objects.bulk_create([cls(district=district, title=str(title), order=(i + 1) * 10)
                                     for i, (_key, title) in enumerate(DEFAULT_SECTIONS)], ignore_conflicts=True)
            existing = list(cls.objects.filter(district=district))
        return sorted(existing, key=lambda s: (s.order, s.title))


class CoordinationPlan(models.Model):
    """A school's (or the district's) emergency plan as shared with first responders; its text lives in
    versions, each submitted for review and approved when every required partner has signed it."""

    district = models.ForeignKey("schools.District", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("district"))
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("school"), help_text=_("Leave empty for the district plan."))
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner"),
                              help_text=_("Who keeps the plan current; change requests go to their My tasks."))
    created_at = models.DateTimeField(default=timezone.now)

    scope_path = "school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "title"]
        verbose_name = _("coordination plan")
        verbose_name_plural = _("coordination plans")
        constraints = [
            models.UniqueConstraint(fields=["school"], condition=Q(school__isnull=False),
                                    name="coord_one_plan_per_school"),
            models.UniqueConstraint(fields=["district"], condition=Q(school__isnull=True),
                                    name="coord_one_district_plan"),
        ]
        indexes = [models.Index(fields=["district", "school"], name="coord_plan_district_school")]

    def __str__(self):
        return self.title

    def clean(self):
        if self.school_id and self.district_id and self.school.district_id != self.district_id:
            raise ValidationError({"school": _("The school belongs to another district.")})

    @classmethod
    def extra_scope(cls, user, action):
        return district_plan_scope(cls, "", user, action)


class PlanVersionQuerySet(SignedQuerySet, ResponderNarrowedQuerySet):
    version_path = ""

    def approved(self):
        return self.filter(countersigned_at__isnull=False)


class PlanVersion(SignedRecord):
    """One version of a plan's text. Submitting it for review signs it (frozen from then on, through every
    path); it is approved (the countersignature) when every required partner has signed. Editing a
    submitted or approved version starts a new draft copying its sections."""

    plan = models.ForeignKey(CoordinationPlan, on_delete=models.PROTECT, related_name="versions",
                             verbose_name=_("plan"))
    number = models.PositiveIntegerField(_("version"))
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    # The partner kinds that must sign, as the district's setting said when the version was submitted.
    required_kinds = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    scope_path = "plan__school"
    signed_messages = SignedMessages(
        locked=_("This version was submitted for review and is frozen; start a new draft to change it."),
        undeletable=_("A submitted version cannot be deleted."),
        already_signed=_("This version was already submitted."),
        already_countersigned=_("This version is already approved."),
        locked_page=_("This version was submitted and is frozen; start a new draft to change it."),
    )
    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="coord_version_number_unique")]
        indexes = [models.Index(fields=["plan", "-number"], name="coord_version_plan")]

    def __str__(self):
        return str(_("%(plan)s, version %(n)s") % {"plan": self.plan, "n": self.number})

    @classmethod
    def extra_scope(cls, user, action):
        return district_plan_scope(cls, "plan__", user, action)

    @property
    def state(self) -> str:
        if self.countersigned_at:
            return "approved"
        if self.signed_at:
            return "in_review"
        return "draft"

    @property
    def state_label(self) -> str:
        return {"approved": _("Approved"), "in_review": _("In review"), "draft": _("Draft")}[self.state]

    @property
    def approved_on(self):
        return timezone.localdate(self.countersigned_at, self.plan.district.tz) if self.countersigned_at else None

    def snapshot(self):
        return {"plan": self.plan.title, "school": self.plan.school.name if self.plan.school_id else ""}


class PlanSectionQuerySet(SignedPartQuerySet, ResponderNarrowedQuerySet):
    version_path = "version"


class PlanSection(SignedPart):
    """The text of one section of one plan version, in Markdown (rendered to sanitised HTML)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="sections")
    kind = models.ForeignKey(PlanSectionKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("section"))
    body = models.TextField(_("text"), blank=True, max_length=50_000,
                            help_text=_("Markdown: # headings, - lists, **bold**, [links](https://...)."))

    scope_path = "version__plan__school"
    signed_parent = "version"
    part_messages = PartMessages(locked=_("This version was submitted and is frozen; start a new draft."),
                                 undeletable=_("This version was submitted and is frozen."))
    objects = PlanSectionQuerySet.as_manager()

    class Meta:
        ordering = ["kind__order", "kind__title"]
        verbose_name = _("plan section text")
        verbose_name_plural = _("plan section texts")
        constraints = [models.UniqueConstraint(fields=["version", "kind"], name="coord_section_once_per_version")]

    def __str__(self):
        return str(self.kind)

    @classmethod
    def extra_scope(cls, user, action):
        return district_plan_scope(cls, "version__plan__", user, action)


class PlanAttachmentQuerySet(SignedPartQuerySet, ResponderNarrowedQuerySet):
    version_path = "version"


class PlanAttachment(SignedPart):
    """A file attached to a plan version (a map, a call tree), through the shared upload gate."""

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = SafeUploadField(_("file"), prefix="coordination/plans")
    uploaded_at = models.DateTimeField(default=timezone.now)

    scope_path = "version__plan__school"
    signed_parent = "version"
    part_messages = PartMessages(locked=_("This version was submitted and is frozen; start a new draft."),
                                 undeletable=_("This version was submitted and is frozen."))
    objects = PlanAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("plan attachment")
        verbose_name_plural = _("plan attachments")

    def __str__(self):
        return self.title

    @classmethod
    def extra_scope(cls, user, action):
        return district_plan_scope(cls, "version__plan__", user, action)


# --------------------------------------------------------------------------------------------
# Review and sign-off
# --------------------------------------------------------------------------------------------


class PlanReviewQuerySet(SignedQuerySet, ResponderNarrowedQuerySet):
    version_path = "version"

    def waiting_for(self, user):
        return self.filter(reviewer=user, signed_at__isnull=True, decision=PlanReview.Decision.PENDING,
                           version__countersigned_at__isnull=True)


class PlanReview(SignedRecord):
    """A partner's review of one submitted version: pending, changes requested, or signed off with a note
    (the signature: locked once given)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        CHANGES = "changes", _("Changes requested")
        SIGNED = "signed", _("Signed off")

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reviewer"))
    agency = models.ForeignKey("schools.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("agency"))
    kind = models.CharField(_("reviews as"), max_length=24, choices=ReviewKind.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    decided_at = models.DateTimeField(null=True, blank=True)

    scope_path = "version__plan__school"
    signed_messages = SignedMessages(locked=_("This review is signed off and cannot change."),
                                     already_signed=_("This review is already signed off."))
    objects = PlanReviewQuerySet.as_manager()

    class Meta:
        ordering = ["version", "kind"]
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        constraints = [models.UniqueConstraint(fields=["version", "reviewer"], name="coord_review_once")]
        indexes = [models.Index(fields=["reviewer", "decision"], name="coord_review_waiting")]

    def __str__(self):
        return str(_("Review by %(who)s (%(kind)s)") % {"who": self.reviewer, "kind": self.get_kind_display()})

    @classmethod
    def extra_scope(cls, user, action):
        return district_plan_scope(cls, "version__plan__", user, action)


class ReviewCommentQuerySet(ResponderNarrowedQuerySet):
    version_path = "review__version"


class ReviewComment(models.Model):
    """A reviewer's comment on one section of a version; one that requests a change is a follow-up too."""

    review = models.ForeignKey(PlanReview, on_delete=models.PROTECT, related_name="comments")
    section = models.ForeignKey(PlanSection, on_delete=models.PROTECT, related_name="comments",
                                verbose_name=_("section"))
    text = models.TextField(_("comment"), max_length=4000)
    requests_change = models.BooleanField(_("this needs a change before I can sign"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    scope_path = "review__version__plan__school"
    objects = ReviewCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self):
        return self.text[:60]

    @classmethod
    def extra_scope(cls, user, action):
        return district_plan_scope(cls, "review__version__plan__", user, action)


class PlanChangeRequest(FollowUp):
    """A change a reviewer asked for, on the plan owner's My tasks until done."""

    plan = models.ForeignKey(CoordinationPlan, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(PlanReview, on_delete=models.PROTECT, related_name="+")
    comment = models.OneToOneField(ReviewComment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="follow_up")

    scope_path = "plan__school"
    objects = ScopedQuerySet.as_manager()

    class Meta(FollowUp.Meta):
        verbose_name = _("plan change request")
        verbose_name_plural = _("plan change requests")
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="coord_change_owner_open")]

    def __str__(self):
        return self.title

    @classmethod
    def extra_scope(cls, user, action):
        if action not in ("view", "change"):
            return Q(pk__in=[])
        return district_plan_scope(cls, "plan__", user, action) | (
            owner_scope(user) & Q(plan__district_id__in={m.home_district.pk for m in active_memberships_for(user)}))

    @property
    def school(self):
        return self.plan.school


# --------------------------------------------------------------------------------------------
# Site information per building
# --------------------------------------------------------------------------------------------


class FloorPlan(models.Model):
    """A floor plan of a building (PDF or image) for responders, through the shared upload gate."""

    building = models.ForeignKey("schools.Building", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("building"))
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. Ground floor"))
    file = SafeUploadField(_("file"), kinds=uploads.IMAGES | frozenset(uploads.PDF_TYPES),
                           prefix="coordination/floorplans", help_text=_("A PDF or an image (JPG, PNG)."))
    uploaded_at = models.DateTimeField(default=timezone.now)

    scope_path = "building__school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["building", "title"]
        verbose_name = _("floor plan")
        verbose_name_plural = _("floor plans")
        indexes = [models.Index(fields=["building", "title"], name="coord_floorplan_building")]

    def __str__(self):
        return f"{self.building.name}: {self.title}"


class SiteFact(models.Model):
    """Something a responder needs to find at a building: an entrance and its door number, a key box, a
    utility shut-off, the fire alarm panel, an AED, a bleeding-control kit, a staging area, a rally point,
    the reunification site; with the label staff use, where it is, and optional coordinates."""

    class Kind(models.TextChoices):
        ENTRANCE = "entrance", _("Entrance")
        KEY_BOX = "key_box", _("Key box")
        GAS = "gas_shutoff", _("Gas shut-off")
        WATER = "water_shutoff", _("Water shut-off")
        ELECTRIC = "electric_shutoff", _("Electricity shut-off")
        ALARM_PANEL = "fire_alarm_panel", _("Fire alarm panel")
        AED = "aed", _("AED")
        BLEEDING_KIT = "bleeding_kit", _("Bleeding-control kit")
        STAGING = "staging_area", _("Staging area")
        RALLY = "rally_point", _("Rally point")
        REUNIFICATION = "reunification_site", _("Reunification site")

    building = models.ForeignKey("schools.Building", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("building"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=120, help_text=_("The name staff use, e.g. Door 7 (gym)."))
    door_number = models.CharField(_("door number"), max_length=20, blank=True)
    location = models.CharField(_("where it is"), max_length=300)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal("-180")),
                                                MaxValueValidator(Decimal("180"))])

    scope_path = "building__school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["building", "kind", "label"]
        verbose_name = _("site fact")
        verbose_name_plural = _("site facts")
        indexes = [models.Index(fields=["building", "kind"], name="coord_sitefact_building_kind"),
                   models.Index(fields=["kind"], name="coord_sitefact_kind")]
        constraints = [models.CheckConstraint(
            condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
            | (Q(latitude__isnull=False) & Q(longitude__isnull=False)), name="coord_sitefact_both_coordinates")]

    def __str__(self):
        return self.label

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})
        if self.kind == self.Kind.ENTRANCE and not self.door_number:
            raise ValidationError({"door_number": _("Give the entrance's door number: responders go by it.")})


class SiteVerification(models.Model):
    """The annual walk-through of a school's site information with a partner: who, when, which partner."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    verified_on = models.DateField(_("walked on"))
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    editable=False, verbose_name=_("attested by"))
    partner_agency = models.ForeignKey("schools.Agency", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("partner who walked it"))
    partner_name = models.CharField(_("partner's name"), max_length=200)
    note = models.TextField(_("what was corrected"), blank=True, max_length=4000)

    scope_path = "school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-verified_on"]
        verbose_name = _("site verification")
        verbose_name_plural = _("site verifications")
        indexes = [models.Index(fields=["school", "-verified_on"], name="coord_siteverif_school")]

    def __str__(self):
        return str(_("Site walk of %(day)s") % {"day": self.verified_on})


# --------------------------------------------------------------------------------------------
# Joint exercises
# --------------------------------------------------------------------------------------------


class JointExercise(models.Model):
    """A tabletop or functional exercise held with partners, and its after-action report."""

    class Kind(models.TextChoices):
        TABLETOP = "tabletop", _("Tabletop")
        FUNCTIONAL = "functional", _("Functional")
        FULL_SCALE = "full_scale", _("Full-scale")

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("school"))
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    scenario = models.CharField(_("scenario"), max_length=300)
    agencies = models.ManyToManyField("schools.Agency", related_name="+", verbose_name=_("agencies present"))
    what_was_tested = models.TextField(_("what was tested"), max_length=4000)
    after_action = models.TextField(_("after-action report"), blank=True, max_length=20_000,
                                    help_text=_("What went well and what to improve; add each improvement below."))

    scope_path = "school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("joint exercise")
        verbose_name_plural = _("joint exercises")
        indexes = [models.Index(fields=["school", "-held_on"], name="coord_exercise_school_date"),
                   models.Index(fields=["kind"], name="coord_exercise_kind")]

    def __str__(self):
        return str(_("%(kind)s exercise of %(day)s") % {"kind": self.get_kind_display(), "day": self.held_on})


class ExerciseImprovement(FollowUp):
    """An improvement found in a joint exercise, owned by a person until done (on their My tasks)."""

    exercise = models.ForeignKey(JointExercise, on_delete=models.PROTECT, related_name="improvements")

    scope_path = "exercise__school"
    objects = ScopedQuerySet.as_manager()

    class Meta(FollowUp.Meta):
        verbose_name = _("exercise improvement")
        verbose_name_plural = _("exercise improvements")
        indexes = [models.Index(fields=["owner", "done_at", "due_on"], name="coord_exercise_item_owner")]

    def __str__(self):
        return self.title

    @classmethod
    def extra_scope(cls, user, action):
        if action not in ("view", "change"):
            return Q(pk__in=[])
        districts = {m.home_district.pk for m in active_memberships_for(user)}
        return owner_scope(user) & Q(exercise__school__district_id__in=districts)

    @property
    def school(self):
        return self.exercise.school
