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

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

ONE_YEAR = 365 * 24 * 60 * 60


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage. Before the first collection (a checkout run from its
    source, the test suite) there is no manifest: names then stay plain, and WhiteNoise
    serves those files from the apps (``WHITENOISE_USE_FINDERS``) with a short cache life.
    Once collected, a name missing from the manifest is an error, never a stale file."""

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return str(super().stored_name(name))


class StaticMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with hashed files cached for a year (``max-age=31536000, immutable``)."""

    FOREVER = ONE_YEAR
