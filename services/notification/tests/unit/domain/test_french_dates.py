import re
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notification.domain.french_dates import day_in_words, moment_in_words


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 3, 3, 9, 30), "mardi 3 mars à 9 h 30"),
        (datetime(2026, 12, 1, 14, 0), "mardi 1er décembre à 14 h"),
        (datetime(2025, 12, 1, 14, 0), "lundi 1er décembre à 14 h"),
        (datetime(2026, 8, 15, 9, 5), "samedi 15 août à 9 h 05"),
        (datetime(2026, 2, 1, 0, 0), "dimanche 1er février à 0 h"),
    ],
)
def test_a_moment_is_written_as_it_is_said(moment: datetime, words: str) -> None:
    assert moment_in_words(moment) == words


def test_the_year_is_written_only_when_asked() -> None:
    assert day_in_words(date(2026, 3, 3), with_year=True) == "mardi 3 mars 2026"


@given(moment=st.datetimes())
def test_every_moment_reads_as_weekday_day_month_and_hour(moment: datetime) -> None:
    words = moment_in_words(moment)

    weekday = "(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
    assert re.fullmatch(rf"{weekday} (1er|[12]?\d|3[01]) [a-zéû]+ à \d{{1,2}} h( \d{{2}})?", words)
    assert "/" not in words
    assert ":" not in words
