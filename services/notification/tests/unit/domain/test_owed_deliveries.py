"""A delivery's key names (event, recipient organisation, channel, target), and nothing else."""

from uuid import uuid4

from notification.domain.owed_deliveries import Channel, DeliveryTarget, delivery_key, owed_for

EVENT = ("/services/pathway", uuid4())
ORGANISATION, TARGET = uuid4(), uuid4()


def test_the_same_event_for_the_same_target_always_has_the_same_key() -> None:
    target = DeliveryTarget(Channel.WEBHOOK, TARGET, ORGANISATION)

    assert delivery_key(*EVENT, target) == delivery_key(
        *EVENT, DeliveryTarget(Channel.WEBHOOK, TARGET, ORGANISATION)
    )


def test_another_event_channel_target_or_organisation_has_another_key() -> None:
    target = DeliveryTarget(Channel.WEBHOOK, TARGET, ORGANISATION)
    others = [
        delivery_key("/services/pathway", uuid4(), target),
        delivery_key(*EVENT, DeliveryTarget(Channel.EMAIL, TARGET, ORGANISATION)),
        delivery_key(*EVENT, DeliveryTarget(Channel.WEBHOOK, uuid4(), ORGANISATION)),
        delivery_key(*EVENT, DeliveryTarget(Channel.WEBHOOK, TARGET, uuid4())),
    ]

    assert len({delivery_key(*EVENT, target), *others}) == 5


def test_a_target_named_twice_is_owed_once() -> None:
    target = DeliveryTarget(Channel.EMAIL, TARGET, ORGANISATION)

    assert len(owed_for(*EVENT, [target, target])) == 1
