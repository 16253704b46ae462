"""People: invitations, the staff CSV import, enabling and deactivating accounts, ending memberships.

Workflows that cross models and cause side effects (an email, ended sessions, audit rows) live here as
keyword-only functions named ``<thing>_<verb>``; ``views_people.py`` only parses requests and renders.

Accounts start inactive: an invitation lets the person choose a password, and the account works only
once a district admin has enabled it. Nobody is ever deleted: deactivation ends their memberships and
sessions and keeps their name on everything they did.
"""

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.sessions import sessions_end_for
from portal import audit, registry
from portal.notifications import notification_create
from portal.scope import allowed_memberships
from schools.models import Agency, AuditEvent, District, Membership, School, User

PERMISSION_CHANGE = AuditEvent.Action.PERMISSION_CHANGE
MEMBERSHIP_FIELDS = ["role", "school", "district", "agency", "starts_on"]


def admin_districts(user) -> list[District]:
    """Districts where ``user`` may give people roles today (district admins of that district)."""
    seen = {}
    for membership in allowed_memberships(user, Membership, "add"):
        if membership.district_id:
            seen[membership.district_id] = membership.district
    return sorted(seen.values(), key=lambda d: d.name)


def held_district_ids(user) -> set[int]:
    """Districts where ``user`` holds or held a membership (offers still awaiting acceptance do not count)."""
    rows = Membership.objects.filter(user=user, pending=False).values_list("district_id", "school__district_id")
    return {district_id or school_district_id for district_id, school_district_id in rows}


def reaches_beyond(user, district_ids) -> bool:
    """Whether the account belongs (or belonged) anywhere but ``district_ids``, or to nobody's district.

    Such an account is never handed over: a district adds a role to it only once the person accepts, and
    changes only its own memberships, never the account (its name, factors, sessions, active state).
    Operators (staff, superusers) always reach beyond a district.
    """
    if user.is_superuser or user.is_staff:
        return True
    held = held_district_ids(user)
    return not held or bool(held - set(district_ids))


def belongs_elsewhere(*, person, by) -> bool:
    """Whether ``person`` holds or held a role outside the districts ``by`` administers."""
    return reaches_beyond(person, {d.pk for d in admin_districts(by)})


# --------------------------------------------------------------------------------------------
# Invitations
# --------------------------------------------------------------------------------------------


