"""The contract the studio and the gallery speak over HTTP: ``protocol`` holds the wire's
schemas, enums and formats, and imports neither side.

The studio's synchronizer is ``proofroom.studio.synchronizer``; the gallery's sync API is
``proofroom.gallery.sync_api``.
"""
