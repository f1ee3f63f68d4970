"""Names in Norwegian alphabetical order.

A database orders names by its own collation: SQLite by code point, PostgreSQL by the
server's locale, which is often C or English. Either puts "Å" before "Ø" ("Åseral, Åsnes,
Øksnes") and "Bø" after "Bærum" by accident, and a Sámi letter ("Hábmer") after every
plain one. Norwegian orders the alphabet a-z, then æ, ø, å (Språkrådet; the same as
Unicode CLDR's collation for Norwegian), writes ä, ö and ü as æ, ø and y in that order,
and files letters with a diacritic (á, é, č, š, đ, ŋ, ŧ, ž) under their base letter.
``norwegian_key`` orders a list that way in Python, for the short lists a person picks
from (357 municipalities, 15 counties); a tie keeps the names' code point order.
"""

from __future__ import annotations

import unicodedata

#: Letters whose place is not their base letter's, after case folding: æ, ø and å after z
#: (as "{", "|" and "}", the code points right after "z"), ä and ö as æ and ø, ü as y; the
#: Sámi letters without a decomposition under their base letter.
_PLACE = {
    "æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}",
    "ü": "y", "đ": "d", "ŋ": "n", "ŧ": "t",
}  # fmt: skip


def norwegian_key(name: str) -> tuple[str, str]:
    """The key that puts ``name`` in Norwegian alphabetical order (case and diacritics
    ignored, then the name itself to break ties): ``sorted(names, key=norwegian_key)``."""
    letters = []
    for character in name.casefold():
        placed = _PLACE.get(character)
        if placed is None:
            # A letter with a diacritic is filed under its base letter: "á" -> "a", "č" -> "c".
            placed = unicodedata.normalize("NFD", character)[0]
        letters.append(placed)
    return "".join(letters), name
