"""The tip line's section of the compliance reports: where the district's line stands on action 4 and the
year's counts (no tip content; counts under 10 suppressed, as in the public summary)."""

from reporting import metrics


def report_section_context(schools, school_year, as_of) -> dict:
    """``{school_id: dict}``: the district's line state and the school year's figures, shared by every
    school of the district. A fixed number of queries per district (one district per report)."""
    schools = list(schools)
    if not schools:
        return {}
    by_district = {}
    for school in schools:
        by_district.setdefault(school.district_id, school.district)
    states = metrics.line_states(list(by_district), as_of)
    parts = {}
    for district_id, district in by_district.items():
        if school_year is not None:
            from portal.dates import local_day_bounds

            start, end = local_day_bounds(school_year.starts_on, school_year.ends_on, district.tz)
        else:
            start, end = metrics.year_bounds(district, as_of.year)
        figures = metrics.tip_metrics(district, start, end, public=True)
        status, reason, _step = metrics.judge(states[district_id], as_of)
        parts[district_id] = {"state": states[district_id], "figures": figures, "status": status, "reason": reason}
    return {school.pk: {**parts[school.district_id], "school": school, "as_of": as_of} for school in schools}
