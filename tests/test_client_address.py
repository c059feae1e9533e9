"""The client's address behind our own proxies (proofroom.core.net)."""

from __future__ import annotations

from proofroom.core.net import client_address


def test_without_trusted_proxies_the_connection_is_the_client() -> None:
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert client_address(meta) == "10.0.0.2"


def test_the_entry_our_outermost_proxy_wrote_is_the_client() -> None:
    meta = {"REMOTE_ADDR": "10.0.0.3", "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.7, 10.0.0.2"}
    assert client_address(meta, trusted_proxies=1) == "10.0.0.2"
    assert client_address(meta, trusted_proxies=2) == "203.0.113.7"
    v6 = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "2001:DB8::1"}
    assert client_address(v6, trusted_proxies=1) == "2001:db8::1"


def test_a_missing_short_or_garbled_header_falls_back_to_the_connection() -> None:
    assert client_address({"REMOTE_ADDR": "10.0.0.2"}, trusted_proxies=1) == "10.0.0.2"
    short = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert client_address(short, trusted_proxies=2) == "10.0.0.2"
    garbled = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "unknown"}
    assert client_address(garbled, trusted_proxies=1) == "10.0.0.2"
