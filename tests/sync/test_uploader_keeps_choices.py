"""Issue 13, defect 19: a refused upload keeps every choice and shows the problem where it is.

The uploader's Session Info tab is hidden behind the Images tab; a refusal there (a
private event with no code) must open that tab with the message, list it at the top, and
keep the ticks, so the next upload sends what the user chose.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client as Browser

from proofroom.studio.images import Image, Rating
from proofroom.studio.online import OnlineSettings
from proofroom.studio.sessions import Session

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _ticked(page: str, name: str) -> set[str]:
    ticked = rf'<input type="checkbox" name="{name}" value="([^"]+)" checked>'
    return {m.group(1) for m in re.finditer(ticked, page)}


def test_a_refused_session_info_opens_its_tab_and_keeps_every_choice(
    client: Browser, owner: object, wedding: Session
) -> None:
    """Issue 13, defect 19: Private with no code comes back on the Session Info tab with the
    message (and a summary at the top); the group, rating, image and online-group ticks
    and the options are as the user left them, and fixing the code uploads all of them."""
    client.force_login(owner)  # type: ignore[arg-type]
    images = list(Image.objects.filter(session=wedding).order_by("position"))
    Image.objects.filter(session=wedding).update(rating=Rating.UNDECIDED)
    Image.objects.filter(pk=images[4].pk).update(rating=Rating.SELECTED)
    group = wedding.groups.get()
    choice = {
        "rating": ["selected", "undecided"],
        "group": [str(group.pk)],
        "image": [str(images[5].pk)],
        "online_group": [str(group.pk)],
        "days_active": "45",
        "price_list": str(wedding.session_type.web_price_list.pk),
        "event_type": "private",
        "event_code": "",
        "event_description": "Ana & Sam by the lake",
    }
    url = f"/desk/sessions/{wedding.number}/upload/"
    page = client.post(url, choice).content.decode()

    assert 'data-open-tab="tab-info"' in page
    summary = page.split('class="error card error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Session Info · Event code: A private event needs an event code." in summary
    assert "A private event needs an event code." in page.split('id="tab-info"', 1)[1]
    assert _ticked(page, "rating") == {"selected", "undecided"}
    assert _ticked(page, "group") == {str(group.pk)}
    assert _ticked(page, "image") == {str(images[5].pk)}
    assert _ticked(page, "online_group") == {str(group.pk)}
    assert 'name="days_active" value="45"' in page
    assert re.search(r'<input type="radio" name="event_type" value="private"[^>]* checked', page)
    assert "Ana &amp; Sam by the lake" in page
    assert not OnlineSettings.objects.exists()

    # The user adds the code and sends the page as it came back: everything chosen goes.
    resent = {**choice, "event_code": "ANASAM"}
    assert client.post(url, resent).status_code == 302
    online = OnlineSettings.objects.get(session=wedding)
    assert online.images.count() == len(images)
    assert wedding.groups.get().show_online


def test_nothing_chosen_opens_the_images_tab_with_the_message(
    client: Browser, owner: object, wedding: Session
) -> None:
    """Issue 13, defect 19: a refusal about the images opens the Images tab, listed at the
    top, with the Session Info options kept."""
    client.force_login(owner)  # type: ignore[arg-type]
    page = client.post(
        f"/desk/sessions/{wedding.number}/upload/",
        {"days_active": "12", "event_type": "public", "event_code": "LAKE"},
    ).content.decode()
    assert 'data-open-tab="tab-images"' in page
    assert "Choose at least one image to upload." in page.split("error-summary", 1)[1]
    assert _ticked(page, "rating") == set()
    assert 'name="days_active" value="12"' in page and 'value="LAKE"' in page
