"""The second factor: an authenticator app (TOTP, django-otp) and ten single-use backup codes.

Backup codes are stored as keyed hashes (ASVS 6.5.2: short lookup secrets are never kept in clear):
django-otp's ``StaticToken.token`` holds ``_digest(user, code)``, and a code typed at verification is
hashed the same way before django-otp looks it up and deletes it. Rotating ``SECRET_KEY`` therefore
voids outstanding backup codes (people issue new ones from their two-factor page).
"""

import base64
import secrets
import xml.etree.ElementTree as ET

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
# No 0/O, 1/l/I: codes are read off paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def has_device(user) -> bool:
    """Whether the person has a confirmed second factor (an app or backup codes)."""
    return any(True for _ in django_otp.devices_for_user(user, confirmed=True))


def app_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def setup_device(user) -> TOTPDevice:
    """The unconfirmed authenticator the person is setting up (the same one on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_for_display(device) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device, label: str) -> str:
    """The enrolment QR code as inline SVG, drawn here (no image service sees the secret)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    root = image.get_image()
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", "qr-code")
    root.attrib.pop("width", None)
    root.attrib.pop("height", None)
    return mark_safe(ET.tostring(root, encoding="unicode"))  # noqa: S308 - markup built by qrcode from our own URL


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _digest(user, code: str) -> str:
    mac = salted_hmac("accounts.two_factor.backup-code", f"{user.pk}:{_normalise(code)}", algorithm="sha256")
    return base64.urlsafe_b64encode(mac.digest()).decode("ascii")[:16]


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def backup_codes_issue(*, user) -> list[str]:
    """Replace the person's backup codes with ten new ones; returns them in clear, to show once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.confirmed = True
    device.save()
    device.token_set.all().delete()
    codes = [_new_code() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_digest(user, c)) for c in codes)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def setup_confirm(*, user, device, code: str) -> bool:
    """Confirm the device being set up with a code from the app; issue nothing yet."""
    if device.user_id != user.pk or device.confirmed:
        return False
    if not django_otp.verify_token(user, device.persistent_id, _normalise(code)):
        return False
    with transaction.atomic():
        # One authenticator per person: any older one stops working now.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def code_verify(*, user, code: str):
    """The device that accepts ``code`` (an app code or a backup code, used up), or None.

    Each device counts its own failures and makes the person wait longer after each (django-otp throttling).
    """
    code = (code or "").strip()
    digits = code.replace(" ", "")
    if digits.isdigit() and len(digits) == 6:
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if django_otp.verify_token(user, device.persistent_id, digits):
                return device
        return None
    if len(_normalise(code)) == 10:
        for device in StaticDevice.objects.filter(user=user, confirmed=True):
            if django_otp.verify_token(user, device.persistent_id, _digest(user, code)):
                return device
    return None


def throttled_until(user):
    """When the person may try a code again after several wrong ones, or None."""
    waits = []
    for device in [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]:
        allowed, info = device.verify_is_allowed()
        if not allowed and info and info.get("locked_until"):
            waits.append(info["locked_until"])
    return min(waits) if waits else None


@transaction.atomic
def two_factor_reset(*, user) -> None:
    """Remove every second factor of the person: at the next request they set one up again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def enrol_demo_two_factor(ctx) -> None:
    """seed_demo step: every demo persona gets a confirmed authenticator and fresh backup codes, printed.

    seed_demo runs only in dev (it refuses elsewhere unless forced). An existing authenticator is kept, so
    the key added to a phone on the first run keeps working; backup codes are new on every run (only
    their hashes are stored, so old ones cannot be printed again).
    """
    ctx.notes.append("")
    ctx.notes.append(
        "Second factor (every account needs one): add the key to an authenticator app, or use a "
        "backup code (each works once; run seed_demo again for new ones)."
    )
    for key, user in ctx.users.items():
        device = app_device(user) or TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, confirmed=True
        )
        codes = backup_codes_issue(user=user)
        ctx.notes.append(f"  {key:<22} key {secret_for_display(device)}")
        ctx.notes.append(f"  {'':<22} backup codes {' '.join(codes)}")
