"""The scope table of reporting's URLs and the builders of its records (also used by the generated model
scope tests in test_reporting_scope.py); see tests/scope_table.py."""

from django.core.files.base import ContentFile

from reporting.models import (
    EscalationPage,
    OnCallContact,
    Tip,
    TipAttachment,
    TipCategory,
    TipEvent,
    TipMessage,
    TipNote,
)
from tests.scope_table import obj, page, post_only, unique

from ..factories import UserFactory

# Who reads tips (reporting/integrations.py): tip triage (district), the threat team (counselor_threat_team
# at School A) and the principals of the tip's school.
TIP_READERS = frozenset({"tip_triage", "counselor_threat_team", "school_a_admin", "school_b_admin"})
LINE_MANAGERS = frozenset({"district_admin", "tip_triage"})
CATEGORY_VIEWERS = LINE_MANAGERS | TIP_READERS
METRICS_READERS = frozenset({"district_admin", "district_leader", "tip_triage"})


def category_of(district, life_safety=False):
    n = unique()
    return TipCategory.objects.create(district=district, name=f"Category {n}", life_safety=life_safety, order=n)


def make_category(world, school):
    return category_of(school.district)


def make_tip(world, school, **fields):
    tip = Tip(district=school.district, school=school, category=fields.pop("category", None)
              or category_of(school.district), what_happened=fields.pop("what_happened", "Something happened"),
              **fields)
    tip.set_passphrase("abcd-efgh-jkmn-pqrs")
    tip.save()
    return tip


def make_message(world, school):
    return TipMessage.objects.create(tip=make_tip(world, school), sender=TipMessage.Sender.TIPSTER, body="More")


def make_note(world, school):
    return TipNote.objects.create(tip=make_tip(world, school), author=UserFactory(), body="Internal")


def make_event(world, school):
    return TipEvent.objects.create(tip=make_tip(world, school), kind="received")


def make_attachment(world, school):
    attachment = TipAttachment(tip=make_tip(world, school), original_name="note.txt")
    attachment.file.save("note.txt", ContentFile(b"hello"), save=False)
    attachment.save()
    return attachment


def make_contact(world, school):
    return OnCallContact.objects.create(district=school.district, level=1, label=f"Pager {unique()}",
                                        webhook_url="https://pager.example.org/hook")


def make_page(world, school):
    return EscalationPage.objects.create(tip=make_tip(world, school), contact=make_contact(world, school), level=1,
                                         channel=EscalationPage.Channel.WEBHOOK)


URLS = {
    "reporting:tip-list": page(),
    "reporting:tip-detail": obj(make_tip, ok=TIP_READERS),
    "reporting:tip-acknowledge": post_only(make_tip),
    "reporting:tip-reply": post_only(make_tip),
    "reporting:tip-note": post_only(make_tip),
    "reporting:tip-triage": post_only(make_tip),
    "reporting:attachment-download": obj(make_attachment, ok=TIP_READERS),
    "reporting:category-list": page(),
    "reporting:category-create": page(ok=LINE_MANAGERS),
    "reporting:category-detail": obj(make_category, ok=CATEGORY_VIEWERS),
    "reporting:category-update": obj(make_category, ok=LINE_MANAGERS, denied=CATEGORY_VIEWERS),
    "reporting:contact-list": page(),
    "reporting:contact-create": page(ok=LINE_MANAGERS),
    "reporting:contact-detail": obj(make_contact, ok=LINE_MANAGERS),
    "reporting:contact-update": obj(make_contact, ok=LINE_MANAGERS),
    "reporting:contact-delete": obj(make_contact, ok=LINE_MANAGERS),
    "reporting:settings": page(ok=LINE_MANAGERS),
    "reporting:chain-test": post_only(),
    "reporting:metrics": page(ok=METRICS_READERS),
}

# The public pages (namespace tips:) are declared in tests/tips/scope.py.
