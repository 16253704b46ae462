"""Signed records: sign-off that locks a record, a countersignature, and correction by a new entry.

A record an action app signs (a drill log, a coordination plan, an MOU, an assessment, a threat-assessment
closure) inherits ``SignedRecord``: once ``signed_at`` is set it refuses change and deletion through every
path (``save()``, ``delete()``, queryset ``update()``/``delete()``, and in PostgreSQL a trigger installed
by ``signed_record_guard`` in the app's migration). Only the countersignature fields are written after
signing, and only once: while ``countersigned_at`` is empty. A mistake is fixed by a correction: a new,
unsigned entry whose ``corrects`` names the one it replaces; the replaced one is "superseded" and
``SignedQuerySet.current()`` leaves it out.

What a signature covers beyond the row itself:

- the names it shows: at sign-off ``snapshot()`` (the model's hook) is stored in ``signed_snapshot``, so a
  signed record keeps showing the school, kind or building names as they were when it was signed;
- the rows that belong to it (a drill's after-action report and improvement items) inherit ``SignedPart``:
  once their record is signed they refuse change and deletion through the same paths, except the fields
  they declare in ``writable_after_signing`` (an improvement item stays workable: done at/by and evidence),
  with the trigger ``signed_part_guard`` in PostgreSQL;
- the rows it references: a row a signed record names (a building in a drill log's many-to-many, its
  school or kind) is not deleted. ``SignedRecord.references_problems(field, target)`` says why, in the
  model's words; ``portal.crud.delete_problems(obj)`` asks it of every model that references ``obj``, and
  the generic delete page answers 409 with the reason. In the model layer the many-to-many rows of a signed
  record refuse ``add``/``remove``/``clear`` and the deletion of a row they name (``RecordLocked``, on
  SQLite as on PostgreSQL, where the trigger on the many-to-many table refuses as well).

How an app adopts it (drills is the worked example)::

    class PlanQuerySet(SignedQuerySet): ...

    class Plan(SignedRecord):
        correction_copy_fields = ("school_id", "title", "body")   # what a correction starts from
        correction_copy_m2m = ("buildings",)                        # offered as the form's initial values
        signed_messages = SignedMessages(already_signed=_("This plan is already signed."))
        objects = PlanQuerySet.as_manager()

        def sign_off_problems(self):                                # extend, calling super() first
            problems = super().sign_off_problems()
            ...

        def snapshot(self):                                         # the names kept as signed
            return {"school": self.school.name}

    # migrations/000N_signed_plan_guard.py
    operations = [signed_record_guard("myapp_plan", m2m=[("myapp_plan_buildings", "plan_id")])]

    # views.py: one function each, around the generic views
    PLAN_PAGES = SignedPages(model=Plan, list_url="myapp:plan-list", list_label=_("Plans"),
                             detail_url="myapp:plan-detail", update_url="myapp:plan-update")
    def plan_sign(request, pk):
        return sign_view(request, pk, pages=PLAN_PAGES)

Every page renders ``templates/portal/signed_action.html``; ``refuse_if_locked(request, obj)`` is the
audited 403 for the app's own edit pages.
"""

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import checks
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, migrations, models, transaction
from django.db.models import Q, signals
from django.db.models.fields.related import lazy_related_operation
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import audit
from portal.crud import get_scoped_or_404, refuse, require_action
from portal.scope import ScopedQuerySet
from schools.models import AuditEvent

# Fields a countersignature may write on a signed record; nothing else changes once it is signed.
COUNTERSIGN_FIELDS = frozenset({"countersigned_at", "countersigned_by", "countersigned_by_id", "countersign_note"})


class RecordLocked(Exception):
    """Raised when something tries to change or delete a signed record."""


@dataclasses.dataclass(frozen=True)
class SignedMessages:
    """What a signed model says when it refuses, in its own words (a drill says "log"): override per model."""

    # RecordLocked (save, update, delete of a signed row).
    locked: str = _("A signed record cannot be changed; record a correction instead.")
    undeletable: str = _("A signed record cannot be deleted.")
    # Sign-off and countersignature (ValidationError, shown as the page's problems).
    already_signed: str = _("This record is already signed.")
    sign_superseded: str = _("This entry was replaced by a correction; sign the correction instead.")
    sign_first: str = _("The record must be signed before it is countersigned.")
    already_countersigned: str = _("This record is already countersigned.")
    # A row a signed record names (a building of a signed drill log) is not deleted: %(target)s is the row.
    referenced: str = _("%(target)s is named by a signed record and cannot be deleted.")
    # Pages (refuse_if_locked and the correction page).
    locked_page: str = _("This record is signed and locked; record a correction instead.")
    superseded_page: str = _("This entry was replaced by a correction; open the correction.")
    edit_unsigned: str = _("This entry is not signed yet: edit it directly.")
    corrected_page: str = _("This entry was already corrected; correct the latest one.")
    # Saving a correction (ValidationError on the correction form).
    correct_unsigned: str = _("This entry is not signed yet: edit it instead of correcting it.")
    correct_superseded: str = _("This entry was already corrected; correct the latest entry instead.")
    correct_race: str = _("Someone corrected this entry a moment ago; open the latest entry.")


