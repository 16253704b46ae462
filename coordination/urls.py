"""Coordination with first responders (action 5):
partners, plans reviewed and signed by responders, site information."""

from django.urls import path

from . import views

app_name = "coordination"

urlpatterns = [
    path("", views.coordination_home, name="home"),
    path("schools/<int:school_id>/", views.school_overview, name="school"),
    path("schools/<int:school_id>/site-facts.geojson", views.sitefact_geojson, name="sitefact-geojson"),
    *views.PartnerContactCRUD.get_urls(),
    path("contacts/<int:pk>/verify/", views.contact_verify, name="contact-verify"),
    path("contacts/<int:pk>/grant/", views.responder_grant, name="responder-grant"),
    path("responder-access/", views.responder_access, name="responder-access"),
    path("settings/", views.settings_edit, name="settings"),
    *views.PlanSectionKindCRUD.get_urls(),
    *views.CoordinationPlanCRUD.get_urls(),
    path("plans/<int:pk>/draft/", views.plan_draft, name="plan-draft"),
    path("versions/<int:pk>/", views.version_detail, name="planversion-detail"),
    path("versions/<int:pk>/edit/", views.version_edit, name="planversion-edit"),
    path("versions/<int:pk>/attach/", views.version_attach, name="planversion-attach"),
    path("versions/<int:pk>/submit/", views.version_submit, name="planversion-submit"),
    path("versions/<int:pk>/compare/", views.version_compare, name="planversion-compare"),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment-download"),
    path("reviews/", views.my_reviews, name="my-reviews"),
    path("reviews/<int:pk>/", views.review_page, name="review"),
    *views.FloorPlanCRUD.get_urls(),
    path("floorplans/<int:pk>/download/", views.floorplan_download, name="floorplan-download"),
    *views.SiteFactCRUD.get_urls(),
    *views.SiteVerificationCRUD.get_urls(),
    *views.JointExerciseCRUD.get_urls(),
    path("exercises/<int:pk>/improvements/", views.exercise_improvement_add, name="exercise-improvement-add"),
]
