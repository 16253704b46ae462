"""The one upload gate of the portal, and the one way to hand a stored file back.

Every app validates files with this module (``SafeFileField`` in forms, ``SafeUploadField`` on models,
``clean_upload`` in services) and streams them with ``serve_file``:

- size: at most ``settings.UPLOAD_MAX_BYTES`` (10 MB by default);
- type: the extension AND the content must agree: images (jpg, png, gif, webp), PDF, and plain documents
  (txt, csv, docx, xlsx, odt). SVG and HTML are refused under any name (they run scripts in a browser);
  a PDF is parsed (pikepdf, compressed object streams included) and refused with scripts, open or
  additional actions (/OpenAction, /AA), launch, URI, submit-form actions, embedded files or rich media,
  or when it cannot be opened; a plain-text file is checked in full; a macro document is refused too;
- images are decoded and re-encoded from their pixels alone, so no metadata survives (EXIF, GPS,
  XMP, comments, colour profiles);
- stored names are generated (``<uuid>.<ext>``): the name a person chose is never a path on disk;
- downloads go through ``serve_file``: scope check, audit row, ``attachment`` with an RFC 5987 file
  name, ``nosniff`` and a sandboxing CSP, never a public media URL.
"""

import io
import mimetypes
import posixpath
import re
import unicodedata
import uuid
import zipfile
from urllib.parse import quote

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from PIL import Image, ImageOps, UnidentifiedImageError

# extension -> the type its content must have
IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}
PDF_TYPES = {"pdf": "application/pdf"}
ZIP_DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
}
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv"}
ALL_TYPES = {**IMAGE_TYPES, **PDF_TYPES, **ZIP_DOCUMENT_TYPES, **TEXT_TYPES}

# Named sets an app can ask for: SafeFileField(kinds=uploads.IMAGES)
IMAGES = frozenset(IMAGE_TYPES)
DOCUMENTS = frozenset(PDF_TYPES) | frozenset(ZIP_DOCUMENT_TYPES) | frozenset(TEXT_TYPES)
EVERYTHING = frozenset(ALL_TYPES)

# Beyond these an image is refused before decoding (a small file can decode to gigabytes).
MAX_IMAGE_PIXELS = 40_000_000
# A document's unpacked size and entry count (zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5_000

_MARKUP = re.compile(rb"<\s*(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml|meta|a\s)", re.I)
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
_SAVE_FORMAT = {
    "image/jpeg": ("JPEG", "jpg"),
    "image/png": ("PNG", "png"),
    "image/gif": ("GIF", "gif"),
    "image/webp": ("WEBP", "webp"),
}


def _refuse(message, code):
    raise ValidationError(message, code=code)


def extension_of(name: str) -> str:
    return posixpath.splitext((name or "").replace("\\", "/"))[1].lstrip(".").lower()


