"""Staff pages of the tip line (signed in): the queue, a tip's page and its actions, running the line."""

from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    *views.TipCRUD.get_urls(),
    path("tips/<int:pk>/", views.tip_detail, name="tip-detail"),
    path("tips/<int:pk>/acknowledge/", views.tip_acknowledge, name="tip-acknowledge"),
    path("tips/<int:pk>/reply/", views.tip_reply, name="tip-reply"),
    path("tips/<int:pk>/note/", views.tip_note, name="tip-note"),
    path("tips/<int:pk>/triage/", views.tip_triage, name="tip-triage"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    *views.CategoryCRUD.get_urls(),
    *views.ContactCRUD.get_urls(),
    path("settings/", views.tip_line_settings, name="settings"),
    path("settings/test/", views.chain_test, name="chain-test"),
    path("metrics/", views.metrics_page, name="metrics"),
]
