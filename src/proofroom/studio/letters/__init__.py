"""Form letters to clients: their merge fields, the letters, triggers and reminders.

``fields`` documents the merge fields and fills them from a client, a session and an
invoice; ``render`` puts them into a letter without ever reading client data as template
code; ``models`` and ``services`` keep the letters; ``triggers`` mails a letter when a
session enters a workflow stage; ``reminders`` mails letters some days before a session's
gallery closes. Every message goes through the desk's outbox (``studio.mail``).
"""
