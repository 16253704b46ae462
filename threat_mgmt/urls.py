"""Behavioral threat assessment and management (action 6):
confidential cases from referral to closure."""

from django.urls import path

from . import views

app_name = "threat_mgmt"

urlpatterns = [
    *views.CaseCRUD.get_urls(),
    path("cases/from-tip/<int:tip_pk>/", views.case_from_tip, name="case-from-tip"),
    path("cases/<int:pk>/steps/<slug:step>/", views.step_record, name="case-step"),
    path("cases/<int:pk>/interviews/new/", views.interview_add, name="interview-create"),
    path("cases/<int:pk>/themes/", views.themes_edit, name="case-themes"),
    path("cases/<int:pk>/interventions/new/", views.intervention_add, name="intervention-create"),
    path("interventions/<int:pk>/done/", views.intervention_done, name="intervention-done"),
    path("cases/<int:pk>/checkins/schedule/", views.checkin_schedule, name="checkin-schedule"),
    path("checkins/<int:pk>/record/", views.checkin_record, name="checkin-record"),
    path("cases/<int:pk>/notes/new/", views.note_add, name="note-create"),
    path("cases/<int:pk>/disclosures/new/", views.disclosure_add, name="disclosure-create"),
    path("cases/<int:pk>/members/new/", views.case_member_add, name="case-member-create"),
    path("cases/<int:pk>/close/", views.closure_edit, name="case-close"),
    path("closures/<int:pk>/", views.closure_detail, name="closure-detail"),
    path("closures/<int:pk>/sign/", views.closure_sign, name="closure-sign"),
    path("cases/<int:pk>/legal-hold/", views.legal_hold, name="case-legal-hold"),
    path("cases/<int:pk>/file/", views.case_file_request, name="case-file-request"),
    path("case-files/<int:pk>/download/", views.case_file_download, name="case-file-download"),
    path("cases/<int:pk>/destroy/", views.case_destroy, name="case-destroy"),
    *views.TeamCRUD.get_urls(),
    path("teams/<int:pk>/members/new/", views.member_add, name="member-create"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-update"),
    *views.DisclosureCRUD.get_urls(),
    path("settings/", views.settings_edit, name="settings"),
    path("retention/", views.retention, name="retention"),
    path("equity/", views.equity_dashboard, name="equity"),
]
