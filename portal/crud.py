"""The one scoped CRUD view every app uses for list, create, detail, update and delete.

An app declares the model, the form fields, the filters and the columns; each role of the view loads
rows through ``Model.objects.for_user(user, <action>)``:

- not visible -> 404 (and an audit row), visible but not allowed -> 403 (and an audit row);
- forms name their fields and narrow every choice with ``for_user``; ``clean()`` checks that
  related rows belong to the record's own school; after save, inside the transaction, the record
  must still be in the person's scope or the save is rolled back;
- delete is opt-in and refused on locked (signed, evidential) records.
"""

import dataclasses

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, InternalError, models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from portal import audit, permissions, scope
from portal.forms import limit_date_fields
from portal.scope import active_memberships_for
from schools.models import AuditEvent, Membership, School, User


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of a list page. A plain field name in ``list_columns`` is a ``Column`` of that field;
    a ``Column`` may give its own ``label`` and a ``template`` that renders the cell from ``object``
    (``templates/portal/_list_table.html`` includes it), e.g. a state shown as badges."""

    name: str
    label: str | None = None
    template: str | None = None


@dataclasses.dataclass(frozen=True)
class Cell:
    column: Column
    value: object = None


@dataclasses.dataclass(frozen=True)
class ListRow:
    object: object
    url: str
    cells: list


ROLE_ACTIONS = {"list": "view", "detail": "view", "create": "add", "update": "change", "delete": "delete"}


def get_scoped_or_404(request, model, pk, action="view"):
    """Load one record the person may ``action``; 404 (audited) when it is not in their scope."""
    try:
        return model.objects.for_user(request.user, action).get(pk=pk)
    except (model.DoesNotExist, ValueError, ValidationError):
        audit.record(AuditEvent.Action.DENIED_NOT_FOUND, request=request, object_type=model._meta.label_lower,
                     object_id=str(pk)[:64])
        raise Http404(_("No such record.")) from None


def refuse(request, obj, note: str, message=None):
    """403 (audited) for a refusal a rule makes, not the matrix: a locked record, one's own account."""
    audit.record(AuditEvent.Action.DENIED_FORBIDDEN, request=request, obj=obj, note=str(note)[:300])
    raise PermissionDenied(message or _("Your role does not allow this."))


def require_action(request, obj, action):
    """403 (audited) when the person can see ``obj`` but may not ``action`` it."""
    if not scope.can(request.user, obj, action):
        audit.record(AuditEvent.Action.DENIED_FORBIDDEN, request=request, obj=obj, note=action)
        raise PermissionDenied(_("Your role does not allow this."))


def require_any(request, model, action):
    """403 (audited) when the person may not ``action`` this kind of record anywhere."""
    if not scope.can_anywhere(request.user, model._meta.label_lower, action):
        audit.record(AuditEvent.Action.DENIED_FORBIDDEN, request=request, object_type=model._meta.label_lower,
                     note=action)
        raise PermissionDenied(_("Your role does not allow this."))


class ScopedModelForm(forms.ModelForm):
    """A ModelForm for a person: every choice narrowed to their scope, related rows kept consistent."""

    def __init__(self, *args, user, scope_action="change", **kwargs):
        # The action whose scope the record must be in after saving ("add" for create, "change" for update).
        # Passed to each instance, never set on the class: two requests may build the same form at once.
        self.user = user
        self.scope_action = scope_action
        super().__init__(*args, **kwargs)
        # Dates within years 1900..2200: date arithmetic on a year-9999 date overflows in every page showing it.
        limit_date_fields(self.fields)
        for name, field in self.fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            related = field.queryset.model
            if related is User:
                # People have no scope_path: offer only those holding a role in the person's districts.
                field.queryset = field.queryset.filter(pk__in=people_of_districts(user))
            elif hasattr(related.objects, "for_user") and getattr(related, "scope_path", None):
                # "view": whether the person may add or change *this* kind of record at a school is
                # asked just below (School's own "add" would mean "may create schools").
                field.queryset = related.objects.for_user(user, "view").filter(
                    pk__in=field.queryset.values("pk"))
            if name == "school":
                # A record may only be put at a school where the person may create or change this kind of record.
                field.queryset = field.queryset.filter(
                    pk__in=School.objects.filter(
                        permissions_school_filter(user, self._meta.model, self.scope_action)).values("pk"))

    def clean(self):
        cleaned = super().clean()
        if "school" in self.fields:
            school = cleaned.get("school")
        else:
            school = self.instance.school if getattr(self.instance, "school_id", None) else None
        if school is None:
            return cleaned
        for name, value in list(cleaned.items()):  # add_error() removes the field from cleaned_data
            if name == "school" or value is None:
                continue
            values = value if isinstance(value, models.QuerySet | list | tuple) else [value]
            for item in values:
                if not isinstance(item, models.Model):
                    continue
                item_school_id = getattr(item, "school_id", None)
                item_district_id = getattr(item, "district_id", None)
                if item_school_id is not None and item_school_id != school.pk:
                    self.add_error(name, _("%(item)s belongs to another school.") % {"item": item})
                elif item_school_id is None and item_district_id is not None and item_district_id != school.district_id:
                    self.add_error(name, _("%(item)s belongs to another district.") % {"item": item})
        return cleaned


