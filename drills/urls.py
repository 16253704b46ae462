from django.urls import path

from . import views

app_name = "drills"

urlpatterns = [
    *views.DrillCRUD.get_urls(),
    path("drills/<int:pk>/record/", views.drill_record, name="drill-record"),
    path("drills/<int:pk>/sign/", views.drill_sign, name="drill-sign"),
    path("drills/<int:pk>/countersign/", views.drill_countersign, name="drill-countersign"),
    path("drills/<int:pk>/correct/", views.drill_correct, name="drill-correct"),
    path("drills/<int:pk>/cancel/", views.drill_cancel, name="drill-cancel"),
    path("drills/<int:pk>/after-action/", views.drill_after_action, name="drill-after-action"),
    path("compliance/", views.compliance_overview, name="compliance"),
    path("compliance/<int:school_id>/", views.compliance_school, name="compliance-school"),
    path("compliance/<int:school_id>/log.csv", views.drill_export, name="drill-export"),
    *views.DrillRequirementCRUD.get_urls(),
    *views.DrillKindCRUD.get_urls(),
    path("settings/", views.drill_settings, name="settings"),
    path("calendar/", views.calendar_feed, name="calendar-feed"),
    path("calendar/<str:secret>.ics", views.calendar_ics, name="calendar-ics"),
]
