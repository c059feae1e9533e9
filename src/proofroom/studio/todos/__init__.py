"""The team's tasks ("Tasks" on the desk): to-dos for a staff member or a department,
linked to a client, session or invoice, and the automatic tasks events create.

``models`` the task and the automatic-task rules; ``services`` the writes; ``selectors``
the reads; ``events`` what the sync and the schedule call; ``rules`` Settings → Tasks;
``jobs`` the periodic job; ``forms`` and ``views`` the desk pages.
"""