def countersigned_after_signed(name: str) -> models.CheckConstraint:
    """The database constraint "no countersignature without a signature", for a model's ``Meta.constraints``."""
    return models.CheckConstraint(
        condition=Q(countersigned_at__isnull=True) | Q(signed_at__isnull=False), name=name
    )


# --------------------------------------------------------------------------------------------
# Queryset and model
# --------------------------------------------------------------------------------------------


class SignedQuerySet(ScopedQuerySet):
    """Scoped queryset whose bulk writes refuse signed rows (views, shell, admin actions alike)."""

    def current(self):
        """Entries not replaced by a correction (only the latest entry of a chain counts)."""
        return self.filter(corrected_by__isnull=True)

    def update(self, **kwargs):
        if set(kwargs) - self.model.countersign_fields:
            locked = self.filter(signed_at__isnull=False)
        else:  # the countersignature alone: written once, while it is empty
            locked = self.filter(countersigned_at__isnull=False)
        if locked.exists():
            raise RecordLocked(str(self.model.signed_messages.locked))
        return super().update(**kwargs)

    def delete(self):
        if self.filter(signed_at__isnull=False).exists():
            raise RecordLocked(str(self.model.signed_messages.undeletable))
        return super().delete()


class SignedRecord(models.Model):
    """Abstract: a record that is signed off (locked), countersigned and corrected by a new entry.

    A concrete model sets ``objects`` to a ``SignedQuerySet`` manager, ``correction_copy_fields`` (and
    ``correction_copy_m2m``), its ``signed_messages``, and extends ``sign_off_problems()``.
    """

    # Sign-off (locks the record) and the countersignature (e.g. the SRO's).
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("countersigned by"),
    )
    countersign_note = models.TextField(_("countersignature note"), blank=True)
    # The display names the record showed when it was signed (``snapshot()``), shown instead of today's.
    signed_snapshot = models.JSONField(_("names as signed"), default=dict, blank=True, editable=False)

    # A correction is a new entry naming the one it replaces; only the latest entry counts.
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("what was wrong"), blank=True)

    # Fields writable on a signed row; the fields (attnames: "school_id") a correction draft copies; the
    # many-to-many fields a correction form starts from; the model's words.
    countersign_fields: frozenset[str] = COUNTERSIGN_FIELDS
    correction_copy_fields: Sequence[str] = ()
    correction_copy_m2m: Sequence[str] = ()
    signed_messages: SignedMessages = SignedMessages()

    class Meta:
        abstract = True

    # -- guards: a signed row refuses change and deletion --------------------------------------
    def save(self, *args, **kwargs):
        if self.pk and not self._adding_or_unlocked(kwargs.get("update_fields")):
            raise RecordLocked(str(self.signed_messages.locked))
        super().save(*args, **kwargs)

    def _adding_or_unlocked(self, update_fields) -> bool:
        if self._state.adding:
            return True
        # Asked of the database, not of this instance: a stale copy loaded before signing is refused too.
        if update_fields is not None and set(update_fields) <= self.countersign_fields:
            # The countersignature is written once: while the row in the database has none.
            return not type(self)._default_manager.filter(pk=self.pk, countersigned_at__isnull=False).exists()
        return not self._signed_in_database()

    def _signed_in_database(self) -> bool:
        return type(self)._default_manager.filter(pk=self.pk, signed_at__isnull=False).exists()

    def delete(self, *args, **kwargs):
        if self._signed_in_database():
            raise RecordLocked(str(self.signed_messages.undeletable))
        return super().delete(*args, **kwargs)

    # -- state ---------------------------------------------------------------------------------
    @property
    def is_locked(self) -> bool:
        return self.signed_at is not None

    @property
    def is_superseded(self) -> bool:
        """Replaced by a saved correction (an unsaved correction draft does not count)."""
        try:
            return self.corrected_by.pk is not None
        except ObjectDoesNotExist:
            return False

    def sign_off_problems(self) -> list[str]:
        """What stops signing, in words (empty when it can be signed). Extend it, calling super() first."""
        problems = []
        if self.is_locked:
            problems.append(self.signed_messages.already_signed)
        if self.is_superseded:
            problems.append(self.signed_messages.sign_superseded)
        return [str(p) for p in problems]

    def countersign_problems(self) -> list[str]:
        """What stops countersigning, in words (empty when it can be countersigned)."""
        if not self.is_locked:
            return [str(self.signed_messages.sign_first)]
        if self.countersigned_at is not None:
            return [str(self.signed_messages.already_countersigned)]
        return []

    def snapshot(self) -> dict:
        """The display names to keep as they are at sign-off (JSON): override, e.g. the school's and kind's
        names, so that a renamed building or kind never changes what a signed record says."""
        return {}

    def signed_name(self, key: str, live):
        """``key`` of the snapshot for a signed record that has one, else ``live`` (today's name)."""
        if self.is_locked and key in (self.signed_snapshot or {}):
            return self.signed_snapshot[key]
        return live

    @classmethod
    def references_problems(cls, field, target) -> list[str]:
        """Why ``target`` (a row this model references through ``field``) cannot be deleted: a signed row
        of this model names it (``portal.crud`` asks it before deleting; see ``delete_problems``)."""
        if cls._default_manager.filter(signed_at__isnull=False, **{field.name: target}).exists():
            return [str(cls.signed_messages.referenced) % {"target": target}]
        return []

    # -- behaviour -----------------------------------------------------------------------------
    def sign_off(self, *, by) -> None:
        """Sign the record: it is locked from now on. ValidationError with the problems if it cannot be."""
        problems = self.sign_off_problems()
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        # Conditional update: two people signing at once sign it once.
        snapshot = self.snapshot()
        signed = type(self)._default_manager.filter(pk=self.pk, signed_at__isnull=True).update(
            signed_at=now, signed_by=by, signed_snapshot=snapshot
        )
        if not signed:
            raise ValidationError(str(self.signed_messages.already_signed))
        self.signed_at, self.signed_by, self.signed_snapshot = now, by, snapshot

    def countersign(self, *, by, note: str = "") -> None:
        """Add the countersignature (once) to a signed record, with an optional note."""
        problems = self.countersign_problems()
        if problems:
            raise ValidationError(problems)
        now = timezone.now()
        done = type(self)._default_manager.filter(pk=self.pk, countersigned_at__isnull=True).update(
            countersigned_at=now, countersigned_by=by, countersign_note=note
        )
        if not done:
            raise ValidationError(str(self.signed_messages.already_countersigned))
        self.countersigned_at, self.countersigned_by, self.countersign_note = now, by, note

    def correction_draft(self):
        """An unsaved new entry copying ``correction_copy_fields``, to be edited and saved as the correction."""
        draft = type(self)(**{name: getattr(self, name) for name in self.correction_copy_fields})
        # Name the original without caching the draft on it as its ``corrected_by`` (``draft.corrects = self``
        # would): the original's ``is_superseded`` keeps answering from the database.
        draft.corrects_id = self.pk
        self._meta.get_field("corrects").set_cached_value(draft, self)
        return draft


