"""URLs of the account and security pages (schools/views_account.py), namespace ``account``."""

from django.urls import path

from . import views_account as views

app_name = "account"

urlpatterns = [
    path("two-factor/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("two-factor/", views.two_factor_manage, name="two-factor"),
    path("two-factor/backup-codes/", views.backup_codes, name="backup-codes"),
    path("two-factor/backup-codes/new/", views.backup_codes_renew, name="backup-codes-renew"),
    path("confirm-password/", views.reauth, name="reauth"),
    path("email/", views.email_change, name="email-change"),
    path("sessions/", views.sessions, name="sessions"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("people/<int:pk>/end-sessions/", views.user_sessions_end, name="user-sessions-end"),
    path("people/<int:pk>/reset-two-factor/", views.user_two_factor_reset, name="user-two-factor-reset"),
    path("audit-log/export/", views.audit_export, name="audit-export"),
]
