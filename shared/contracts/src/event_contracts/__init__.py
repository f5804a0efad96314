"""Event contracts of the Première marche platform, installable on their own by partners.

- ``event_contracts.envelope``: the CloudEvents 1.0 envelope (``CloudEvent``).
- ``event_contracts.catalogue``: the v1 payload models and the registry of event types.
- ``event_contracts.kafka_binding`` and ``event_contracts.http_binding``: the wire formats.
- ``event_contracts.topics``: topic names per region.
- ``event_contracts.errors``: why an incoming event is refused.
"""
