"""Selections out to editing software: the Lightroom list, the file names and XMP sidecars.

The sidecars are read back by a real XMP parser, Debian's exiftool, as an editor would.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.db import connections
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from proofroom.studio.exports import NS_RDF, NS_X, NS_XMP, NS_XMP_MM, file_stem
from proofroom.studio.images import Image, ImageGroup, Rating, group_add_images, group_create
from proofroom.studio.sessions import Session
from tests.factories import make_images, make_session

pytestmark = pytest.mark.django_db

AWKWARD = ["Smith & Co #1.jpg", "Été à Québec.CR2", "a,b.jpg", "東京 <1> & 'x' \"y\".jpg"]


def add_named(
    session: Session, names: list[str], *, positions: list[int] | None = None
) -> list[Image]:
    """Images with the photographer's own names, at the given positions (else in list order)."""
    images = make_images(session, len(names))
    for image, name, position in zip(
        images, names, positions or range(1, len(names) + 1), strict=True
    ):
        image.file_name, image.position = name, position
        image.save(update_fields=["file_name", "position"])
    return images


def favourites(session: Session, images: list[Image], name: str = "Online Favorites") -> ImageGroup:
    group = group_create(session=session, name=name)
    group_add_images(group=group, image_ids=[image.pk for image in images])
    return group


def url(session: Session, rest: str = "") -> str:
    return f"/desk/sessions/{session.number}/export/{rest}"


