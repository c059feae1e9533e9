"""What every page of a session needs: the session itself, its stages and tab counts."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from proofroom.studio.images import Image, ImportRejection
from proofroom.studio.sessions import Session
from proofroom.studio.workflow import WorkflowStage


def session_or_404(number: int) -> Session:
    return get_object_or_404(
        Session.objects.select_related("client", "session_type", "stage"), number=number
    )


def session_context(session: Session, tab: str) -> dict[str, Any]:
    """Context for templates extending ``studio/sessions/base_session.html``."""
    return {
        "session": session,
        "tab": tab,
        "stages": list(WorkflowStage.objects.all()),
        "session_image_count": Image.objects.filter(session=session).count(),
        "session_problem_count": ImportRejection.objects.filter(session=session).count(),
    }
