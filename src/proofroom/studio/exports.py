"""Selections out to editing software: file-name lists and XMP sidecars of a session's images.

The source is any group of the session (the client's "Online Favorites" among them) or a
rating. Three files come out of it:

- a Lightroom list: the names without extension (so one term finds the RAW, the JPEG and
  the edited TIFF of a frame), on one line separated by ", ", to paste into Lightroom
  Classic's Library Filter (Text, Filename, Contains);
- a file-name list: each full file name on its own line, for Capture One, Photo Mechanic or
  a script;
- XMP sidecars: a zip of one ``<name>.xmp`` per frame carrying a rating and/or a colour
  label, read by Lightroom Classic, Bridge and Capture One beside a RAW of the same name.

Nothing here writes to the database. A name that cannot go into a file is left out and
reported with its reason, never silently changed: a changed name would match nothing.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils.text import slugify

from proofroom.studio.dates import studio_now
from proofroom.studio.downloads import ONLINE_FAVOURITES
from proofroom.studio.images import Image, ImageGroup, Rating
from proofroom.studio.sessions import Session

LIGHTROOM_SEPARATOR = ", "
# The group the synchronizer fills with the clients' picks: the page starts on it.
CREATOR_TOOL = "Proofroom"

NS_X = "adobe:ns:meta/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_XMP = "http://ns.adobe.com/xap/1.0/"
NS_XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"

# Lightroom Classic's default label set; Bridge and Capture One use the same English words.
COLOUR_LABELS = ("Red", "Yellow", "Green", "Blue", "Purple")
REJECT = -1
XMP_RATINGS = (REJECT, 0, 1, 2, 3, 4, 5)

# An extension is a short run of letters and digits with at least one letter: "Mr. Smith"
# and "Version 2.1" keep their whole name.
_EXTENSION = re.compile(r"\.(?=[0-9]*[^\W\d_])\w{1,5}\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PATH_CHARACTERS = re.compile(r"[/\\:]")


class SourceKind(models.TextChoices):
    """What an export source's key names: one of the session's groups, or a rating."""

    GROUP = "group", "Group"
    RATING = "rating", "Rating"


_SOURCE_KEY = re.compile(rf"(?P<kind>{'|'.join(SourceKind.values)})-(?P<value>[a-z0-9_]{{1,40}})\Z")


# --- Sources ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSource:
    """What to export: a group of the session or every image with a rating."""

    key: str
    label: str
    count: int = 0
    group: ImageGroup | None = None
    rating: Rating | None = None

    @property
    def is_group(self) -> bool:
        return self.group is not None


def export_sources(*, session: Session) -> list[ExportSource]:
    """The session's groups (by name), then its ratings, each with its number of images."""
    # An aggregate drops Meta.ordering, so the order is given again.
    groups = (
        ImageGroup.objects.filter(session=session)
        .annotate(n=Count("images"))
        .order_by("name", "pk")
    )
    counts = Image.objects.filter(session=session).aggregate(
        **{value: Count("pk", filter=Q(rating=value)) for value in Rating.values}
    )
    by_group = [
        ExportSource(key=f"{SourceKind.GROUP.value}-{g.pk}", label=g.name, count=g.n, group=g)
        for g in groups
    ]
    by_rating = [
        ExportSource(
            key=f"{SourceKind.RATING.value}-{r.value}",
            label=r.label,
            count=counts[r.value],
            rating=r,
        )
        for r in Rating
    ]
    return by_group + by_rating


def export_source(*, session: Session, key: str) -> ExportSource | None:
    """The source a key names, only among this session's; None for anything else."""
    match = _SOURCE_KEY.match(key)
    if match is None:
        return None
    kind, value = match["kind"], match["value"]
    if kind == SourceKind.RATING:
        if value not in Rating.values:
            return None
        rating = Rating(value)
        return ExportSource(key=key, label=rating.label, rating=rating)
    if not value.isdigit():
        return None
    group = ImageGroup.objects.filter(session=session, pk=int(value)).first()
    if group is None:
        return None
    return ExportSource(key=key, label=group.name, group=group)


def export_default_source(*, sources: Sequence[ExportSource]) -> ExportSource:
    """The client's favourites when the session has them, else the first group, else Selected."""
    groups = [s for s in sources if s.is_group]
    for source in groups:
        if source.label == ONLINE_FAVOURITES:
            return source
    if groups:
        return groups[0]
    return next(s for s in sources if s.rating == Rating.SELECTED)


