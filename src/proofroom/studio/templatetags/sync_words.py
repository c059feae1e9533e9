"""``{{ run|sync_summary }}``: what a sync did, in English (see studio/synchronizer/summary.py)."""

from __future__ import annotations

from django import template

from proofroom.studio.synchronizer.runs import SyncRun
from proofroom.studio.synchronizer.summary import sync_summary as summary_of

register = template.Library()


@register.filter
def sync_summary(run: SyncRun) -> str:
    return summary_of(run)
