"""Everything coordination adds to the shared registries, in one place: its matrix rows (responders read
plans and site information, review what they are named on, nothing else), its pages in the navigation,
the action-5 evaluator and who reads its reasons, change requests and exercise improvements on My tasks,
the plans waiting for review (My tasks, home page, digest), the responder packet PDF, its section of the
compliance reports and the demo partners and plans."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from compliance.documents import DocumentKind, ReportSection
from portal.owed_tasks import OwedTaskSource
from portal.permissions import DISTRICT_ADMIN
from portal.registry import ActionDeclaration, DemoStep, FollowUpSource, Integration, NavLink

from . import demo, evaluators, owed, reminders
from .documents import evidence_links, packet_context, packet_title, report_section_context
from .models import ExerciseImprovement, PlanChangeRequest
from .roles import MANAGERS, READERS, REVIEWERS, VERIFIERS, VIEWERS

ADMIN = {DISTRICT_ADMIN}


def _change_request_link(item):
    return reverse("coordination:plan-detail", args=[item.plan_id])


def _exercise_item_link(item):
    return reverse("coordination:exercise-detail", args=[item.exercise_id])


INTEGRATION = Integration(
    app_label="coordination",
    verbs=("submit", "review", "verify", "export"),
    matrix={
        "coordination.coordinationsettings": {"view": VIEWERS, "change": ADMIN},
        "coordination.partnercontact": {"view": VIEWERS, "add": MANAGERS, "change": MANAGERS, "delete": ADMIN,
                                        "verify": VERIFIERS},
        "coordination.plansectionkind": {"view": VIEWERS, "add": ADMIN, "change": ADMIN},
        "coordination.coordinationplan": {"view": READERS, "add": MANAGERS, "change": MANAGERS},
        "coordination.planversion": {"view": READERS, "add": MANAGERS, "change": MANAGERS, "submit": MANAGERS,
                                     "review": REVIEWERS},
        "coordination.plansection": {"view": READERS, "change": MANAGERS},
        "coordination.planattachment": {"view": READERS, "add": MANAGERS, "delete": MANAGERS},
        "coordination.planreview": {"view": READERS, "change": REVIEWERS},
        "coordination.reviewcomment": {"view": READERS, "add": REVIEWERS},
        "coordination.planchangerequest": {"view": VIEWERS, "change": MANAGERS},
        "coordination.floorplan": {"view": READERS, "add": MANAGERS, "change": MANAGERS, "delete": MANAGERS},
        "coordination.sitefact": {"view": READERS, "add": MANAGERS, "change": MANAGERS, "delete": MANAGERS,
                                  "export": READERS},
        "coordination.siteverification": {"view": READERS, "add": MANAGERS},
        "coordination.jointexercise": {"view": VIEWERS, "add": MANAGERS, "change": MANAGERS},
        "coordination.exerciseimprovement": {"view": VIEWERS, "add": MANAGERS, "change": MANAGERS},
    },
    navigation=[
        NavLink("Actions", _("Coordination"), "coordination:home", "coordination.coordinationplan", order=50),
        NavLink("Actions", _("Coordination plans"), "coordination:plan-list", "coordination.coordinationplan",
                order=51),
        NavLink("Actions", _("Plans for my review"), "coordination:my-reviews", "coordination.planversion",
                action="review", order=52),
        NavLink("Actions", _("Partner contacts"), "coordination:contact-list", "coordination.partnercontact",
                order=53),
        NavLink("Actions", _("Site facts"), "coordination:sitefact-list", "coordination.sitefact", order=54),
        NavLink("Actions", _("Floor plans"), "coordination:floorplan-list", "coordination.floorplan", order=55),
        NavLink("Actions", _("Site walks"), "coordination:siteverification-list", "coordination.siteverification",
                order=56),
        NavLink("Actions", _("Joint exercises"), "coordination:exercise-list", "coordination.jointexercise",
                order=57),
        NavLink("District", _("Plan sections"), "coordination:section-list", "coordination.plansectionkind",
                order=75),
        NavLink("District", _("Coordination settings"), "coordination:settings", "coordination.coordinationsettings",
                action="change", order=76),
        NavLink("Administration", _("Responder access"), "coordination:responder-access", "schools.membership",
                order=25),
    ],
    # Coordination statuses are not confidential (plans, contacts, site walks, exercises): every staff role
    # that reads coordination reads why. Partner responders do not: the dashboard is the district's.
    action=ActionDeclaration(5, evaluators.evaluate, reason_roles=VIEWERS),
    followups=[
        FollowUpSource(PlanChangeRequest, label=_("Coordination plan change request"), link=_change_request_link,
                       school_path="plan__school", select_related=("plan__school",)),
        FollowUpSource(ExerciseImprovement, label=_("Joint exercise improvement"), link=_exercise_item_link,
                       school_path="exercise__school", select_related=("exercise__school",)),
    ],
    owed_tasks=[OwedTaskSource("coordination.reviews", _("Plans waiting for my review"), owed.reviews_owed)],
    digest=[reminders.digest_lines],
    home_panels=[owed.home_panel],
    documents=[
        DocumentKind(key="responder_packet", label=_("Responder packet"),
                     template="coordination/documents/responder_packet.html", title=packet_title,
                     context=packet_context, action="add"),
    ],
    report_sections=[
        ReportSection(key="coordination", action=5, template="coordination/documents/_report_section.html",
                      context=report_section_context, evidence=evidence_links),
    ],
    demo_steps=[DemoStep("coordination", demo.add_demo_coordination, order=110)],
)
