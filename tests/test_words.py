"""Counts in words: the word agrees with its number, whatever the number."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from unmentor.words import count, plural

WORDS = st.sampled_from(["row", "problem", "group", "person", "organisation", "match", "was"])


@given(number=st.integers(min_value=0, max_value=10**9), word=WORDS)
def test_the_word_agrees_with_the_number(number: int, word: str) -> None:
    said = count(number, word)
    digits, _, noun = said.partition(" ")
    assert int(digits.replace(",", "")) == number
    assert (noun == word) == (number == 1)
    assert noun == plural(number, word)
    assert noun.startswith(word[:3]) or word == "person" or word == "was"


@given(number=st.integers(min_value=0, max_value=10**6))
def test_a_named_plural_is_used_as_given(number: int) -> None:
    assert count(number, "child", "children").endswith("child" if number == 1 else "children")


def test_examples() -> None:
    assert count(1, "problem") == "1 problem"
    assert count(0, "row") == "0 rows"
    assert count(3, "row") == "3 rows"
    assert count(1, "person") == "1 person"
    assert count(41, "person") == "41 people"
    assert count(2, "match") == "2 matches"
    assert count(40_000, "row") == "40,000 rows"
    assert plural(2, "was") == "were"
