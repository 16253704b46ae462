"""The scope table of coordination's URLs (see tests/scope_table.py); the builders are in builders.py."""

from tests.scope_table import DISTRICT_ADMIN, MEMBERS, PARTNERS, SCHOOL_EDITORS, make_school, obj, page, post_only

from .builders import (
    make_attachment,
    make_contact,
    make_draft,
    make_exercise,
    make_floorplan,
    make_plan,
    make_review,
    make_section_kind,
    make_sitefact,
    make_siteverification,
)

# coordination/roles.py: the district's people but tip triage read; partner responders read plans and site
# information (of their schools), never contacts they do not serve, drafts, exercises or settings.
VIEWERS = MEMBERS - {"tip_triage"}
READERS = VIEWERS | PARTNERS

URLS = {
    "coordination:home": page(ok=READERS),
    "coordination:school": obj(make_school, ok=READERS, others=403),
    "coordination:sitefact-geojson": obj(make_school, ok=READERS, others=403),
    "coordination:contact-list": page(),
    "coordination:contact-create": page(ok=SCHOOL_EDITORS),
    "coordination:contact-detail": obj(make_contact, ok=VIEWERS),
    "coordination:contact-update": obj(make_contact, ok=SCHOOL_EDITORS, denied=VIEWERS),
    "coordination:contact-delete": obj(make_contact, ok=DISTRICT_ADMIN, denied=VIEWERS),
    "coordination:contact-verify": post_only(make_contact),
    "coordination:responder-grant": obj(make_contact, ok=DISTRICT_ADMIN, denied=VIEWERS),
    "coordination:responder-access": page(ok=DISTRICT_ADMIN),
    "coordination:settings": page(ok=DISTRICT_ADMIN),
    "coordination:section-list": page(),
    "coordination:section-create": page(ok=DISTRICT_ADMIN),
    "coordination:section-detail": obj(make_section_kind, ok=VIEWERS),
    "coordination:section-update": obj(make_section_kind, ok=DISTRICT_ADMIN, denied=VIEWERS),
    "coordination:plan-list": page(),
    "coordination:plan-create": page(ok=SCHOOL_EDITORS),
    "coordination:plan-detail": obj(make_plan, ok=READERS),
    "coordination:plan-update": obj(make_plan, ok=SCHOOL_EDITORS, denied=READERS),
    "coordination:plan-draft": post_only(make_plan),
    "coordination:planversion-detail": obj(make_draft, ok=VIEWERS),
    "coordination:planversion-edit": obj(make_draft, ok=SCHOOL_EDITORS, denied=VIEWERS),
    "coordination:planversion-attach": obj(make_draft, ok=SCHOOL_EDITORS, denied=VIEWERS),
    "coordination:planversion-submit": obj(make_draft, ok=SCHOOL_EDITORS, denied=VIEWERS),
    "coordination:planversion-compare": obj(make_draft, ok=VIEWERS),
    "coordination:attachment-download": obj(make_attachment, ok=VIEWERS),
    "coordination:my-reviews": page(),
    "coordination:review": obj(make_review, ok=(), denied=VIEWERS),  # only the named reviewer (a stranger here)
    "coordination:floorplan-list": page(),
    "coordination:floorplan-create": page(ok=SCHOOL_EDITORS),
    "coordination:floorplan-detail": obj(make_floorplan, ok=READERS),
    "coordination:floorplan-update": obj(make_floorplan, ok=SCHOOL_EDITORS, denied=READERS),
    "coordination:floorplan-delete": obj(make_floorplan, ok=SCHOOL_EDITORS, denied=READERS),
    "coordination:floorplan-download": obj(make_floorplan, ok=READERS),
    "coordination:sitefact-list": page(),
    "coordination:sitefact-create": page(ok=SCHOOL_EDITORS),
    "coordination:sitefact-detail": obj(make_sitefact, ok=READERS),
    "coordination:sitefact-update": obj(make_sitefact, ok=SCHOOL_EDITORS, denied=READERS),
    "coordination:sitefact-delete": obj(make_sitefact, ok=SCHOOL_EDITORS, denied=READERS),
    "coordination:siteverification-list": page(),
    "coordination:siteverification-create": page(ok=SCHOOL_EDITORS),
    "coordination:siteverification-detail": obj(make_siteverification, ok=READERS),
    "coordination:exercise-list": page(),
    "coordination:exercise-create": page(ok=SCHOOL_EDITORS),
    "coordination:exercise-detail": obj(make_exercise, ok=VIEWERS),
    "coordination:exercise-update": obj(make_exercise, ok=SCHOOL_EDITORS, denied=VIEWERS),
    "coordination:exercise-improvement-add": post_only(make_exercise),
}