def _read_all(file) -> bytes:
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def check_upload(file, kinds=EVERYTHING) -> tuple[str, bytes]:
    """Validate without changing anything; returns (extension, content). Raises ValidationError."""
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        _refuse(_("The file is too large: at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, "too_large")
    ext = extension_of(getattr(file, "name", ""))
    allowed = sorted(k for k in kinds if k in ALL_TYPES)
    if ext not in allowed:
        _refuse(
            _("Files of this type cannot be uploaded. Allowed: %(types)s.") % {"types": ", ".join(allowed)},
            "extension",
        )
    data = _read_all(file)
    if len(data) > limit:
        _refuse(_("The file is too large: at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, "too_large")
    if not data:
        _refuse(_("The file is empty."), "empty")
    if data.lstrip(b" \t\r\n\x0c\xef\xbb\xbf")[:1] == b"<":
        # SVG and HTML (and any XML) start with "<": refused whatever the name says.
        _refuse(_("Web pages and SVG drawings cannot be uploaded. Save it as PDF or PNG first."), "markup")
    expected = ALL_TYPES[ext]
    if ext in TEXT_TYPES:
        _check_text(data)
    elif ext in ZIP_DOCUMENT_TYPES:
        _check_zip_document(data, ext)
    else:
        kind = filetype.guess(data)
        if kind is None or kind.mime != expected:
            _refuse(
                _("The file's content is not a .%(ext)s file. Check that you chose the right file.")
                % {"ext": ext},
                "content_mismatch",
            )
        if ext in PDF_TYPES:
            _check_pdf(data)
    return ext, data


# What a PDF may not carry, found by parsing it (pikepdf), so that compressed object streams hide nothing:
# scripts, actions run on opening or on events, actions that leave the document, attachments, rich media.
_PDF_ACTIVE_KEYS = frozenset({"/JavaScript", "/JS", "/OpenAction", "/AA", "/EmbeddedFile", "/EmbeddedFiles",
                              "/EF", "/RichMedia", "/RichMediaContent", "/XFA"})
_PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/URI", "/SubmitForm", "/ImportData", "/GoToR",
                                 "/GoToE", "/RichMediaExecute", "/Rendition", "/Movie", "/Sound"})
_PDF_ACTIVE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"})
MAX_PDF_OBJECTS = 500_000


def _check_pdf(data: bytes) -> None:
    """Refuse a PDF pikepdf cannot open, or one with active content anywhere in its objects."""
    import pikepdf

    active = _(
        "This PDF contains scripts, links that run actions, attachments or interactive content. Print it to "
        "a new PDF and upload that."
    )
    if _PDF_ACTIVE.search(data):  # plain text in the file: refused without parsing
        _refuse(active, "pdf_active")
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            found = _pdf_has_active_content(pdf)
    except pikepdf.PasswordError:
        _refuse(_("This PDF is protected by a password. Save it without the password and upload that."),
                "pdf_unreadable")
    except (pikepdf.PdfError, ValueError, RecursionError, OverflowError):
        _refuse(_("This PDF could not be read: it is damaged or not a PDF. Print it to a new PDF and upload "
                  "that."), "pdf_unreadable")
    if found:
        _refuse(active, "pdf_active")


def _pdf_has_active_content(pdf) -> bool:
    """Whether any object (compressed object streams included: pikepdf reads them all) holds active content.

    Every indirect object is visited once, with the dictionaries and arrays written inside it.
    """
    import pikepdf

    if len(pdf.objects) > MAX_PDF_OBJECTS:
        return True
    for obj in pdf.objects:
        stack = [obj]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Stream):
                item = item.stream_dict
            if isinstance(item, pikepdf.Dictionary):
                keys = set(item.keys())
                if keys & _PDF_ACTIVE_KEYS:
                    return True
                if str(item.get("/S", "")) in _PDF_ACTIVE_ACTIONS:
                    return True
                if str(item.get("/Subtype", "")) in _PDF_ACTIVE_SUBTYPES:
                    return True
                children = [item[key] for key in keys]
            elif isinstance(item, pikepdf.Array):
                children = list(item)
            else:
                continue
            stack.extend(child for child in children
                         if isinstance(child, (pikepdf.Dictionary, pikepdf.Array)) and not child.is_indirect)
    return False


def _check_text(data: bytes) -> None:
    if filetype.guess(data) is not None or b"\x00" in data:
        _refuse(_("The file's content is not plain text."), "content_mismatch")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            _refuse(_("The file's content is not plain text."), "content_mismatch")
    if _MARKUP.search(text.encode("utf-8", "ignore")):  # the whole file, not only its start
        _refuse(_("Web pages and SVG drawings cannot be uploaded. Save it as PDF or PNG first."), "markup")


def _check_zip_document(data: bytes, ext: str) -> None:
    mismatch = _("The file's content is not a .%(ext)s file. Check that you chose the right file.") % {
        "ext": ext
    }
    if not data.startswith(b"PK\x03\x04"):
        _refuse(mismatch, "content_mismatch")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {e.filename for e in entries}
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                _refuse(
                    _("The document unpacks to far more than its size; it cannot be uploaded."), "zip_bomb"
                )
            if ext == "odt":
                ok = (
                    "mimetype" in names
                    and archive.read("mimetype").strip() == ZIP_DOCUMENT_TYPES["odt"].encode()
                )
            else:
                folder = {"docx": "word/", "xlsx": "xl/"}[ext]
                ok = "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
            if not ok:
                _refuse(mismatch, "content_mismatch")
            if any(
                n.lower().endswith(("vbaproject.bin", ".bas")) or n.lower().startswith("basic/")
                for n in names
            ):
                _refuse(
                    _("Documents with macros cannot be uploaded. Save it without macros first."), "macros"
                )
    except zipfile.BadZipFile:
        _refuse(mismatch, "content_mismatch")


def _reencode_image(data: bytes, mime: str) -> tuple[bytes, str]:
    """The image redrawn from its pixels only (orientation applied), in its own format."""
    try:
        with Image.open(io.BytesIO(data)) as source:
            width, height = source.size
            if width * height > MAX_IMAGE_PIXELS:
                _refuse(
                    _("The image is too large: at most %(mp)d megapixels.")
                    % {"mp": MAX_IMAGE_PIXELS // 10**6},
                    "too_many_pixels",
                )
            source.seek(0)  # animations keep their first frame
            image = ImageOps.exif_transpose(source) or source
            image.load()
            mode = image.mode
            fmt, ext = _SAVE_FORMAT[mime]
            if fmt == "JPEG" and mode not in ("L", "RGB", "CMYK"):
                image, mode = image.convert("RGB"), "RGB"
            clean = Image.frombytes(mode, image.size, image.tobytes())  # a new image: no info, no metadata
            if mode == "P":
                clean.putpalette(image.getpalette())
            params = {}
            if "transparency" in image.info and mode in ("P", "L", "RGB"):
                params["transparency"] = image.info["transparency"]
            if fmt in ("JPEG", "WEBP"):
                params["quality"] = 90
            out = io.BytesIO()
            clean.save(out, format=fmt, **params)
            return out.getvalue(), ext
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        _refuse(_("The image could not be read. It may be damaged; try saving it again."), "bad_image")


def clean_upload(file, kinds=EVERYTHING) -> ContentFile:
    """Validate ``file`` and return what may be stored: re-encoded if an image, under a generated name.

    The returned ContentFile carries ``original_name`` (the person's file name, for display only) and
    ``content_type``.
    """
    ext, data = check_upload(file, kinds)
    mime = ALL_TYPES[ext]
    if ext in IMAGE_TYPES:
        data, ext = _reencode_image(data, mime)
        mime = IMAGE_TYPES[ext]
    clean = ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}")
    clean.original_name = display_name(getattr(file, "name", ""))[:200]
    clean.content_type = mime
    return clean


def display_name(name: str) -> str:
    """The last part of a person's file name, without control characters or path separators."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return base.strip().strip(".") or "file"


def validate_upload(value):
    """Model-field validator: the same checks as the form field (which also re-encodes images).

    A file already in storage was checked when it came in and is not read again.
    """
    if isinstance(value, FieldFile):
        if value._committed:
            return
        value = value.file
    check_upload(value)


class SafeFileField(forms.FileField):
    """A form field that runs ``clean_upload``: use it for every file a person sends."""

    def __init__(self, *, kinds=EVERYTHING, **kwargs):
        self.kinds = frozenset(kinds)
        kwargs.setdefault(
            "help_text",
            _l("At most %(mb)d MB. Allowed: %(types)s.")
            % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024), "types": ", ".join(sorted(self.kinds))},
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{k}" for k in sorted(self.kinds)))

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            return clean_upload(value, self.kinds)
        return value


@deconstructible
class GeneratedPath:
    """``upload_to`` for file fields: ``<prefix>/<year>/<uuid>.<ext>``; the person's file name is not used."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename):
        ext = extension_of(filename)
        ext = ext if ext in ALL_TYPES else "bin"
        return f"{self.prefix}/{timezone.now():%Y}/{uuid.uuid4().hex}.{ext}"

    def __eq__(self, other):
        return isinstance(other, GeneratedPath) and other.prefix == self.prefix


class SafeUploadField(models.FileField):
    """A model FileField whose forms use ``SafeFileField`` and whose stored names are generated."""

    default_validators = [validate_upload]

    def __init__(self, *args, kinds=EVERYTHING, prefix="uploads", **kwargs):
        self.kinds = frozenset(kinds)
        kwargs.setdefault("upload_to", GeneratedPath(prefix))
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.kinds != EVERYTHING:
            kwargs["kinds"] = sorted(self.kinds)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SafeFileField, "kinds": self.kinds, **kwargs})


