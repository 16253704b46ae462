"""What the steps of ``manage.py seed_demo`` share.

Each app declares its demo step in its ``integrations.py`` (``DemoStep(name, run, order)``); ``seed_demo``
runs them in order inside one transaction, passing one ``SeedContext``. The organisation steps (order
10-40: the district, buildings, school years, the police agency) and the people (50-60) come first; an
action app's step (100 and after) finds the district, schools, years and personas filled in.
Every step must be idempotent: a second ``seed_demo`` adds nothing.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand

from schools.models import Agency, District, School, SchoolYear, User

DEMO_PASSWORD = "safety-portal-demo"


@dataclass
class SeedContext:
    """What the steps share; each step fills in what later steps need."""

    command: BaseCommand
    password: str
    district: District | None = None
    today: dt.date | None = None
    schools: dict[str, School] = field(default_factory=dict)
    school_years: list[SchoolYear] = field(default_factory=list)  # [last year, current year]
    agency: Agency | None = None
    users: dict[str, User] = field(default_factory=dict)
    # Rows of the printed login table: (persona, email, what they hold).
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    # Lines printed after the table (e.g. how to sign in with a second factor).
    notes: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.command.stdout.write(text)

    @property
    def current_year(self) -> SchoolYear:
        return self.school_years[-1]
