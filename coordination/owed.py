"""What coordination tells My tasks and the home page is owed: plans waiting for my review (one query)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.owed_tasks import OwedTask

from .models import PlanReview

LIMIT = 200


def waiting_reviews(user):
    return list(PlanReview.objects.for_user(user, "view").waiting_for(user)
                .select_related("version__plan__school", "agency").order_by("version__signed_at")[:LIMIT])


def _task(review) -> OwedTask:
    plan = review.version.plan
    return OwedTask(title=_("Review the coordination plan: %(plan)s, version %(n)s") % {
                        "plan": plan.title, "n": review.version.number},
                    url=reverse("coordination:review", args=[review.pk]), school=plan.school,
                    detail=_("for %(agency)s") % {"agency": review.agency.name})


def reviews_owed(user, memberships, today):
    """Plan versions submitted and naming this person as a reviewer, not yet decided."""
    return [_task(review) for review in waiting_reviews(user)]


def home_panel(request) -> dict:
    """'Plans waiting for my review' on the home page of reviewers (SROs and partner responders)."""
    from portal import scope

    if not scope.can_anywhere(request.user, "coordination.planversion", "review"):
        return {}
    return {"coordination_reviews": [_task(r) for r in waiting_reviews(request.user)],
            "panel_template": "coordination/_home_panel.html"}
