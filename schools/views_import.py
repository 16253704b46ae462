"""The district admin's NCES import page: upload the directory export, get the report.

The import goes into the admin's own district only (other districts' rows in the file are skipped and
counted); permission is the matrix entry ``schools.school`` / ``add``.

All or nothing: when rows are malformed, nothing is imported and the page lists them (file, line, column,
problem). The form then offers a checkbox, "Import the other rows and skip the N listed"; ticking it and
choosing the same files again imports the others. The offer is a signed token naming a digest of those files
and district and the rows listed, so the skip applies to exactly the rows the person saw.
"""

import hashlib
import logging

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.validators import RegexValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext

from portal import permissions, uploads
from portal.crud import require_any
from portal.scope import active_memberships_for
from schools import nces
from schools.models import District, School
from schools.services import NCESImportError, nces_import

logger = logging.getLogger(__name__)

# Errors shown on the page; the rest are counted (a whole state's file can have many).
MAX_ERRORS_SHOWN = 200

SKIP_SALT = "schools.nces-import.skip-bad-rows"
SKIP_MAX_AGE = 24 * 3600


def files_digest(district, nces_id, *uploads) -> str:
    """SHA-256 of the district, its NCES id and the uploaded files' bytes (uploads are rewound)."""
    digest = hashlib.sha256(f"{district.pk}:{nces_id}".encode())
    for upload in uploads:
        digest.update(b"\x00file\x00")
        if upload:
            upload.seek(0)
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def skip_offer(district, nces_id, uploads, report) -> str:
    """The signed token behind the "skip the N listed" checkbox."""
    return signing.dumps({"files": files_digest(district, nces_id, *uploads),
                          "rows": [list(row) for row in report.bad_rows]}, salt=SKIP_SALT, compress=True)


def read_offer(token: str) -> dict | None:
    try:
        offer = signing.loads(token or "", salt=SKIP_SALT, max_age=SKIP_MAX_AGE)
    except signing.BadSignature:
        return None
    rows = offer.get("rows") if isinstance(offer, dict) else None
    if not isinstance(rows, list) or not isinstance(offer.get("files"), str):
        return None
    try:
        offer["rows"] = [(str(source), int(line)) for source, line in rows]
    except (TypeError, ValueError):
        return None
    return offer


def import_districts_for(user) -> list[District]:
    """Districts into which the person may import schools (their district-wide memberships allowing it)."""
    roles = permissions.roles_for("schools.school", "add")
    districts = {m.district_id: m.district for m in active_memberships_for(user)
                 if m.role in roles and m.district_id}
    return sorted(districts.values(), key=lambda d: d.name)


