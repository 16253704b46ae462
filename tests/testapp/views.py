from django.http import HttpRequest, HttpResponse

from portal.crud import Column, ScopedCRUDView
from portal.signed import SignedPages, refuse_if_locked, sign_view
from tests.testapp.filters import WalkthroughFilter
from tests.testapp.forms import WalkthroughForm
from tests.testapp.models import Walkthrough


class WalkthroughCRUD(ScopedCRUDView):
    model = Walkthrough
    form_class = WalkthroughForm
    filterset_class = WalkthroughFilter
    list_columns = ["walked_on", "school", Column("state", "State")]
    detail_fields = ["school", "walked_on", "notes", "signed_at", "signed_by"]
    add_label = "Record a walk-through"
    empty_message = "No walk-throughs yet. Record the first one after walking the grounds."

    def get_queryset(self, action="view"):
        return super().get_queryset(action).select_related("school")

    def refuse_if_locked(self, obj):
        refuse_if_locked(self.request, obj)


WALKTHROUGH_PAGES = SignedPages(model=Walkthrough, list_url="testapp:walkthrough-list", list_label="Walk-throughs",
                                detail_url="testapp:walkthrough-detail", update_url="testapp:walkthrough-update")


def walkthrough_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what signing means and what still stops it; POST: sign (locks the walk-through)."""
    return sign_view(request, pk, pages=WALKTHROUGH_PAGES)
