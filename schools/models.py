"""The shared model of the portal: people, districts, schools, calendars, memberships and the audit log.

Every action app builds on these. Scoped models declare ``scope_path`` (the lookup to their School or
District) and are read with ``Model.objects.for_user(user, action)``; see ``portal/scope.py``.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.scope import ScopedQuerySet

US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"), ("CA", "California"),
    ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"), ("DC", "District of Columbia"),
    ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"), ("ID", "Idaho"), ("IL", "Illinois"),
    ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"), ("KY", "Kentucky"), ("LA", "Louisiana"),
    ("ME", "Maine"), ("MD", "Maryland"), ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"),
    ("MS", "Mississippi"), ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"), ("OR", "Oregon"),
    ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"), ("SD", "South Dakota"),
    ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"),
    ("WA", "Washington"), ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
    ("PR", "Puerto Rico"), ("GU", "Guam"), ("VI", "U.S. Virgin Islands"), ("AS", "American Samoa"),
    ("MP", "Northern Mariana Islands"), ("BI", "Bureau of Indian Education"),
]

# Time zones a U.S. district can be in; offered as choices, validated on save of any form.
US_TIME_ZONES = sorted(
    tz for tz in zoneinfo.available_timezones()
    if tz.startswith(("America/", "Pacific/Honolulu", "Pacific/Guam", "Pacific/Pago_Pago", "Pacific/Saipan"))
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_active=True)
        return self.create_user(email, password, **extra)

    def for_user(self, user, action):
        """People a manager may see: those holding (or having held) an accepted membership in their scope.

        A role offered to someone of another district and not accepted yet shows nobody: until they accept,
        the district knows only the email address it typed (accounts/people.py)."""
        memberships = Membership.objects.for_user(user, action).filter(pending=False)
        return self.get_queryset().filter(pk__in=memberships.values("user_id"))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: staff, counselors, SROs. Never deleted, only deactivated, so history keeps names."""

    email = models.EmailField(_("email"), max_length=254, unique=True)
    display_name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # New accounts wait for a district admin to enable them.
    is_active = models.BooleanField(_("active"), default=False)
    is_staff = models.BooleanField(_("operator (Django admin)"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]
    scope_path = None  # read through UserManager.for_user (via memberships)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        clash = User.objects.filter(email__iexact=self.email).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"email": _("Someone already has this email address.")})

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name.split(" ")[0] if self.display_name else self.email

    def active_memberships(self):
        """This person's memberships active today in each membership's district time zone (cached)."""
        from portal.scope import active_memberships_for

        return active_memberships_for(self)


# --------------------------------------------------------------------------------------------
# Districts, schools, buildings, agencies
# --------------------------------------------------------------------------------------------


class District(models.Model):
    """A local education agency (school district) that runs the portal for its schools."""

    name = models.CharField(_("name"), max_length=200)
    nces_lea_id = models.CharField(
        _("NCES LEA id"), max_length=7, unique=True, null=True, blank=True,
        validators=[RegexValidator(r"^\d{7}$", _("An NCES district id has 7 digits."))],
    )
    state_district_id = models.CharField(_("state district id"), max_length=40, blank=True)
    state = models.CharField(_("state"), max_length=2, choices=US_STATES)
    # Required and never guessed from the state: several states span two time zones.
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    digest_hour = models.PositiveSmallIntegerField(
        _("hour of the daily digest"), default=7, validators=[MaxValueValidator(23)],
        help_text=_("Local hour (0-23) at which people get their daily reminder email."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path = "pk"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_today(self) -> dt.date:
        return timezone.localdate(timezone=self.tz)

    def local_now(self) -> dt.datetime:
        return timezone.localtime(timezone=self.tz)


class School(models.Model):
    """A school building's organisation as NCES lists it: where the program runs."""

    class Level(models.TextChoices):
        ELEMENTARY = "elementary", _("Elementary (PK-5)")
        MIDDLE = "middle", _("Middle (6-8)")
        HIGH = "high", _("High (9-12)")
        COMBINED = "combined", _("Combined")
        OTHER = "other", _("Other")

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        VIRTUAL = "virtual", _("Virtual")

    GRADES = ["PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "UG", "AE"]
    GRADE_ORDER = {g: i for i, g in enumerate(["PK", "KG", "01", "02", "03", "04", "05", "06", "07",
                                                "08", "09", "10", "11", "12", "13"])}

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("name"), max_length=200)
    nces_id = models.CharField(
        _("NCES school id"), max_length=12, unique=True, null=True, blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("An NCES school id has 12 digits."))],
    )
    state_school_id = models.CharField(_("state school id"), max_length=40, blank=True)
    low_grade = models.CharField(_("lowest grade"), max_length=2, choices=[(g, g) for g in GRADES], blank=True)
    high_grade = models.CharField(_("highest grade"), max_length=2, choices=[(g, g) for g in GRADES], blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, default=Level.OTHER, db_index=True)
    enrollment = models.PositiveIntegerField(_("enrollment"), null=True, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    zip_code = models.CharField(_("ZIP"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    school_type = models.CharField(_("type"), max_length=60, blank=True)
    mode = models.CharField(_("on site or virtual"), max_length=10, choices=Mode.choices, default=Mode.ON_SITE)
    is_active = models.BooleanField(_("open"), default=True, db_index=True)

    scope_path = "pk"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["district", "name"])]

    def __str__(self):
        return self.name

    @classmethod
    def level_for_grades(cls, low: str, high: str) -> str:
        """Elementary PK-5, middle 6-8, high 9-12; a span across those bands is combined."""
        order = cls.GRADE_ORDER
        if low not in order or high not in order or order[low] > order[high]:
            return cls.Level.OTHER
        lo, hi = order[low], order[high]
        if hi <= order["05"]:
            return cls.Level.ELEMENTARY
        if lo >= order["06"] and hi <= order["08"]:
            return cls.Level.MIDDLE
        if lo >= order["09"]:
            return cls.Level.HIGH
        return cls.Level.COMBINED

    def set_grade_span(self, low: str, high: str) -> None:
        self.low_grade, self.high_grade = low, high
        self.level = self.level_for_grades(low, high)

    @property
    def grade_span(self) -> str:
        if self.low_grade and self.high_grade:
            return f"{self.low_grade}-{self.high_grade}"
        return ""


class Building(models.Model):
    """A building on a school's campus; every school has at least its "Main building"."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("name"), max_length=120)
    notes = models.TextField(_("notes"), blank=True)

    scope_path = "school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="building_name_unique_per_school")]

    def __str__(self):
        return f"{self.school} - {self.name}"

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("school", "name"):
            return ValidationError(_("%(school)s already has a building named “%(name)s”: choose another name.")
                                   % {"school": self.school.name, "name": self.name}, code="unique")
        return super().unique_error_message(model_class, unique_check)


class Agency(models.Model):
    """A first-responder or law-enforcement agency the district works with."""

    class Kind(models.TextChoices):
        POLICE = "police", _("Police")
        SHERIFF = "sheriff", _("Sheriff")
        FIRE = "fire", _("Fire")
        EMS = "ems", _("EMS")
        DISPATCH = "dispatch", _("911 centre")
        EMERGENCY_MANAGEMENT = "emergency_management", _("Emergency management")
        PUBLIC_HEALTH = "public_health", _("Public health")
        HOSPITAL = "hospital", _("Hospital")
        UTILITY = "utility", _("Utility")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="agency_name_unique_per_district")]

    def __str__(self):
        return self.name

    def unique_error_message(self, model_class, unique_check):
        if tuple(unique_check) == ("district", "name"):
            return ValidationError(_("The district already has an agency named “%(name)s”.") % {"name": self.name},
                                   code="unique")
        return super().unique_error_message(model_class, unique_check)


# --------------------------------------------------------------------------------------------
# School years and the instructional calendar
# --------------------------------------------------------------------------------------------


class SchoolYearQuerySet(ScopedQuerySet):
    def containing(self, day: dt.date):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class SchoolYear(models.Model):
    """A district's administrative year (e.g. 1 July - 30 June), with its instructional calendar.

    Years of one district are contiguous: no gaps, no overlaps (checked in ``clean``).
    """

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="school_years")
    name = models.CharField(_("name"), max_length=20, help_text=_("For example 2025-26."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    first_instructional_day = models.DateField(_("first day of school"))
    last_instructional_day = models.DateField(_("last day of school"))

    scope_path = "district"
    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        ordering = ["district", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="school_year_name_unique"),
            models.UniqueConstraint(fields=["district", "starts_on"], name="school_year_start_unique"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="school_year_ends_after_start"),
            models.CheckConstraint(
                condition=Q(first_instructional_day__gte=F("starts_on"), last_instructional_day__lte=F("ends_on"),
                            last_instructional_day__gte=F("first_instructional_day")),
                name="school_year_instruction_inside_year",
            ),
        ]

    def __str__(self):
        return self.name

    def delete_problems(self) -> list[str]:
        """A year that has begun holds the records of its days (drills, tips, cases, reports that cite it)."""
        if self.starts_on <= self.district.local_today():
            return [_("%(year)s has begun: it holds the records of its days and the reports that cite it, so "
                      "it cannot be deleted. Correct its dates instead if they are wrong.") % {"year": self.name}]
        return []

    # Years a school year's dates may fall in (portal.forms keeps every date input to the same range):
    # date arithmetic on a year ending near 9999-12-31 overflows on every page of the district.
    MIN_YEAR, MAX_YEAR = 1900, 2200

    def clean(self):
        errors = {}
        for name in ("starts_on", "ends_on", "first_instructional_day", "last_instructional_day"):
            value = getattr(self, name)
            if value is not None and not (self.MIN_YEAR <= value.year <= self.MAX_YEAR):
                errors[name] = _("Enter a date between the years %(min)s and %(max)s.") % {
                    "min": self.MIN_YEAR, "max": self.MAX_YEAR}
        if errors:
            raise ValidationError(errors)
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("The year must end after it starts.")
        if self.first_instructional_day and self.starts_on and self.first_instructional_day < self.starts_on:
            errors["first_instructional_day"] = _("The first day of school must fall inside the year.")
        if self.last_instructional_day and self.ends_on and self.last_instructional_day > self.ends_on:
            errors["last_instructional_day"] = _("The last day of school must fall inside the year.")
        if (self.first_instructional_day and self.last_instructional_day
                and self.last_instructional_day < self.first_instructional_day):
            errors["last_instructional_day"] = _("The last day of school must come after the first.")
        if errors:
            raise ValidationError(errors)
        if self.district_id and self.starts_on and self.ends_on:
            self._check_contiguous()

    def _check_contiguous(self):
        others = SchoolYear.objects.filter(district_id=self.district_id).exclude(pk=self.pk)
        overlap = others.filter(starts_on__lte=self.ends_on, ends_on__gte=self.starts_on).first()
        if overlap:
            raise ValidationError(_("These dates overlap %(year)s (%(start)s to %(end)s)."),
                                  params={"year": overlap.name, "start": overlap.starts_on, "end": overlap.ends_on})
        before = others.filter(ends_on__lt=self.starts_on).order_by("-ends_on").first()
        if before and before.ends_on + dt.timedelta(days=1) != self.starts_on:
            raise ValidationError({"starts_on": _("%(year)s ends on %(end)s, so this year must start on %(next)s "
                                                  "(no gaps between school years).") % {
                "year": before.name, "end": before.ends_on, "next": before.ends_on + dt.timedelta(days=1)}})
        after = others.filter(starts_on__gt=self.ends_on).order_by("starts_on").first()
        if after and self.ends_on + dt.timedelta(days=1) != after.starts_on:
            raise ValidationError({"ends_on": _("%(year)s starts on %(start)s, so this year must end on %(prev)s "
                                                "(no gaps between school years).") % {
                "year": after.name, "start": after.starts_on, "prev": after.starts_on - dt.timedelta(days=1)}})

    @classmethod
    def current_for(cls, district: District):
        """The year containing today in the district's time zone, or None."""
        return cls.objects.filter(district=district).containing(district.local_today()).first()

    def instructional_days(self, school: School, start: dt.date | None = None, end: dt.date | None = None):
        return instructional_days_by_school(self, [school.pk], start, end)[school.pk]


class Term(models.Model):
    """A term (semester, trimester, quarter) of a school year."""

    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    scope_path = "school_year__district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school_year", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="term_ends_after_start"),
            models.UniqueConstraint(fields=["school_year", "name"], name="term_name_unique"),
        ]

    def __str__(self):
        return f"{self.school_year} {self.name}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The term must end on or after its first day.")})
        if self.school_year_id and self.starts_on and self.ends_on:
            year = self.school_year
            if self.starts_on < year.starts_on or self.ends_on > year.ends_on:
                raise ValidationError(_("The term must fall inside %(year)s (%(start)s to %(end)s)."),
                                      params={"year": year.name, "start": year.starts_on, "end": year.ends_on})
            overlap = (Term.objects.filter(school_year=year, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on)
                       .exclude(pk=self.pk).first())
            if overlap:
                raise ValidationError(_("The term overlaps %(term)s."), params={"term": overlap.name})