def sidecars(desk: Browser, session: Session, **params: Any) -> zipfile.ZipFile:
    response = desk.get(url(session, "xmp/"), params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; ")
    return zipfile.ZipFile(io.BytesIO(response.content))


def exiftool() -> str:
    path = shutil.which("exiftool")
    if path is None:
        pytest.fail(
            "exiftool is missing: the sidecars must be read back by a real XMP parser "
            "(apt-get install libimage-exiftool-perl; ./scripts/test.sh installs it)"
        )
    return path


def unzip_safely(archive: zipfile.ZipFile, folder: Path) -> list[Path]:
    """Entries are plain file names: nothing may land outside ``folder``."""
    paths = []
    for info in archive.infolist():
        name = info.filename
        assert "/" not in name and "\\" not in name and ":" not in name, name
        assert name not in ("", ".", "..") and name.endswith(".xmp"), name
        if not name.isascii():
            assert info.flag_bits & 0x800, f"{name!r} is not marked as UTF-8"
        assert info.compress_type == zipfile.ZIP_DEFLATED
        target = folder / name
        assert target.resolve().parent == folder.resolve()
        target.write_bytes(archive.read(info))
        paths.append(target)
    return paths


def read_with_exiftool(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """What exiftool reads from each sidecar, by file name."""
    tags = ["-XMP:Rating", "-XMP:Label", "-XMP:CreatorTool", "-XMP:PreservedFileName"]
    command = [exiftool(), "-j", "-charset", "filename=utf8", *tags, *map(str, paths)]
    result = subprocess.run(command, capture_output=True, check=True)
    found = {Path(item["SourceFile"]).name: item for item in json.loads(result.stdout)}
    for item in found.values():
        assert "Error" not in item and "Warning" not in item, item
    return found


# --- The Lightroom list and the file names -------------------------------------------------


def test_lightroom_list_has_each_stem_once_in_position_order_and_drops_commas(
    desk: Browser, session: Session
) -> None:
    images = add_named(
        session,
        [*AWKWARD, "IMG_0007.CR2", "img_0007.jpg", "Not chosen.jpg"],
        positions=[30, 10, 20, 40, 50, 51, 5],
    )
    group = favourites(session, images[:-1])
    response = desk.get(url(session, "lightroom/"), {"source": f"group-{group.pk}"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "Été à Québec, Smith & Co #1, 東京 <1> & 'x' \"y\", IMG_0007\n"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="session-{session.number}-online-favorites-lightroom.txt"'
    )
    page = desk.get(url(session), {"source": f"group-{group.pk}"}).content.decode()
    assert "Left out of the Lightroom list" in page
    assert "<code>a,b.jpg</code> has a comma, which Lightroom reads as a separator" in page


def test_file_names_are_full_names_one_per_line_with_the_commas_kept(
    desk: Browser, session: Session
) -> None:
    images = add_named(session, [*AWKWARD, "IMG_0007.CR2", "IMG_0007.jpg"])
    group = favourites(session, images)
    response = desk.get(url(session, "file-names/"), {"source": f"group-{group.pk}"})
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [*AWKWARD, "IMG_0007.CR2", "IMG_0007.jpg"]
    assert "filenames.txt" in response["Content-Disposition"]


def test_a_rating_is_a_source_too(desk: Browser, session: Session) -> None:
    images = add_named(session, ["one.jpg", "two.jpg", "three.jpg"])
    Image.objects.filter(pk__in=[images[0].pk, images[2].pk]).update(rating=Rating.SELECTED)
    response = desk.get(url(session, "lightroom/"), {"source": "rating-selected"})
    assert response.content.decode() == "one, three\n"
    assert f"session-{session.number}-selected-lightroom.txt" in response["Content-Disposition"]


def test_a_name_that_only_looks_like_it_has_an_extension_keeps_it() -> None:
    assert file_stem("Été à Québec.CR2") == "Été à Québec"
    assert file_stem("Mr. Smith") == "Mr. Smith"
    assert file_stem("Version 2.1") == "Version 2.1"
    assert file_stem(".jpg") == ".jpg"
    assert file_stem("frame.tar.jpeg") == "frame.tar"


def test_a_term_that_also_finds_other_images_is_pointed_out(
    desk: Browser, session: Session
) -> None:
    images = add_named(session, ["IMG_1.jpg", "IMG_10.jpg", "IMG_2.jpg"])
    group = favourites(session, [images[0], images[2]])
    page = desk.get(url(session), {"source": f"group-{group.pk}"}).content.decode()
    assert "<code>IMG_1</code> also finds <code>IMG_10.jpg</code>" in page
    assert "<code>IMG_2</code> also finds" not in page


# --- XMP sidecars ---------------------------------------------------------------------------


def test_sidecars_carry_the_rating_and_label_exiftool_reads_back(
    desk: Browser, session: Session, tmp_path: Path
) -> None:
    images = add_named(session, ["IMG_0001.CR2", "IMG_0002.NEF", "IMG_0003.jpg"])
    group = favourites(session, images)
    archive = sidecars(desk, session, source=f"group-{group.pk}", rating="5", label="Green")
    found = read_with_exiftool(unzip_safely(archive, tmp_path))
    assert sorted(found) == ["IMG_0001.xmp", "IMG_0002.xmp", "IMG_0003.xmp"]
    for name, tags in found.items():
        assert tags["Rating"] == 5
        assert tags["Label"] == "Green"
        assert tags["CreatorTool"] == "Proofroom"
        assert file_stem(tags["PreservedFileName"]) == name.removesuffix(".xmp")


def test_reject_is_rating_minus_one_without_a_label(
    desk: Browser, session: Session, tmp_path: Path
) -> None:
    images = add_named(session, ["DSC_0100.ARW"])
    Image.objects.filter(pk=images[0].pk).update(rating=Rating.NOT_SELECTED)
    archive = sidecars(desk, session, source="rating-not_selected", rating="-1", label="")
    found = read_with_exiftool(unzip_safely(archive, tmp_path))
    assert found["DSC_0100.xmp"]["Rating"] == -1
    assert "Label" not in found["DSC_0100.xmp"]


def test_a_label_alone_writes_no_rating(desk: Browser, session: Session, tmp_path: Path) -> None:
    group = favourites(session, add_named(session, ["frame.dng"]))
    archive = sidecars(desk, session, source=f"group-{group.pk}", rating="", label="Purple")
    found = read_with_exiftool(unzip_safely(archive, tmp_path))
    assert found["frame.xmp"]["Label"] == "Purple"
    assert "Rating" not in found["frame.xmp"]


def test_awkward_names_survive_the_xml_round_trip(
    desk: Browser, session: Session, tmp_path: Path
) -> None:
    group = favourites(session, add_named(session, AWKWARD))
    archive = sidecars(desk, session, source=f"group-{group.pk}", rating="4", label="Red")
    paths = unzip_safely(archive, tmp_path)
    assert sorted(path.name for path in paths) == sorted(f"{file_stem(n)}.xmp" for n in AWKWARD)
    found = read_with_exiftool(paths)
    for name in AWKWARD:
        tags = found[f"{file_stem(name)}.xmp"]
        assert tags["Rating"] == 4 and tags["Label"] == "Red"
        assert tags["PreservedFileName"] == name
    for path in paths:
        data = path.read_bytes()
        assert data.startswith(b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>')
        root = ET.fromstring(data)  # noqa: S314 (our own output)
        assert root.tag == f"{{{NS_X}}}xmpmeta"
        description = root.find(f"{{{NS_RDF}}}RDF/{{{NS_RDF}}}Description")
        assert description is not None
        assert description.get(f"{{{NS_XMP}}}Rating") == "4"
        assert description.get(f"{{{NS_XMP}}}Label") == "Red"
        assert description.get(f"{{{NS_XMP}}}CreatorTool") == "Proofroom"
        original = description.get(f"{{{NS_XMP_MM}}}PreservedFileName")
        assert original is not None and path.name == f"{file_stem(original)}.xmp"


def test_frames_sharing_a_name_share_one_sidecar_and_unsafe_names_get_none(
    desk: Browser, session: Session, tmp_path: Path
) -> None:
    names = ["a.jpg", "A.png", "../evil.jpg", "C:evil.jpg", "dir\\evil.jpg", "b.jpg"]
    group = favourites(session, add_named(session, names))
    archive = sidecars(desk, session, source=f"group-{group.pk}", rating="5")
    assert sorted(archive.namelist()) == ["a.xmp", "b.xmp"]
    unzip_safely(archive, tmp_path)
    page = desk.get(url(session), {"source": f"group-{group.pk}"}).content.decode()
    assert "Sharing one sidecar" in page
    assert "<code>a.xmp</code> for <code>a.jpg</code>, <code>A.png</code>" in page
    assert "<code>../evil.jpg</code> has a slash, backslash or colon" in page
    assert "<code>C:evil.jpg</code> has a slash, backslash or colon" in page


def test_sidecars_need_a_rating_or_a_label(desk: Browser, session: Session) -> None:
    group = favourites(session, add_named(session, ["one.jpg"]))
    response = desk.get(
        url(session, "xmp/"), {"source": f"group-{group.pk}", "rating": "", "label": ""}
    )
    assert response.status_code == 302 and "Content-Disposition" not in response
    page = desk.get(response["Location"]).content.decode()
    assert "Choose a rating, a colour label or both" in page
    bad = desk.get(url(session, "xmp/"), {"source": f"group-{group.pk}", "rating": "9"})
    assert bad.status_code == 302 and "Content-Disposition" not in bad


# --- The page, empty sources and access ----------------------------------------------------


def test_page_offers_the_groups_and_ratings_and_starts_on_the_favourites(
    desk: Browser, session: Session
) -> None:
    images = add_named(session, ["one.jpg", "two.jpg"])
    chosen = favourites(session, images, name="Online Favorites")
    favourites(session, images[:1], name="Album")
    response = desk.get(url(session))
    assert response.status_code == 200
    assert response.context["summary"].source.key == f"group-{chosen.pk}"
    body = response.content.decode()
    assert body.index("Album (1)") < body.index("Online Favorites (2)")
    assert "All Selected (0)" in body and "All Undecided (2)" in body
    assert "one, two" in body
    for button in ("Download Lightroom list", "Download file names", "Download XMP sidecars"):
        assert button in body


def test_an_empty_source_gives_a_message_not_a_file(desk: Browser, session: Session) -> None:
    add_named(session, ["one.jpg"])
    group = group_create(session=session, name="Online Favorites")
    page = desk.get(url(session), {"source": f"group-{group.pk}"}).content.decode()
    assert "“Online Favorites” has no images: there is nothing to export." in page
    for rest, extra in (("lightroom/", {}), ("file-names/", {}), ("xmp/", {"rating": "5"})):
        response = desk.get(url(session, rest), {"source": f"group-{group.pk}", **extra})
        assert response.status_code == 302, rest
        assert "Content-Disposition" not in response
        assert response["Location"].startswith(url(session))
        after = desk.get(response["Location"]).content.decode()
        assert "“Online Favorites” has no images: there is nothing to export." in after


def test_a_source_whose_names_all_have_commas_gives_a_message(
    desk: Browser, session: Session
) -> None:
    group = favourites(session, add_named(session, ["a,b.jpg"]))
    response = desk.get(url(session, "lightroom/"), {"source": f"group-{group.pk}"})
    assert response.status_code == 302 and "Content-Disposition" not in response
    after = desk.get(response["Location"]).content.decode()
    assert "None of the images of “Online Favorites” can go in a Lightroom list" in after


def test_a_group_of_another_session_is_not_found(desk: Browser, session: Session) -> None:
    other = make_session(description="Someone else's shoot")
    theirs = favourites(other, add_named(other, ["theirs.jpg"]))
    favourites(session, add_named(session, ["ours.jpg"]))
    for rest in ("", "lightroom/", "file-names/", "xmp/"):
        response = desk.get(url(session, rest), {"source": f"group-{theirs.pk}", "rating": "5"})
        assert response.status_code == 404, rest
    for bad in ("rating-favourite", "group-x", "group-", "everything", f"group-{theirs.pk}0"):
        assert desk.get(url(session, "lightroom/"), {"source": bad}).status_code == 404, bad
    assert desk.get("/desk/sessions/999999/export/").status_code == 404


def test_every_export_needs_a_staff_login(client: Browser, session: Session) -> None:
    group = favourites(session, add_named(session, ["one.jpg"]))
    for rest in ("", "lightroom/", "file-names/", "xmp/"):
        response = client.get(url(session, rest), {"source": f"group-{group.pk}", "rating": "5"})
        assert response.status_code == 302, rest
        assert response["Location"].startswith("/desk/login/")
        assert "Content-Disposition" not in response


def test_an_assistant_can_export(client: Browser, assistant: object, session: Session) -> None:
    group = favourites(session, add_named(session, ["one.jpg"]))
    client.force_login(assistant)  # type: ignore[arg-type]
    assert client.get(url(session, "file-names/"), {"source": f"group-{group.pk}"}).content == (
        b"one.jpg\n"
    )


def test_a_group_name_in_another_alphabet_gives_an_ascii_and_a_utf8_file_name(
    desk: Browser, session: Session
) -> None:
    group = favourites(session, add_named(session, ["one.jpg"]), name="東京 Été")
    response = desk.get(url(session, "lightroom/"), {"source": f"group-{group.pk}"})
    assert response["Content-Disposition"] == (
        f'attachment; filename="session-{session.number}-ete-lightroom.txt"; '
        f"filename*=UTF-8''session-{session.number}-%E6%9D%B1%E4%BA%AC-%C3%A9t%C3%A9-lightroom.txt"
    )


def test_the_page_makes_as_many_queries_for_many_images_as_for_few(
    desk: Browser, session: Session
) -> None:
    group = favourites(session, add_named(session, [f"F{n:03d}.jpg" for n in range(3)]))

    def queries() -> int:
        with CaptureQueriesContext(connections["default"]) as captured:
            assert desk.get(url(session), {"source": f"group-{group.pk}"}).status_code == 200
        return len(captured)

    few = queries()
    more = add_named(session, [f"G{n:03d}.jpg" for n in range(40)])
    group_add_images(group=group, image_ids=[image.pk for image in more])
    assert queries() == few
