"""Static files: hashed and compressed names, collected by ``proofroom migrate``.

``proofroom migrate`` (and the demo, setup and restore, which migrate first) runs
``collectstatic`` into ``DATA_DIR/static``: each file is written under a name carrying a
hash of its content (``desk.3f2a9c1b7e4d.css``), with a gzip copy beside it (Brotli too
when ``brotli`` is installed), and a manifest maps the plain names to the hashed ones.
Pages link the hashed names, which WhiteNoise serves as immutable for a year; an upgrade
collects the new files under new names (the old ones stay for pages already open), so a
browser never keeps a stale stylesheet.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote, urlsplit

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

log = logging.getLogger(__name__)

ONE_YEAR = 365 * 24 * 60 * 60


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage. Before the first collection (a checkout run from its
    source, the test suite) there is no manifest: names then stay plain, and WhiteNoise
    serves those files from the apps (``WHITENOISE_USE_FINDERS``) with a short cache life.

    Not strict: a name the manifest lacks (an upgrade's new file, linked by a server
    restarted before ``proofroom migrate`` collected it) is linked by its plain name, served
    the same way, rather than failing the page with a 500. Django's non-strict fallback
    would hash the file in ``STATIC_ROOT``, where such a file is not yet; the plain name is
    never a stale file either, since only hashed names are cached for long."""

    manifest_strict = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.manifest_strict = False  # whatever WHITENOISE_MANIFEST_STRICT says
        self._told: set[str] = set()

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        clean = urlsplit(unquote(name)).path.strip()
        if self.hash_key(clean) not in self.hashed_files:
            if clean not in self._told:
                self._told.add(clean)
                log.warning(
                    "static file %s is not collected: linked by its plain name "
                    "until `proofroom migrate` collects it",
                    clean,
                )
            return name
        return str(super().stored_name(name))


class StaticMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with hashed files cached for a year (``max-age=31536000, immutable``)."""

    FOREVER = ONE_YEAR
