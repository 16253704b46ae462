"""Plan text: Markdown rendered to sanitised HTML, and the section-by-section diff of two versions."""

import dataclasses
import difflib
import re

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "b", "i",
                "blockquote", "code", "pre", "hr", "a", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str) -> str:
    """Markdown to HTML that keeps only plain formatting tags (no scripts, styles, images, event handlers,
    javascript: links); links open as ordinary links with rel="noopener noreferrer"."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer")
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


@dataclasses.dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added", "removed"
    text: str


@dataclasses.dataclass(frozen=True)
class SectionDiff:
    title: str
    state: str  # "unchanged", "changed", "added", "removed"
    pieces: list


_TOKENS = re.compile(r"\s+|[^\s]+")


def diff_text(old: str, new: str) -> list[Piece]:
    """Word-level differences of two texts, merged into runs."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces


def diff_versions(old_sections, new_sections) -> list[SectionDiff]:
    """Each section of either version: unchanged, changed (with its word diff), added or removed."""
    old = {s.kind_id: s for s in old_sections}
    new = {s.kind_id: s for s in new_sections}
    order = sorted({*old, *new}, key=lambda k: ((new.get(k) or old.get(k)).kind.order,
                                                (new.get(k) or old.get(k)).kind.title))
    result = []
    for kind_id in order:
        before, after = old.get(kind_id), new.get(kind_id)
        title = (after or before).kind.title
        if before is None:
            result.append(SectionDiff(title, "added", [Piece("added", after.body)]))
        elif after is None:
            result.append(SectionDiff(title, "removed", [Piece("removed", before.body)]))
        elif before.body == after.body:
            result.append(SectionDiff(title, "unchanged", [Piece("same", after.body)]))
        else:
            result.append(SectionDiff(title, "changed", diff_text(before.body, after.body)))
    return result
