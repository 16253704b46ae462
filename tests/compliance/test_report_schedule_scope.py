"""Scheduled reports are district records: the generated scope tests (tests/scoped_models.py)."""

from compliance.models import ReportSchedule
from tests.scoped_models import ScopedModelTests

from .scope import make_schedule


class TestReportScheduleScope(ScopedModelTests):
    model, make = ReportSchedule, make_schedule
