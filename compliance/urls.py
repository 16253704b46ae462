from django.urls import path

from . import views

app_name = "compliance"

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("schools/<int:pk>/", views.school_status, name="school-status"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/new/", views.document_request, name="document-request"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("documents/<int:pk>/progress/", views.document_progress, name="document-progress"),
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
    path("documents/<int:pk>/retry/", views.document_retry, name="document-retry"),
    *views.ReportScheduleCRUD.get_urls(),
]