def invitation_link(user) -> str:
    """The one-time link where an invited person chooses their password (valid PASSWORD_RESET_TIMEOUT)."""
    path = reverse("accounts:invite-accept", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def invitation_send(*, user, by, district) -> None:
    """Email ``user`` their invitation through the outbox, in the caller's transaction.

    The body carries the link, who invited them and the district's name: no record content.
    """
    notification_create(
        recipient=user, kind="invitation", district=district, template="people_invitation",
        subject=_("Your invitation to the School Safety Portal of %(name)s") % {"name": district.name},
        context={"inviter_name": by.display_name or by.email, "district_name": district.name,
                 "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400), "email": user.email},
        link=invitation_link(user),
    )


def user_invite(*, by, district, email, display_name, title="", phone="", role, school=None,
                agency=None, ends_on=None) -> User:
    """Create an inactive account with one membership starting today, and email the invitation.

    An email that already has an account outside the district (``InviteForm`` refuses one the admin can
    see) gets a role offer instead: the account is not touched and the role waits for the person's
    acceptance. The caller has checked that ``by`` administers ``district`` and that the membership is
    valid (``InviteForm`` does both); the database constraints are the last line.
    """
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        role_offer(user=existing, by=by, district=district, role=role, school=school, agency=agency,
                   note="invited", ends_on=ends_on)
        return existing
    with transaction.atomic():
        user = User.objects.create_user(
            email, password=None, display_name=display_name, title=title, phone=phone,
            is_active=False, invited_by=by,
        )
        membership = Membership.objects.create(
            user=user, role=role, school=school, district=None if school else district, agency=agency,
            starts_on=district.local_today(), ends_on=ends_on, created_by=by,
        )
        audit.record(AuditEvent.Action.CREATE, actor=by, obj=user, district_id=district.pk,
                     fields=["email", "display_name", "title", "phone"], note="invited")
        audit.record(PERMISSION_CHANGE, actor=by, obj=membership, fields=MEMBERSHIP_FIELDS)
        invitation_send(user=user, by=by, district=district)
    return user


def invitation_pending(user) -> bool:
    """Whether the person has not chosen a password yet (and so may be sent their invitation again)."""
    return not user.has_usable_password() and user.deactivated_at is None


# --------------------------------------------------------------------------------------------
# Role offers: a role for a person of another district, pending until they accept it
# --------------------------------------------------------------------------------------------


def role_offer_link(membership) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("accounts:membership-accept",
                                                          kwargs={"pk": membership.pk})


def role_offer(*, user, by, district, role, school=None, agency=None, note="offered", ends_on=None) -> Membership:
    """Offer ``user`` a role in ``district``: a pending membership and an email with the link to accept it.

    Used for accounts that belong (or belonged) to another district: nothing about the account changes,
    and the membership counts for nothing until the person accepts it after signing in.
    """
    with transaction.atomic():
        membership = Membership.objects.create(
            user=user, role=role, school=school, district=None if school else district, agency=agency,
            starts_on=district.local_today(), ends_on=ends_on, created_by=by, pending=True,
        )
        audit.record(PERMISSION_CHANGE, actor=by, obj=membership, fields=[*MEMBERSHIP_FIELDS, "pending"],
                     note=f"{note}; awaiting the person's acceptance")
        notification_create(
            recipient=user, kind="role_offer", district=district, template="people_role_offer",
            subject=_("A role for you in the School Safety Portal of %(name)s") % {"name": district.name},
            context={"inviter_name": by.display_name or by.email, "district_name": district.name},
            link=role_offer_link(membership),
        )
    return membership


def role_offer_accept(*, membership, by) -> None:
    """The invited person accepts: the membership counts from today (its district's day)."""
    if membership.user_id != by.pk or not membership.pending:
        raise ValueError("Only the invited person accepts a pending role.")
    today = membership.home_district.local_today()
    starts_on = max(membership.starts_on, today)
    with transaction.atomic():
        Membership.objects.filter(pk=membership.pk, pending=True).update(pending=False, starts_on=starts_on)
        membership.pending, membership.starts_on = False, starts_on
        audit.record(PERMISSION_CHANGE, actor=by, obj=membership, fields=["pending", "starts_on"],
                     note="role accepted by the person")


def role_offer_decline(*, membership, by) -> None:
    """The invited person declines: the offer is removed (it never counted, so there is no history)."""
    if membership.user_id != by.pk or not membership.pending:
        raise ValueError("Only the invited person declines a pending role.")
    with transaction.atomic():
        audit.record(PERMISSION_CHANGE, actor=by, obj=membership, fields=["pending"],
                     note="role declined by the person")
        membership.delete()


# --------------------------------------------------------------------------------------------
# Enabling, deactivating, ending memberships
# --------------------------------------------------------------------------------------------


def user_enable(*, user, by) -> None:
    """Let the person sign in (with the password they chose from their invitation)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True, deactivated_at=None)
        user.is_active, user.deactivated_at = True, None
        audit.record(PERMISSION_CHANGE, actor=by, obj=user, fields=["is_active", "deactivated_at"],
                     note="enabled")


def user_deactivate(*, user, by) -> int:
    """Stop the person signing in: end their memberships today and every session; keep their history.

    Returns the number of sessions ended. Nobody deactivates themselves (they would lock themselves out
    and leave no one accountable for the change).
    """
    if user.pk == by.pk:
        raise ValueError("Nobody can deactivate their own account.")
    with transaction.atomic():
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(is_active=False, deactivated_at=now)
        user.is_active, user.deactivated_at = False, now
        audit.record(PERMISSION_CHANGE, actor=by, obj=user, fields=["is_active", "deactivated_at"],
                     note="deactivated")
        # The account no longer signs in anywhere. Its memberships are all in the admin's districts (the
        # views refuse an account held elsewhere); role offers of other districts stay theirs to withdraw.
        own = [d.pk for d in admin_districts(by)]
        for membership in (user.memberships.filter(Q(district_id__in=own) | Q(school__district_id__in=own))
                           .select_related("district", "school__district")):
            membership_end(membership=membership, by=by)
        ended = sessions_end_for(user=user)
        audit.record(AuditEvent.Action.SESSION_END, actor=by, obj=user, note=f"{ended} session(s) ended")
        registry.access_ended(user)  # what apps issued to the person alone (a calendar feed) dies now
    return ended


def membership_end(*, membership, by, now: bool = False) -> str:
    """End a membership in its district's time zone; return what happened.

    By default it ends today and still counts until midnight: "ended" (ends_on set to today).
    With ``now`` it stops counting at once: "ended_now" (ends_on set to yesterday, so its history stays
    true) or, when it started today, "removed_today" (deleted: an end before the start is impossible; the
    audit log keeps that it existed). The person is then signed out of every session if they hold no other
    active role (superusers keep theirs: the operators' admin does not depend on roles);
    ``membership.sessions_ended`` says how many sessions were ended.
    Either way: "removed" when it had not started yet (nothing to keep, deleted); "already_ended" when
    nothing is left to do.
    """
    today = membership.home_district.local_today()
    membership.sessions_ended = 0
    if membership.ends_on is not None and (membership.ends_on < today or (membership.ends_on == today and not now)):
        return "already_ended"
    with transaction.atomic():
        if membership.starts_on > today or membership.pending:
            audit.record(PERMISSION_CHANGE, actor=by, obj=membership, fields=["ends_on"],
                         note="removed before it started")
            membership.delete()
            return "removed"
        if not now:
            Membership.objects.filter(pk=membership.pk).update(ends_on=today)
            membership.ends_on = today
            audit.record(PERMISSION_CHANGE, actor=by, obj=membership, fields=["ends_on"], note="ended")
            return "ended"
        last_day = membership.last_day_if_ended_now(today)
        if last_day is None:
            audit.record(PERMISSION_CHANGE, actor=by, obj=membership, fields=["ends_on"],
                         note="ended now on its first day: removed")
            membership.delete()
            outcome = "removed_today"
        else:
            Membership.objects.filter(pk=membership.pk).update(ends_on=last_day)
            membership.ends_on = last_day
            audit.record(PERMISSION_CHANGE, actor=by, obj=membership, fields=["ends_on"],
                         note="ended now (last day yesterday)")
            outcome = "ended_now"
        from portal.scope import active_memberships_for

        person = User.objects.get(pk=membership.user_id)
        if not person.is_superuser and not active_memberships_for(person):
            membership.sessions_ended = sessions_end_for(user=person)
            audit.record(AuditEvent.Action.SESSION_END, actor=by, obj=person,
                         note=f"{membership.sessions_ended} session(s) ended: their last role ended")
            registry.access_ended(person)
    return outcome


# --------------------------------------------------------------------------------------------
# Staff CSV import
# --------------------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 5000
REQUIRED_COLUMNS = ("email", "name", "role")
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, "title", "school", "phone", "agency")
# Headings people type for the same column (spreadsheet exports vary).
COLUMN_ALIASES = {"e-mail": "email", "email_address": "email", "full_name": "name", "display_name": "name",
                  "job_title": "title", "school_name": "school", "phone_number": "phone"}


def staff_csv_decode(data: bytes) -> str:
    """The text of an uploaded CSV: UTF-8 (with or without Excel's BOM), else Windows-1252 (Excel's "CSV")."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # PostgreSQL stores no NUL; a UTF-16 file is full of them
            raise ValueError(_("Line %(line)s of the file holds a NUL character. Save it from your spreadsheet as "
                               "“CSV UTF-8”.") % {"line": text.count("\n", 0, text.index("\x00")) + 1})
        return text
    raise ValueError(_("The file is not readable text. Save it from your spreadsheet as “CSV UTF-8”."))


@dataclass
class StaffRow:
    """One line of the staff file, resolved against the district, with its problems in words."""

    line: int
    email: str
    name: str
    title: str = ""
    phone: str = ""
    role: str = ""
    school: School | None = None
    agency: Agency | None = None
    existing: User | None = None
    errors: list[str] = field(default_factory=list)
    # Set when the person already holds exactly this role here: the row is fine but changes nothing.
    unchanged: bool = False
    # Set when the account belongs (or belonged) outside the district: the role is offered, pending the
    # person's acceptance, and the preview says the same as for a new person (an invitation).
    offer: bool = False

    @property
    def invited(self) -> bool:
        """New people and people of elsewhere alike: both get an invitation (the preview tells them apart
        from nothing, so it never tells which emails have an account in another district)."""
        return self.existing is None or self.offer

    @property
    def role_label(self) -> str:
        return Membership.Role(self.role).label if self.role in Membership.Role.values else ""


@dataclass
class StaffImport:
    """A parsed staff file: problems of the whole file, and each row with its own problems."""

    district: District
    rows: list[StaffRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[StaffRow]:
        return [r for r in self.rows if r.errors]

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.bad_rows and bool(self.rows)

    @property
    def new_people(self) -> list[StaffRow]:
        """Rows whose person gets an invitation: new accounts, and roles offered to people of elsewhere."""
        return [r for r in self.rows if not r.errors and not r.unchanged and r.invited]

    @property
    def existing_people(self) -> list[StaffRow]:
        """People of this district only, who get the role at once."""
        return [r for r in self.rows if not r.errors and not r.unchanged and not r.invited]

    @property
    def unchanged_rows(self) -> list[StaffRow]:
        return [r for r in self.rows if not r.errors and r.unchanged]


def _column_name(heading: str) -> str:
    name = heading.strip().lower().replace(" ", "_")
    return COLUMN_ALIASES.get(name, name)


def _role_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in Membership.Role.choices:
        lookup[value] = value
        lookup[str(label).lower()] = value
    lookup["sro"] = Membership.Role.SRO
    return lookup


class _SchoolIndex:
    """Schools of the district by name, NCES id and state school id; and the ones of other districts."""

    def __init__(self, district, values):
        self.by_name, self.by_id = {}, {}
        for school in School.objects.filter(district=district):
            self.by_name.setdefault(school.name.strip().lower(), []).append(school)
            if school.nces_id:
                self.by_id[school.nces_id] = school
            if school.state_school_id:
                self.by_id.setdefault(school.state_school_id.strip().lower(), school)
        unmatched = {v for v in values if v and self._find(v) is None}
        keys = unmatched | {v.zfill(12) for v in unmatched if v.isdigit()}
        self.elsewhere = set()
        if unmatched:
            others = (School.objects.exclude(district=district)
                      .annotate(lower_name=Lower("name"), lower_state_id=Lower("state_school_id"))
                      .filter(Q(nces_id__in=keys) | Q(lower_state_id__in=keys) | Q(lower_name__in=keys))
                      .values_list("lower_name", "nces_id", "lower_state_id"))
            for name, nces_id, state_id in others:
                self.elsewhere |= {name, nces_id or "", state_id or ""}
            self.elsewhere.discard("")

    def _find(self, value):
        # Excel drops the leading zero of NCES ids from states numbered below 10.
        candidates = [value] + ([value.zfill(12)] if value.isdigit() else [])
        for key in candidates:
            if key in self.by_id:
                return self.by_id[key]
        names = self.by_name.get(value, [])
        return names if names else None

    def resolve(self, raw: str):
        """(school, error): the school this cell names, or why it names none."""
        value = raw.strip().lower()
        found = self._find(value)
        if isinstance(found, School):
            return found, None
        if isinstance(found, list):
            if len(found) == 1:
                return found[0], None
            return None, _("Several schools are called “%(name)s”; use the NCES or state school id.") % {
                "name": raw}
        if value in self.elsewhere or (value.isdigit() and value.zfill(12) in self.elsewhere):
            return None, _("“%(name)s” is a school of another district; you can only add people to your own "
                           "district's schools.") % {"name": raw}
        return None, _("No school of the district matches “%(name)s” (by name, NCES id or state school "
                       "id).") % {"name": raw}


def staff_csv_read(*, text: str, district) -> StaffImport:
    """Parse and check a staff file against ``district``: every problem is reported with its line number."""
    result = StaffImport(district=district)
    reader = csv.reader(io.StringIO(text))
    try:
        headings = next(reader)
    except (StopIteration, csv.Error):
        result.file_errors.append(_("The file is empty. The first line must name the columns: %(cols)s.")
                                  % {"cols": ", ".join(KNOWN_COLUMNS)})
        return result
    columns = [_column_name(h) for h in headings]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        result.file_errors.append(
            _("The first line must name the columns email, name, role (and title, school, phone, agency as "
              "needed); missing: %(missing)s.") % {"missing": ", ".join(missing)})
        return result
    result.ignored_columns = [h for h, c in zip(headings, columns, strict=True)
                              if c not in KNOWN_COLUMNS and h.strip()]

    raw_rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(raw_rows) >= MAX_IMPORT_ROWS:
                result.file_errors.append(
                    _("The file has more than %(n)s people; split it into smaller files.")
                    % {"n": MAX_IMPORT_ROWS})
                return result
            cells = {c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(columns)}
            raw_rows.append((reader.line_num, cells))
    except csv.Error as exc:
        result.file_errors.append(_("Line %(line)s is not valid CSV (%(error)s).")
                                  % {"line": reader.line_num, "error": exc})
        return result
    if not raw_rows:
        result.file_errors.append(_("The file names its columns but lists nobody."))
        return result

    today = district.local_today()
    roles = _role_lookup()
    schools = _SchoolIndex(district, {cells.get("school", "").lower() for _line, cells in raw_rows})
    agencies = {a.name.strip().lower(): a for a in Agency.objects.filter(district=district)}
    emails = {cells["email"].lower() for _line, cells in raw_rows}
    existing = {u.lower_email: u for u in User.objects.annotate(lower_email=Lower("email"))
                .filter(lower_email__in=emails)}
    here = Q(district=district) | Q(school__district=district)
    held = set(Membership.objects.filter(user__in=existing.values()).active_on(today).filter(here)
               .values_list("user_id", "role", "school_id"))
    # A role already offered and awaiting acceptance is not offered twice.
    held |= set(Membership.objects.filter(user__in=existing.values(), pending=True).filter(here)
                .values_list("user_id", "role", "school_id"))
    beyond = {u.pk for u in existing.values() if reaches_beyond(u, {district.pk})}
    first_line_of = {}

    for line, cells in raw_rows:
        row = StaffRow(line=line, email=cells["email"].lower(), name=cells["name"],
                       title=cells.get("title", ""), phone=cells.get("phone", ""))
        result.rows.append(row)
        _check_person(row, first_line_of, existing)
        role = roles.get(cells["role"].strip().lower())
        if role is None:
            row.errors.append(_("Unknown role “%(role)s”; use one of: %(roles)s.") % {
                "role": cells["role"], "roles": ", ".join(Membership.Role.values)})
        else:
            row.role = role
        if cells.get("school"):
            row.school, error = schools.resolve(cells["school"])
            if error:
                row.errors.append(error)
        if cells.get("agency"):
            row.agency = agencies.get(cells["agency"].lower())
            if row.agency is None:
                row.errors.append(_("No agency of the district is called “%(name)s”.") % {
                    "name": cells["agency"]})
        if row.role and not row.errors:
            _check_membership(row, district, today)
        if row.existing is not None:
            row.offer = row.existing.pk in beyond
        if not row.errors and row.existing is not None:
            row.unchanged = (row.existing.pk, row.role, row.school.pk if row.school else None) in held
    return result


def _check_person(row: StaffRow, first_line_of: dict, existing: dict) -> None:
    if not row.email:
        row.errors.append(_("The email is empty."))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_("“%(email)s” is not a valid email address.") % {"email": row.email})
        if row.email in first_line_of:
            row.errors.append(_("%(email)s is already on line %(line)s; give each person one line (add their "
                                "other roles on their page after the import).")
                              % {"email": row.email, "line": first_line_of[row.email]})
        else:
            first_line_of[row.email] = row.line
    row.existing = existing.get(row.email)
    # The same checks for every row, account or not: a row's problems must not tell whether its email
    # has an account somewhere (an existing person's name is never changed by an import).
    if not row.name:
        row.errors.append(_("The name is empty."))
    limits = (("name", 150), ("title", 150), ("phone", 40))
    for attr, limit in limits:
        if len(getattr(row, attr)) > limit:
            row.errors.append(_("The %(column)s is longer than %(n)s characters.") % {
                "column": attr, "n": limit})


def _check_membership(row: StaffRow, district, today) -> None:
    """Apply ``Membership.clean``'s rules: district roles vs school roles, an agency for SROs."""
    membership = Membership(role=row.role, school=row.school, district=None if row.school else district,
                            agency=row.agency, starts_on=today)
    try:
        membership.clean()
    except ValidationError as exc:
        for messages in exc.message_dict.values():
            row.errors.extend(messages)
        if row.role == Membership.Role.SRO and not row.agency:
            row.errors.append(_("Add an “agency” column with the officer's agency."))


@dataclass
class StaffImportResult:
    people_created: int = 0
    memberships_created: int = 0
    unchanged: int = 0
    invitations_sent: int = 0
    roles_offered: int = 0


def staff_csv_import(*, staff_import: StaffImport, by, send_invitations: bool = True) -> StaffImportResult:
    """Create the accounts (inactive) and memberships of a checked file, all or nothing.

    Existing people of this district only (same email, any case) get the membership only; people who
    belong (or belonged) elsewhere are offered the role, pending their acceptance. Raises ``ValueError`` for a file with
    problems; any database error rolls the whole import back.
    """
    if not staff_import.is_valid:
        raise ValueError("The staff file has problems; nothing was imported.")
    district = staff_import.district
    today = district.local_today()
    result = StaffImportResult(unchanged=len(staff_import.unchanged_rows))
    with transaction.atomic():
        for row in staff_import.rows:
            if row.unchanged:
                continue
            user = row.existing
            if row.offer:
                # The account belongs elsewhere: offer the role; the person accepts it after signing in.
                role_offer(user=user, by=by, district=district, role=row.role, school=row.school,
                           agency=row.agency, note=f"staff import line {row.line}")
                result.roles_offered += 1
                continue
            if user is None:
                user = User.objects.create_user(row.email, password=None, display_name=row.name,
                                                title=row.title, phone=row.phone, is_active=False,
                                                invited_by=by)
                result.people_created += 1
                audit.record(AuditEvent.Action.CREATE, actor=by, obj=user, district_id=district.pk,
                             fields=["email", "display_name", "title", "phone"], note="staff import")
                if send_invitations:
                    invitation_send(user=user, by=by, district=district)
                    result.invitations_sent += 1
            membership = Membership.objects.create(
                user=user, role=row.role, school=row.school, district=None if row.school else district,
                agency=row.agency, starts_on=today, created_by=by)
            result.memberships_created += 1
            audit.record(PERMISSION_CHANGE, actor=by, obj=membership, fields=MEMBERSHIP_FIELDS,
                         note=f"staff import line {row.line}")
        audit.record(AuditEvent.Action.IMPORT, actor=by, object_type="schools.user", district_id=district.pk,
                     note=f"staff CSV: {result.people_created} new people, "
                          f"{result.memberships_created} roles, {result.roles_offered} offered")
    return result
