"""A pixel check that Chinese text is drawn with glyphs, not as empty boxes ("tofu").

``draws_glyphs`` compares the element as the page drew it with the same element drawn without
the bundled font, which on a machine without a CJK font is boxes. (Swapping the text and
comparing is not enough: a swap makes the browser shape the text again, and Chromium has been
seen to leave text drawn as boxes until then.) A browser that has no glyph for a character
draws the same box for every such character, so the reference is checked to be boxes by
swapping its Chinese characters for others: no pixel may change. ``system_has_cjk_font`` tells
whether the machine itself has a CJK font (a canvas draws 客 and the never-assigned U+FFFF with
the generic sans-serif); there the reference is glyphs and the check says nothing.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

CHANNEL_STEP = 48
CHANGED_PIXELS = 20
# Common hanzi (all in the bundled font) that the swapped-in text is made of.
SWAP = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年"

_SWAP_TEXT = """([element, swap]) => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const originals = [];
  const own = new Set(element.textContent);
  const pool = [...swap].filter((c) => !own.has(c));
  let next = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    originals.push([node, node.data]);
    node.data = [...node.data].map((c) => /\\p{Script=Han}/u.test(c)
      ? pool[next++ % pool.length] : c).join("");
  }
  element.__originals = originals;
}"""
_RESTORE = """(element) => {
  for (const [node, data] of element.__originals) node.data = data;
  delete element.__originals;
}"""
# The stack on the element and on every element inside it (each may have a rule of its own).
_SET_STACK = """(element, stack) => {
  element.__stacks = [element, ...element.querySelectorAll("*")].map((e) => {
    const old = e.style.fontFamily;
    e.style.fontFamily = stack;
    return [e, old];
  });
}"""
_RESET_STACK = """(element) => {
  for (const [e, old] of element.__stacks) e.style.fontFamily = old;
  delete element.__stacks;
}"""
_CANVAS_CJK = """() => {
  const draw = (text) => {
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 64;
    const context = canvas.getContext("2d");
    context.font = "48px sans-serif";
    context.fillText(text, 4, 52);
    return canvas.toDataURL();
  };
  return draw("客") !== draw("\\uffff");
}"""


def draws_glyphs(page: Page, element: Locator, latin_stack: str) -> bool:
    """Whether ``element`` (which must show Chinese text) draws it with glyphs, not boxes.

    Its pixels are compared with a reference: the same element drawn with ``latin_stack`` (its
    font stack without the bundled font), which on a machine without a CJK font shows boxes;
    that the reference is boxes is checked too (swapping its characters changes no pixel).
    Only meaningful when ``system_has_cjk_font`` is False.
    """
    handle = element.element_handle()  # the node itself: a text locator stops matching
    handle.scroll_into_view_if_needed()
    before = handle.screenshot(animations="disabled")
    handle.evaluate(_SET_STACK, latin_stack)
    try:
        boxes = handle.screenshot(animations="disabled")
        page.evaluate(_SWAP_TEXT, [handle, SWAP])
        try:
            swapped = handle.screenshot(animations="disabled")
        finally:
            page.evaluate(_RESTORE, handle)
    finally:
        handle.evaluate(_RESET_STACK)
    assert not _differ(boxes, swapped), "the reference shows glyphs: this machine has a CJK font"
    return _differ(before, boxes)


def _differ(first: bytes, second: bytes) -> bool:
    """Whether two PNGs of one element differ by more than rasterisation noise: at least
    ``CHANGED_PIXELS`` pixels with a channel off by more than ``CHANNEL_STEP`` (of 255). Four
    Chinese glyphs against boxes changed 3,563 pixels of the app's warning line (the glyphs and
    the text after them); two renderings of the same boxes were seen to differ in one pixel."""
    a, b = (
        np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
        for png in (first, second)
    )
    if a.shape != b.shape:
        return True
    return int((np.abs(a - b).max(axis=2) > CHANNEL_STEP).sum()) >= CHANGED_PIXELS


def system_has_cjk_font(page: Page) -> bool:
    """Whether the machine's own fonts (not the page's web fonts) draw Chinese."""
    return page.evaluate(_CANVAS_CJK)
