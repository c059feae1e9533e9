"""The gallery's sync API, v1 (``/api/sync/v1/``): the studio's synchronizer is its only
caller, and ``proofroom.sync.protocol`` is the contract both sides speak.

- ``router``: the API object, the studio's key as authentication, errors for every endpoint.
- ``uploads``: the studio's profile, clients, price lists, sessions, prepaid orders.
- ``blobs``: previews and thumbnails by SHA-256.
- ``feed``: the change feed the studio downloads, and its acknowledgements.
"""

from proofroom.gallery.sync_api import blobs, feed, uploads
from proofroom.gallery.sync_api.router import api

# Importing the endpoint modules registers their operations on ``api``.
__all__ = ["api", "blobs", "feed", "uploads"]
