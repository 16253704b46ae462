app_name = "threat_mgmt"

urlpatterns = []