class CalendarDay(models.Model):
    """An exception to the ordinary school week: a holiday or closure, or (for one school) a make-up day.

    District rows (no school) apply to every school; a school's own row for the same date wins.
    """

    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="calendar_days")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="calendar_days",
                               help_text=_("Leave empty for the whole district."))
    date = models.DateField(_("date"))
    is_instructional = models.BooleanField(
        _("school is in session"), default=False,
        help_text=_("Leave unticked for a holiday or closure; tick for a make-up day on a weekend."),
    )
    description = models.CharField(_("description"), max_length=120)

    scope_path = "school_year__district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "school", "date"], name="calendar_day_unique"),
            models.UniqueConstraint(fields=["school_year", "date"], condition=Q(school__isnull=True),
                                    name="calendar_day_unique_district"),
        ]

    def __str__(self):
        return f"{self.date}: {self.description}"

    def validate_constraints(self, exclude=None):
        """A second entry for the same day reads "27 Nov 2026 is already in the calendar of School A"."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError:
            same_day = CalendarDay.objects.filter(school_year_id=self.school_year_id, date=self.date,
                                                  school_id=self.school_id).exclude(pk=self.pk).first()
            if same_day is None:
                raise
            where = self.school.name if self.school_id else _("the whole district")
            raise ValidationError({"date": _(
                "%(day)s is already in the calendar of %(where)s (%(what)s): edit that day instead.") % {
                "day": f"{self.date.day} {self.date:%b %Y}", "where": where, "what": same_day.description}}) from None

    def clean(self):
        if self.school_year_id and self.date:
            year = self.school_year
            if not (year.starts_on <= self.date <= year.ends_on):
                raise ValidationError({"date": _("The date must fall inside %(year)s.") % {"year": year.name}})
            if self.school_id and self.school.district_id != year.district_id:
                raise ValidationError({"school": _("The school belongs to another district.")})


def instructional_days_by_school(school_year: SchoolYear, school_ids, start=None, end=None) -> dict:
    """Instructional dates per school between ``start`` and ``end`` (inclusive), in one query.

    Weekdays between the first and last day of school, less district closures, with each school's own
    rows (closures or make-up days) taking precedence for their dates.
    """
    first = max(start or school_year.first_instructional_day, school_year.first_instructional_day)
    last = min(end or school_year.last_instructional_day, school_year.last_instructional_day)
    school_ids = list(school_ids)
    district_rows, school_rows = {}, {sid: {} for sid in school_ids}
    if first <= last:
        rows = CalendarDay.objects.filter(
            Q(school__isnull=True) | Q(school_id__in=school_ids),
            school_year=school_year, date__range=(first, last),
        ).values_list("school_id", "date", "is_instructional")
        for school_id, day, is_instructional in rows:
            (district_rows if school_id is None else school_rows[school_id])[day] = is_instructional
    weekdays = []
    day = first
    while day <= last:
        weekdays.append(day)
        day += dt.timedelta(days=1)
    result = {}
    for sid in school_ids:
        overrides = {**district_rows, **school_rows[sid]}
        result[sid] = [d for d in weekdays if overrides.get(d, d.weekday() < 5)]
    return result


def instructional_days(school: School, start: dt.date, end: dt.date) -> list[dt.date]:
    """Instructional dates of one school between two dates, across school years if the range spans them."""
    days = []
    years = SchoolYear.objects.filter(district_id=school.district_id, starts_on__lte=end, ends_on__gte=start)
    for year in years.order_by("starts_on"):
        days += instructional_days_by_school(year, [school.pk], start, end)[school.pk]
    return days


# --------------------------------------------------------------------------------------------
# Memberships: who holds which role where, and when
# --------------------------------------------------------------------------------------------

DISTRICT_ONLY_ROLES = ("district_admin", "district_leader", "tip_triage")
SCHOOL_ONLY_ROLES = ("school_admin", "school_staff", "sro", "responder")
# Roles held for a partner agency: the membership names the agency.
AGENCY_ROLES = ("sro", "responder")
# A responder (fire, EMS, emergency management) reads plans through a grant that ends within a year.
RESPONDER_LONGEST_GRANT_DAYS = 366


class MembershipQuerySet(ScopedQuerySet):
    def active_on(self, day: dt.date):
        # A membership awaiting the person's acceptance gives nothing until they accept it.
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day, pending=False)


class Membership(models.Model):
    """A person's role in a district or at one school, for a span of dates (history answers "who was the SRO")."""

    class Role(models.TextChoices):
        DISTRICT_ADMIN = "district_admin", _("District administrator")
        DISTRICT_LEADER = "district_leader", _("District leader")
        SCHOOL_ADMIN = "school_admin", _("School administrator")
        SCHOOL_STAFF = "school_staff", _("School staff")
        THREAT_TEAM = "threat_team", _("Threat assessment team")
        COUNSELOR = "counselor", _("Counselor")
        SRO = "sro", _("School resource officer")
        TIP_TRIAGE = "tip_triage", _("Tip triage")
        RESPONDER = "responder", _("Partner responder")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships",
                               help_text=_("The person's agency (SROs and partner responders only)."))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True, help_text=_("Leave empty while it lasts."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    # A district admin offered this role to a person who belongs (or belonged) to another district: it
    # counts for nothing until the person accepts it after signing in (accounts/people.py).
    pending = models.BooleanField(_("awaiting acceptance"), default=False, editable=False)

    scope_path = ("district", "school__district")
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__display_name", "role"]
        indexes = [models.Index(fields=["user", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(district__isnull=False, school__isnull=True)
                           | Q(district__isnull=True, school__isnull=False)),
                name="membership_district_xor_school",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=DISTRICT_ONLY_ROLES) | Q(district__isnull=False),
                name="membership_district_roles_on_district",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=SCHOOL_ONLY_ROLES) | Q(school__isnull=False),
                name="membership_school_roles_on_school",
            ),
            models.CheckConstraint(
                condition=(Q(role__in=AGENCY_ROLES, agency__isnull=False)
                           | (~Q(role__in=AGENCY_ROLES) & Q(agency__isnull=True))),
                name="membership_agency_for_agency_roles_only",
            ),
            models.CheckConstraint(
                condition=~Q(role="responder") | Q(ends_on__isnull=False),
                name="membership_responder_grant_ends",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()} - {self.place}"

    @property
    def place(self):
        return self.school or self.district

    @property
    def home_district(self) -> District:
        return self.district if self.district_id else self.school.district

    def is_active_on(self, day: dt.date) -> bool:
        return not self.pending and self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    def last_day_if_ended_now(self, today: dt.date) -> dt.date | None:
        """The ``ends_on`` that stops this membership counting at once: yesterday (in ``today``'s calendar).

        None when it started today or later: no end date can precede the start, so ending it now means
        removing it (the audit log keeps that it existed).
        """
        yesterday = today - dt.timedelta(days=1)
        return yesterday if self.starts_on <= yesterday else None

    def clean(self):
        errors = {}
        if bool(self.district_id) == bool(self.school_id):
            errors["school"] = _("Choose either a school or the whole district, not both.")
        elif self.role in DISTRICT_ONLY_ROLES and not self.district_id:
            errors["school"] = _("This role covers the whole district; leave the school empty.")
        elif self.role in SCHOOL_ONLY_ROLES and not self.school_id:
            errors["school"] = _("This role is held at one school; choose the school.")
        if self.role == self.Role.SRO and not self.agency_id:
            errors["agency"] = _("A school resource officer needs their agency.")
        if self.role == self.Role.RESPONDER and not self.agency_id:
            errors["agency"] = _("A partner responder needs the agency they answer for.")
        if self.role not in AGENCY_ROLES and self.agency_id:
            errors["agency"] = _("Only school resource officers and partner responders have an agency.")
        if self.role == self.Role.RESPONDER and self.starts_on and (
                not self.ends_on or (self.ends_on - self.starts_on).days > RESPONDER_LONGEST_GRANT_DAYS):
            errors["ends_on"] = _("A responder's access needs an end date at most one year after it starts.")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The membership cannot end before it starts.")
        if self.agency_id and not errors:
            district_id = self.district_id or (self.school.district_id if self.school_id else None)
            if self.agency.district_id != district_id:
                errors["agency"] = _("The agency belongs to another district.")
        if self._state.adding and not self.pending and self.user_id and not errors:
            # A first role in a district is the person's to accept (a pending offer, accounts/people.py):
            # it is given directly only to someone who holds or held an accepted role in the district.
            district_id = self.district_id or (self.school.district_id if self.school_id else None)
            here = Q(district_id=district_id) | Q(school__district_id=district_id)
            if not Membership.objects.filter(here, user_id=self.user_id, pending=False).exists():
                errors["user"] = _("This person has no role in this district yet. Invite them from the people "
                                   "pages: they accept their first role here themselves.")
        if errors:
            raise ValidationError(errors)


