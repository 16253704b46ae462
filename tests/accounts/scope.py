"""The scope table of accounts' URLs (people and sign-in pages, a person's own security pages, the district
admin's actions on other people; the project-level password and login URLs); see tests/scope_table.py."""

from schools.models import Membership
from tests.scope_table import (
    DISTRICT_ADMIN,
    EVERYONE,
    make_membership,
    make_user,
    obj,
    page,
    post_only,
    via_membership,
)


def make_role_offer(world, school):
    """A role offered to someone (pending their acceptance): only that person may open its page."""
    membership = make_membership(world, school)
    Membership.objects.filter(pk=membership.pk).update(pending=True)
    membership.pending = True
    return membership


URLS = {
    # project-level password pages (safety_portal/urls.py, served by accounts' views)
    "password_change": page(),
    "password_change_done": page(),
    # people
    "accounts:membership-end": post_only(make_membership),
    # the invited person's own page (nobody else's: a 404 for every persona, whoever may see the role)
    "accounts:membership-accept": obj(make_role_offer, ok=()),
    "accounts:user-list": page(),
    "accounts:user-detail": obj(make_user, ok=DISTRICT_ADMIN, via=via_membership),
    "accounts:user-update": obj(make_user, ok=DISTRICT_ADMIN, via=via_membership),
    "accounts:user-invite": page(ok=DISTRICT_ADMIN),
    "accounts:user-invite-resend": post_only(make_user, via=via_membership),
    "accounts:user-enable": post_only(make_user, via=via_membership),
    "accounts:user-deactivate": post_only(make_user, via=via_membership),
    "accounts:user-import": page(ok=DISTRICT_ADMIN),
    "accounts:user-import-confirm": post_only(),
    # a person's own security pages, and the district admin's actions on other people
    "accounts:two-factor": page(),
    "accounts:two-factor-setup": page(),  # replacing the authenticator, just after the password login
    "accounts:two-factor-verify": page(ok=(), redirect=EVERYONE),  # already verified: straight on
    "accounts:backup-codes": page(ok=(), redirect=EVERYONE),  # shown once, right after they are made
    "accounts:backup-codes-renew": post_only(),
    "accounts:reauth": page(),
    "accounts:email-change": page(),
    "accounts:sessions": page(),
    "accounts:lockouts": page(ok=DISTRICT_ADMIN),
    "accounts:user-sessions-end": post_only(make_user, via=via_membership),
    "accounts:user-two-factor-reset": post_only(make_user, via=via_membership),
    "accounts:audit-export": page(ok=DISTRICT_ADMIN),
}

PUBLIC = {
    "login": "the login form",
    "logout": "POST-only logout; nothing to show",
    "password_reset": "asking for a reset link needs no login",
    "password_reset_done": "the 'link sent' notice",
    "password_reset_confirm": "reached from the emailed link, token-checked",
    "password_reset_complete": "the 'password set' notice",
    "csp-report": "browsers POST CSP violation reports without a session; logged, nothing stored",
    "accounts:invite-accept": "the invited person chooses a password from the emailed, token-checked link",
    "accounts:invite-accepted": "the 'password chosen' notice after accepting an invitation",
}