def people_of_districts(user):
    """Ids of people holding (or having held) a membership in a district where ``user`` has an active one."""
    districts = {m.home_district.pk for m in active_memberships_for(user)}
    return Membership.objects.filter(Q(district_id__in=districts) | Q(school__district_id__in=districts),
                                     pending=False).values("user_id")


def permissions_school_filter(user, model, action):
    """Q over School for the schools where the person may ``action`` records of ``model``."""
    roles = permissions.roles_for(model._meta.label_lower, action)
    memberships = [m for m in active_memberships_for(user) if m.role in roles]
    return Q(pk__in=[m.school_id for m in memberships if m.school_id]) | Q(
        district_id__in=[m.district_id for m in memberships if m.district_id])


def save_in_scope(request, form, action):
    """Save the form in a transaction; roll back with 403 if the record left the person's scope."""
    model = form._meta.model
    with transaction.atomic():
        obj = form.save()
        if not model.objects.for_user(request.user, action).filter(pk=obj.pk).exists():
            audit.record(AuditEvent.Action.DENIED_FORBIDDEN, request=request, object_type=model._meta.label_lower,
                         object_id=str(obj.pk), note=f"{action}: outside scope after save")
            raise PermissionDenied(_("That change would put the record outside what you may manage."))
        audit.record(AuditEvent.Action.CREATE if action == "add" else AuditEvent.Action.UPDATE,
                     request=request, obj=obj, fields=form.changed_data)
    return obj


def delete_problems(obj) -> list[str]:
    """Why ``obj`` cannot be deleted without altering a record that names it, in words (empty: it can be).

    The record's model may say why itself (a method ``delete_problems() -> list[str]``); every model that
    references ``obj``'s model (a foreign key, a many-to-many) may declare what protects
    the rows it names with a classmethod ``references_problems(field, target) -> list[str]``; a signed
    record (``portal.signed.SignedRecord``) does: a building a signed drill log names is not deleted, where
    the database would otherwise drop the many-to-many row silently (SQLite) or refuse with an error.
    """
    own = getattr(obj, "delete_problems", None)  # what the record itself says (a school year that has begun)
    problems = list(own()) if own is not None else []
    for relation in obj._meta.related_objects:
        hook = getattr(relation.related_model, "references_problems", None)
        if hook is not None:
            problems.extend(hook(relation.field, obj))
    return problems


