"""What every page of a session needs: the session itself, its stages and tab counts."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from proofroom.studio.images import image_count, rejections_of
from proofroom.studio.sessions import Session, session_by_number
from proofroom.studio.workflow import stages_all


def session_or_404(number: int) -> Session:
    session = session_by_number(number)
    if session is None:
        raise Http404("No such session.")
    return session


def session_context(session: Session, tab: str) -> dict[str, Any]:
    """Context for templates extending ``studio/sessions/base_session.html``."""
    return {
        "session": session,
        "tab": tab,
        "stages": list(stages_all()),
        "session_image_count": image_count(session=session),
        "session_problem_count": rejections_of(session=session).count(),
    }