# --------------------------------------------------------------------------------------------
# Many-to-many rows of a signed record (its buildings): refused on deletion in the model layer too
# --------------------------------------------------------------------------------------------


def _refuse_changing_a_signed_records_links(sender, instance, action, reverse, model, pk_set, **kwargs):
    """``m2m_changed`` of a signed model's many-to-many rows: no add, remove or clear once it is signed."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    record_model, field = _M2M_GUARDED[sender]
    if not reverse:
        records = record_model._default_manager.filter(pk=instance.pk)
    elif pk_set is not None:
        records = record_model._default_manager.filter(pk__in=pk_set)
    else:
        records = record_model._default_manager.filter(**{field.name: instance})
    if records.filter(signed_at__isnull=False).exists():
        raise RecordLocked(str(record_model.signed_messages.locked))


def _refuse_deleting_a_named_row(sender, instance, **kwargs):
    """``pre_delete`` of a row a signed record names through a many-to-many (a building of a drill log):
    the database would drop the link silently (SQLite) or refuse with an error (the PostgreSQL trigger)."""
    for record_model, field in _NAMED_BY.get(sender, ()):
        problems = record_model.references_problems(field, instance)
        if problems:
            raise RecordLocked(problems[0])


_M2M_GUARDED: dict[type, tuple[type, models.ManyToManyField]] = {}
_NAMED_BY: dict[type, list[tuple[type, models.ManyToManyField]]] = {}


def _guard_many_to_many(sender, **kwargs):
    """``class_prepared``: guard the auto-created many-to-many rows of a signed model, and the rows they
    name, in the model layer too. Receivers are connected per model (others keep their fast deletes);
    Django sends no ``pre_delete`` for auto-created rows, hence the guard on the named model."""
    if not issubclass(sender, SignedRecord) or sender._meta.abstract:
        return
    for field in sender._meta.local_many_to_many:
        through = field.remote_field.through
        if isinstance(through, str) or not through._meta.auto_created:
            continue  # an explicit through model is the app's own: it guards itself
        _M2M_GUARDED[through] = (sender, field)
        signals.m2m_changed.connect(_refuse_changing_a_signed_records_links, sender=through, weak=False,
                                    dispatch_uid=f"signed-m2m-{through._meta.label_lower}")

        def named(record_model, target, field=field):
            _NAMED_BY.setdefault(target, []).append((record_model, field))
            signals.pre_delete.connect(_refuse_deleting_a_named_row, sender=target, weak=False,
                                       dispatch_uid=f"signed-named-{target._meta.label_lower}")

        lazy_related_operation(named, sender, field.remote_field.model)


signals.class_prepared.connect(_guard_many_to_many, weak=False, dispatch_uid="portal.signed.m2m")


# --------------------------------------------------------------------------------------------
# Parts of a signed record: locked with it (an after-action report, its improvement items)
# --------------------------------------------------------------------------------------------


class SignedPartQuerySet(ScopedQuerySet):
    """Scoped queryset of a ``SignedPart``: bulk writes refuse rows whose record is signed."""

    def _of_signed(self):
        return self.filter(**{f"{self.model.signed_parent}__signed_at__isnull": False})

    def update(self, **kwargs):
        if set(kwargs) - self.model.writable_after_signing and self._of_signed().exists():
            raise RecordLocked(str(self.model.part_messages.locked))
        return super().update(**kwargs)

    def delete(self):
        if self._of_signed().exists():
            raise RecordLocked(str(self.model.part_messages.undeletable))
        return super().delete()


@dataclasses.dataclass(frozen=True)
class PartMessages:
    """What a part of a signed record says when it refuses."""

    locked: str = _("This belongs to a signed record and cannot be changed.")
    undeletable: str = _("This belongs to a signed record and cannot be deleted.")


class SignedPart(models.Model):
    """Abstract: a row that belongs to a signed record and is locked with it (what the signature covers).

    ``signed_parent`` is the lookup from this row to its ``SignedRecord`` ("drill", "after_action__drill").
    Once that record is signed, the row refuses deletion and any change but of ``writable_after_signing``
    (field names and attnames), in ``save()``, ``delete()`` and its ``SignedPartQuerySet``; in PostgreSQL
    the trigger ``signed_part_guard`` installs. Rows may still be added to a signed record (follow-up work
    found later, a report written after signing): they are locked from the moment they exist.
    """

    signed_parent: str = ""
    writable_after_signing: frozenset[str] = frozenset()
    part_messages: PartMessages = PartMessages()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding and self._parent_signed_in_database():
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                changed = set(update_fields) - self.writable_after_signing
            else:  # a full save: only what differs from the database counts
                stored = type(self)._default_manager.filter(pk=self.pk).values().get()
                changed = {f.attname for f in self._meta.concrete_fields
                           if f.attname not in self.writable_after_signing
                           and f.name not in self.writable_after_signing
                           and f.get_prep_value(getattr(self, f.attname)) != f.get_prep_value(stored[f.attname])}
            if changed:
                raise RecordLocked(str(self.part_messages.locked))
        elif self.pk and not self._state.adding and self._moved_into_a_signed_record():
            raise RecordLocked(str(self.part_messages.locked))
        super().save(*args, **kwargs)

    def _moved_into_a_signed_record(self) -> bool:
        """An existing row given to another record that is signed (its rows were fixed at signing)."""
        step, _sep, rest = self.signed_parent.partition("__")
        link = self._meta.get_field(step)
        new = getattr(self, link.attname)
        old = type(self)._default_manager.filter(pk=self.pk).values_list(link.attname, flat=True).first()
        if new is None or new == old:
            return False
        signed = f"{rest}__signed_at__isnull" if rest else "signed_at__isnull"
        return link.related_model._default_manager.filter(pk=new, **{signed: False}).exists()

    def delete(self, *args, **kwargs):
        if self.pk and self._parent_signed_in_database():
            raise RecordLocked(str(self.part_messages.undeletable))
        return super().delete(*args, **kwargs)

    def _parent_signed_in_database(self) -> bool:
        return type(self)._default_manager.filter(
            pk=self.pk, **{f"{self.signed_parent}__signed_at__isnull": False}).exists()

    @property
    def is_locked(self) -> bool:
        """Whether the record this row belongs to is signed (its locked fields stay as they are)."""
        record = self
        for step in self.signed_parent.split("__"):
            record = getattr(record, step)
        return record.is_locked


# --------------------------------------------------------------------------------------------
# Workflows: save and audit in one transaction (the generic views call these)
# --------------------------------------------------------------------------------------------


def sign_record(obj: SignedRecord, *, by, request=None) -> None:
    """Sign ``obj`` (locks it) and audit it; ValidationError with the problems if it cannot be signed."""
    with transaction.atomic():
        obj.sign_off(by=by)
        audit.record(
            AuditEvent.Action.UPDATE,
            actor=by,
            obj=obj,
            fields=["signed_at", "signed_by"],
            note="sign off",
            request=request,
        )


def countersign_record(obj: SignedRecord, *, by, note: str = "", request=None) -> None:
    """Countersign ``obj`` with an optional note and audit it; ValidationError if it cannot be."""
    with transaction.atomic():
        obj.countersign(by=by, note=note)
        audit.record(
            AuditEvent.Action.UPDATE,
            actor=by,
            obj=obj,
            fields=["countersigned_at", "countersigned_by", "countersign_note"],
            note="countersign",
            request=request,
        )


def save_correction(*, form, by, request=None):
    """Save a correction form (built on ``original.correction_draft()``) as the entry replacing it; audited.

    Only a signed entry is corrected (an unsigned one is edited), and only the latest entry of a chain: the
    one-to-one ``corrects`` refuses a second correction of the same entry even when two people race.
    """
    correction = form.instance
    model = type(correction)
    words = model.signed_messages
    original = model._default_manager.select_related("corrected_by").get(pk=correction.corrects_id)
    if not original.is_locked:
        raise ValidationError(str(words.correct_unsigned))
    if original.is_superseded:
        raise ValidationError(str(words.correct_superseded))
    try:
        with transaction.atomic():
            correction = form.save()
            audit.record(
                AuditEvent.Action.CREATE,
                actor=by,
                obj=correction,
                fields=[*form.changed_data, "corrects"],
                note=f"corrects {model._meta.model_name} {original.pk}",
                request=request,
            )
    except IntegrityError:
        raise ValidationError(str(words.correct_race)) from None
    return correction


# --------------------------------------------------------------------------------------------
# The PostgreSQL guard (for the app's migration)
# --------------------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def signed_record_guard_sql(
    table: str,
    *,
    m2m: Sequence[tuple[str, str]] = (),
    countersign_columns: Sequence[str] = ("countersigned_at", "countersigned_by_id", "countersign_note"),
    pk: str = "id",
    noun: str = "record",
) -> tuple[str, str]:
    """The SQL (create, drop) of the triggers ``signed_record_guard`` installs: see there."""
    table, pk = _identifier(table), _identifier(pk)
    if not re.fullmatch(r"[a-z ]+", noun):
        raise ValueError(f"not a plain noun: {noun!r}")
    minus = " - ".join(f"'{_identifier(c)}'" for c in countersign_columns)
    minus = f" - {minus}" if minus else ""
    # The countersignature is written once: nothing at all changes once countersigned_at is set.
    once = f"""
    IF OLD.countersigned_at IS NOT NULL AND to_jsonb(NEW) IS DISTINCT FROM to_jsonb(OLD) THEN
        RAISE EXCEPTION '{table} %: a countersigned {noun} cannot be changed', OLD.{pk};
    END IF;""" if "countersigned_at" in countersign_columns else ""
    create = [
        f"""
