"""Server-side SVG charts for documents (no JavaScript, no network, nothing for WeasyPrint to fetch)."""

from collections import Counter

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .registry import Status

# Fills chosen to differ in lightness too, and every bar is labelled with its status and count in text,
# so the chart never relies on colour alone.
FILLS = {
    Status.MET: "#1b7f3b", Status.ON_TRACK: "#2f6db5", Status.AT_RISK: "#b8860b", Status.NOT_MET: "#b42318",
    Status.NOT_APPLICABLE: "#8a8a8a", Status.NOT_TRACKED: "#c9c9c9",
}


def status_bars(statuses) -> str:
    """A horizontal bar per status: how many of the given results have it. Returns safe SVG markup."""
    counts = Counter(Status(s) for s in statuses)
    total = max(sum(counts.values()), 1)
    row_height, label_width, bar_width = 18, 130, 300
    height = row_height * len(Status) + 4
    summary = ", ".join(f"{status.label}: {counts[status]}" for status in Status)
    rows = []
    for i, status in enumerate(Status):
        y = 2 + i * row_height
        width = round(bar_width * counts[status] / total)
        rows.append((y + 12, status.label, label_width, y + 2, width, FILLS[status],
                     label_width + width + 6, y + 12, counts[status]))
    bars = format_html_join(
        "",
        '<text x="0" y="{}" font-size="10">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="12" fill="{}"></rect>'
        '<text x="{}" y="{}" font-size="10">{}</text>',
        rows,
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}"><title>{}</title>{}</svg>',
        summary, label_width + bar_width + 40, height, label_width + bar_width + 40, height,
        _("Actions by status: %(summary)s") % {"summary": summary}, bars,
    )


def action_stacks(rows) -> str:
    """One stacked bar per action: its schools by status, and every count written as text after the bar
    (so no number relies on colour). ``rows`` is
    ``[(action, [(status, count), ...]), ...]``. Returns safe SVG markup."""
    row_height, label_width, bar_width, text_width = 20, 150, 260, 250
    width = label_width + bar_width + text_width
    height = row_height * len(rows) + 4
    parts = []
    summaries = []
    for i, (action, counts) in enumerate(rows):
        y = 2 + i * row_height
        total = max(sum(n for _s, n in counts), 1)
        parts.append(format_html('<text x="0" y="{}" font-size="9">{}. {}</text>', y + 12, action.number,
                                 action.short_title))
        x = label_width
        for status, n in counts:
            if not n:
                continue
            w = bar_width * n / total
            parts.append(format_html('<rect x="{}" y="{}" width="{}" height="14" fill="{}"></rect>',
                                     round(x, 1), y + 2, round(w, 1), FILLS[Status(status)]))
            x += w
        text = ", ".join(f"{Status(s).label} {n}" for s, n in counts if n)
        summaries.append(f"{action.number}. {action.short_title}: {text}")
        parts.append(format_html('<text x="{}" y="{}" font-size="8">{}</text>', label_width + bar_width + 6,
                                 y + 12, text))
    summary = "; ".join(summaries)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}"><title>{}</title>{}</svg>',
        summary, width, height, width, height, _("Schools by status, per action: %(summary)s") % {"summary": summary},
        format_html_join("", "{}", ((p,) for p in parts)),
    )
