from hypothesis import given
from hypothesis import strategies as st

from notification.domain.sms_length import GSM7_BASIC, SmsEncoding, sms_length

GSM7_TEXT = st.text(alphabet=sorted(GSM7_BASIC))


def test_160_plain_characters_fit_one_segment_and_161_take_two() -> None:
    assert sms_length("a" * 160).segments == 1
    assert sms_length("a" * 161).segments == 2
    assert sms_length("a" * 306).segments == 2
    assert sms_length("a" * 307).segments == 3


def test_french_accents_of_the_gsm_alphabet_keep_gsm7() -> None:
    assert sms_length("Rendez-vous demain à 9 h, après le café.").encoding == SmsEncoding.GSM7


def test_a_capital_a_grave_is_not_in_the_gsm_alphabet() -> None:
    assert sms_length("À demain").encoding == SmsEncoding.UCS2


def test_a_single_character_outside_gsm7_switches_the_whole_text_to_ucs2_and_70_per_segment() -> None:
    text = "Votre atelier a lieu bientôt." + "a" * 41

    length = sms_length(text)

    assert length.encoding == SmsEncoding.UCS2
    assert length.units == 70
    assert length.segments == 1
    assert sms_length(text + "a").segments == 2


def test_characters_of_the_gsm7_extension_table_count_twice() -> None:
    assert sms_length("€" * 80).units == 160
    assert sms_length("€" * 81).segments == 2


def test_an_emoji_takes_two_ucs2_units() -> None:
    assert sms_length("👍").units == 2


@given(text=GSM7_TEXT)
def test_gsm7_text_uses_one_septet_per_basic_character(text: str) -> None:
    length = sms_length(text)

    assert length.encoding == SmsEncoding.GSM7
    assert length.units == len(text)
    assert length.segments == (1 if len(text) <= 160 else -(-len(text) // 153))


@given(text=st.text(), more=st.text(min_size=1))
def test_a_longer_text_never_takes_fewer_segments_in_the_same_encoding(text: str, more: str) -> None:
    shorter, longer = sms_length(text), sms_length(text + more)

    if shorter.encoding == longer.encoding:
        assert longer.segments >= shorter.segments