# --------------------------------------------------------------------------------------------
# Audit log
# --------------------------------------------------------------------------------------------


class AuditEvent(models.Model):
    """An append-only record of who did what to which record: never field values.

    PostgreSQL refuses UPDATE and DELETE on this table (trigger in migration 0002).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Exported")
        DOWNLOAD = "download", _("Downloaded")
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKOUT = "lockout", _("Locked out")
        UNLOCK = "unlock", _("Unlocked")
        DENIED_NOT_FOUND = "denied_404", _("Refused: not in scope")
        DENIED_FORBIDDEN = "denied_403", _("Refused: not allowed")
        PERMISSION_CHANGE = "permission_change", _("Permission changed")
        TWO_FACTOR = "two_factor", _("Two-factor change")
        SESSION_END = "session_end", _("Sessions ended")
        IMPORT = "import", _("Imported")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    # Kept as text too, so a failed login for an unknown address is still recorded.
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    # What the record was, in words people use ("Fire drill, Pioneer High, 2 Oct 2026"): the model's
    # ``audit_label`` when it has one, else its kind and number. Never a confidential record's content:
    # a model whose name or title carries personal data does not define ``audit_label``.
    object_label = models.CharField(max_length=200, blank=True)
    fields = models.JSONField(default=list, blank=True)
    # The district the event belongs to, so district admins see only their own. No database constraint:
    # an audit write must never be blocked.
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                 related_name="+")
    path = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["district", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.record}"

    @property
    def record(self) -> str:
        """The record in words (events written before labels were kept show their kind and number)."""
        return self.object_label or f"{self.object_type} {self.object_id}".strip()


# --------------------------------------------------------------------------------------------
# Notifications outbox and the reminder ledger (Foundation II)
# --------------------------------------------------------------------------------------------


class Notification(models.Model):
    """An email waiting to go out, written in the same transaction as its cause (the outbox).

    Bodies carry a link, never record content. A task claims the row with a lease before sending.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.kind} to {self.recipient_id} ({self.status})"


class SentReminder(models.Model):
    """Ledger of reminders already queued: a key is inserted before sending, so nothing goes out twice."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=120, help_text="What the reminder is about, e.g. 'drills.drill:42'.")
    milestone_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    scope_path = None  # operator data; never listed to district staff
    objects = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "subject", "milestone_date"],
                                    name="sent_reminder_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.subject} {self.milestone_date} -> {self.recipient_id}"


class UserSession(models.Model):
    """One signed-in browser session of a person, so they (or a district admin) can see and end it.

    Written at login; the session row itself lives in Django's session table under ``session_key``.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    # A coarse description ("Chrome on Windows"), never the full user-agent string or the IP address.
    device = models.CharField(max_length=100, blank=True)

    scope_path = None  # read only through the person's own account pages
    objects = models.Manager()

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self):
        return f"{self.user_id} {self.device} {self.created_at:%Y-%m-%d %H:%M}"
