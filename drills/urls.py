app_name = "drills"

urlpatterns = []