CREATE OR REPLACE FUNCTION {table}_signed_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.signed_at IS NULL THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{table} %: a signed {noun} cannot be deleted', OLD.{pk};
    END IF;
    IF (to_jsonb(NEW){minus})
       IS DISTINCT FROM (to_jsonb(OLD){minus}) THEN
        RAISE EXCEPTION '{table} %: a signed {noun} cannot be changed', OLD.{pk};
    END IF;{once}
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_signed_guard ON {table};
CREATE TRIGGER {table}_signed_guard BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_signed_guard();
"""
    ]
    drop = []
    for through, column in m2m:
        through, column = _identifier(through), _identifier(column)
        what = through.removeprefix(f"{table}_").replace("_", " ")
        create.append(f"""
CREATE OR REPLACE FUNCTION {through}_signed_guard() RETURNS trigger AS $$
DECLARE
    row_id bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.{column} ELSE NEW.{column} END;
BEGIN
    IF EXISTS (SELECT 1 FROM {table} WHERE {pk} = row_id AND signed_at IS NOT NULL) THEN
        RAISE EXCEPTION '{table} %: the {what} of a signed {noun} cannot be changed', row_id;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {through}_signed_guard ON {through};
CREATE TRIGGER {through}_signed_guard BEFORE INSERT OR UPDATE OR DELETE ON {through}
    FOR EACH ROW EXECUTE FUNCTION {through}_signed_guard();
