"""Anonymous reporting (action 4): the district's tip line, the tips it receives, the conversation with the
tipster, triage, and the on-call chain a life-safety tip escalates through.

Nothing here records who the tipster is: no address, no browser, no referrer (see reporting/privacy.py).
The tipster holds a tip code and a passphrase; only the passphrase's hash is stored, like a password.
"""

import secrets

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.scope import ScopedQuerySet, allowed_memberships
from portal.uploads import SafeUploadField
from schools.models import District, School

# Tip codes: no 0/O, 1/I/L, so a code read aloud or copied by hand comes back right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PASSPHRASE_ALPHABET = CODE_ALPHABET.lower()


def new_tip_code() -> str:
    """``XXXX-XXXX-XX``: 10 random characters (about 50 bits); unique in the table."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def new_passphrase() -> str:
    """``xxxx-xxxx-xxxx-xxxx``: 16 random characters (about 79 bits)."""
    raw = "".join(secrets.choice(PASSPHRASE_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def normalize_code(value: str) -> str:
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 10 else (value or "").strip().upper()[:20]


def normalize_passphrase(value: str) -> str:
    raw = "".join(ch for ch in (value or "").lower() if ch.isalnum())
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))[:60]


class TipPassphraseHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with far fewer rounds than a person's password needs. Rounds slow down guessing a
    password a person chose; a passphrase here is 16 characters drawn at random (about 79 bits), which no
    offline search can cover whatever the rounds, and online guessing is throttled (reporting/ratelimit.py).
    So the rounds buy nothing but cost the tip form its speed under load (scripts/bench_tips.py). The encoded
    hash is Django's ``pbkdf2_sha256$<rounds>$<salt>$<hash>``: salted, never the passphrase in clear."""

    iterations = 2_000


def district_scope(user, model, action, district_path="district", school_path="school"):
    """Rows without a school (the tipster was not sure) belong to the district: only district-wide
    memberships whose role the matrix allows see them (a school's team sees its own school's tips)."""
    districts = [m.district_id for m in allowed_memberships(user, model, action) if m.district_id]
    if not districts:
        return Q(pk__in=[])
    return Q(**{f"{school_path}__isnull": True, f"{district_path}__in": districts})


# --------------------------------------------------------------------------------------------
# The district's tip line
# --------------------------------------------------------------------------------------------


