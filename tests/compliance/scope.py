"""The scope table of compliance's URLs (the dashboard, a school's status, generated documents); see
tests/scope_table.py."""

from django.core.files.base import ContentFile

from compliance.models import GeneratedDocument, ReportSchedule
from tests.scope_table import (
    DISTRICT_ADMIN,
    DOCUMENT_READERS,
    EVERYONE,
    MEMBERS,
    PARTNERS,
    make_school,
    obj,
    page,
    post_only,
)

from ..factories import UserFactory


def make_document(world, school):
    """A ready school profile with its file (the walk runs with MEDIA_ROOT in a temporary folder)."""
    document = GeneratedDocument.objects.create(
        kind="school_profile", district=school.district, school=school, title=f"Profile of {school}",
        requested_by=UserFactory(), status=GeneratedDocument.Status.READY, progress=100)
    document.file.save("walk.pdf", ContentFile(b"%PDF-1.4 walk"), save=True)
    return document


def make_schedule(world, school):
    """A monthly district report of the school's district, sent to a person who is none of the personas."""
    schedule = ReportSchedule.objects.create(district=school.district, day_of_month=3, created_by=UserFactory())
    schedule.recipients.add(UserFactory())
    return schedule


URLS = {
    # The dashboard and the statuses are the district's own: a partner responder is refused (403).
    "compliance:dashboard": page(ok=EVERYONE - PARTNERS, denied=PARTNERS),
    "compliance:school-status": obj(make_school, ok=MEMBERS, denied=PARTNERS),
    "compliance:document-list": page(),
    "compliance:document-request": page(ok=DOCUMENT_READERS),
    "compliance:document-detail": obj(make_document, ok=DOCUMENT_READERS),
    "compliance:document-progress": obj(make_document, ok=DOCUMENT_READERS),
    "compliance:document-download": obj(make_document, ok=DOCUMENT_READERS),
    "compliance:document-retry": post_only(make_document),
    "compliance:reportschedule-list": page(),
    "compliance:reportschedule-create": page(ok=DISTRICT_ADMIN),
    "compliance:reportschedule-detail": obj(make_schedule, ok=DISTRICT_ADMIN),
    "compliance:reportschedule-update": obj(make_schedule, ok=DISTRICT_ADMIN),
    "compliance:reportschedule-delete": obj(make_schedule, ok=DISTRICT_ADMIN),
}
