"""The threat assessment step of ``manage.py seed_demo``: a team at Pioneer (school A) with the counselor,
the principal, the SRO and an outside clinician, a team at Huron (school B) lacking law enforcement, and
three cases at Pioneer: a transient threat closed and signed, a serious substantive threat under a safety
plan with check-ins (one overdue), and a fresh referral not yet classified; and a district threat-team persona
(Riley Chen) who sees every case. Idempotent: a second run adds nothing."""

import datetime as dt

from django.db import transaction

from schools.models import Membership, User

from . import services
from .models import (
    Case,
    CaseClosure,
    CheckIn,
    Discipline,
    Intervention,
    Interview,
    StepRecord,
    Team,
    TeamMember,
    ThreatSettings,
)

MARK = "[demo]"
DISTRICT_TEAM_EMAIL = "riley.chen@example.org"


def _district_threat_team(ctx) -> None:
    """A district threat assessment coordinator: the district threat team, who sees every case."""
    user, _created = User.objects.update_or_create(
        email=DISTRICT_TEAM_EMAIL, defaults={"display_name": "Riley Chen", "is_active": True,
                                             "title": "District Threat Assessment Coordinator"})
    user.set_password(ctx.password)
    user.save(update_fields=["password"])
    Membership.objects.update_or_create(user=user, role=Membership.Role.THREAT_TEAM, district=ctx.district,
                                        school=None, defaults={"starts_on": ctx.school_years[0].starts_on,
                                                               "ends_on": None})
    ctx.users["district_threat_team"] = user
    ctx.logins.append(("district_threat_team", DISTRICT_TEAM_EMAIL, f"Threat assessment team ({ctx.district})"))


def add_demo_threat(ctx) -> None:
    district, today = ctx.district, ctx.today
    pioneer, huron = ctx.schools["a"], ctx.schools["b"]
    _district_threat_team(ctx)
    if Team.objects.filter(school=pioneer).exists():
        return
    users = ctx.users
    counselor, principal = users.get("counselor_threat_team"), users.get("school_a_admin")
    sro, admin = users.get("sro_two_schools"), users.get("district_admin")
    since = ctx.school_years[-1].starts_on
    with transaction.atomic():
        ThreatSettings.for_district(district)
        team = Team.objects.create(school=pioneer, name="Pioneer High threat assessment team",
                                   notes=f"{MARK} Meets Tuesdays; reach Corinne Park for urgent referrals.")
        for user, discipline in ((counselor, Discipline.MENTAL_HEALTH), (principal, Discipline.ADMINISTRATOR),
                                 (sro, Discipline.LAW_ENFORCEMENT)):
            if user:
                TeamMember.objects.create(team=team, user=user, discipline=discipline, starts_on=since)
        Team.objects.create(school=huron, name="Huron High threat assessment team", notes=f"{MARK} Forming.")
        if users.get("school_b_admin"):
            TeamMember.objects.create(team=Team.objects.get(school=huron), user=users["school_b_admin"],
                                      discipline=Discipline.ADMINISTRATOR, starts_on=since)
        worker = counselor or admin

        def case(days_ago, **fields):
            return Case.objects.create(school=pioneer, referred_on=today - dt.timedelta(days=days_ago),
                                       created_by=worker, **fields)

        closed = case(40, subject_name="Student J.", student_local_id="P-10442", grade="09",
                      referral_source=Case.Source.STAFF, referred_by="Ms. Lindqvist (science)",
                      concerning_behavior=f"{MARK} Said 'I'll kill you if you take my seat' to a classmate, laughing.",
                      targets="A classmate", classification="transient",
                      assessed_on=today - dt.timedelta(days=39), incident_on=today - dt.timedelta(days=40))
        Interview.objects.create(case=closed, kind=Interview.Kind.SUBJECT, interviewee="Student J.",
                                 held_on=today - dt.timedelta(days=40), interviewer=worker,
                                 summary=f"{MARK} A joke about a seat; apologised at once.")
        Interview.objects.create(case=closed, kind=Interview.Kind.WITNESS, interviewee="Two classmates",
                                 held_on=today - dt.timedelta(days=40), interviewer=worker,
                                 summary=f"{MARK} Both heard it as a joke.")
        StepRecord.objects.create(case=closed, step="resolve_transient", done_on=today - dt.timedelta(days=39),
                                  notes=f"{MARK} Apology accepted.", recorded_by=worker)
        closure = CaseClosure.objects.create(case=closed, closed_on=today - dt.timedelta(days=38),
                                             outcome=f"{MARK} Resolved with an apology.", services_provided=False)
        services.closure_sign(closure, by=worker)

        serious = case(12, subject_name="Student M.", student_local_id="P-11873", grade="10", has_iep=True,
                       referral_source=Case.Source.STUDENT, referred_by="A student (name kept by the team)",
                       concerning_behavior=f"{MARK} Posted that he would 'get' a student who shoved him.",
                       targets="One student", classification="serious_substantive",
                       assessed_on=today - dt.timedelta(days=11))
        Interview.objects.create(case=serious, kind=Interview.Kind.SUBJECT, interviewee="Student M.",
                                 held_on=today - dt.timedelta(days=11), interviewer=worker,
                                 summary=f"{MARK} Angry about being shoved; intends to fight.")
        for step in ("protective_actions", "notify_parents"):
            StepRecord.objects.create(case=serious, step=step, done_on=today - dt.timedelta(days=10),
                                      notes=f"{MARK} Done.", recorded_by=worker)
        Intervention.objects.create(case=serious, kind=Intervention.Kind.COUNSELING, title="Weekly counseling",
                                    owner=worker, due_on=today + dt.timedelta(days=14))
        Intervention.objects.create(case=serious, kind=Intervention.Kind.SUPERVISION,
                                    title="Escort between classes", owner=principal or worker,
                                    due_on=today - dt.timedelta(days=2))
        for offset in (-3, 4, 11):
            CheckIn.objects.create(case=serious, due_on=today + dt.timedelta(days=offset))
        Case.objects.filter(pk=serious.pk).update(status=Case.Status.MONITORING)
        case(1, subject_name="Adult visitor", subject_kind=Case.Subject.ADULT, referral_source=Case.Source.SRO,
             referred_by="Officer Delgado", concerning_behavior=f"{MARK} A parent threatened staff at pick-up.")
    ctx.say("Threat assessment: teams at Pioneer and Huron, three cases at Pioneer (one closed).")
