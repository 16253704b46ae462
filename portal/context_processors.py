from portal import navigation
from schools.models import School


def portal(request):
    """Navigation, roles and the school switcher for the base layout."""
    user = getattr(request, "user", None)
    memberships = getattr(request, "portal_memberships", [])
    if user is None or not user.is_authenticated or not memberships:
        return {"nav_sections": [], "portal_roles": set()}
    roles = {m.role for m in memberships}
    return {
        "nav_sections": navigation.for_user(user, roles),
        "portal_roles": roles,
        # Lazy: evaluated only where the layout renders the switcher.
        "switcher_schools": School.objects.for_user(user, "view").only("id", "name"),
        "selected_school": getattr(request, "selected_school", None),
    }
