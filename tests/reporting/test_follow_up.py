"""Coming back with the tip code and passphrase: status, the conversation (never internal notes), adding
information; a wrong code and a wrong passphrase look the same; repeated failures are throttled."""

import re

import pytest
from django.urls import reverse

from reporting import services
from reporting.models import Tip, TipMessage

pytestmark = pytest.mark.django_db

URL = "/tips/en/follow-up/"


@pytest.fixture
def sent(world, routine):
    return services.tip_submit(district=world.district, category=routine, school=world.school_a,
                               what_happened="They post mean things about a classmate.")


def test_the_right_code_and_passphrase_show_status_and_the_team_replies_but_not_notes(client, sent, tip_triage):
    tip, passphrase = sent
    services.tip_reply(tip, by=tip_triage, body="Thank you. Which app is it on?")
    services.tip_note(tip, by=tip_triage, body="Probably the 8th grade group chat")
    response = client.post(URL, {"code": tip.code.lower().replace("-", " "), "passphrase": passphrase.upper()})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Which app is it on?" in html and "The team is working on it." in html
    assert "8th grade group chat" not in html
    assert response["Cache-Control"] == "no-store"


def test_a_wrong_code_and_a_wrong_passphrase_look_the_same(client, sent):
    tip, passphrase = sent
    wrong_code = client.post(URL, {"code": "ZZZZ-ZZZZ-ZZ", "passphrase": passphrase})
    wrong_passphrase = client.post(URL, {"code": tip.code, "passphrase": "aaaa-bbbb-cccc-dddd"})
    assert wrong_code.status_code == wrong_passphrase.status_code == 200

    def body(response):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return text.replace("ZZZZ-ZZZZ-ZZ", "CODE").replace(tip.code, "CODE").replace(
            passphrase, "PASS").replace("aaaa-bbbb-cccc-dddd", "PASS")

    assert body(wrong_code) == body(wrong_passphrase)
    assert "No tip matches this tip code and passphrase." in body(wrong_code)


def test_repeated_wrong_passphrases_are_throttled_even_with_the_right_one(client, sent):
    tip, passphrase = sent
    for n in range(5):
        client.post(URL, {"code": tip.code, "passphrase": f"wrong-{n}"}, REMOTE_ADDR=f"192.0.2.{n}")
    response = client.post(URL, {"code": tip.code, "passphrase": passphrase}, REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 429 and "Too many wrong tries" in response.content.decode()


def test_one_client_guessing_many_codes_is_throttled(client, sent):
    for n in range(10):
        client.post(URL, {"code": f"AAAA-AAAA-A{n}", "passphrase": "x"}, REMOTE_ADDR="192.0.2.50")
    tip, passphrase = sent
    assert client.post(URL, {"code": tip.code, "passphrase": passphrase},
                       REMOTE_ADDR="192.0.2.50").status_code == 429
    assert client.post(URL, {"code": tip.code, "passphrase": passphrase},
                       REMOTE_ADDR="192.0.2.51").status_code == 200


def test_the_tipster_adds_information_and_the_assignee_hears_of_it(client, sent, tip_triage, mailoutbox,
                                                                   django_capture_on_commit_callbacks):
    tip, passphrase = sent
    services.tip_update(tip, by=tip_triage, status=Tip.Status.IN_PROGRESS, assigned_to=tip_triage)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"code": tip.code, "passphrase": passphrase, "body": "It is on the bus too."})
    assert response.status_code == 200 and "your information was added" in response.content.decode()
    message = TipMessage.objects.get(sender=TipMessage.Sender.TIPSTER)
    assert message.body == "It is on the bus too."
    tip.refresh_from_db()
    assert tip.tipster_replied_at is not None
    assert any("The tipster added information" in m.subject for m in mailoutbox)
    assert all("bus" not in m.body for m in mailoutbox)  # emails carry a link, never the text


def test_an_empty_addition_is_refused_with_a_message(client, sent):
    tip, passphrase = sent
    response = client.post(URL, {"code": tip.code, "passphrase": passphrase, "body": "  "})
    assert response.status_code == 400 and "Write your message first." in response.content.decode()
    assert not TipMessage.objects.exists()


def test_the_follow_up_page_is_in_spanish_too(client, sent):
    tip, passphrase = sent
    html = client.post("/tips/es/follow-up/", {"code": tip.code, "passphrase": passphrase}).content.decode()
    assert "Conversación con el equipo" in html and "Recibido: el equipo todavía no lo ha abierto." in html


def test_the_follow_up_form_renders(client, world):
    assert client.get(reverse("tips:follow-up", args=["en"])).status_code == 200
