"""A generated corpus of awkward real-world file shapes, each with what Studio should make of it.

Every shape is a small in-memory file (bytes and a file name) holding one column under test
(``column``), a numeric feature ``x`` and a two-class target ``y``, with the kind, the words
of the reason, the notice and (where a plain reference is easy to write) the exact values that
reading it must give. Shapes come in families (identifiers, thousands separators, currency and
percent signs, codes with leading zeros, dates, zoned times, booleans, missing-value tokens,
encodings, infinities, integer codes, headers) and each family holds its neighbours: other
names, sizes, orders, spellings, delimiters, encodings and formats, with and without blanks,
and look-alikes that must NOT be read that way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tests.data.corpus.dates import date_shapes, zoned_shapes
from tests.data.corpus.files import Shape, delimited
from tests.data.corpus.identifiers import identifier_shapes, measurement_shapes
from tests.data.corpus.numbers import code_shapes, infinity_shapes, number_shapes, unit_shapes
from tests.data.corpus.text import boolean_shapes, encoding_shapes, header_shapes, missing_shapes

__all__ = ["CORPUS", "Shape", "build_corpus", "delimited"]

FAMILIES: tuple[Callable[[], Iterator[Shape]], ...] = (
    identifier_shapes,
    measurement_shapes,
    number_shapes,
    unit_shapes,
    date_shapes,
    zoned_shapes,
    boolean_shapes,
    missing_shapes,
    encoding_shapes,
    infinity_shapes,
    code_shapes,
    header_shapes,
)


def build_corpus() -> list[Shape]:
    """Every shape of every family (ids are unique)."""
    shapes = [shape for family in FAMILIES for shape in family()]
    ids = [s.id for s in shapes]
    assert len(ids) == len(set(ids)), "corpus ids must be unique"
    return shapes


CORPUS = build_corpus()
