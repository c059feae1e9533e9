"""The studio's synchronizer: pushes what the desk marked for upload to the gallery and
reads back what happened there, over the gallery's sync API (``proofroom.sync.protocol``).

- ``runs``: the SyncRun record (options, live progress, log), its lease, one live run.
- ``transport``: the gallery's API over HTTP, with errors worded for the desk.
- ``manifests``: the studio's records as the protocol's schemas.
- ``context``: what every step of a run shares (lease heartbeat, log, progress).
- ``uploads``: studio, clients, price lists, sessions and previews, prepaid orders, take-downs.
- ``downloads``: the gallery's change feed, applied and acknowledged kind by kind.
- ``runner``: one run start to end, and the background task that executes it.
- ``schedule``: the scheduled sync.
- ``cli``: ``proofroom sync`` in a terminal.
"""
