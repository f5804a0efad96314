from ipaddress import ip_network

import pytest

from notification.domain.destination_addresses import refusal_reason


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fd00::1", "unique-local"),
        ("::ffff:10.0.0.1", "private"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "not globally reachable"),
    ],
)
def test_addresses_inside_a_network_are_refused_with_their_kind(address: str, kind: str) -> None:
    reason = refusal_reason(address)

    assert reason is not None
    assert reason.endswith(f"is {kind}")


@pytest.mark.parametrize("address", ["93.184.216.34", "2001:4860:4860::8888"])
def test_public_addresses_are_accepted(address: str) -> None:
    assert refusal_reason(address) is None


def test_an_allow_listed_network_is_accepted_and_only_that_one() -> None:
    allowed = [ip_network("127.0.0.0/8")]

    assert refusal_reason("127.0.0.1", allowed) is None
    assert refusal_reason("10.0.0.1", allowed) is not None
