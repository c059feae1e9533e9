"""The card gateway's webhook: it tells us a checkout was paid.

Not a page: no visitor, no CSRF token (the gateway's signature is the proof). A
webhook that must not be believed is a 400; one about an order we do not know is
acknowledged (200) and logged, so the gateway stops retrying it. When our own set-up
is broken (the stored secrets cannot be opened) it is a 503: the gateway keeps the event
and retries it once the operator has fixed the key.
"""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from proofroom.gallery.store.checkout import PaymentMismatch, order_payment_record, studio_gateway
from proofroom.gallery.visitors import studio_by_slug
from proofroom.payments.base import GatewayError, PaymentGateway, WebhookRejected

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest, studio_slug: str) -> HttpResponse:
    studio = studio_by_slug(studio_slug)
    if studio.payment_gateway != PaymentGateway.STRIPE:
        raise Http404("This studio takes no card payments.")
    try:
        event = studio_gateway(studio).parse_webhook(request.body, request.headers)
    except GatewayError as broken:  # our side's set-up: the gateway retries later
        return HttpResponse(f"Unavailable: {broken}\n", status=503, content_type="text/plain")
    except WebhookRejected as rejected:
        log.warning("stripe webhook for %s rejected: %s", studio.slug, rejected)
        return HttpResponse(f"Rejected: {rejected}\n", status=400, content_type="text/plain")
    if event is not None:
        try:
            order_payment_record(studio=studio, event=event)
        except PaymentMismatch as mismatch:
            log.error("stripe webhook for %s: %s", studio.slug, mismatch)
    return HttpResponse("ok\n", content_type="text/plain")
