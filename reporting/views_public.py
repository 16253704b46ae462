"""The public tip line: no sign-in, works without JavaScript, English or Spanish by the address.

Anonymity (reporting/privacy.py has the logging side): these views read the client's address only to
hash it with a short-lived salt for rate limits (reporting/ratelimit.py), store nothing about the client,
set no cookie but CSRF's (the language is in the address, not a cookie or session), ask browsers to send
no referrer to other hosts (``same-origin``: with ``no-referrer`` browsers send ``Origin: null`` on the
form's POST, which Django's CSRF check refuses), and never cache. The tip code and passphrase are shown
once, in the answer to the POST.
"""

import functools

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reporting import metrics, ratelimit, services
from reporting.forms import FollowUpForm, TipForm, TipsterMessageForm, find_tip
from reporting.models import Tip, TipLineSettings, TipMessage, new_passphrase, new_tip_code
from schools.models import District

LANGUAGES = ("en", "es")


def public_page(view):
    """Serve in the language of the address; no cache, no referrer to other hosts, nothing that remembers
    the visitor."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, lang: str, *args, **kwargs) -> HttpResponse:
        if lang not in LANGUAGES:
            raise Http404
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = view(request, lang, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        response["Content-Language"] = lang
        return response

    return wrapped


def _other_language(lang):
    return "es" if lang == "en" else "en"


def _context(request, lang, **extra):
    other = _other_language(lang)
    return {"lang": lang, "other_lang": other, "other_lang_name": "Español" if other == "es" else "English",
            "other_lang_url": request.path.replace(f"/tips/{lang}/", f"/tips/{other}/", 1), **extra}


@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """Which district's tip line (a portal may host several); English and Spanish links side by side."""
    lines = (TipLineSettings.objects.filter(enabled=True).select_related("district")
             .order_by("district__name"))
    response = render(request, "reporting/public_index.html", {"lines": lines})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _line(district_id):
    """The district and its tip line settings (one query once the settings exist)."""
    line = TipLineSettings.objects.select_related("district").filter(district_id=district_id).first()
    if line is not None:
        return line.district, line
    district = get_object_or_404(District, pk=district_id)
    return district, TipLineSettings.for_district(district)


@require_http_methods(["GET", "POST"])
@public_page
def tip_form(request: HttpRequest, lang: str, district_id: int) -> HttpResponse:
    district, line = _line(district_id)
    ctx = _context(request, lang, district=district, line=line)
    if not line.enabled:
        return render(request, "reporting/tip_form.html", {**ctx, "form": None})
    if request.method == "GET":
        return render(request, "reporting/tip_form.html", {**ctx, "form": TipForm(district=district, language=lang)})
    form = TipForm(request.POST, request.FILES, district=district, language=lang)
    if ratelimit.hit_over("submit", ratelimit.client_key(request), ratelimit.SUBMIT_LIMIT):
        return render(request, "reporting/tip_form.html", {**ctx, "form": form, "throttled": True}, status=429)
    if form.is_spam:
        # A robot: it sees what a person would, and nothing is stored.
        return render(request, "reporting/tip_sent.html", {**ctx, "code": new_tip_code(),
                                                           "passphrase": new_passphrase(), "life_safety": False})
    if not form.is_valid():
        return render(request, "reporting/tip_form.html", {**ctx, "form": form}, status=400)
    data = form.cleaned_data
    tip, passphrase = services.tip_submit(
        district=district, school=data["school"], category=data["category"], what_happened=data["what_happened"],
        when_happened=data["when_happened"], where_happened=data["where_happened"],
        people_involved=data["people_involved"], contact_name=data["contact_name"],
        contact_email=data["contact_email"], contact_phone=data["contact_phone"], language=lang,
        files=data["attachments"])
    return render(request, "reporting/tip_sent.html", {**ctx, "code": tip.code, "passphrase": passphrase,
                                                       "life_safety": tip.life_safety})


# A hash to check against when the code matches no tip, so both refusals take the same time.
_DUMMY_HASH = None


