"""``manage.py import_nces``: load districts and schools from an NCES Common Core of Data directory export."""

from django.core.management.base import BaseCommand, CommandError

from schools.models import User
from schools.services import NCESImportError, nces_import


class Command(BaseCommand):
    help = ("Import districts and schools from the NCES Common Core of Data directory CSV export (ELSI). "
            "Re-importing updates; closed schools become inactive. Malformed rows are reported with their line "
            "and column, and then nothing is imported (exit status 1) unless --skip-bad-rows is given.")

    def add_arguments(self, parser):
        parser.add_argument("--schools", required=True, metavar="FILE",
                            help="The NCES public school export (CSV).")
        parser.add_argument("--districts", metavar="FILE",
                            help="The NCES district (LEA) export (CSV), optional.")
        parser.add_argument("--time-zone", dest="time_zone", metavar="TZ",
                            help="Time zone of districts new to the portal, e.g. America/Detroit (required "
                                 "for them; never guessed from the state; existing districts keep theirs).")
        parser.add_argument("--district", dest="districts_only", action="append", metavar="NCESID",
                            help="Import only this NCES district id (repeat for several).")
        parser.add_argument("--by", metavar="EMAIL", help="The person doing the import, for the audit log.")
        parser.add_argument("--skip-bad-rows", dest="skip_bad_rows", action="store_true",
                            help="Import the other rows when some are malformed, skipping (and listing) "
                                 "those. Without it, a malformed row means nothing is imported.")

    def handle(self, *args, schools, districts, time_zone, districts_only, by, skip_bad_rows, **options):
        actor = None
        if by:
            actor = User.objects.filter(email__iexact=by).first()
            if actor is None:
                raise CommandError(f"No account has the email {by}.")
        try:
            report = nces_import(schools_file=schools, districts_file=districts, by=actor,
                                 time_zone=time_zone, only_district_ids=districts_only,
                                 skip_bad_rows=skip_bad_rows)
        except (NCESImportError, OSError) as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        if not report.applied:
            for error in report.errors:
                self.stderr.write(f"  {format_error(error)}")
            raise CommandError(f"Nothing was imported: {len(report.bad_rows)} malformed rows (listed above). "
                               "Correct them, or run again with --skip-bad-rows to import the other rows.")
        write_report(self, report)


def write_report(command, report) -> None:
    """The report as lines a person reads: counts, then each row error with its line number."""
    out = command.stdout
    out.write(command.style.SUCCESS(f"NCES import: {report.summary()}."))
    if report.errors:
        out.write(f"Skipped malformed rows: {', '.join(f'{source} line {line}' for source, line in report.bad_rows)}")
    for label, names in (("Districts created", report.districts_created),
                         ("Districts updated", report.districts_updated),
                         ("Closed (now inactive)", report.closed), ("Reopened", report.reopened)):
        if names:
            out.write(f"{label}: {', '.join(names)}")
    if report.skipped:
        other = ", ".join(f"{nces_id or '(none)'}: {n}" for nces_id, n in sorted(report.skipped.items()))
        out.write(f"Skipped schools of other districts: {other}")
    for error in report.errors:
        command.stderr.write(f"  {format_error(error)} (skipped)")


def format_error(error) -> str:
    column = f" [{error.column}]" if error.column else ""
    return f"{error.source}, line {error.line}{column}: {error.message}"
