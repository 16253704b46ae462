"""Forms of the drills pages. They name their fields and never include scope, status, lock or sign-off
fields: those are set by the views and the model methods. Every choice is narrowed to the person's scope
(``ScopedModelForm``) and ``clean()`` keeps related rows (kind, buildings, agency, owner) consistent with
the drill's own school."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from portal.crud import ScopedModelForm
from portal.forms import DateInput, limit_date_fields, local_datetime_field
from schools.models import CalendarDay, Membership, School, SchoolYear, User

from .models import AfterActionReport, Drill, DrillKind, DrillRequirement, DrillSettings, ImprovementItem


def in_school_time(value, school):
    """A time typed on the form means the school's own clock, whatever zone the page was shown in."""
    if value is None or school is None:
        return value
    return timezone.make_aware(timezone.make_naive(value), school.district.tz)


class DrillFormBase(ScopedModelForm):
    """What plan and results forms share: the kind and the buildings belong to the drill's school."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            self.fields["kind"].queryset = self.fields["kind"].queryset.filter(is_active=True)
        if "buildings" in self.fields:
            self.fields["buildings"].widget = forms.CheckboxSelectMultiple(choices=self.fields["buildings"].choices)
            self.fields["buildings"].queryset = self.fields["buildings"].queryset.select_related("school")
        # Once the school is known (an existing drill, or the school chosen in the switcher), offer only its
        # buildings and the kinds of its district; ``clean()`` checks it either way.
        school_id = self.instance.school_id or self.initial.get("school")
        if school_id:
            if "buildings" in self.fields:
                self.fields["buildings"].queryset = self.fields["buildings"].queryset.filter(school_id=school_id)
            if "kind" in self.fields:
                district_id = School.objects.filter(pk=school_id).values("district_id")
                self.fields["kind"].queryset = self.fields["kind"].queryset.filter(
                    Q(district__isnull=True) | Q(district_id__in=district_id)
                )

    def school(self):
        if "school" in self.fields:
            return self.cleaned_data.get("school")
        return self.instance.school if self.instance.school_id else None

    def clean(self):
        cleaned = super().clean()
        school = self.school()
        for name in ("planned_start", "actual_start", "actual_end"):
            if name in cleaned:
                cleaned[name] = in_school_time(cleaned[name], school)
        return cleaned


# Before 6:00 or from 21:00 local time, a planned drill is more likely a typing slip (AM/PM) than a plan.
SCHOOL_HOURS = (6, 21)


def unusual_day_reasons(school, start) -> list[str]:
    """Why a planned date and time is unusual for a school (weekend, a day off, a night hour), in words."""
    day = start.date()
    reasons = []
    off = (CalendarDay.objects.filter(school_year__district_id=school.district_id, date=day)
           .filter(Q(school__isnull=True) | Q(school=school)).order_by("school_id").first())
    if off is not None and not off.is_instructional:
        reasons.append(_("%(day)s is a day off (%(why)s).") % {"day": day, "why": off.description})
    elif day.weekday() >= 5 and not (off is not None and off.is_instructional):
        reasons.append(_("%(day)s is a %(weekday)s.") % {"day": day, "weekday": _(day.strftime("%A"))})
    if not SCHOOL_HOURS[0] <= start.hour < SCHOOL_HOURS[1]:
        reasons.append(_("%(time)s is outside school hours.") % {"time": start.strftime("%H:%M")})
    return reasons


class DrillPlanForm(DrillFormBase):
    """Plan a drill: kind, date and time, buildings.

    The date must fall in one of the district's school years (the compliance calendar judges drills by
    year); a weekend, a day off or a night hour is allowed only once the planner confirms it.
    """

    planned_start = local_datetime_field(_l("Planned for"), help_text=_l("Local time at the school."))
    confirm_unusual = forms.BooleanField(
        required=False, label=_l("Yes, plan it at this unusual day or hour"),
        help_text=_l("Tick to keep a weekend, a day off or a time outside school hours."))

    class Meta:
        model = Drill
        fields = ["school", "kind", "planned_start", "buildings", "plan_notes"]
        widgets = {"plan_notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        school, start = self.school(), cleaned.get("planned_start")
        if school is None or start is None or self.errors:
            return cleaned
        day = timezone.localtime(start, school.district.tz).date()
        if not SchoolYear.objects.filter(district_id=school.district_id).containing(day).exists():
            self.add_error("planned_start", _(
                "%(day)s is in no school year of %(district)s: add that school year first (District, School "
                "years), or choose a date inside one.") % {"day": day, "district": school.district.name})
            return cleaned
        unusual = unusual_day_reasons(school, timezone.localtime(start, school.district.tz))
        if unusual and not cleaned.get("confirm_unusual"):
            self.add_error("planned_start", " ".join(unusual) + " " + _(
                "If that is right, tick the box below and save again."))
        return cleaned


RESULT_FIELDS = [
    "kind",
    "buildings",
    "actual_start",
    "actual_end",
    "evacuation_or_lockdown_seconds",
    "participant_count",
    "observing_agency",
    "announced",
    "families_notified_in_advance",
    "accommodations_count",
    "accommodations_notes",
    "no_attacker_roleplay_confirmed",
    "issues_found",
]


class DrillResultsForm(DrillFormBase):
    """Record what happened: times, counts, observers, accommodations (never names), issues."""

    actual_start = local_datetime_field(_l("Started at"), help_text=_l("Local time at the school."))
    actual_end = local_datetime_field(_l("Ended at"), required=False)

    class Meta:
        model = Drill
        fields = RESULT_FIELDS
        widgets = {
            "accommodations_notes": forms.Textarea(attrs={"rows": 2}),
            "issues_found": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("actual_start"), cleaned.get("actual_end")
        if start and start > timezone.now() + dt.timedelta(minutes=10):
            self.add_error(
                "actual_start",
                _("A drill is recorded once it has happened; this time is in the future. Plan it instead."),
            )
        if start and end and end < start:
            self.add_error("actual_end", _("The drill cannot end before it starts."))
        if start and end and (end - start).days >= 1:
            self.add_error("actual_end", _("A drill lasting a day or more is surely a typing error."))
        return cleaned


class DrillCorrectionForm(DrillResultsForm):
    """A correction: the right results for a signed entry, and what was wrong with it."""

    class Meta(DrillResultsForm.Meta):
        fields = [*RESULT_FIELDS, "correction_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["correction_reason"].required = True
        self.fields["correction_reason"].help_text = _("Kept with both entries. Never student names.")


class CancelForm(forms.Form):
    reason = forms.CharField(label=_l("Why is it cancelled?"), max_length=300)


class AfterActionForm(forms.ModelForm):
    class Meta:
        model = AfterActionReport
        fields = ["what_happened", "went_well", "areas_for_improvement"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in fields}


def people_at_school(school):
    """People holding an active role at the school or in its whole district today."""
    today = school.district.local_today()
    ids = Membership.objects.active_on(today).filter(Q(school=school) | Q(district_id=school.district_id))
    return User.objects.filter(is_active=True, pk__in=ids.values("user_id")).order_by("display_name")


class ImprovementItemForm(forms.ModelForm):
    """One improvement: what, who owns it (someone at the school), by when."""

    class Meta:
        model = ImprovementItem
        fields = ["title", "owner", "due_on"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        limit_date_fields(self.fields)  # a due date in year 9999 overflows the reminders' date arithmetic
        self.school = school
        self.fields["owner"].queryset = people_at_school(school)
        self.fields["owner"].help_text = _("Someone with a role at %(school)s or in the district.") % {
            "school": school.name
        }

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        if due < self.school.district.local_today():
            raise forms.ValidationError(_("The due date has already passed."))
        return due


class DrillKindForm(ScopedModelForm):
    class Meta:
        model = DrillKind
        fields = ["code", "name", "description", "is_active"]

    def clean_code(self):
        code = self.cleaned_data["code"]
        shared = DrillKind.objects.filter(code=code, district__isnull=True)
        same = DrillKind.objects.filter(code=code, district_id=self.instance.district_id).exclude(pk=self.instance.pk)
        if shared.exists() or same.exists():
            raise forms.ValidationError(_("This code is already taken; choose another."))
        return code


class LevelsField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=School.Level.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=_l("School levels"),
            help_text=_l("None ticked: every school."),
            **kwargs,
        )


class DrillRequirementForm(ScopedModelForm):
    """A district's own requirement, on top of its state's."""

    levels = LevelsField()
    source_url = forms.URLField(label=_l("Source"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = DrillRequirement
        fields = [
            "title",
            "code",
            "kinds",
            "min_count",
            "max_count",
            "window",
            "window_n",
            "start_month",
            "start_day",
            "end_month",
            "end_day",
            "levels",
            "citation",
            "source_url",
            "notes",
            "effective_from",
            "effective_until",
            "confidence",
        ]
        widgets = {
            "kinds": forms.CheckboxSelectMultiple,
            "effective_from": DateInput(),
            "effective_until": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "window_n": _l("For “each of N parts”, “each month with N days”, “first N days”."),
            "start_month": _l("For a date range: the first month and day (1-12, 1-31)."),
            "end_month": _l("For a date range or “by a date”: the last month and day."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        district_id = self.instance.district_id
        self.fields["kinds"].queryset = DrillKind.objects.for_district(district_id).order_by("name")
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty to make one from the title. Versions of one rule share it.")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("code") and cleaned.get("title"):
            from django.utils.text import slugify

            cleaned["code"] = slugify(cleaned["title"])[:80] or "district-rule"
            self.instance.code = cleaned["code"]
        return cleaned


class DrillSettingsForm(forms.ModelForm):
    """The district's drill settings (a district admin's page): whether unsigned drills count."""

    class Meta:
        model = DrillSettings
        fields = ["unsigned_drills_count"]
        labels = {"unsigned_drills_count": _l("Count drills whose log is not signed yet")}
        help_texts = {"unsigned_drills_count": _l(
            "On: a held drill counts toward the requirements as soon as its results are recorded; the drill "
            "log PDF marks it NOT SIGNED. Off: it counts only once the school administrator signs its log.")}
