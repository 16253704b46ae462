from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import security
from accounts import views_account as account_views
from accounts.forms_people import PortalAuthenticationForm
from portal import views as portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    # The login form says so when the right password belongs to an account not enabled or deactivated.
    path("accounts/login/", auth_views.LoginView.as_view(
        redirect_authenticated_user=True, authentication_form=PortalAuthenticationForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", account_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("accounts.urls")),
    path("", include("portal.urls")),
    path("security/csp-report/", security.csp_report, name="csp-report"),
    path("district/", include("schools.urls")),
    path("compliance/", include("compliance.urls")),
    path("drills/", include("drills.urls")),
    path("tips/", include("reporting.urls_public")),
    path("reporting/", include("reporting.urls")),
    path("coordination/", include("coordination.urls")),
    path("threat/", include("threat_mgmt.urls")),
    path("operator/", admin.site.urls),
]

if settings.IS_TEST:
    # The test-only app built from docs/adding-an-action-app.md (installed under PORTAL_ENV=test only).
    urlpatterns.append(path("testapp/", include("tests.testapp.urls")))