def _dummy_hash():
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        from reporting.models import TipPassphraseHasher

        _DUMMY_HASH = make_password("not-a-passphrase", hasher=TipPassphraseHasher())
    return _DUMMY_HASH


def _verify(code, passphrase):
    """The tip when code and passphrase match; None otherwise, after the same work either way."""
    from reporting.models import TipPassphraseHasher

    tip = find_tip(code)
    if tip is None or not tip.passphrase_hash:
        TipPassphraseHasher().verify(passphrase, _dummy_hash())
        return None
    return tip if tip.passphrase_matches(passphrase) else None


@require_http_methods(["GET", "POST"])
@public_page
def follow_up(request: HttpRequest, lang: str) -> HttpResponse:
    """Come back with the tip code and passphrase: the tip's status, the conversation, add information.

    A wrong code and a wrong passphrase get the same answer; repeated failures are throttled per client
    (salted hash) and per code.
    """
    ctx = _context(request, lang)
    if request.method == "GET":
        return render(request, "reporting/follow_up.html", {**ctx, "form": FollowUpForm()})
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return render(request, "reporting/follow_up.html", {**ctx, "form": form}, status=400)
    code, passphrase = form.cleaned_data["code"], form.cleaned_data["passphrase"]
    who, code_key = ratelimit.client_key(request), ratelimit.code_key(code)
    if (ratelimit.over("lookup", who, ratelimit.LOOKUP_LIMIT)
            or ratelimit.over("code", code_key, ratelimit.CODE_LIMIT)):
        return render(request, "reporting/follow_up.html", {**ctx, "form": form, "throttled": True}, status=429)
    tip = _verify(code, passphrase)
    if tip is None:
        ratelimit.hit("lookup", who, ratelimit.LOOKUP_LIMIT[1])
        ratelimit.hit("code", code_key, ratelimit.CODE_LIMIT[1])
        form.add_error(None, ValidationError(_("No tip matches this tip code and passphrase. Check both and try "
                                               "again.")))
        return render(request, "reporting/follow_up.html", {**ctx, "form": form}, status=200)
    added = False
    message_form = TipsterMessageForm()
    if "body" in request.POST:
        message_form = TipsterMessageForm(request.POST, request.FILES)
        if tip.anonymized_at is None and message_form.is_valid():
            services.tipster_add(tip, body=message_form.cleaned_data["body"],
                                 files=message_form.cleaned_data["attachments"])
            added, message_form = True, TipsterMessageForm()
    messages = list(TipMessage.objects.filter(tip=tip).only("sender", "body", "created_at"))
    tip.refresh_from_db()
    status = 400 if message_form.errors else 200
    return render(request, "reporting/tip_status.html", {
        **ctx, "tip": tip, "code": code, "passphrase": passphrase, "conversation": messages,
        "message_form": message_form, "added": added, "status_label": _tipster_status(tip)}, status=status)


def _tipster_status(tip) -> str:
    """What the tipster is told: never the outcome's details, only where the tip stands."""
    if tip.status == Tip.Status.NEW:
        return _("Received: the team has not opened it yet.")
    if tip.status == Tip.Status.CLOSED:
        return _("Closed: the team has finished working on this tip.")
    if tip.status == Tip.Status.REFERRED:
        return _("Passed on to the people who can act on it.")
    return _("The team is working on it.")


@require_http_methods(["GET"])
@public_page
def public_summary(request: HttpRequest, lang: str, district_id: int) -> HttpResponse:
    """The yearly public summary: counts under 10 are shown as "fewer than 10"."""
    district, line = _line(district_id)
    year = _year(request.GET.get("year"), district)
    summary = metrics.yearly_summary(district, year, public=True)
    return render(request, "reporting/public_summary.html", {
        **_context(request, lang, district=district, line=line), "summary": summary, "year": year,
        "years": list(range(district.local_today().year, district.local_today().year - 5, -1)),
        "form_url": reverse("tips:form", args=[lang, district.pk])})


def _year(value, district) -> int:
    this_year = district.local_today().year if district else timezone.now().year
    try:
        year = int(value)
    except (TypeError, ValueError):
        return this_year
    return year if 2000 <= year <= this_year else this_year
