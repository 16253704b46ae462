"""URLs of people and sign-in, namespace ``accounts``: a person's own account and security pages under
``account/``, the district admin's people pages under ``district/users/`` and the invitation pages."""

from django.urls import path

from accounts import views_account as views
from accounts import views_people

app_name = "accounts"

urlpatterns = [
    path("account/two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("account/two-factor/", views.two_factor_manage, name="two-factor"),
    path("account/two-factor/backup-codes/", views.backup_codes, name="backup-codes"),
    path("account/two-factor/backup-codes/new/", views.backup_codes_renew, name="backup-codes-renew"),
    path("account/confirm-password/", views.reauth, name="reauth"),
    path("account/email/", views.email_change, name="email-change"),
    path("account/sessions/", views.sessions, name="sessions"),
    path("account/lockouts/", views.lockouts, name="lockouts"),
    path("account/people/<int:pk>/end-sessions/", views.user_sessions_end, name="user-sessions-end"),
    path("account/people/<int:pk>/reset-two-factor/", views.user_two_factor_reset, name="user-two-factor-reset"),
    path("account/audit-log/export/", views.audit_export, name="audit-export"),
    # People: invitations, staff import, enabling and deactivating (views_people.py).
    path("district/users/invite/", views_people.user_invite, name="user-invite"),
    path("district/users/import/", views_people.staff_import, name="user-import"),
    path("district/users/import/confirm/", views_people.staff_import_confirm, name="user-import-confirm"),
    path("district/users/<int:pk>/enable/", views_people.user_enable, name="user-enable"),
    path("district/users/<int:pk>/deactivate/", views_people.user_deactivate, name="user-deactivate"),
    path("district/users/<int:pk>/invite-again/", views_people.user_invite_resend, name="user-invite-resend"),
    path("district/memberships/<int:pk>/end/", views_people.membership_end, name="membership-end"),
    path("account/roles/<int:pk>/", views_people.role_offer_answer, name="membership-accept"),
    path("district/invitation/<uidb64>/<token>/", views_people.InviteAcceptView.as_view(), name="invite-accept"),
    path("district/invitation/password-set/", views_people.invite_accepted, name="invite-accepted"),
    *[path(f"district/{p.pattern}", p.callback, name=p.name) for p in views_people.UserCRUD.get_urls()],
]
