"""The plain-language rules every message to a person must follow, checked mechanically."""

import re
import unicodedata
from dataclasses import dataclass

LONGEST_SENTENCE_IN_WORDS = 15

# Words that label or stigmatise the person; matched on their stem, so every form is caught.
FORBIDDEN_STEMS = ("illettr", "analphab")

# Words of the professionals, not of the person reading.
JARGON = (
    "bénéficiaire",
    "dispositif",
    "prescripteur",
    "prescription",
    "positionnement",
    "freins périphériques",
    "levée des freins",
    "sortie positive",
    "sortie dynamique",
    "modalités",
    "susmentionné",
)

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}(/\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b")
_NUMERIC_TIME = re.compile(r"\b\d{1,2}(:\d{2}|h\d{2})\b")


@dataclass(frozen=True)
class PlainLanguageIssue:
    rule: str
    excerpt: str


def sentences_of(text: str) -> list[str]:
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]


def words_of(sentence: str) -> list[str]:
    return [word for word in re.split(r"[\s\u00a0\u202f]+", sentence) if any(c.isalnum() for c in word)]


def plain_language_issues(text: str) -> list[PlainLanguageIssue]:
    issues = [
        PlainLanguageIssue("sentence_too_long", sentence)
        for sentence in sentences_of(text)
        if len(words_of(sentence)) > LONGEST_SENTENCE_IN_WORDS
    ]
    folded = _folded(text)
    issues += [PlainLanguageIssue("forbidden_word", stem) for stem in FORBIDDEN_STEMS if stem in folded]
    issues += [
        PlainLanguageIssue("jargon", term)
        for term in JARGON
        if re.search(rf"\b{re.escape(_folded(term))}", folded)
    ]
    issues += [
        PlainLanguageIssue("date_not_in_words", match.group())
        for pattern in (_NUMERIC_DATE, _NUMERIC_TIME)
        for match in pattern.finditer(text)
    ]
    return issues


def _folded(text: str) -> str:
    """Lower case without accents, so « Illettré » and « illettre » are caught alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(character for character in decomposed if not unicodedata.combining(character))
