"""The public tip line: no sign-in, no cookie but CSRF's, nothing stored that could identify the tipster."""

app_name = "tips"

urlpatterns = []
