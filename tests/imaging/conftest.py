from __future__ import annotations

import pytest
import pyvips

from proofroom.imaging import configure_worker
from tests.imaging.charts import colour_chart_image


@pytest.fixture(scope="session", autouse=True)
def _worker_settings() -> None:
    """As in production workers: one libvips thread, no operation cache."""
    configure_worker()


@pytest.fixture(scope="session")
def chart() -> pyvips.Image:
    """The sRGB source for colour checks (photo + saturated and skin-tone patches)."""
    return colour_chart_image(900, 600, seed=5).copy_memory()