class TipLineSettings(models.Model):
    """How one district runs its tip line: on or off, the escalation wait, its acknowledgement target,
    how long closed tips are kept, and the last successful test of the on-call chain."""

    district = models.OneToOneField(District, on_delete=models.CASCADE, related_name="tip_line",
                                    verbose_name=_("district"))
    # Off until the district switches it on: a line taking life-safety tips before anyone is on call would
    # promise what nobody keeps.
    enabled = models.BooleanField(_("tip line is on"), default=False,
                                  help_text=_("When off, the public page says how else to report."))
    escalation_minutes = models.PositiveSmallIntegerField(
        _("minutes before the next level is notified"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("A life-safety tip nobody has acknowledged after this many minutes goes to the next level."))
    ack_target_minutes = models.PositiveSmallIntegerField(
        _("target for acknowledging a life-safety tip (minutes)"), default=15,
        validators=[MinValueValidator(1), MaxValueValidator(1440)])
    retention_years = models.PositiveSmallIntegerField(
        _("years closed tips are kept"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("After this, a closed tip's text, messages and files are erased; the counts remain."))
    webhook_secret = models.CharField(max_length=64, default=secrets.token_hex, editable=False)
    last_test_at = models.DateTimeField(_("last successful test of the chain"), null=True, blank=True,
                                        editable=False)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tip line settings")
        verbose_name_plural = _("tip line settings")

    def __str__(self):
        return str(_("Tip line of %(district)s") % {"district": self.district})

    @classmethod
    def for_district(cls, district) -> "TipLineSettings":
        """The district's settings, made (with the seeded categories) the first time they are asked for."""
        found = cls.objects.filter(district=district).first()
        if found is not None:
            return found
        from reporting.categories import ensure_categories

        ensure_categories(district)
        found, _created = cls.objects.get_or_create(district=district)
        return found


class TipCategory(models.Model):
    """One choice of "what is this about" on the district's tip form; life-safety ones escalate at once."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="tip_categories",
                                 verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=80)
    name_es = models.CharField(_("name in Spanish"), max_length=80, blank=True)
    life_safety = models.BooleanField(
        _("life safety"), default=False,
        help_text=_("Tips in this category notify the on-call chain at once, day and night."))
    order = models.PositiveSmallIntegerField(_("order on the form"), default=100)
    active = models.BooleanField(_("offered on the form"), default=True)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("tip category")
        verbose_name_plural = _("tip categories")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="tipcategory_unique_name")]
        indexes = [models.Index(fields=["district", "active", "order"], name="tipcategory_form")]

    def __str__(self):
        return self.name

    def label(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name


# --------------------------------------------------------------------------------------------
# Tips
# --------------------------------------------------------------------------------------------


class TipQuerySet(ScopedQuerySet):
    def by_urgency(self):
        """Life-safety first, then what nobody has acknowledged, then the newest."""
        return self.order_by("-life_safety", models.F("acknowledged_at").asc(nulls_first=True), "-created_at")

    def open(self):
        return self.exclude(status=Tip.Status.CLOSED)


class Tip(models.Model):
    """One report a person sent through the public tip line, with no trace of who sent it."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        REFERRED = "referred", _("Referred")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        UNFOUNDED = "unfounded", _("Unfounded")
        FALSE_REPORT = "false_report", _("False report")
        DUPLICATE = "duplicate", _("Duplicate")
        LAW_ENFORCEMENT = "law_enforcement", _("Referred to law enforcement")
        BTAM = "btam", _("Referred to the threat assessment team (BTAM)")
        COUNSELING = "counseling", _("Referred to counseling")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="tips",
                                 verbose_name=_("district"))
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="tips",
                               verbose_name=_("school"), help_text=_("Empty: the tipster was not sure."))
    category = models.ForeignKey(TipCategory, on_delete=models.PROTECT, related_name="tips",
                                 verbose_name=_("category"))
    what_happened = models.TextField(_("what happened"))
    when_happened = models.TextField(_("when"), blank=True)
    where_happened = models.TextField(_("where"), blank=True)
    people_involved = models.TextField(_("who is involved"), blank=True)
    code = models.CharField(_("tip code"), max_length=20, unique=True, default=new_tip_code, editable=False)
    passphrase_hash = models.CharField(max_length=200, editable=False)
    language = models.CharField(_("language"), max_length=5, default="en", choices=settings.LANGUAGES)
    # Optional: only when the tipster chose to give them.
    contact_name = models.CharField(_("name"), max_length=120, blank=True)
    contact_email = models.EmailField(_("email"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    # A copy of the category's flag at the time: a category edited later does not reorder old tips.
    life_safety = models.BooleanField(_("life safety"), default=False)
    is_test = models.BooleanField(_("test tip"), default=False,
                                  help_text=_("Sent by staff to test the on-call chain; left out of the metrics."))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("assigned to"))
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("acknowledged by"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Escalation: the level last notified and when the next one is due (None: nothing more to send).
    escalation_level = models.PositiveSmallIntegerField(default=0, editable=False)
    next_escalation_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The tipster's last word and the team's last reply (the "two-way dialogue" metric).
    tipster_replied_at = models.DateTimeField(null=True, blank=True, editable=False)
    staff_replied_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymized_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    scope_path = "school"
    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["-life_safety", "-created_at"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        indexes = [
            models.Index(fields=["district", "status", "-created_at"], name="tip_district_status"),
            models.Index(fields=["school", "status", "-created_at"], name="tip_school_status"),
            models.Index(fields=["category", "-created_at"], name="tip_category"),
            models.Index(fields=["district", "-life_safety", "-created_at"], name="tip_urgency"),
            models.Index(fields=["next_escalation_at"], name="tip_escalation_due",
                         condition=Q(next_escalation_at__isnull=False)),
            models.Index(fields=["status", "closed_at"], name="tip_retention"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status="closed") | Q(outcome=""), name="tip_outcome_when_closed"),
        ]

    def __str__(self):
        return str(_("Tip %(code)s") % {"code": self.code})

    @classmethod
    def extra_scope(cls, user, action):
        return district_scope(user, cls, action)

    def set_passphrase(self, passphrase: str) -> None:
        self.passphrase_hash = make_password(normalize_passphrase(passphrase), hasher=TipPassphraseHasher())

    def passphrase_matches(self, passphrase: str) -> bool:
        """Verified with the hasher that made it (whatever PASSWORD_HASHERS says for people's passwords)."""
        if not self.passphrase_hash.startswith(f"{TipPassphraseHasher.algorithm}$"):
            return False
        return TipPassphraseHasher().verify(normalize_passphrase(passphrase), self.passphrase_hash)

    def clean(self):
        if self.school_id and self.district_id and self.school.district_id != self.district_id:
            raise ValidationError({"school": _("This school belongs to another district.")})
        if self.category_id and self.district_id and self.category.district_id != self.district_id:
            raise ValidationError({"category": _("This category belongs to another district.")})

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def has_dialogue(self) -> bool:
        return self.tipster_replied_at is not None and self.staff_replied_at is not None


class TipChild(models.Model):
    """What belongs to one tip and is seen by whoever sees the tip."""

    scope_path = "tip__school"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def extra_scope(cls, user, action):
        return district_scope(user, cls, action, district_path="tip__district", school_path="tip__school")


class TipMessage(TipChild):
    """One message of the conversation between the tipster and the team (the tipster sees all of these)."""

    class Sender(models.TextChoices):
        TIPSTER = "tipster", _("Tipster")
        TEAM = "team", _("Team")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages", verbose_name=_("tip"))
    sender = models.CharField(_("from"), max_length=10, choices=Sender.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("written by"))
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("tip message")
        verbose_name_plural = _("tip messages")
        indexes = [models.Index(fields=["tip", "created_at"], name="tipmessage_tip")]

    def __str__(self):
        return str(_("Message on %(tip)s") % {"tip": self.tip})


class TipNote(TipChild):
    """An internal note of the team on a tip: the tipster never sees it."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="notes", verbose_name=_("tip"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("written by"))
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        indexes = [models.Index(fields=["tip", "created_at"], name="tipnote_tip")]

    def __str__(self):
        return str(_("Note on %(tip)s") % {"tip": self.tip})


class TipAttachment(TipChild):
    """A file the tipster sent with a tip (checked and stripped of metadata by the shared upload gate)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("tip"))
    file = SafeUploadField(_("file"), prefix="tips")
    original_name = models.CharField(_("file name"), max_length=200)
    created_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("tip attachment")
        verbose_name_plural = _("tip attachments")
        indexes = [models.Index(fields=["tip", "created_at"], name="tipattachment_tip")]

    def __str__(self):
        return self.original_name


class TipEvent(TipChild):
    """One line of a tip's activity log: what happened to it, when, and by whom (never the content)."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="events", verbose_name=_("tip"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("by"))
    kind = models.CharField(_("what"), max_length=40)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("tip activity")
        verbose_name_plural = _("tip activity")
        indexes = [models.Index(fields=["tip", "at"], name="tipevent_tip")]

    def __str__(self):
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


# --------------------------------------------------------------------------------------------
# Escalation: the district's on-call chain and what was sent through it
# --------------------------------------------------------------------------------------------


class OnCallContact(models.Model):
    """One link of the district's on-call chain: a person (email) and/or a paging gateway (webhook), at a
    level; level 1 is notified at once, each next level when nobody acknowledged in time."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="on_call_contacts",
                                 verbose_name=_("district"))
    level = models.PositiveSmallIntegerField(_("level"), default=1,
                                             validators=[MinValueValidator(1), MaxValueValidator(9)])
    label = models.CharField(_("name"), max_length=120, help_text=_("Who or what this is, e.g. the on-call "
                                                                    "principal or the district's pager."))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("person (email)"))
    webhook_url = models.URLField(_("webhook address"), blank=True, max_length=300,
                                  help_text=_("An https address of your SMS or paging gateway. It receives a link "
                                              "to the tip, signed, never the tip's text."))
    active = models.BooleanField(_("active"), default=True)

    scope_path = "district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["level", "label"]
        verbose_name = _("on-call contact")
        verbose_name_plural = _("on-call contacts")
        indexes = [models.Index(fields=["district", "active", "level"], name="oncall_chain")]
        constraints = [
            models.CheckConstraint(condition=~Q(person=None) | ~Q(webhook_url=""), name="oncall_has_a_channel"),
        ]

    def __str__(self):
        return f"{self.label} ({_('level')} {self.level})"


class EscalationPage(models.Model):
    """One notice of one tip to one on-call contact: an email (through the outbox) or a webhook call
    (claimed and delivered like an outbox row). The body carries a link, never the tip's text."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="pages", verbose_name=_("tip"))
    contact = models.ForeignKey(OnCallContact, null=True, on_delete=models.SET_NULL, related_name="pages",
                                verbose_name=_("contact"))
    # The step of the escalation (1: the first level; past the last level, the whole chain again).
    level = models.PositiveSmallIntegerField(_("notice"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    scope_path = "tip__district"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("escalation notice")
        verbose_name_plural = _("escalation notices")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="escalationpage_due"),
            models.Index(fields=["tip", "level"], name="escalationpage_tip"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tip", "contact", "level", "channel"],
                                    name="escalationpage_once_per_step"),
        ]

    def __str__(self):
        return f"{self.tip} -> {self.contact} ({self.get_channel_display()})"