""")  # noqa: S608 (identifiers pass _identifier(); nothing here comes from a request)
        drop.append(f"""
DROP TRIGGER IF EXISTS {through}_signed_guard ON {through};
DROP FUNCTION IF EXISTS {through}_signed_guard();
""")
    drop.append(f"""
DROP TRIGGER IF EXISTS {table}_signed_guard ON {table};
DROP FUNCTION IF EXISTS {table}_signed_guard();
""")
    return "".join(create), "".join(drop)


def signed_record_guard(
    table: str,
    *,
    m2m: Sequence[tuple[str, str]] = (),
    countersign_columns: Sequence[str] = ("countersigned_at", "countersigned_by_id", "countersign_note"),
    pk: str = "id",
    noun: str = "record",
) -> migrations.RunPython:
    """A migration operation that locks signed rows of ``table`` in PostgreSQL (a no-op on SQLite).

    Once ``signed_at`` is set: no UPDATE except of ``countersign_columns`` while ``countersigned_at`` is
    NULL (the countersignature is written once), no DELETE, and no INSERT, UPDATE
    or DELETE in the many-to-many tables ``m2m`` (``(through_table, column naming the row)`` pairs). The
    triggers and functions are named ``<table>_signed_guard``; ``noun`` is the record in their error
    messages. TRUNCATE (the test runner's flush) stays possible. The model refuses first; this catches raw
    SQL and anything else that goes around it.
    """
    create, drop = signed_record_guard_sql(
        table, m2m=m2m, countersign_columns=countersign_columns, pk=pk, noun=noun
    )

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards)


def signed_part_guard_sql(
    table: str,
    *,
    parent: Sequence[tuple[str, str]],
    writable_columns: Sequence[str] = (),
    pk: str = "id",
    noun: str = "part of a signed record",
) -> tuple[str, str]:
    """The SQL (create, drop) of the trigger ``signed_part_guard`` installs: see there."""
    table, pk = _identifier(table), _identifier(pk)
    if not parent:
        raise ValueError("parent names at least one (table, column) step")
    if not re.fullmatch(r"[a-z ]+", noun):
        raise ValueError(f"not a plain noun: {noun!r}")

    def signed_parent(row: str) -> str:
        # The chain of steps from this row to the signed record: p0 is reached by row.<column of step 0>, ...
        (first, first_column), *rest = [(_identifier(t), _identifier(c)) for t, c in parent]
        sql = f"SELECT 1 FROM {first} p0"  # noqa: S608 (identifiers pass _identifier())
        for i, (step, column) in enumerate(rest, start=1):
            sql += f" JOIN {step} p{i} ON p{i}.id = p{i - 1}.{column}"
        return f"EXISTS ({sql} WHERE p0.id = {row}.{first_column} AND p{len(rest)}.signed_at IS NOT NULL)"

    minus = "".join(f" - '{_identifier(c)}'" for c in writable_columns)
    link = _identifier(parent[0][1])
    create = f"""
CREATE OR REPLACE FUNCTION {table}_signed_guard() RETURNS trigger AS $$
BEGIN
    IF NOT {signed_parent("OLD")} THEN
        IF TG_OP = 'UPDATE' AND NEW.{link} IS DISTINCT FROM OLD.{link} AND {signed_parent("NEW")} THEN
            RAISE EXCEPTION '{table} %: a {noun} cannot be moved to a signed record', OLD.{pk};
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{table} %: a {noun} cannot be deleted once signed', OLD.{pk};
    END IF;
    IF (to_jsonb(NEW){minus}) IS DISTINCT FROM (to_jsonb(OLD){minus}) THEN
        RAISE EXCEPTION '{table} %: a {noun} cannot be changed once signed', OLD.{pk};
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_signed_guard ON {table};
CREATE TRIGGER {table}_signed_guard BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_signed_guard();
"""  # noqa: S608 (identifiers pass _identifier(); nothing here comes from a request)
    drop = f"""
DROP TRIGGER IF EXISTS {table}_signed_guard ON {table};
DROP FUNCTION IF EXISTS {table}_signed_guard();
"""
    return create, drop


def signed_part_guard(
    table: str,
    *,
    parent: Sequence[tuple[str, str]],
    writable_columns: Sequence[str] = (),
    pk: str = "id",
    noun: str = "part of a signed record",
) -> migrations.RunPython:
    """A migration operation that locks the rows of ``table`` whose signed record is signed (PostgreSQL only).

    ``parent`` is the chain of ``(table, column)`` steps from a row to its signed record, each column on the
    previous row: ``[("drills_drill", "drill_id")]`` for a report, ``[("drills_afteractionreport",
    "after_action_id"), ("drills_drill", "drill_id")]`` for its items. Once that record is signed: no DELETE
    and no UPDATE except of ``writable_columns``; no row of another record moves to it. INSERT stays open
    (``SignedPart``). The trigger and its function are named ``<table>_signed_guard``.
    """
    create, drop = signed_part_guard_sql(table, parent=parent, writable_columns=writable_columns, pk=pk, noun=noun)

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return migrations.RunPython(forwards, backwards)


# --------------------------------------------------------------------------------------------
# Pages: sign, countersign, correct (one template: portal/signed_action.html)
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ActionWords:
    """The words of one page. ``heading`` and ``done`` may use ``%(record)s`` and the keys ``describe`` gives."""

    title: str
    crumb: str
    heading: str
    intro: str
    submit: str
    done: str
    cannot: str = _("This record cannot be signed yet:")  # leads the list of problems
    back: str = _("Back to the record")
    submit_style: str = "success"  # the button's Bootstrap colour


SIGN_WORDS = ActionWords(
    title=_("Sign off"),
    crumb=_("Sign off"),
    heading=_("Sign off: %(record)s"),
    intro=_(
        "Signing says this record is true and complete. It is then locked: nobody can change or delete it, "
        "and a mistake is fixed by recording a correction."
    ),
    submit=_("Sign and lock"),
    done=_("Signed. The record is locked; a mistake is fixed by recording a correction."),
)
COUNTERSIGN_WORDS = ActionWords(
    title=_("Countersign"),
    crumb=_("Countersign"),
    heading=_("Countersign: %(record)s"),
    intro=_("Your countersignature says you have read the signed record. It is added once and cannot be changed."),
    submit=_("Countersign"),
    done=_("Countersigned."),
    cannot=_("This record cannot be countersigned:"),
)
CORRECT_WORDS = ActionWords(
    title=_("Record a correction"),
    crumb=_("Correction"),
    heading=_("Record a correction"),
    intro=_(
        "The signed entry stays as it was, marked as superseded; this new entry replaces it and is the one that "
        "counts. It needs its own sign-off."
    ),
    submit=_("Save the correction"),
    done=_("Correction recorded. It replaces the earlier entry; sign it off."),
    submit_style="primary",
)


def describe_record(obj) -> dict:
    """The default words about a record: ``record`` (also the breadcrumb's label) is ``str(obj)``."""
    return {"record": str(obj)}


@dataclasses.dataclass(frozen=True)
class SignedPages:
    """Where a signed model's pages live and what they say: one per model, passed to the generic views."""

    model: type
    list_url: str  # URL names: the list, a record's page, a record's edit page (an unsigned entry is edited)
    list_label: str
    detail_url: str
    update_url: str = ""
    describe: Callable[[models.Model], Mapping[str, object]] = describe_record
    sign: ActionWords = SIGN_WORDS
    countersign: ActionWords = COUNTERSIGN_WORDS
    correct: ActionWords = CORRECT_WORDS

    def detail_url_for(self, obj) -> str:
        return reverse(self.detail_url, args=[obj.pk])


@dataclasses.dataclass(frozen=True)
class Notice:
    """A note shown above the action's button, with an optional link."""

    text: str
    link_url: str = ""
    link_text: str = ""


class CountersignForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you observed, if anything to add. Never student names."),
    )


def refuse_if_locked(request, obj: SignedRecord) -> None:
    """403 (audited) for a page that would change a signed or superseded record."""
    if obj.is_locked:
        refuse(request, obj, "locked", obj.signed_messages.locked_page)
    if obj.is_superseded:
        refuse(request, obj, "superseded", obj.signed_messages.superseded_page)


def _load(request, pages: SignedPages, pk, action: str):
    obj = get_scoped_or_404(request, pages.model, pk)
    require_action(request, obj, action)
    return obj


def _render(request, pages: SignedPages, obj, words: ActionWords, *, status: int, problems=(), form=None,
            notices=()) -> HttpResponse:
    names = pages.describe(obj)
    context = {
        "object": obj,
        "words": words,
        "heading": words.heading % names,
        "record_label": names["record"],
        "list_url": reverse(pages.list_url),
        "list_label": pages.list_label,
        "detail_url": pages.detail_url_for(obj),
        "problems": problems,
        "form": form,
        "notices": notices,
    }
    return render(request, "portal/signed_action.html", context, status=status)


@login_required
def sign_view(request, pk, *, pages: SignedPages, notices: Callable[[models.Model], Sequence[Notice]] | None = None,
              sign: Callable[..., None] = sign_record) -> HttpResponse:
    """GET: what signing means and what still stops it; POST: sign (locks the record), then its page."""
    obj = _load(request, pages, pk, "sign")
    problems = obj.sign_off_problems()
    if request.method == "POST" and not problems:
        try:
            sign(obj, by=request.user, request=request)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, pages.sign.done % pages.describe(obj))
            return HttpResponseRedirect(pages.detail_url_for(obj))
    return _render(request, pages, obj, pages.sign, problems=problems,
                   notices=notices(obj) if notices and not problems else (),
                   status=400 if request.method == "POST" else 200)


