"""One school's ten actions (compliance:school-status)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def url(school):
    return reverse("compliance:school-status", args=[school.pk])


def test_it_shows_the_ten_actions_with_reasons_and_next_steps(client, district_admin, world, current_year,
                                                              buildings_evaluator):
    client.force_login(district_admin)
    html = client.get(url(world.school_a)).content.decode()
    assert html.count('<th scope="row">') == 10
    assert "3. Campus, building and classroom security" in html
    assert "Only the main building is registered." in html and "Register the portables." in html
    assert "No part of the portal tracks this action yet." in html


def test_another_schools_page_is_a_404(client, school_a_admin, world):
    client.force_login(school_a_admin)
    assert client.get(url(world.school_b)).status_code == 404
    assert client.get(url(world.other_school)).status_code == 404


def test_a_past_year_is_chosen_by_its_id_and_a_foreign_one_is_a_404(client, district_admin, world, current_year,
                                                                    past_year):
    from tests.scope_table import school_year_of

    client.force_login(district_admin)
    response = client.get(url(world.school_a), {"year": past_year.pk})
    assert response.context["school_year"] == past_year
    assert response.context["as_of"] == past_year.ends_on
    other_year = school_year_of(world, world.other_district)
    assert client.get(url(world.school_a), {"year": other_year.pk}).status_code == 404
    assert client.get(url(world.school_a), {"year": "x"}).status_code == 404
