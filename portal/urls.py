"""URLs of the platform pages, namespace ``portal``: My tasks, the school switcher, undelivered emails and
the audit log (under ``district/``, where they have always been)."""

from django.urls import path

from portal import views, views_notifications, views_tasks

app_name = "portal"

urlpatterns = [
    path("district/switch-school/", views.switch_school, name="switch-school"),
    path("district/my-tasks/", views_tasks.my_tasks, name="my-tasks"),
    path("district/my-tasks/<str:key>/<int:pk>/done/", views_tasks.task_done, name="task-done"),
    path("district/notifications/failed/", views_notifications.notification_failed, name="notification-failed"),
    path("district/notifications/<int:pk>/retry/", views_notifications.notification_retry,
         name="notification-retry"),
    *[path(f"district/{p.pattern}", p.callback, name=p.name) for p in views.AuditEventCRUD.get_urls()],
]