@login_required
def countersign_view(request, pk, *, pages: SignedPages, form_class: type[forms.Form] = CountersignForm,
                     countersign: Callable[..., None] = countersign_record) -> HttpResponse:
    """GET: the countersignature form (or what stops it); POST: countersign with the note, then the page."""
    obj = _load(request, pages, pk, "countersign")
    problems = obj.countersign_problems()
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not problems and form.is_valid():
        try:
            countersign(obj, by=request.user, note=form.cleaned_data["note"], request=request)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, pages.countersign.done % pages.describe(obj))
            return HttpResponseRedirect(pages.detail_url_for(obj))
    return _render(request, pages, obj, pages.countersign, problems=problems, form=form,
                   status=400 if request.method == "POST" else 200)


@login_required
def correct_view(request, pk, *, pages: SignedPages, form_class: type[forms.ModelForm],
                 save: Callable[..., models.Model] = save_correction) -> HttpResponse:
    """A correction of a signed entry: a new entry (``form_class``, a ``ScopedModelForm``) naming it.

    An unsigned entry is sent to its edit page; a superseded one is refused (correct the latest entry).
    """
    original = _load(request, pages, pk, "add")
    if not original.is_locked:
        messages.info(request, str(original.signed_messages.edit_unsigned))
        url = reverse(pages.update_url, args=[original.pk]) if pages.update_url else pages.detail_url_for(original)
        return HttpResponseRedirect(url)
    if original.is_superseded:
        refuse(request, original, "superseded", original.signed_messages.corrected_page)
    initial = {name: list(getattr(original, name).all()) for name in original.correction_copy_m2m}
    form = form_class(
        request.POST if request.method == "POST" else None,
        instance=original.correction_draft(),
        user=request.user,
        initial=initial,
        scope_action="add",
    )
    if request.method == "POST" and form.is_valid():
        try:
            correction = save(form=form, by=request.user, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, pages.correct.done % pages.describe(original))
            return HttpResponseRedirect(pages.detail_url_for(correction))
    return _render(request, pages, original, pages.correct, form=form, status=400 if form.errors else 200)


# --------------------------------------------------------------------------------------------
# System check: a concrete signed model is wired up
# --------------------------------------------------------------------------------------------


def signed_model_errors(model) -> list[checks.CheckMessage]:
    """What is missing for ``model`` (a concrete ``SignedRecord``) to be locked on every path."""
    errors = []
    if not isinstance(model._default_manager.all(), SignedQuerySet):
        errors.append(checks.Error(
            "A SignedRecord's default manager must be a SignedQuerySet (its bulk writes refuse signed rows).",
            obj=model, id="portal.E101"))
    names = {f.name for f in model._meta.get_fields()} | {f.attname for f in model._meta.concrete_fields}
    unknown = sorted(set(model.correction_copy_fields) - names)
    if unknown:
        errors.append(checks.Error(f"correction_copy_fields names unknown fields: {', '.join(unknown)}.",
                                   obj=model, id="portal.E102"))
    return errors


@checks.register(checks.Tags.models)
def check_signed_models(app_configs=None, **kwargs):
    from django.apps import apps

    return [e for model in apps.get_models() if issubclass(model, SignedRecord) for e in signed_model_errors(model)]