# --------------------------------------------------------------------------------------------
# Serving a stored file
# --------------------------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in RFC 5987 ``filename*``."""
    name = display_name(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ ()-]", "_", ascii_name).strip() or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def serve_file(request, fieldfile, filename, obj, *, action="view"):
    """Stream ``fieldfile`` (a FileField value of ``obj``) to a person allowed to ``action`` ``obj``.

    The caller loads ``obj`` in scope (get_scoped_or_404); this checks again, writes a DOWNLOAD audit row
    and sends the file as an attachment named ``filename`` (its extension forced to the stored one),
    with nosniff and a CSP that sandboxes it if a browser renders it anyway.
    """
    from portal import audit
    from schools.models import AuditEvent

    model = type(obj)
    if (
        hasattr(model.objects, "for_user")
        and not model.objects.for_user(request.user, action).filter(pk=obj.pk).exists()
    ):
        audit.record(
            AuditEvent.Action.DENIED_NOT_FOUND,
            request=request,
            object_type=model._meta.label_lower,
            object_id=str(obj.pk),
        )
        raise Http404(_("No such record."))
    if not fieldfile:
        raise Http404(_("This record has no file."))
    stored_ext = extension_of(fieldfile.name)
    if extension_of(filename) != stored_ext:
        filename = f"{display_name(filename)}.{stored_ext}"
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file is missing from storage. Ask your administrator.")) from None
    audit.record(
        AuditEvent.Action.DOWNLOAD,
        request=request,
        obj=obj,
        fields=[fieldfile.field.name] if getattr(fieldfile, "field", None) else [],
    )
    content_type = (
        ALL_TYPES.get(stored_ext) or mimetypes.guess_type(fieldfile.name)[0] or "application/octet-stream"
    )
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
