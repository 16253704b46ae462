from django.urls import path

from . import notification_views, views, views_import, views_people, views_tasks

app_name = "schools"

urlpatterns = [
    path("switch-school/", views.switch_school, name="switch-school"),
    path("my-tasks/", views_tasks.my_tasks, name="my-tasks"),
    path("my-tasks/<str:key>/<int:pk>/done/", views_tasks.task_done, name="task-done"),
    path("schools/import/", views_import.nces_import_view, name="nces-import"),
    *views.SchoolCRUD.get_urls(),
    *views.BuildingCRUD.get_urls(),
    *views.AgencyCRUD.get_urls(),
    *views.SchoolYearCRUD.get_urls(),
    *views.TermCRUD.get_urls(),
    *views.CalendarDayCRUD.get_urls(),
    # People: invitations, staff import, enabling and deactivating (views_people.py).
    path("users/invite/", views_people.user_invite, name="user-invite"),
    path("users/import/", views_people.staff_import, name="user-import"),
    path("users/import/confirm/", views_people.staff_import_confirm, name="user-import-confirm"),
    path("users/<int:pk>/enable/", views_people.user_enable, name="user-enable"),
    path("users/<int:pk>/deactivate/", views_people.user_deactivate, name="user-deactivate"),
    path("users/<int:pk>/invite-again/", views_people.user_invite_resend, name="user-invite-resend"),
    path("memberships/<int:pk>/end/", views_people.membership_end, name="membership-end"),
    path("invitation/<uidb64>/<token>/", views_people.InviteAcceptView.as_view(), name="invite-accept"),
    path("invitation/password-set/", views_people.invite_accepted, name="invite-accepted"),
    *views.MembershipCRUD.get_urls(),
    *views.UserCRUD.get_urls(),
    *views.AuditEventCRUD.get_urls(),
    path("notifications/failed/", notification_views.notification_failed, name="notification-failed"),
    path("notifications/<int:pk>/retry/", notification_views.notification_retry, name="notification-retry"),
]
