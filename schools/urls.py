"""URLs of the organisation pages, namespace ``schools`` (under ``district/``)."""

from django.urls import path

from schools import views, views_import

app_name = "schools"

urlpatterns = [
    path("schools/import/", views_import.nces_import_view, name="nces-import"),
    *views.SchoolCRUD.get_urls(),
    *views.BuildingCRUD.get_urls(),
    *views.AgencyCRUD.get_urls(),
    *views.SchoolYearCRUD.get_urls(),
    *views.TermCRUD.get_urls(),
    *views.CalendarDayCRUD.get_urls(),
    *views.MembershipCRUD.get_urls(),
]