def export_images(*, session: Session, source: ExportSource) -> QuerySet[Image]:
    """The source's images, in the order of the session, scoped to the session."""
    images = Image.objects.filter(session=session)
    if source.group is not None:
        images = images.filter(groups=source.group)
    else:
        images = images.filter(rating=source.rating)
    return images.only("pk", "file_name", "position").order_by("position", "pk")


# --- Names ----------------------------------------------------------------------------------


def file_stem(file_name: str) -> str:
    """The name without its extension: "Été à Québec.CR2" → "Été à Québec"."""
    match = _EXTENSION.search(file_name)
    if match is None or match.start() == 0:
        return file_name
    return file_name[: match.start()]


def _same_frame_key(stem: str) -> str:
    """Lightroom's filter and the file systems of Macs and PCs ignore case and normalisation."""
    return unicodedata.normalize("NFC", stem).casefold()


@dataclass(frozen=True)
class LeftOut:
    file_name: str
    reason: str


@dataclass(frozen=True)
class NameList:
    """A text file's content, the names it holds, and the names it could not hold."""

    text: str
    names: list[str]
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.names)


def lightroom_list(*, images: Iterable[Image]) -> NameList:
    """Names without extension, each once, separated by ", " on one line.

    Lightroom splits the filter's text at commas, so a name with a comma cannot be one of
    its terms: it is left out and reported.
    """
    terms: list[str] = []
    seen: set[str] = set()
    left_out: list[LeftOut] = []
    for image in images:
        stem = file_stem(image.file_name)
        if "," in stem:
            left_out.append(
                LeftOut(image.file_name, "has a comma, which Lightroom reads as a separator")
            )
        elif _CONTROL.search(stem):
            left_out.append(LeftOut(image.file_name, "has a line break or a control character"))
        elif not stem.strip():
            left_out.append(LeftOut(image.file_name, "has nothing before the extension"))
        elif _same_frame_key(stem) not in seen:
            seen.add(_same_frame_key(stem))
            terms.append(stem)
    text = LIGHTROOM_SEPARATOR.join(terms) + "\n" if terms else ""
    return NameList(text=text, names=terms, left_out=left_out)


def file_name_list(*, images: Iterable[Image]) -> NameList:
    """Each full file name once, one per line."""
    names: list[str] = []
    seen: set[str] = set()
    left_out: list[LeftOut] = []
    for image in images:
        if _CONTROL.search(image.file_name):
            left_out.append(LeftOut(image.file_name, "has a line break or a control character"))
        elif image.file_name not in seen:
            seen.add(image.file_name)
            names.append(image.file_name)
    text = "".join(f"{name}\n" for name in names)
    return NameList(text=text, names=names, left_out=left_out)


def lightroom_overmatches(
    *, terms: Sequence[str], other_names: Iterable[str], limit: int = 20
) -> list[tuple[str, str]]:
    """Terms that also find images outside the source: "Contains" matches parts of names.

    Returns (term, an other file name it finds); ``other_names`` are the session's names
    that are not frames of the source.
    """
    others = list(other_names)
    haystack = "\n".join(_same_frame_key(name) for name in others)
    found: list[tuple[str, str]] = []
    for term in terms:
        key = _same_frame_key(term.strip())
        if key and key in haystack:
            example = next(name for name in others if key in _same_frame_key(name))
            found.append((term, example))
            if len(found) == limit:
                break
    return found


# --- XMP sidecars ---------------------------------------------------------------------------


@dataclass(frozen=True)
class XmpOptions:
    """What each sidecar says: a rating (-1 is Reject, 0 clears), a colour label, or both."""

    rating: int | None = 5
    label: str = ""

    def __post_init__(self) -> None:
        if self.rating is not None and self.rating not in XMP_RATINGS:
            raise ValueError(f"An XMP rating is -1 (reject) or 0 to 5, not {self.rating}.")
        if self.label and self.label not in COLOUR_LABELS:
            raise ValueError(f"Unknown colour label {self.label!r}.")
        if self.rating is None and not self.label:
            raise ValueError("A sidecar carries a rating, a colour label or both.")


