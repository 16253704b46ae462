"""Generated scope tests of every coordination model (tests/scoped_models.py)."""

from coordination import models as m
from tests.scoped_models import ScopedModelTests

from . import builders as b


class TestSettingsScope(ScopedModelTests):
    model, make = m.CoordinationSettings, b.make_settings


class TestPartnerContactScope(ScopedModelTests):
    model, make = m.PartnerContact, b.make_contact


class TestPlanSectionKindScope(ScopedModelTests):
    model, make = m.PlanSectionKind, b.make_section_kind


class TestPlanScope(ScopedModelTests):
    model, make = m.CoordinationPlan, b.make_plan


class TestPlanVersionScope(ScopedModelTests):
    model, make = m.PlanVersion, b.make_approved


class TestPlanSectionScope(ScopedModelTests):
    model, make = m.PlanSection, b.make_section


class TestPlanAttachmentScope(ScopedModelTests):
    model, make = m.PlanAttachment, b.make_approved_attachment


class TestPlanReviewScope(ScopedModelTests):
    model, make = m.PlanReview, b.make_approved_review


class TestReviewCommentScope(ScopedModelTests):
    model, make = m.ReviewComment, b.make_comment


class TestChangeRequestScope(ScopedModelTests):
    model, make = m.PlanChangeRequest, b.make_change_request


class TestFloorPlanScope(ScopedModelTests):
    model, make = m.FloorPlan, b.make_floorplan


class TestSiteFactScope(ScopedModelTests):
    model, make = m.SiteFact, b.make_sitefact


class TestSiteVerificationScope(ScopedModelTests):
    model, make = m.SiteVerification, b.make_siteverification


class TestJointExerciseScope(ScopedModelTests):
    model, make = m.JointExercise, b.make_exercise


class TestExerciseImprovementScope(ScopedModelTests):
    model, make = m.ExerciseImprovement, b.make_exercise_improvement
