from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.filter
def status_icon(status):
    """A text symbol for a status, so status is never told by colour alone."""
    return {"met": "✔", "on_track": "➜", "at_risk": "⚠", "not_met": "✖", "not_applicable": "–",
            "not_tracked": "?"}.get(str(status), "")
