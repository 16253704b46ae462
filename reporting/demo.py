"""The tip line's step of ``seed_demo``: the settings and categories, a two-person on-call chain tested last
month, and a few tips in different states. Idempotent: a second run adds nothing."""

import datetime as dt

from django.utils import timezone

from reporting import services
from reporting.models import OnCallContact, Tip, TipCategory, TipLineSettings

DEMO_TIPS = [
    # (category, school key or None, what happened, days ago, status, outcome)
    ("Bullying", "a", "A group of eighth graders keeps taking a sixth grader's lunch and posting about it.", 12,
     Tip.Status.CLOSED, Tip.Outcome.RESOLVED),
    ("Vaping or tobacco", "b", "Students vape in the second floor bathroom between classes.", 6,
     Tip.Status.IN_PROGRESS, ""),
    ("Cyberbullying", None, "Someone made a fake account that posts photos of a seventh grader.", 1,
     Tip.Status.NEW, ""),
]


def add_demo_tips(ctx) -> None:
    district = ctx.district
    line = TipLineSettings.for_district(district)
    now = timezone.now()
    triage = ctx.users.get("tip_triage")
    team = ctx.users.get("counselor_threat_team")
    if not OnCallContact.objects.filter(district=district).exists():
        if triage is not None:
            OnCallContact.objects.create(district=district, level=1, label="Tip triage on call", person=triage)
        if team is not None:
            OnCallContact.objects.create(district=district, level=2, label="Threat assessment lead", person=team)
    if line.last_test_at is None:
        TipLineSettings.objects.filter(pk=line.pk).update(last_test_at=now - dt.timedelta(days=30), enabled=True)
    if Tip.objects.filter(district=district, is_test=False).exists():
        return
    for category_name, school_key, text, days, status, outcome in DEMO_TIPS:
        category = TipCategory.objects.get(district=district, name=category_name)
        school = ctx.schools.get(school_key) if school_key else None
        tip, _passphrase = services.tip_submit(district=district, category=category, school=school,
                                               what_happened=text, now=now - dt.timedelta(days=days))
        if status != Tip.Status.NEW and triage is not None:
            services.tip_acknowledge(tip, by=triage, now=tip.created_at + dt.timedelta(minutes=4))
            services.tip_reply(tip, by=triage, body="Thank you. Can you tell us which days this happens?",
                               now=tip.created_at + dt.timedelta(minutes=10))
            services.tipster_add(tip, body="Mostly Mondays and Wednesdays.", now=tip.created_at + dt.timedelta(hours=3))
            services.tip_update(tip, by=triage, status=status, outcome=outcome, assigned_to=None,
                                now=tip.created_at + dt.timedelta(days=1))
    ctx.say("Tip line: 28 categories, a two-level on-call chain, 3 tips.")
