"""The fast path of email normalisation gives exactly what checking each address whole gives."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from unmentor.people.normalise import _checked_whole, normalise_email

_PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "0",
        ".",
        "..",
        "-",
        "_",
        "+",
        "'",
        "@",
        "example",
        "org",
        "com",
        "local",
        "localhost",
        "test",
        "invalid",
        "xn--",
        "é",
        "münchen",
        " ",
        "\u200b",
        "1",
        "123",
        "-x",
    ]
)
_ADDRESSES = st.one_of(
    st.emails(),
    st.lists(_PIECES, min_size=1, max_size=12).map("".join),
    st.builds(lambda a, b: f"{a}@{b}", st.text(max_size=70), st.text(max_size=70)),
)


def _outcome(check, address: str) -> str:
    try:
        return check(address)
    except ValueError as error:
        return f"refused: {error}"


@given(_ADDRESSES)
@example("Person.1@Example1.org")
@example("a@localhost")
@example("a@example.local")
@example("a@123.45")
@example("a" * 65 + "@example.org")
@example("x@" + "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61 + ".org")
@example(".a@example.org")
@example("a@-example.org")
@example("")
@example("   ")
def test_the_fast_path_agrees_with_the_whole_check(address):
    assert _outcome(normalise_email, address) == _outcome(
        lambda raw: _checked_whole(raw.strip()), address
    )
