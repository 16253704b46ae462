from django.urls import path

from tests.testapp import views

app_name = "testapp"

urlpatterns = [
    *views.WalkthroughCRUD.get_urls(),
    path("walkthroughs/<int:pk>/sign/", views.walkthrough_sign, name="walkthrough-sign"),
]
