"""The login page's line for students and families links to the tip line (they need no account)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_login_page_links_students_to_the_tip_line(client):
    page = client.get(reverse("login")).content.decode()
    assert "to report a safety concern you do not need to log in" in page
    assert f'href="{reverse("tips:index")}"' in page
