"""The generated scope tests of every reporting model (tests/scoped_models.py)."""

from reporting.models import (
    EscalationPage,
    OnCallContact,
    Tip,
    TipAttachment,
    TipCategory,
    TipEvent,
    TipLineSettings,
    TipMessage,
    TipNote,
)
from tests.scoped_models import ScopedModelTests

from .scope import (
    make_attachment,
    make_category,
    make_contact,
    make_event,
    make_message,
    make_note,
    make_page,
    make_tip,
)


def make_settings(world, school):
    return TipLineSettings.for_district(school.district)


class TestTipScope(ScopedModelTests):
    model, make = Tip, make_tip


class TestTipMessageScope(ScopedModelTests):
    model, make = TipMessage, make_message


class TestTipNoteScope(ScopedModelTests):
    model, make = TipNote, make_note


class TestTipEventScope(ScopedModelTests):
    model, make = TipEvent, make_event


class TestTipAttachmentScope(ScopedModelTests):
    model, make = TipAttachment, make_attachment


class TestTipCategoryScope(ScopedModelTests):
    model, make = TipCategory, make_category


class TestOnCallContactScope(ScopedModelTests):
    model, make = OnCallContact, make_contact


class TestEscalationPageScope(ScopedModelTests):
    model, make = EscalationPage, make_page


class TestTipLineSettingsScope(ScopedModelTests):
    model, make = TipLineSettings, make_settings
