"""How many SMS segments a text takes: GSM-7 when every character is in its alphabet, UCS-2 otherwise."""

import math
from dataclasses import dataclass
from enum import StrEnum

# 3GPP TS 23.038 default alphabet, and its extension table whose characters take two septets each.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE_SEGMENT = 160
GSM7_CONCATENATED_SEGMENT = 153
UCS2_SINGLE_SEGMENT = 70
UCS2_CONCATENATED_SEGMENT = 67


class SmsEncoding(StrEnum):
    GSM7 = "gsm-7"
    UCS2 = "ucs-2"


@dataclass(frozen=True)
class SmsLength:
    encoding: SmsEncoding
    units: int
    """Septets for GSM-7, UTF-16 code units for UCS-2."""
    segments: int


def sms_length(text: str) -> SmsLength:
    if all(character in GSM7_BASIC or character in GSM7_EXTENSION for character in text):
        septets = sum(2 if character in GSM7_EXTENSION else 1 for character in text)
        return SmsLength(
            SmsEncoding.GSM7, septets, _segments(septets, GSM7_SINGLE_SEGMENT, GSM7_CONCATENATED_SEGMENT)
        )
    code_units = len(text.encode("utf-16-le")) // 2
    return SmsLength(
        SmsEncoding.UCS2, code_units, _segments(code_units, UCS2_SINGLE_SEGMENT, UCS2_CONCATENATED_SEGMENT)
    )


def _segments(units: int, single: int, concatenated: int) -> int:
    if units <= single:
        return 1
    return math.ceil(units / concatenated)
