"""The desk's periodic beats (see proofroom.core.beats), booked again by the worker when
the queue lost them: the automatic sync's tick, the Tasks' hourly check of expiring
sessions and the letters' hourly expiry reminders."""

from __future__ import annotations

from proofroom.core.beats import beat
from proofroom.studio.letters.reminders import reminders_beat_ensure
from proofroom.studio.synchronizer.schedule import auto_sync_ensure
from proofroom.studio.todos.jobs import todos_beat_ensure

beat(auto_sync_ensure)
beat(todos_beat_ensure)
beat(reminders_beat_ensure)
