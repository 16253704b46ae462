"""Generated scope tests of the test app's scoped model (tests/scoped_models.py)."""

from tests.scoped_models import ScopedModelTests
from tests.testapp.models import Walkthrough

from .scope import make_walkthrough


class TestWalkthroughScope(ScopedModelTests):
    model, make = Walkthrough, make_walkthrough