class NCESImportForm(forms.Form):
    district = forms.ModelChoiceField(queryset=District.objects.none(), label=_l("District"))
    nces_district_id = forms.CharField(
        label=_l("NCES district id"), max_length=7,
        validators=[RegexValidator(r"^\d{7}$", _l("An NCES district id has 7 digits, e.g. 2602820."))],
        help_text=_l("Your district's 7-digit NCES id (LEA id). Only its schools are imported from the "
                     "file."),
    )
    schools_file = forms.FileField(
        label=_l("School directory export (CSV)"),
        help_text=_l("From the NCES Common Core of Data table generator (ELSI): public schools, CSV."),
    )
    districts_file = forms.FileField(
        label=_l("District directory export (CSV)"), required=False,
        help_text=_l("Optional: updates your district's name, address and phone from NCES."),
    )
    # Offered after an attempt stopped by malformed rows (see ``offer_skip``); the token says which.
    skip_offer = forms.CharField(widget=forms.HiddenInput(), required=False)
    skip_bad_rows = forms.BooleanField(required=False)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        offer = read_offer(self.data.get("skip_offer") if self.is_bound else self.initial.get("skip_offer"))
        if offer and offer["rows"]:
            count = len(offer["rows"])
            self.fields["skip_bad_rows"].label = ngettext(
                "Import the other rows and skip the %(count)d listed",
                "Import the other rows and skip the %(count)d listed", count) % {"count": count}
            self.fields["skip_bad_rows"].help_text = _l(
                "Choose the same file again: only the rows listed above are skipped, and nothing is "
                "imported if the file's malformed rows are not those.")
            if not self.is_bound:  # the table of the rows listed is on the page with the offer
                self.fields["skip_bad_rows"].widget.attrs["aria-describedby"] = (
                    "bad-rows-caption id_skip_bad_rows_helptext")
        else:
            del self.fields["skip_bad_rows"]
        self.fields["district"].queryset = District.objects.filter(pk__in=[d.pk for d in districts])
        if len(districts) == 1:
            self.fields["district"].initial = districts[0]
            self.fields["district"].widget = forms.HiddenInput()
            self.fields["district"].disabled = True
            self._set_id_field(districts[0])
        for name in ("schools_file", "districts_file"):
            self.fields[name].widget.attrs["accept"] = ".csv,text/csv"

    def _set_id_field(self, district):
        # The NCES id can be entered once; after that it is the district's and shown read-only.
        if district.nces_lea_id:
            self.fields["nces_district_id"].initial = district.nces_lea_id
            self.fields["nces_district_id"].disabled = True
            self.fields["nces_district_id"].help_text = _l(
                "Only this district's schools are imported from the file.")

    def _clean_csv(self, name, kind):
        upload = self.cleaned_data.get(name)
        if not upload:
            return upload
        # The portal's one upload gate: size limit, .csv name, plain-text content (no markup, no binary).
        uploads.check_upload(upload, kinds={"csv"})
        try:
            problem = nces.header_problem(nces.read_text(upload), kind)
        except nces.NCESFormatError as exc:
            problem = str(exc)
        if problem:
            raise forms.ValidationError(problem)
        upload.seek(0)
        return upload

    def clean_schools_file(self):
        return self._clean_csv("schools_file", "schools")

    def clean_districts_file(self):
        return self._clean_csv("districts_file", "districts")

    def clean(self):
        cleaned = super().clean()
        district, nces_id = cleaned.get("district"), cleaned.get("nces_district_id")
        if district is not None and district.nces_lea_id and not self.fields["nces_district_id"].disabled:
            nces_id = cleaned["nces_district_id"] = district.nces_lea_id  # the stored id wins
        if district is None or not nces_id:
            return cleaned
        if cleaned.get("skip_bad_rows"):
            offer = read_offer(cleaned.get("skip_offer"))
            uploads = (cleaned.get("schools_file"), cleaned.get("districts_file"))
            if offer is None or offer["files"] != files_digest(district, nces_id, *uploads):
                self.add_error("skip_bad_rows", _(
                    "These are not the files whose rows were listed. Choose the same files again, or "
                    "untick the box to have these files checked."))
            else:
                cleaned["expected_bad_rows"] = offer["rows"]
        if District.objects.filter(nces_lea_id=nces_id).exclude(pk=district.pk).exists():
            self.add_error("nces_district_id", _("Another district in the portal has this NCES id."))
            return cleaned
        upload = cleaned.get("schools_file")
        if upload:
            parsed = nces.parse_schools(nces.read_text(upload), only={nces_id})
            upload.seek(0)
            if not parsed.rows and not parsed.errors:
                message = _("The file has no schools of NCES district %(id)s. Export your district's "
                            "schools (or your state's) and try again.") % {"id": nces_id}
                self.add_error("schools_file", message)
        return cleaned


@login_required
def nces_import_view(request: HttpRequest) -> HttpResponse:
    """Upload form and, after an import, its report (created, updated, closed, errors with line numbers)."""
    require_any(request, School, "add")
    districts = import_districts_for(request.user)
    if not districts:
        # Only district-wide memberships can import; a school-scoped grant in the matrix would not be enough.
        raise PermissionDenied(_("Importing schools is done by a district administrator."))
    form = NCESImportForm(request.POST or None, request.FILES or None, districts=districts)
    report, status, stale_offer = None, 200, False
    if request.method == "POST":
        if form.is_valid():
            district = form.cleaned_data["district"]
            nces_id = form.cleaned_data["nces_district_id"]
            district.nces_lea_id = nces_id
            uploads = (form.cleaned_data["schools_file"], form.cleaned_data.get("districts_file"))
            skip = bool(form.cleaned_data.get("skip_bad_rows"))
            expected = form.cleaned_data.get("expected_bad_rows") if skip else None
            try:
                report = nces_import(schools_file=uploads[0], districts_file=uploads[1], by=request.user,
                                     into_district=district, skip_bad_rows=skip, expected_bad_rows=expected)
            except NCESImportError as exc:
                form.add_error(None, _("Nothing was imported: %(reason)s") % {"reason": exc})
                status = 400
            except Exception:
                logger.exception("NCES import failed for district %s", district.pk)
                form.add_error(None, _("Nothing was imported: something went wrong on our side and was "
                                       "logged. Your schools are as they were; please try again later."))
                status = 500
            else:
                if report.applied:
                    form = NCESImportForm(districts=import_districts_for(request.user))
                else:
                    # Nothing written: the same form, offering to skip exactly the rows listed.
                    status = 400
                    form = NCESImportForm(districts=import_districts_for(request.user), initial={
                        "district": district, "nces_district_id": nces_id,
                        "skip_offer": skip_offer(district, nces_id, uploads, report)})
                    stale_offer = skip
        else:
            status = 400
    return render(request, "schools/nces_import.html", {
        "form": form, "report": report, "errors_shown": report.errors[:MAX_ERRORS_SHOWN] if report else [],
        "errors_hidden": max(0, len(report.errors) - MAX_ERRORS_SHOWN) if report else 0,
        "max_upload": settings.UPLOAD_MAX_BYTES, "stale_offer": stale_offer,
    }, status=status)
