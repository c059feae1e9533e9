"""The desk's own mail: the studio's mail settings and its outbox.

``models`` holds the settings row and the outbox rows (every message is kept on the
client's record); ``outbox`` queues, sends, retries and gives up; ``server`` speaks to the
studio's mail server (the connection the outbox uses, and the settings page's test mail).
"""
