"""Media types of the CloudEvents JSON event format and of the data the catalogue carries."""

from typing import Final

JSON: Final = "application/json"
CLOUDEVENTS_JSON: Final = "application/cloudevents+json"
CLOUDEVENTS_BATCH_JSON: Final = "application/cloudevents-batch+json"


def essence(content_type: str) -> str:
    """The bare media type: ``Application/JSON; charset=utf-8`` → ``application/json``."""
    return content_type.split(";", 1)[0].strip().lower()
