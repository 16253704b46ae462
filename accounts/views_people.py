"""People pages of district admins: invite, import staff, enable, deactivate, end a membership;
and the public page where an invited person chooses their password.

Every person is loaded through ``User.objects.for_user`` (404 outside scope, 403 without the right);
the work itself is done by the services in ``accounts/people.py``.
"""

import hashlib

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from accounts import people
from accounts.forms_people import InviteForm, StaffConfirmForm, StaffUploadForm
from portal import audit
from portal.crud import ScopedCRUDView, get_scoped_or_404, refuse, require_action, require_any
from portal.filters import PortalFilterSet
from schools.models import AuditEvent, Membership, User

IMPORT_SESSION_KEY = "people_staff_import"
ACCEPTED_SESSION_KEY = "people_invite_accepted"


def _detail_url(person) -> str:
    return reverse("accounts:user-detail", kwargs={"pk": person.pk})


def _person_to_change(request, pk):
    """The person, if the admin may manage them: 404 outside their districts, 403 without the right."""
    person = get_scoped_or_404(request, User, pk, "view")
    require_action(request, person, "change")
    return person


ELSEWHERE_MESSAGE = _l("This person also has a role in another district, so their account is not yours to "
                       "change: you can only end their roles in your district. Their other district, or "
                       "the portal's operators, manage the account.")


def refuse_if_elsewhere(request, person) -> None:
    """403 (audited) when the account belongs (or belonged) outside the admin's districts too.

    One district never renames, enables, deactivates, resets the factors of or signs out a person of
    another district: it ends only its own memberships (``membership_end``).
    """
    if people.belongs_elsewhere(person=person, by=request.user):
        refuse(request, person, "account held in another district", ELSEWHERE_MESSAGE)


def _account_to_change(request, pk):
    person = _person_to_change(request, pk)
    refuse_if_elsewhere(request, person)
    return person


# --- Invite ------------------------------------------------------------------------------------


