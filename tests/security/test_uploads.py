"""The shared upload gate: size, type by content and extension, metadata stripped, generated names;
and serve_file, the one way a stored file goes back out."""

import io
import re
import zipfile

import pikepdf
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from PIL import Image

from portal import uploads
from schools.models import AuditEvent, Building

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
GPS_IFD = 0x8825


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (42.0, 16.0, 49.0), 3: "W", 4: (83.0, 44.0, 35.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at Pioneer High")
    return out.getvalue()


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _pdf(extra=b"") -> bytes:
    """A hand-written PDF, every object in plain text (``extra`` goes into the catalog)."""
    return (b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R" + extra + b">> endobj\n"
            b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
            b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]>> endobj\n"
            b"trailer <</Root 1 0 R>>\n%%EOF\n")


def _built_pdf(build=None) -> bytes:
    """A PDF built with pikepdf and saved with compressed object streams: no dictionary is plain text in it,
    so a scan of the raw bytes sees nothing of what ``build(pdf)`` adds."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if build is not None:
        build(pdf)
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return out.getvalue()


def _action(pdf, kind, **entries):
    return pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name(f"/{kind}"), **entries))


def _open_action(kind, **entries):
    def build(pdf):
        pdf.Root.OpenAction = _action(pdf, kind, **entries)
    return build


def _page_aa(pdf):
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=_action(pdf, "JavaScript", JS=pikepdf.String("app.alert(2)")))


def _link_to(kind, **entries):
    def build(pdf):
        link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                  Rect=[0, 0, 100, 100], A=_action(pdf, kind, **entries))
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    return build


def _javascript_name_tree(pdf):
    script = _action(pdf, "JavaScript", JS=pdf.make_stream(b"app.alert(3)"))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("x"), script]))


def _embedded_file(pdf):
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ...", mime_type="application/octet-stream")


def test_a_photos_gps_tag_and_all_other_metadata_are_gone_after_upload():
    original = _jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the fixture really has GPS

    cleaned = uploads.clean_upload(_upload("IMG_0042.JPG", original, "image/jpeg"))
    data = cleaned.read()
    image = Image.open(io.BytesIO(data))

    assert image.format == "JPEG"
    assert image.size == (64, 48)
    assert not image.getexif().get_ifd(GPS_IFD)
    assert len(image.getexif()) == 0
    assert "exif" not in image.info and "comment" not in image.info
    assert b"PhoneMaker" not in data and b"Pioneer" not in data


def test_stored_names_are_generated_and_the_persons_name_is_kept_for_display():
    cleaned = uploads.clean_upload(_upload("../../etc/Evacuation map.PNG", _png_bytes(), "image/png"))
    assert cleaned.name.endswith(".png")
    assert len(cleaned.name) == 36  # 32 hex digits + ".png"
    assert cleaned.original_name == "Evacuation map.PNG"


def _png_bytes():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("drawing.png", SVG),
        ("drawing.svg", SVG),
        ("notice.pdf", HTML),
        ("notice.html", HTML),
        ("notice.txt", HTML),
        ("map.jpg", _pdf()),
        ("report.docx", b"PK\x03\x04 not really a zip"),
        ("script.exe", b"MZ\x90\x00"),
    ],
)
def test_a_file_whose_content_does_not_match_an_allowed_type_is_refused(name, content):
    with pytest.raises(ValidationError):
        uploads.clean_upload(_upload(name, content))


def test_an_svg_renamed_png_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(_upload("harmless.png", SVG, "image/png"))
    assert "SVG" in refused.value.messages[0]


def test_an_html_file_renamed_pdf_is_refused():
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(_upload("policy.pdf", HTML, "application/pdf"))
    assert refused.value.code == "markup"


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_an_oversize_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(_upload("notes.txt", b"a" * 1025, "text/plain"))
    assert refused.value.code == "too_large"


def test_a_pdf_with_javascript_is_refused():
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(
            _upload("form.pdf", _pdf(b" /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"))
        )
    assert refused.value.code == "pdf_active"


@pytest.mark.parametrize("build", [
    _open_action("JavaScript", JS=pikepdf.String("app.alert(1)")),
    _open_action("Launch", F=pikepdf.String("cmd.exe")),
    _page_aa,
    _link_to("URI", URI=pikepdf.String("https://phish.example/")),
    _link_to("SubmitForm", F=pikepdf.String("https://collect.example/")),
    _link_to("Launch", F=pikepdf.String("calc.exe")),
    _javascript_name_tree,
    _embedded_file,
], ids=["openaction-js", "openaction-launch", "page-aa", "uri", "submitform", "launch-link", "names-js",
        "embedded-file"])
def test_active_content_inside_compressed_object_streams_is_refused(build):
    data = _built_pdf(build)
    if build is not _embedded_file:  # (an attachment is a stream of its own: its type is plain text)
        assert not re.search(rb"/(JavaScript|JS|Launch|URI|SubmitForm|AA|OpenAction)\b", data)  # hidden from a scan
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(_upload("form.pdf", data))
    assert refused.value.code == "pdf_active"


def test_a_pdf_pikepdf_cannot_open_is_refused_with_a_clear_message():
    for data in (b"%PDF-1.7\nnot really a pdf at all\n%%EOF\n", _built_pdf()[:200]):
        with pytest.raises(ValidationError) as refused:
            uploads.clean_upload(_upload("broken.pdf", data))
        assert refused.value.code == "pdf_unreadable"
        assert "could not be read" in refused.value.messages[0]


def test_a_clean_pdf_built_with_object_streams_passes():
    data = _built_pdf(lambda pdf: setattr(pdf.docinfo, "Title", "Evacuation plan"))
    assert uploads.clean_upload(_upload("plan.pdf", data)).read() == data


def test_markup_late_in_a_text_file_is_refused():
    data = b"room,count\n" + b"101,20\n" * 2000 + b'<script src="https://evil.example/x.js"></script>\n'
    assert len(data) > 8192
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(_upload("counts.csv", data))
    assert refused.value.code == "markup"


def test_plain_documents_pass_unchanged():
    for name, content in [
        ("plan.pdf", _pdf()),
        ("built.pdf", _built_pdf()),
        ("roster.csv", b"name,room\nA,101\n"),
        ("notes.txt", "Caf\u00e9 notes\n".encode()),
        ("plan.docx", _docx()),
    ]:
        cleaned = uploads.clean_upload(_upload(name, content))
        assert cleaned.read() == content
        assert cleaned.name.endswith("." + name.rsplit(".", 1)[1])


def test_a_document_with_macros_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(_upload("plan.docx", out.getvalue()))
    assert refused.value.code == "macros"


def test_an_image_too_large_in_pixels_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 99)
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(_upload("big.png", _png_bytes()))  # 10 x 10 pixels
    assert refused.value.code == "too_many_pixels"


def test_the_form_field_cleans_and_limits_kinds():
    class PhotoForm(forms.Form):
        photo = uploads.SafeFileField(kinds=uploads.IMAGES)

    ok = PhotoForm(files={"photo": _upload("door.jpg", _jpeg_with_gps(), "image/jpeg")})
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["photo"].name.endswith(".jpg")
    pdf = PhotoForm(files={"photo": _upload("door.pdf", _pdf())})
    assert not pdf.is_valid()
    assert "Allowed: gif, jpeg, jpg, png, webp" in pdf.errors["photo"][0]


def test_the_model_field_validator_refuses_a_bad_file_assigned_directly():
    with pytest.raises(ValidationError):
        uploads.validate_upload(_upload("x.png", SVG))


def test_the_download_header_names_the_file_safely():
    header = uploads.content_disposition('Plan "Süd"\r\n.pdf')
    assert header.startswith('attachment; filename="Plan _Sud_.pdf"; ')
    assert "filename*=UTF-8''Plan%20%22S%C3%BCd%22.pdf" in header
    assert "\r" not in header and "\n" not in header


@pytest.mark.django_db
def test_serve_file_streams_to_a_person_in_scope_with_safe_headers_and_an_audit_row(
    tmp_path, settings, school_a_admin, world
):
    settings.MEDIA_ROOT = tmp_path
    building = Building.objects.get(school=world.school_a)
    from django.core.files.storage import default_storage

    stored = default_storage.save("followups/2026/abc.pdf", io.BytesIO(_pdf()))
    fieldfile = _fieldfile(stored)
    request = RequestFactory().get("/download/")
    request.user = school_a_admin

    response = uploads.serve_file(request, fieldfile, "Evacuation plan.html", building)

    assert b"".join(response.streaming_content) == _pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="Evacuation plan.html.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, object_id=str(building.pk)).exists()


@pytest.mark.django_db
def test_serve_file_is_a_404_for_a_record_outside_the_persons_scope(
    tmp_path, settings, school_a_admin, world
):
    from django.http import Http404

    settings.MEDIA_ROOT = tmp_path
    other = Building.objects.get(school=world.school_b)
    request = RequestFactory().get("/download/")
    request.user = school_a_admin
    with pytest.raises(Http404):
        uploads.serve_file(request, _fieldfile("x.pdf"), "x.pdf", other)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def _fieldfile(name):
    from django.db.models.fields.files import FieldFile

    field = uploads.SafeUploadField(prefix="tests")
    field.name = "evidence"
    return FieldFile(None, field, name)
