"""A fake Stripe: just enough of its HTTP API, hosted checkout page and webhooks for our tests.

The real ``stripe`` library talks to it over real HTTP (point ``settings.STRIPE_API_BASE``
at ``base_url``), so what is tested is what runs against Stripe: form-encoded requests in
Stripe's bracket notation, Bearer keys, Idempotency-Key, Stripe-shaped errors, and
webhooks signed the way Stripe signs them (``t=<unix>,v1=<hmac-sha256 of "t.payload">``).

    with FakeStripe(webhook_secret="whsec_test") as fake:
        settings.STRIPE_API_BASE = fake.base_url
        fake.webhook_url = live_server.url + "/s/northlight/payments/stripe/webhook/"
        fake.pay(checkout_id)   # the client pays on the hosted page; a signed webhook is sent
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
import secrets
import string
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import httpx

API_VERSION = "2025-01-27.acacia"
_ALPHABET = string.ascii_letters + string.digits
_SESSION_PATH = re.compile(r"^/v1/checkout/sessions/(?P<id>[A-Za-z0-9_]+)$")
_PAY_PATH = re.compile(r"^/pay/(?P<id>[A-Za-z0-9_]+)$")


def _copy(value: Any) -> Any:
    """A deep copy to hand out of the lock: a session changes when it is paid."""
    return json.loads(json.dumps(value))


def _stripe_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length))


def form_decode(body: str) -> dict[str, Any]:
    """Stripe's form encoding back to nested values: ``a[b][0][c]=1`` → {"a": {"b": [{"c": "1"}]}}.

    Values stay strings, as on the wire."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head, *rest = key.replace("]", "").split("[")
        parts = [head, *rest]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if value and all(k.isdigit() for k in value):
        return [_lists(value[k]) for k in sorted(value, key=int)]
    return {k: _lists(v) for k, v in value.items()}


def _error(
    message: str, *, kind: str = "invalid_request_error", code: str = "", param: str = ""
) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": kind}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return {"error": error}


class FakeStripe:
    """A threaded HTTP server on 127.0.0.1 playing Stripe; use it as a context manager."""

    def __init__(
        self,
        *,
        webhook_secret: str = "whsec_test",  # noqa: S107 - a test secret
        webhook_url: str | None = None,
    ):
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.api_key = "sk_test_fake"
        self.last_webhook: tuple[bytes, str] | None = None
        self.deliveries: list[int] = []  # status of each webhook POST (0: could not connect)
        self.requests: list[dict[str, Any]] = []  # decoded bodies of session creations, in order
        self._sessions: dict[str, dict[str, Any]] = {}
        self._idempotent: dict[str, tuple[str, str]] = {}  # key → (request body, session id)
        self._charges = 0
        self._sessions_created = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------
    def __enter__(self) -> FakeStripe:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        assert self._server is not None, "use FakeStripe as a context manager"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- what the tests read --------------------------------------------------------
    @property
    def charges(self) -> int:
        """Payments captured; a double charge shows here."""
        with self._lock:
            return self._charges

    @property
    def sessions_created(self) -> int:
        with self._lock:
            return self._sessions_created

    def session(self, checkout_id: str) -> dict[str, Any]:
        """A copy of the session as Stripe would return it."""
        with self._lock:
            return _copy(self._sessions[checkout_id])

    # --- what the client and Stripe do ----------------------------------------------
    def pay(self, checkout_id: str) -> bool:
        """The client pays on the hosted page: True when it charged, False when it was refused
        (unknown session or already paid). A signed checkout.session.completed goes to
        ``webhook_url`` when set, and is kept in ``last_webhook`` either way."""
        with self._lock:
            session = self._sessions.get(checkout_id)
            if session is None or session["status"] != "open":
                return False
            session.update(
                status="complete", payment_status="paid", payment_intent=_stripe_id("pi_3")
            )
            self._charges += 1
            snapshot = _copy(session)
        self.send_event("checkout.session.completed", snapshot)
        return True

    def expire(self, checkout_id: str) -> None:
        """The session's 24 hours run out unpaid (or POST /v1/checkout/sessions/:id/expire):
        its page stops taking payments and Stripe no longer gives its URL."""
        with self._lock:
            session = self._sessions[checkout_id]
            if session["status"] == "open":
                session.update(status="expired", url=None)

    def send_event(self, event_type: str, obj: dict[str, Any]) -> tuple[bytes, str]:
        """Sign an event about ``obj``, POST it to ``webhook_url`` (if set) and keep it."""
        event = {
            "id": _stripe_id("evt_1"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }
        payload = json.dumps(event, indent=2).encode()
        header = self.sign(payload)
        self.last_webhook = (payload, header)
        self._deliver(payload, header)
        return payload, header

    def deliver_again(self) -> int:
        """Re-POST the last webhook byte for byte, as Stripe retries one; its HTTP status."""
        assert self.last_webhook is not None, "no webhook was sent yet"
        return self._deliver(*self.last_webhook)

    def sign(
        self, payload: bytes | str, timestamp: int | None = None, secret: str | None = None
    ) -> str:
        """A Stripe-Signature header value for ``payload``."""
        body = payload.decode() if isinstance(payload, bytes) else payload
        t = int(time.time()) if timestamp is None else timestamp
        key = (self.webhook_secret if secret is None else secret).encode()
        digest = hmac.new(key, f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
        return f"t={t},v1={digest}"

    def _deliver(self, payload: bytes, header: str) -> int:
        if not self.webhook_url:
            return 0
        try:
            response = httpx.post(
                self.webhook_url,
                content=payload,
                headers={
                    "Content-Type": "application/json; charset=utf-8",
                    "Stripe-Signature": header,
                    "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                },
                timeout=30,
            )
            status = response.status_code
        except httpx.HTTPError:
            status = 0
        with self._lock:
            self.deliveries.append(status)
        return status

    # --- the API ----------------------------------------------------------------------
    def _create_session(self, body: str, idempotency_key: str | None) -> tuple[int, Any]:
        with self._lock:
            if idempotency_key and idempotency_key in self._idempotent:
                first_body, session_id = self._idempotent[idempotency_key]
                if first_body != body:
                    return 400, _error(
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                        kind="idempotency_error",
                    )
                return 200, _copy(self._sessions[session_id])
        params = form_decode(body)
        problem = _session_problem(params)
        if problem:
            return 400, _error(problem[1], code="parameter_missing", param=problem[0])
        items = params["line_items"]
        amount = sum(
            int(item["price_data"]["unit_amount"]) * int(item.get("quantity", 1)) for item in items
        )
        session_id = _stripe_id("cs_test_a1", 54)
        session: dict[str, Any] = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": amount,
            "amount_total": amount,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": int(time.time()),
            "currency": items[0]["price_data"]["currency"].lower(),
            "customer_details": (
                {"email": params["customer_email"]} if params.get("customer_email") else None
            ),
            "customer_email": params.get("customer_email"),
            "expires_at": int(time.time()) + 24 * 3600,
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "mode": params["mode"],
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "url": f"{self.base_url}/pay/{session_id}",
        }
        with self._lock:
            if idempotency_key and idempotency_key in self._idempotent:  # lost a race
                return 200, _copy(self._sessions[self._idempotent[idempotency_key][1]])
            self._sessions[session_id] = session
            self._sessions_created += 1
            self.requests.append(params)
            if idempotency_key:
                self._idempotent[idempotency_key] = (body, session_id)
            return 200, _copy(session)

    def _retrieve_session(self, checkout_id: str) -> tuple[int, Any]:
        with self._lock:
            session = self._sessions.get(checkout_id)
            if session is None:
                return 404, _error(
                    f"No such checkout.session: '{checkout_id}'",
                    code="resource_missing",
                    param="session",
                )
            return 200, _copy(session)


def _session_problem(params: dict[str, Any]) -> tuple[str, str] | None:
    """Stripe's 400 for what our adapter must always send: (param, message) or None."""
    for param in ("mode", "success_url", "line_items"):
        if not params.get(param):
            return param, f"Missing required param: {param}."
    for index, item in enumerate(params["line_items"]):
        price = item.get("price_data", {})
        for field in ("currency", "unit_amount"):
            if not price.get(field):
                name = f"line_items[{index}][price_data][{field}]"
                return name, f"Missing required param: {name}."
    return None


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeStripe/1.0"

    @property
    def fake(self) -> FakeStripe:
        return self.server.fake  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if match := _SESSION_PATH.match(path):
            if self._authorized():
                self._json(*self.fake._retrieve_session(match["id"]))
        elif match := _PAY_PATH.match(path):
            self._hosted_page(match["id"])
        else:
            self._json(404, _error(f"Unrecognized request URL (GET: {path})."))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        path = self.path.split("?", 1)[0]
        if path == "/v1/checkout/sessions":
            if self._authorized():
                key = self.headers.get("Idempotency-Key")
                self._json(*self.fake._create_session(body, key))
        elif match := _PAY_PATH.match(path):
            self._pay(match["id"])
        else:
            self._json(404, _error(f"Unrecognized request URL (POST: {path})."))

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        key = auth.removeprefix("Bearer ").strip()
        if auth.startswith("Bearer ") and key.startswith("sk_test_"):
            return True
        shown = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:] if key else ""
        self._json(401, _error(f"Invalid API Key provided: {shown}"))
        return False

    def _json(self, status: int, data: Any) -> None:
        body = json.dumps(data, indent=2).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", _stripe_id("req_", 14))
        self.end_headers()
        self.wfile.write(body)

    def _hosted_page(self, checkout_id: str) -> None:
        with self.fake._lock:
            session = self.fake._sessions.get(checkout_id)
            session = _copy(session) if session else None
        if session is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        amount = session["amount_total"]
        price = f"{amount // 100}.{amount % 100:02d} {session['currency'].upper()}"
        paid = session["payment_status"] == "paid"
        page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pay {html.escape(price)}</title></head>
<body>
<h1>Fake Stripe Checkout</h1>
<p class="amount">{html.escape(price)}</p>
{
            "<p>Paid.</p>"
            if paid
            else f'''<form method="post" action="/pay/{checkout_id}">
<button type="submit">Pay {html.escape(price)}</button></form>'''
        }
<p><a href="{html.escape(session["cancel_url"] or "")}">Back</a></p>
</body></html>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def _pay(self, checkout_id: str) -> None:
        self.fake.pay(checkout_id)
        with self.fake._lock:
            session = self.fake._sessions.get(checkout_id)
        if session is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        self.send_response(303)
        self.send_header(
            "Location", session["success_url"].replace("{CHECKOUT_SESSION_ID}", checkout_id)
        )
        self.send_header("Content-Length", "0")
        self.end_headers()
