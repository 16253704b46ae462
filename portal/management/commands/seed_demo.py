"""``manage.py seed_demo``: one real district to try the portal with (Ann Arbor Public Schools, MI).

Runs the demo steps every installed app declares in its ``integrations.py`` (``portal.registry``), in
their order, in one transaction: the district and its schools from public NCES rows, buildings, two school
years with calendars, the police agency, one account per persona sharing one demo password (printed at
the end), then each action app's records.

Only for ``PORTAL_ENV=dev`` (``settings.DEMO_DATA_ALLOWED``) unless ``--force``: the accounts share a
published password. Every step is idempotent, so running it twice duplicates nothing.
"""

import contextlib
import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import registry
from portal.demo import DEMO_PASSWORD, SeedContext


@contextlib.contextmanager
def quiet_side_effects():
    """The demo's own notifications (a demo tip alerting triage...) are kept in memory, not sent or printed
    in the middle of the logins; the worker's per-task log lines (Celery runs eagerly in dev) are quiet."""
    from django.core import mail

    trace = logging.getLogger("celery.app.trace")
    saved_backend, saved_level = settings.EMAIL_BACKEND, trace.level
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    saved_outbox = getattr(mail, "outbox", None)
    mail.outbox = []
    trace.setLevel(logging.WARNING)
    try:
        yield mail.outbox
    finally:
        settings.EMAIL_BACKEND = saved_backend
        trace.setLevel(saved_level)
        if saved_outbox is None:
            del mail.outbox
        else:
            mail.outbox = saved_outbox


class Command(BaseCommand):
    help = ("Load demo data: Ann Arbor Public Schools (MI) from the NCES directory, two school years with "
            "calendars, the police agency and one login per persona. Only with PORTAL_ENV=dev unless "
            "--force.")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Run even though demo data is not allowed here (not PORTAL_ENV=dev).")
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help="The password every demo account gets (default: %(default)s).")

    def handle(self, *args, force, password, **options):
        if not settings.DEMO_DATA_ALLOWED and not force:
            raise CommandError("seed_demo only runs with PORTAL_ENV=dev: it creates accounts that share a "
                               "published password. Pass --force if you really mean to load them here.")
        if len(password) < 12:
            raise CommandError("The demo password needs at least 12 characters.")
        ctx = SeedContext(command=self, password=password)
        with quiet_side_effects() as held_back, transaction.atomic():
            for step in registry.demo_steps():
                step.run(ctx)
        if held_back:
            self.stdout.write(f"{len(held_back)} notification e-mails of the demo records were held back, "
                              "not sent.")
        self.print_logins(ctx)

    def print_logins(self, ctx: SeedContext) -> None:
        width_persona = max(len(p) for p, _, _ in ctx.logins)
        width_email = max(len(e) for _, e, _ in ctx.logins)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {ctx.password})"))
        self.stdout.write(f"{'Persona':<{width_persona}}  {'Email':<{width_email}}  Holds")
        for persona, email, held in ctx.logins:
            self.stdout.write(f"{persona:<{width_persona}}  {email:<{width_email}}  {held}")
        for note in ctx.notes:
            self.stdout.write(note)