@login_required
def user_invite(request: HttpRequest) -> HttpResponse:
    require_any(request, User, "add")
    form = InviteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        # A new account, or a role offered to an account of another district: the same words and the same
        # page either way, so the form never tells which emails have an account elsewhere.
        people.user_invite(by=request.user, **form.cleaned_data)
        messages.success(request, _("Invitation sent to %(email)s. They accept it from the email; a new "
                                    "account stays disabled until you enable it on their page.")
                         % {"email": form.cleaned_data["email"]})
        return HttpResponseRedirect(reverse("accounts:user-list"))
    return render(request, "accounts/people/invite_form.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def user_invite_resend(request: HttpRequest, pk: int) -> HttpResponse:
    person = _account_to_change(request, pk)
    if not people.invitation_pending(person):
        messages.info(request, _("%(name)s has already chosen a password; there is nothing to resend.")
                      % {"name": person})
        return HttpResponseRedirect(_detail_url(person))
    districts = {m.home_district.pk: m.home_district for m in _memberships_seen(request, person)}
    district = next((d for d in people.admin_districts(request.user) if d.pk in districts), None)
    if district is None:
        reason = _("You manage none of the districts where this person has a role.")
        refuse(request, person, reason, reason)
    people.invitation_send(user=person, by=request.user, district=district)
    audit.record(AuditEvent.Action.UPDATE, request=request, obj=person, note="invitation sent again")
    messages.success(request, _("A new invitation is on its way to %(email)s.") % {"email": person.email})
    return HttpResponseRedirect(_detail_url(person))


class InviteAcceptView(PasswordResetConfirmView):
    """The invited person chooses a password (the project's validators); enabling stays with the admin."""

    template_name = "accounts/people/invite_accept.html"
    success_url = reverse_lazy("accounts:invite-accepted")
    title = _l("Choose your password")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        # A deactivated account's old invitation must not work.
        return None if user is not None and user.deactivated_at else user

    def form_valid(self, form):
        # Save the password only: a full save could undo an admin enabling the account meanwhile.
        user = form.save(commit=False)
        user.save(update_fields=["password"])
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        audit.record(AuditEvent.Action.UPDATE, actor=user, obj=user, fields=["password"],
                     request=self.request, note="invitation accepted")
        self.request.session[ACCEPTED_SESSION_KEY] = {"enabled": user.is_active}
        return HttpResponseRedirect(self.get_success_url())


def invite_accepted(request: HttpRequest) -> HttpResponse:
    """Says plainly whether the person can log in now or must wait for their administrator."""
    state = request.session.pop(ACCEPTED_SESSION_KEY, None)
    return render(request, "accounts/people/invite_accepted.html",
                  {"enabled": state.get("enabled") if state else None})


# --- Enable, deactivate, end a membership ----------------------------------------------------------


@login_required
@require_POST
def user_enable(request: HttpRequest, pk: int) -> HttpResponse:
    person = _account_to_change(request, pk)
    if person.is_active:
        messages.info(request, _("%(name)s can already log in.") % {"name": person})
    else:
        people.user_enable(user=person, by=request.user)
        if person.has_usable_password():
            messages.success(request, _("%(name)s can now log in.") % {"name": person})
        else:
            messages.success(request, _("%(name)s is enabled and can log in once they have chosen a password "
                                        "from their invitation.") % {"name": person})
    return HttpResponseRedirect(_detail_url(person))


@login_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_to_change(request, pk)
    if person.pk == request.user.pk:
        reason = _("You cannot deactivate your own account. Ask another district administrator.")
        refuse(request, person, reason, reason)
    refuse_if_elsewhere(request, person)
    if person.deactivated_at is not None:
        messages.info(request, _("%(name)s is already deactivated.") % {"name": person})
    else:
        ended = people.user_deactivate(user=person, by=request.user)
        messages.success(request, _("%(name)s is deactivated: their roles end today and %(n)s signed-in "
                                    "session(s) were ended. Their history is kept.")
                         % {"name": person, "n": ended})
    return HttpResponseRedirect(_detail_url(person))


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_scoped_or_404(request, Membership, pk, "view")
    require_action(request, membership, "change")
    if membership.user_id == request.user.pk:
        reason = _("You cannot end your own roles. Ask another district administrator.")
        refuse(request, membership, reason, reason)
    person = membership.user
    # when=now: the role stops counting at once (and a person left without a role is signed out);
    # otherwise it ends today and counts until midnight.
    now = request.POST.get("when") == "now"
    outcome = people.membership_end(membership=membership, by=request.user, now=now)
    text = {
        "ended": _("The role ends today: it counts until the end of the day, then only in history."),
        "ended_now": _("The role has ended now: it no longer counts, and its history is kept."),
        "removed_today": _("The role started today, so ending it now removed it (the audit log keeps it)."),
        "removed": _("The role had not started yet, so it was removed."),
        "already_ended": _("This role had already ended."),
    }[outcome]
    if membership.sessions_ended:
        text += " " + _("%(name)s holds no other role, so %(n)s signed-in session(s) were ended.") % {
            "name": person, "n": membership.sessions_ended}
    (messages.info if outcome == "already_ended" else messages.success)(request, text)
    return HttpResponseRedirect(_detail_url(person))


# --- A role offered by another district: the invited person accepts or declines it -------------------


@login_required
def role_offer_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The invited person, signed in, accepts or declines a pending role; anyone else gets a 404."""
    membership = (Membership.objects.filter(pk=pk, user=request.user, pending=True)
                  .select_related("district", "school__district", "agency").first())
    if membership is None:
        audit.record(AuditEvent.Action.DENIED_NOT_FOUND, request=request, object_type="schools.membership",
                     object_id=str(pk), note="role offer")
        raise Http404(_("No such invitation."))
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision == "accept":
            people.role_offer_accept(membership=membership, by=request.user)
            messages.success(request, _("You now hold this role in %(district)s.")
                             % {"district": membership.home_district.name})
            return HttpResponseRedirect(reverse("home"))
        if decision == "decline":
            people.role_offer_decline(membership=membership, by=request.user)
            messages.info(request, _("You declined the role. Nothing changed for your account."))
            return HttpResponseRedirect(reverse("home"))
    return render(request, "accounts/people/role_offer.html", {"membership": membership},
                  status=400 if request.method == "POST" else 200)


# --- Staff CSV import ----------------------------------------------------------------------------


def _digest(text: str, district_id: int) -> str:
    return hashlib.sha256(f"{district_id}\n{text}".encode()).hexdigest()


@login_required
def staff_import(request: HttpRequest) -> HttpResponse:
    """Upload, then a preview with every problem by line number; nothing is saved until confirmed."""
    require_any(request, User, "add")
    form = StaffUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        text, district = form.cleaned_data["text"], form.cleaned_data["district"]
        report = people.staff_csv_read(text=text, district=district)
        request.session.pop(IMPORT_SESSION_KEY, None)
        confirm = None
        if report.is_valid:
            digest = _digest(text, district.pk)
            # The checked file waits in the session (the database session table) for the confirmation.
            request.session[IMPORT_SESSION_KEY] = {"text": text, "district": district.pk, "digest": digest,
                                                   "name": form.cleaned_data["file"].name[:200]}
            confirm = StaffConfirmForm(initial={"digest": digest})
        return render(request, "accounts/people/import_preview.html",
                      {"report": report, "confirm_form": confirm,
                       "file_name": form.cleaned_data["file"].name},
                      status=200 if report.is_valid else 400)
    return render(request, "accounts/people/import_upload.html", {"form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def staff_import_confirm(request: HttpRequest) -> HttpResponse:
    require_any(request, User, "add")
    stored = request.session.get(IMPORT_SESSION_KEY)
    form = StaffConfirmForm(request.POST)
    if not stored or not form.is_valid() or form.cleaned_data["digest"] != stored["digest"]:
        messages.error(request, _("That preview is no longer available. Upload the file again."))
        return HttpResponseRedirect(reverse("accounts:user-import"))
    district = next((d for d in people.admin_districts(request.user) if d.pk == stored["district"]), None)
    if district is None:
        raise Http404(_("No such district."))
    # Check again: schools, agencies or accounts may have changed since the preview.
    report = people.staff_csv_read(text=stored["text"], district=district)
    context = {"report": report, "confirm_form": None, "file_name": stored["name"]}
    if not report.is_valid:
        context["changed_since_preview"] = True
        return render(request, "accounts/people/import_preview.html", context, status=400)
    try:
        result = people.staff_csv_import(staff_import=report, by=request.user,
                                         send_invitations=form.cleaned_data["send_invitations"])
    except IntegrityError:
        # Someone created one of these accounts in the meantime; the whole import was rolled back.
        report.file_errors.append(_("Someone added one of these people while you were importing. Nothing was "
                                    "imported; upload the file again to see the new preview."))
        return render(request, "accounts/people/import_preview.html", context, status=409)
    request.session.pop(IMPORT_SESSION_KEY, None)
    # New people and roles offered to people of elsewhere are counted together: the message must not tell
    # which emails have an account in another district.
    messages.success(request, _("Imported: %(invited)s people invited (a new account stays disabled until you "
                                "enable it), %(roles)s roles given to people of your district, %(unchanged)s "
                                "lines already in place.") % {
        "invited": result.people_created + result.roles_offered,
        "roles": result.memberships_created - result.people_created, "unchanged": result.unchanged})
    return HttpResponseRedirect(reverse("accounts:user-list") + "?is_active=false")


# --- Context for the people list and detail pages of UserCRUD (schools/views.py) -------------------


def _memberships_seen(request, person):
    return (Membership.objects.for_user(request.user, "view").filter(user=person)
            .select_related("school__district", "district", "agency").order_by("-starts_on", "role"))


def user_page_context(request, role, context):
    """Buttons of the people list, and the memberships and account buttons of a person's page."""
    if role == "list":
        # People are invited or imported, never created bare: replace the generic "Add" button.
        return {**context, "can_invite": context.get("can_add", False), "can_add": False}
    if role != "detail":
        return context
    person = context["object"]
    elsewhere = people.belongs_elsewhere(person=person, by=request.user)
    rows = []
    for membership in _memberships_seen(request, person):
        today = membership.home_district.local_today()
        # The dates have their own columns; the status says where today falls.
        if membership.pending:
            status = _("Awaiting their acceptance")
        elif membership.starts_on > today:
            status = _("Not started yet")
        elif membership.ends_on == today:
            status = _("Ends today")
        elif membership.is_active_on(today):
            status = _("Current")
        else:
            status = _("Ended")
        can_end = (context.get("can_change") and person.pk != request.user.pk
                   and (membership.ends_on is None or membership.ends_on > today))
        rows.append({"membership": membership, "status": status, "can_end": can_end,
                     "is_current": membership.is_active_on(today)})
    # A person who also belongs to another district: only their roles here are the admin's to end.
    can_manage = bool(context.get("can_change")) and not elsewhere
    return {
        **context,
        "can_change": can_manage,
        "can_add_role": bool(context.get("can_change")),
        "elsewhere": elsewhere,
        "memberships": rows,
        "can_manage": can_manage,
        "is_self": person.pk == request.user.pk,
        "invitation_pending": people.invitation_pending(person),
        "add_membership_url": reverse("schools:membership-create") + f"?user={person.pk}",
    }


# --- The people list and pages (scoped CRUD) ----------------------------------------------------


class UserFilter(PortalFilterSet):
    q = django_filters.CharFilter(method="search", label=_l("Name or email contains"))
    is_active = django_filters.BooleanFilter(label=_l("Enabled"))

    class Meta:
        model = User
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(display_name__icontains=value) | Q(email__icontains=value))


class UserCRUD(ScopedCRUDView):
    """People in the district; invitation, CSV import, enabling and deactivation are their own views."""

    model = User
    fields = ["display_name", "title", "phone"]
    filterset_class = UserFilter
    list_columns = ["display_name", "email", "title", "is_active"]
    detail_fields = ["display_name", "email", "title", "phone", "is_active", "date_joined", "deactivated_at"]
    url_base = "user"
    template_dir = "accounts"
    empty_message = _l("No people yet. Invite someone by email or import your staff from a CSV file.")

    @classmethod
    def get_urls(cls):
        return [u for u in super().get_urls() if u.name.endswith(("-list", "-detail", "-update"))]

    def do_update(self, request, pk):
        # Renaming is a change to the account: refused for a person who also belongs to another district.
        refuse_if_elsewhere(request, _person_to_change(request, pk))
        return super().do_update(request, pk)

    def render(self, role, status=200, **context):
        # The people pages add the invite/import buttons, the roles and the enable/deactivate buttons.
        return super().render(role, status, **user_page_context(self.request, role, context))
