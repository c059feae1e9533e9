"""After `proofroom migrate`, pages link static files by hashed names that browsers may keep
for a year, gzipped; the plain names stay for nothing a page uses (issue 17, point 4)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx

from tests.running import operator_env, proofroom, serving

ONE_YEAR = "max-age=31536000, public, immutable"


def stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="(/static/[^"]+)"', html)


def test_migrate_collects_hashed_static_files_served_immutable(tmp_path: Path) -> None:
    env = operator_env(tmp_path)
    out = proofroom(env, "migrate")
    assert "static files copied" in out
    with serving(env, "--no-worker") as base, httpx.Client(base_url=base) as browser:
        for page, plain in (("/desk/login/", "studio/desk.css"), ("/", "gallery/gallery.css")):
            html = browser.get(page).text
            links = stylesheets(html)
            assert links, f"{page} links no stylesheet"
            assert f"/static/{plain}" not in links
            hashed = re.compile(rf"/static/{plain[:-4]}\.[0-9a-f]{{12}}\.css")
            link = next(link for link in links if hashed.fullmatch(link))

            css = browser.get(link, headers={"Accept-Encoding": "gzip"})
            assert css.status_code == 200
            assert css.headers["Cache-Control"] == ONE_YEAR
            assert css.headers["Content-Encoding"] == "gzip"
            assert css.headers["Content-Type"].startswith("text/css")
            assert css.text.strip()

            # The plain name still answers (an old bookmark), but only for a minute.
            old = browser.get(f"/static/{plain}")
            assert old.status_code == 200
            assert "immutable" not in old.headers["Cache-Control"]

    # Migrating again (an upgrade of the same version) copies nothing and keeps the names.
    assert "0 static files copied" in proofroom(env, "migrate")


def test_a_page_linking_a_file_not_yet_collected_renders(tmp_path: Path) -> None:
    """An upgrade's new file, linked by a server restarted before `proofroom migrate`
    collected it, is linked by its plain name (served from the app) instead of failing the
    page."""
    env = operator_env(tmp_path)
    proofroom(env, "migrate")
    static = tmp_path / "static"
    manifest_file = static / "staticfiles.json"
    manifest = json.loads(manifest_file.read_text())
    hashed = manifest["paths"].pop("studio/desk.css")  # not collected: no entry, no files
    manifest_file.write_text(json.dumps(manifest))
    for name in static.glob(f"{hashed}*"):
        name.unlink()
    for name in static.glob("studio/desk.css*"):
        name.unlink()

    with serving(env, "--no-worker") as base, httpx.Client(base_url=base) as browser:
        page = browser.get("/desk/login/")
        assert page.status_code == 200
        links = stylesheets(page.text)
        assert "/static/studio/desk.css" in links
        css = browser.get("/static/studio/desk.css")
        assert css.status_code == 200 and css.text.strip()
        assert "immutable" not in css.headers["Cache-Control"]
        # The gallery's stylesheet, in the manifest, keeps its hashed name.
        assert re.fullmatch(
            r"/static/gallery/gallery\.[0-9a-f]{12}\.css", stylesheets(browser.get("/").text)[0]
        )