def xmp_packet(*, file_name: str, options: XmpOptions) -> bytes:
    """One XMP packet (UTF-8) for the frame of ``file_name``, escaped by ElementTree.

    The prefixes are written as plain attributes so that no global namespace registry is
    touched; ``xmpMM:PreservedFileName`` records which original the sidecar was made for.
    """
    description = ET.Element(
        "rdf:Description",
        {
            "rdf:about": "",
            "xmlns:xmp": NS_XMP,
            "xmlns:xmpMM": NS_XMP_MM,
            "xmp:CreatorTool": CREATOR_TOOL,
        },
    )
    if options.rating is not None:
        description.set("xmp:Rating", str(options.rating))
    if options.label:
        description.set("xmp:Label", options.label)
    description.set("xmpMM:PreservedFileName", file_name)
    meta = ET.Element("x:xmpmeta", {"xmlns:x": NS_X, "x:xmptk": CREATOR_TOOL})
    rdf = ET.SubElement(meta, "rdf:RDF", {"xmlns:rdf": NS_RDF})
    rdf.append(description)
    ET.indent(meta, space=" ")
    body = ET.tostring(meta, encoding="unicode")
    packet = (
        f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n{body}\n<?xpacket end="w"?>\n'
    )
    return packet.encode("utf-8")


@dataclass(frozen=True)
class SidecarPlan:
    """Which sidecar each image gets, which images share one, and which get none."""

    entries: dict[str, list[str]]
    skipped: list[LeftOut] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def shared(self) -> list[tuple[str, list[str]]]:
        return [(entry, names) for entry, names in self.entries.items() if len(names) > 1]


def sidecar_plan(*, images: Iterable[Image]) -> SidecarPlan:
    """``<stem>.xmp`` per frame; "a.jpg" and "a.png" (or "A.JPG") share one sidecar.

    A name that would leave the folder it is unzipped into (a path separator, a drive
    colon), or that is not a usable file name, gets no sidecar rather than a changed one.
    """
    entries: dict[str, list[str]] = {}
    by_key: dict[str, str] = {}
    skipped: list[LeftOut] = []
    for image in images:
        stem = file_stem(image.file_name)
        if _PATH_CHARACTERS.search(stem):
            skipped.append(LeftOut(image.file_name, "has a slash, backslash or colon"))
        elif _CONTROL.search(stem):
            skipped.append(LeftOut(image.file_name, "has a line break or a control character"))
        elif not stem.strip(" ."):
            skipped.append(LeftOut(image.file_name, "is not a usable file name"))
        else:
            entry = by_key.setdefault(_same_frame_key(stem), f"{stem}.xmp")
            entries.setdefault(entry, []).append(image.file_name)
    return SidecarPlan(entries=entries, skipped=skipped)


def xmp_sidecars_zip(*, plan: SidecarPlan, options: XmpOptions) -> bytes:
    """The plan's sidecars in a zip (UTF-8 entry names, no folders), dated on the studio's
    clocks: a zip's times carry no zone, and are read as the local time of the reader."""
    stamp = studio_now().timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry, names in plan.entries.items():
            info = zipfile.ZipInfo(entry, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, xmp_packet(file_name=names[0], options=options))
    return buffer.getvalue()


# --- The page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSummary:
    """What each download of a source would hold, shown on the Export tab before downloading."""

    source: ExportSource
    image_count: int
    lightroom: NameList
    file_names: NameList
    sidecars: SidecarPlan
    overmatches: list[tuple[str, str]]


def export_summary(*, session: Session, source: ExportSource) -> ExportSummary:
    images = list(export_images(session=session, source=source))
    lightroom = lightroom_list(images=images)
    chosen = {_same_frame_key(file_stem(image.file_name)) for image in images}
    other_names = (
        name
        for name in Image.objects.filter(session=session).values_list("file_name", flat=True)
        if _same_frame_key(file_stem(name)) not in chosen
    )
    return ExportSummary(
        source=source,
        image_count=len(images),
        lightroom=lightroom,
        file_names=file_name_list(images=images),
        sidecars=sidecar_plan(images=images),
        overmatches=lightroom_overmatches(terms=lightroom.names, other_names=other_names),
    )


# --- Download names -------------------------------------------------------------------------


def export_file_name(*, session: Session, source: ExportSource, suffix: str) -> tuple[str, str]:
    """(ASCII name, Unicode name) such as "session-1001-online-favorites-lightroom.txt"."""
    fallback = source.key
    ascii_part = slugify(source.label) or fallback
    unicode_part = slugify(source.label, allow_unicode=True) or fallback
    return (
        f"session-{session.number}-{ascii_part}-{suffix}",
        f"session-{session.number}-{unicode_part}-{suffix}",
    )
