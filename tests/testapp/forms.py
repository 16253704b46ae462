from portal.crud import ScopedModelForm
from portal.forms import DateInput
from tests.testapp.models import Walkthrough


class WalkthroughForm(ScopedModelForm):
    """Names its fields; never the sign-off fields (signing is its own page)."""

    class Meta:
        model = Walkthrough
        fields = ["school", "walked_on", "notes"]
        widgets = {"walked_on": DateInput()}
