"""manage.py load_drill_rules: apply the shipped state rule sets (drills/rules/*.csv) to the database."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from drills import rules
from drills.models import DrillKind, DrillRequirement


class Command(BaseCommand):
    help = "Create or update the shared drill kinds and the state drill requirements from drills/rules/*.csv."

    def add_arguments(self, parser):
        parser.add_argument(
            "--state",
            action="append",
            choices=rules.SHIPPED_STATES,
            help="Load only this state (repeat for several). Default: every shipped state.",
        )

    def handle(self, *args, state=None, **options):
        states = tuple(state) if state else rules.SHIPPED_STATES
        try:
            with transaction.atomic():
                new_kinds = rules.load_kinds(DrillKind)
                created, updated = rules.load_rules(DrillKind, DrillRequirement, states)
                self._check_rows(states)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        self.stdout.write(
            f"Drill kinds: {new_kinds} new. Requirements for {', '.join(states)}: "
            f"{created} new, {updated} updated."
        )
        for row in rules.unlisted_rules(DrillRequirement, states):
            self.stdout.write(
                self.style.WARNING(
                    f"{row.state} {row.code} is in the database but in no CSV: give it an end date if it "
                    "no longer applies (it is kept for past years)."
                )
            )

    def _check_rows(self, states):
        """Every loaded rule passes the model's own validation, or nothing is loaded."""
        from django.core.exceptions import ValidationError

        for requirement in DrillRequirement.objects.filter(district__isnull=True, state__in=states):
            try:
                requirement.full_clean()
            except ValidationError as exc:
                raise ValueError(f"{requirement.state} {requirement.code}: {exc.messages}") from exc
