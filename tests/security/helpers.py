"""Small helpers of the security tests: codes from a device, the URL walk, a fresh login."""

import uuid

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_for(device: TOTPDevice, ahead: int = 0) -> str:
    """The code an app shows now (``ahead=1``: the next one, still accepted, for a second use)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead):06d}"


# Values for route arguments: by name first (regex routes of the admin need the right ones), else by
# the converter of a path() route. A regex argument with an unknown name fails the walk (see all_urls).
SAMPLE_KWARGS = {
    "pk": [1],
    "object_id": ["1"],
    "content_type_id": [1],
    "uidb64": ["MQ"],
    "token": ["set-password"],
    "app_label": ["auth", "schools", "otp_totp", "otp_static", "axes", "compliance"],
    "url": ["anything"],
    # The public tip line's regex routes (reporting/urls_public.py).
    "lang": ["en"],
    "district_id": ["1"],
}
BY_CONVERTER = {
    "IntConverter": 1,
    "StringConverter": "x",
    "SlugConverter": "x",
    "PathConverter": "x",
    "UUIDConverter": uuid.UUID(int=1),
}


def _kwargs_of(pattern) -> dict:
    """{argument name: candidate values} of one route."""
    if getattr(pattern, "_route", None) is not None:  # path()
        return {
            name: SAMPLE_KWARGS.get(name) or [BY_CONVERTER.get(type(conv).__name__, "x")]
            for name, conv in pattern.converters.items()
        }
    return {name: SAMPLE_KWARGS.get(name, []) for name in pattern.regex.groupindex}


def _walk(patterns, namespace, kwargs):
    for entry in patterns:
        merged = {**kwargs, **_kwargs_of(entry.pattern)}
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns, merged)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", merged


def all_urls():
    """[(url name, path)] for every named URL the resolver knows, and the names no path could be built for."""
    built, unbuildable = {}, []
    for name, candidates in _walk(get_resolver().url_patterns, "", {}):
        if name in built:
            continue
        path = None
        if all(candidates.values()):
            for i in range(max((len(v) for v in candidates.values()), default=1)):
                kwargs = {k: v[min(i, len(v) - 1)] for k, v in candidates.items()}
                try:
                    path = reverse(name, kwargs=kwargs or None)
                    break
                except NoReverseMatch:
                    continue
        if path is None:
            unbuildable.append(name)
        else:
            built[name] = path
    return sorted(built.items()), unbuildable
