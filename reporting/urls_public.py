"""The public tip line: no sign-in, no cookie but CSRF's, nothing stored that could identify the tipster.

The language is part of the address (``/tips/en/...``, ``/tips/es/...``): no language cookie, no session.
"""

from django.urls import path, re_path

from reporting import views_public

app_name = "tips"

LANG = r"(?P<lang>en|es)"

urlpatterns = [
    path("", views_public.index, name="index"),
    re_path(rf"^{LANG}/(?P<district_id>[0-9]{{1,9}})/$", views_public.tip_form, name="form"),
    re_path(rf"^{LANG}/follow-up/$", views_public.follow_up, name="follow-up"),
    re_path(rf"^{LANG}/(?P<district_id>[0-9]{{1,9}})/summary/$", views_public.public_summary, name="summary"),
]
