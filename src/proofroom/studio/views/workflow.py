"""The Workflow hub: every stage of the Digital Workflow with its sessions and counts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from proofroom.studio.areas import Area, desk_page
from proofroom.studio.sessions import Session, sessions_search
from proofroom.studio.workflow import stages_with_counts

SESSIONS_PER_STAGE = 30


@desk_page(Area.SESSIONS)
def hub(request: HttpRequest) -> HttpResponse:
    stages = list(stages_with_counts())
    # One query per stage (a handful), each limited: flat however many sessions there are.
    by_stage: dict[int, list[Session]] = {
        stage.pk: list(sessions_search(stage=stage)[:SESSIONS_PER_STAGE]) for stage in stages
    }
    columns = []
    for index, stage in enumerate(stages):
        following = stages[index + 1] if index + 1 < len(stages) else None
        columns.append({"stage": stage, "sessions": by_stage[stage.pk], "next": following})
    return render(request, "studio/workflow/hub.html", {"columns": columns})
