"""Rebuild ``studio/static/NotoSansSC-Regular-common.woff2``, the Chinese font Studio bundles.

Source: Noto Sans CJK SC Regular, version 2.004 (SIL Open Font License 1.1, © 2014-2021 Adobe),
face 2 of ``NotoSansCJK-Regular.ttc`` in Debian's package ``fonts-noto-cjk``
1:20220127+repack1-1 (bookworm). Get it without installing it system-wide::

    apt-get download fonts-noto-cjk
    dpkg-deb -x fonts-noto-cjk_*_all.deb /tmp/n
    python scripts/build_cjk_font.py /tmp/n/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

The source's SHA-256 is checked (``SOURCE_SHA256``), so the same source and the same fontTools
and brotli versions (constraints.txt) give the same bytes (checked: two builds, one SHA-256).
Kept: printable ASCII and Latin-1, general punctuation, CJK symbols and punctuation, full-width
and half-width forms, and GB2312's first level (3,755 most common hanzi, read from Python's
``gb2312`` codec, bytes 0xB0A1-0xD7F9) with its symbol rows. The 通用规范汉字表 first level
(3,500) is not available offline; GB2312 level 1 is the classic, slightly larger common set.
One weight (Regular, about 1.1 MB): a Bold would double the size, and browsers draw a
synthetic bold from the Regular.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio.typeface import FONT_FILE  # noqa: E402 (the checkout's package, not an install)

SOURCE_SHA256 = "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a"
SOURCE_FACE = 2  # Noto Sans CJK SC in the collection (JP, KR, SC, TC, HK, then the Mono faces)
# Code point ranges kept besides the hanzi, as inclusive (first, last) pairs.
RANGES = (
    (0x0020, 0x007E),  # printable ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2010, 0x205E),  # general punctuation (dashes, quotes, ellipsis, per mille, ※)
    (0x2190, 0x2193),  # arrows ← ↑ → ↓
    (0x2212, 0x2212),  # minus sign (Plotly's negative numbers)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)
DROPPED_TABLES = ["VORG", "vhea", "vmtx", "DSIG"]  # vertical writing: never used by Studio


def gb2312_characters(first_row: int, last_row: int) -> list[str]:
    """The characters of GB2312 rows ``first_row..last_row`` (0xA1..0xF7), in code order."""
    found = []
    for row in range(first_row, last_row + 1):
        for cell in range(0xA1, 0xFF):
            try:
                found.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:  # unassigned cells
                continue
    return found


def wanted_codepoints() -> set[int]:
    """Every code point the bundled font should hold (about 4,300)."""
    hanzi = gb2312_characters(0xB0, 0xD7)  # level 1: 3,755 characters
    symbols = gb2312_characters(0xA1, 0xA9)  # punctuation, full-width, kana, Greek, Cyrillic
    points = {ord(c) for c in hanzi + symbols}
    for first, last in RANGES:
        points.update(range(first, last + 1))
    return points


def build(source: Path, target: Path) -> None:
    """Subset face ``SOURCE_FACE`` of ``source`` to ``wanted_codepoints()`` as WOFF2."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{source} has SHA-256 {digest}, expected {SOURCE_SHA256}.")
    font = TTFont(source, fontNumber=SOURCE_FACE, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False  # CFF hints: about 10 % of the size, barely visible on screens
    options.drop_tables += DROPPED_TABLES
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted_codepoints())
    subsetter.subset(font)
    subset.save_font(font, str(target), options)
    data = target.read_bytes()
    print(f"{target}: {len(data):,} bytes, {len(font.getBestCmap()):,} characters, "
          f"SHA-256 {hashlib.sha256(data).hexdigest()}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NotoSansCJK-Regular.ttc (see the docstring)")
    parser.add_argument("--target", type=Path, default=FONT_FILE)
    args = parser.parse_args()
    build(args.source, args.target)


if __name__ == "__main__":
    main()