class ScopedCRUDView(LoginRequiredMixin, View):
    """Base class: subclass with ``model``, ``fields`` (or ``form_class``), ``list_columns``, ``filterset_class``.

    ``get_urls()`` returns the URL patterns named ``<url_base>-list``, ``-create``, ``-detail``,
    ``-update`` and, only if ``allow_delete``, ``-delete``.
    """

    model = None
    fields: list[str] = []
    form_class = None
    filterset_class = None
    # Field names or ``Column``s; the first column links to the record.
    list_columns: list = []
    detail_fields: list[str] | None = None
    url_base = None
    # The list's path segment when "<url_base>s" is not the English plural ("agencies").
    url_plural = None
    # The template folder (default: the model's app); a page served by another app names its own.
    template_dir = None
    allow_delete = False
    # Reads of confidential records are audited.
    audit_reads = False
    paginate_by = 25
    role = None
    # What the list page says: the add button, and the empty state with and without filters.
    add_label = None
    add_first_label = None
    empty_message = None
    no_match_message = None
    ordering = None

    # -- URLs --------------------------------------------------------------------------------
    @classmethod
    def get_url_base(cls):
        return cls.url_base or cls.model._meta.model_name

    @classmethod
    def get_urls(cls):
        base = cls.get_url_base()
        roles = [("list", ""), ("create", "new/"), ("detail", "<int:pk>/"), ("update", "<int:pk>/edit/")]
        if cls.allow_delete:
            roles.append(("delete", "<int:pk>/delete/"))
        plural = cls.url_plural or f"{base}s"
        return [path(f"{plural}/{route}", cls.as_view(role=role), name=f"{base}-{role}") for role, route in roles]

    def url_name(self, role):
        namespace = self.request.resolver_match.namespace
        name = f"{self.get_url_base()}-{role}"
        return f"{namespace}:{name}" if namespace else name

    def url_for(self, role, obj=None):
        return reverse(self.url_name(role), kwargs={"pk": obj.pk} if obj is not None else None)

    def has_url(self, role):
        """Whether this view serves ``role``: a subclass may drop pages from ``get_urls`` (read-only ones)."""
        name = f"{self.get_url_base()}-{role}"
        return any(u.name == name for u in type(self).get_urls())

    # -- dispatch ----------------------------------------------------------------------------
    def dispatch(self, request, *args, **kwargs):
        if self.model is None or self.role not in ROLE_ACTIONS:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model and a role")
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return getattr(self, f"do_{self.role}")(request, *args, **kwargs)

    def get_queryset(self, action="view"):
        qs = self.model.objects.for_user(self.request.user, action)
        return qs.order_by(*self.ordering) if self.ordering else qs

    def get_object(self, pk, action="view"):
        return get_scoped_or_404(self.request, self.model, pk, action)

    def get_form_class(self):
        if self.form_class is not None:
            return self.form_class
        return forms.modelform_factory(self.model, form=ScopedModelForm, fields=self.fields)

    def get_form(self, data=None, files=None, instance=None, action="change"):
        form_class = self.get_form_class()
        return form_class(data=data, files=files, instance=instance, user=self.request.user, scope_action=action)

    def template_names(self, role):
        meta = self.model._meta
        return [f"{self.template_dir or meta.app_label}/{meta.model_name}_{role}.html", f"portal/object_{role}.html"]

    def base_context(self, **extra):
        meta = self.model._meta
        user = self.request.user
        label = meta.label_lower
        ctx = {
            "view": self,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "can_add": self.has_url("create") and scope.can_anywhere(user, label, "add"),
            "list_url": self.url_for("list"),
            "create_url": self.url_for("create") if self.has_url("create") else None,
        }
        ctx.update(extra)
        return ctx

    def render(self, role, status=200, **context):
        return render(self.request, self.template_names(role), self.base_context(**context), status=status)

    # -- roles -------------------------------------------------------------------------------
    def filter_queryset(self, qs):
        selected = getattr(self.request, "selected_school", None)
        if selected is not None and hasattr(self.model, "school"):
            qs = qs.filter(school=selected)
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(self.request.GET, queryset=qs, request=self.request)
            qs = filterset.qs
        return qs, filterset

    def list_related(self):
        """Foreign keys shown as list columns: loaded with the rows, so 30 rows cost what 3 do."""
        names = []
        for name in (c.name for c in self.columns()):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if isinstance(field, models.ForeignKey):
                names.append(name)
        return names

    def do_list(self, request):
        qs = self.get_queryset("view")
        related = self.list_related()
        if related:  # (select_related() with no names would follow every foreign key)
            qs = qs.select_related(*related)
        qs, filterset = self.filter_queryset(qs)
        page = Paginator(qs, self.paginate_by).get_page(request.GET.get("page"))
        columns = self.columns()
        rows = [ListRow(obj, self.url_for("detail", obj),
                        [Cell(c, None if c.template else self.column_value(obj, c.name)) for c in columns])
                for obj in page.object_list]
        return self.render("list", page=page, rows=rows, filterset=filterset,
                           columns=[c.label or self.column_label(c.name) for c in columns],
                           add_label=self.add_label, add_first_label=self.add_first_label,
                           empty_message=self.empty_message,
                           no_match_message=self.no_match_message)

    def columns(self) -> list[Column]:
        return [c if isinstance(c, Column) else Column(c) for c in self.list_columns]

    def do_detail(self, request, pk):
        obj = self.get_object(pk, "view")
        if self.audit_reads:
            audit.record(AuditEvent.Action.VIEW, request=request, obj=obj)
        names = self.detail_fields or [f.name for f in self.model._meta.fields if f.name != "id"]
        rows = [(self.column_label(n), self.column_value(obj, n)) for n in names]
        return self.render("detail", object=obj, rows=rows,
                           can_change=self.has_url("update") and scope.can(request.user, obj, "change")
                           and not self.is_locked(obj),
                           can_delete=self.has_url("delete") and scope.can(request.user, obj, "delete")
                           and not self.is_locked(obj),
                           update_url=self.url_for("update", obj) if self.has_url("update") else None,
                           delete_url=self.url_for("delete", obj) if self.has_url("delete") else None)

    def do_create(self, request):
        require_any(request, self.model, "add")
        return self.form_page(request, instance=self.new_instance(), action="add", shown=None)

    def do_update(self, request, pk):
        obj = self.get_object(pk, "view")
        require_action(request, obj, "change")
        self.refuse_if_locked(obj)
        return self.form_page(request, instance=obj, action="change", shown=obj)

    def form_page(self, request, *, instance, action, shown):
        """The create and edit page: the form, or the save in scope and a redirect to the record."""
        form = self.get_form(request.POST or None, request.FILES or None, instance=instance, action=action)
        if request.method == "POST" and form.is_valid():
            obj = save_in_scope(request, form, action)
            messages.success(request, _("%(name)s saved.") % {"name": obj})
            return HttpResponseRedirect(self.success_url(obj))
        return self.render("form", form=form, object=shown, status=400 if form.errors else 200)

    def do_delete(self, request, pk):
        obj = self.get_object(pk, "view")
        require_action(request, obj, "delete")
        self.refuse_if_locked(obj)
        problems = delete_problems(obj)
        if problems:
            return self.delete_refused(request, obj, pk, problems)
        if request.method == "POST":
            try:
                with transaction.atomic():
                    object_id = str(obj.pk)
                    obj.delete()  # first: a refused delete leaves no "deleted" audit row behind
                    audit.record(AuditEvent.Action.DELETE, request=request, obj=obj, object_id=object_id)
            except (ProtectedError, RestrictedError) as exc:
                by = sorted({str(o._meta.verbose_name_plural) for o in exc.args[1]})
                return self.delete_refused(request, obj, pk, [
                    _("%(object)s is still used by other records (%(by)s) and cannot be deleted.")
                    % {"object": obj, "by": ", ".join(by)}])
            except (IntegrityError, InternalError):  # a database guard (a signed record's trigger) refused
                return self.delete_refused(request, obj, pk, [
                    _("%(object)s is part of or named by a signed record and cannot be deleted.") % {"object": obj}])
            messages.success(request, _("Deleted."))
            return HttpResponseRedirect(self.url_for("list"))
        return self.render("confirm_delete", object=obj)

    def delete_refused(self, request, obj, pk, problems):
        """409 (audited): the record's page with why it cannot be deleted; nothing was deleted."""
        audit.record(AuditEvent.Action.DENIED_FORBIDDEN, request=request, obj=obj, note="delete referenced")
        for problem in problems:
            messages.error(request, problem)
        response = self.do_detail(request, pk)
        response.status_code = 409
        return response

    # -- hooks -------------------------------------------------------------------------------
    def new_instance(self):
        return self.model()

    def success_url(self, obj):
        return self.url_for("detail", obj)

    def is_locked(self, obj):
        return bool(getattr(obj, "is_locked", False))

    def refuse_if_locked(self, obj):
        if self.is_locked(obj):
            audit.record(AuditEvent.Action.DENIED_FORBIDDEN, request=self.request, obj=obj, note="locked")
            raise PermissionDenied(_("This record is signed and locked; record a correction instead."))

    def column_label(self, name):
        try:
            return self.model._meta.get_field(name).verbose_name
        except Exception:
            return name.replace("_", " ")

    def column_value(self, obj, name):
        display = getattr(obj, f"get_{name}_display", None)
        if display is not None:
            return display()
        value = getattr(obj, name, "")
        return value() if callable(value) else value
