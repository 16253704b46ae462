"""The project's URLs plus the benchmark's floor: a minimal Django view that inserts one row."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from safety_portal.urls import urlpatterns as project_urlpatterns
from schools.models import AuditEvent


@csrf_exempt
def floor(request):
    AuditEvent.objects.create(action=AuditEvent.Action.CREATE, object_type="bench.floor")
    return HttpResponse("ok")


urlpatterns = [path("bench-floor/", floor), *project_urlpatterns]
