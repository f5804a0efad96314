"""Dates written out in words, as a person reads them aloud: « mardi 3 mars à 9 h 30 »."""

from datetime import date, datetime

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def day_in_words(day: date, *, with_year: bool = False) -> str:
    """« lundi 1er décembre »; the first of the month is « 1er », as French writes it."""
    number = "1er" if day.day == 1 else str(day.day)
    words = f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]}"
    return f"{words} {day.year}" if with_year else words


def time_in_words(moment: datetime) -> str:
    """« 9 h 30 », « 14 h », « 9 h 05 »."""
    if moment.minute == 0:
        return f"{moment.hour} h"
    return f"{moment.hour} h {moment.minute:02d}"


def moment_in_words(moment: datetime, *, with_year: bool = False) -> str:
    """The wall-clock time the datetime carries: convert it to the person's time zone first."""
    return f"{day_in_words(moment.date(), with_year=with_year)} à {time_in_words(moment)}"
