from django.urls import path

from . import notification_views, views, views_import

app_name = "schools"

urlpatterns = [
    path("switch-school/", views.switch_school, name="switch-school"),
    path("schools/import/", views_import.nces_import_view, name="nces-import"),
    *views.SchoolCRUD.get_urls(),
    *views.BuildingCRUD.get_urls(),
    *views.AgencyCRUD.get_urls(),
    *views.SchoolYearCRUD.get_urls(),
    *views.TermCRUD.get_urls(),
    *views.CalendarDayCRUD.get_urls(),
    *views.MembershipCRUD.get_urls(),
    *views.UserCRUD.get_urls(),
    *views.AuditEventCRUD.get_urls(),
    path("notifications/failed/", notification_views.notification_failed, name="notification-failed"),
    path("notifications/<int:pk>/retry/", notification_views.notification_retry, name="notification-retry"),
]
