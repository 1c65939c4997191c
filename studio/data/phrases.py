"""What ingest and profiling say about a file, stored in English, shown in the reader's language.

A dataset version keeps the notices of its upload ("Column 'price' was read as numbers written
with a decimal comma (1,5).") and its profile's warnings and column reasons in the store, in
English: they are facts of the upload, read by the CLI, the API and the app alike, and rows
written before Studio spoke Chinese hold them so too. Each is one of the templates below
(msgids with named placeholders) filled in with :func:`english`; :func:`shown` matches a stored
text back to its template and builds it again in the reader's language, placeholders kept.
Placeholders that are words themselves (a column's reason, a refusal's cause) are matched
against the templates in turn, and lists of them (``{renamed}``, ``{parts}``) item by item. A
text no template matches (a row written by an older Studio) is shown as it was stored.

Templates written by ``reading.py``, ``dates.py``, ``numbers.py``, ``kinds.py``,
``profile.py``, ``warnings.py`` and ``leakage.py`` are listed here as those modules write them;
``tests/i18n/test_data_experiments_language.py`` reads real files through them, so a changed
sentence there fails until its template here follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from studio.i18n import N_, current_language, gettext

# Notices: whole sentences.
RENAMED = N_("Renamed blank or duplicate column names: {renamed}.")
OVERFLOW = N_("Column '{name}' holds numbers too large for a float; it was kept as text.")
OTHER_SHEETS = N_("Read the first sheet '{sheet}'; the other {count} were ignored.")
NOTICES = (
    RENAMED,
    OVERFLOW,
    OTHER_SHEETS,
    N_("Times in '{name}' carry a time zone or UTC offset; they were converted to UTC."),
    N_("{count} infinite value(s) in '{name}' ({signs}) were read as missing; most models "
       "cannot use them."),
    N_("Column '{name}' looks like dates but {why}, so it was kept as text."),
    N_("Dates in '{name}' {detail}."),
    N_("Column '{name}' was read as {reason}."),
    N_("Column '{name}' holds codes with leading zeros ({example}); it was kept as text so "
       "they are not lost."),
    N_("Times in '{name}' carry UTC offsets ({offsets}); they were converted to UTC."),
    N_("Times in '{name}' carry UTC offsets ({offsets}); they were converted to UTC, and "
       "{count} value(s) without an offset were taken as UTC."),
    N_("{count} cell in '{name}' were read as missing ({tokens})."),
    N_("{count} cells in '{name}' were read as missing ({tokens})."),
    # a profile's warnings (profile.py, warnings.py, leakage.py)
    N_("{count} rows ({share}) duplicate an earlier row exactly."),
    N_("'{name}' is empty in every row."),
    N_("'{name}' has the same value in every non-missing row; it carries no signal."),
    N_("'{name}' is missing in {share} of rows."),
    N_("'{name}' holds {count} infinite value(s); most models cannot use them."),
    N_("'{name}' looks like an identifier ({why}); it will not be used as a feature."),
    N_("'{name}' has {count} distinct values; it will be encoded sparsely."),
    N_("'{name}' is used as a number but may hold category codes ({why}); it can be treated "
       "as categorical instead."),
    N_("'{name}' predicts '{target}' almost perfectly on its own ({score}); check that it is "
       "known before the outcome, or exclude it."),
)  # fmt: skip
# Fragments: the worded parts of a notice (a renamed column, a reason, a cause).
RENAMED_ONE = N_("'{raw}' (column {position}) → '{name}'")
FRAGMENTS = (
    RENAMED_ONE,
    # why dates were kept as text (dates.py)
    N_("mixes day-first ({a}) and month-first ({b}) order"),
    N_("is not written {order} as in training"),
    N_("has {count} value(s) that are not real dates, such as '{example}'"),
    # how ambiguous dates were read (dates.py)
    N_("fit both day-first and month-first order (no number above 12); they were read "
       "{order}, so {example} is {iso}"),
    # the order of a date's parts (dates.py's WORDS)
    N_("year first"), N_("day first"), N_("month first"), N_("in Chinese"),
    # what a column was read as (dates.py's and numbers.py's reasons)
    N_("dates written in Chinese ({example})"),
    N_("dates written in Chinese ({example}), converted to UTC"),
    N_("dates, {order} ({example})"),
    N_("dates, {order} ({example}), converted to UTC"),
    N_("ISO dates ({example})"),
    N_("ISO dates ({example}), converted to UTC"),
    N_("times with a UTC offset, converted to UTC"),
    N_("numbers written with {parts} ({example})"),
    N_("percentages without the {sign} sign ({example})"),  # {sign} is "%" (no %-format)
    N_("percentages without the {sign} sign, {parts} ({example})"),
    N_("amounts in {symbol} ({example})"),
    N_("amounts in {symbol}, {parts} ({example})"),
    N_("thousands separated by {separator}"),
    N_("a decimal comma"),
    N_("commas"), N_("points"), N_("spaces"), N_("apostrophes"),
    N_("codes with leading zeros"),
    # why a column got its kind, and a suggested kind (kinds.py, warnings.py)
    N_("empty in every row"),
    N_("two values: {pair}"), N_("one value of a pair: {pair}"),
    N_("dates"), N_("dates and times"),
    N_("numbers, {count} distinct"),
    N_("consecutive integers {low}…{high}"),
    N_("consecutive integers {low}…{high} with a few gaps"),
    N_("{spread} and named like an id"),
    N_("whole numbers, {count} distinct"),
    N_("whole numbers, {spread} but not consecutive: a measurement"),
    N_("named like {what}, {count} distinct whole numbers: likely categories"),
    N_("an id"), N_("a code"),
    N_("{count} codes of {digits} digits ({examples}, …): likely categories"),
    N_("free text, {count} characters on average"),
    N_("{spread}, {shape}"),
    N_("short text, {spread}"),
    N_("text with {count} category"), N_("text with {count} categories"),
    N_("all values distinct"), N_("{percent} of values distinct"),
    N_("UUIDs"), N_("hexadecimal keys"), N_("e-mail addresses"),
    N_("codes such as {example}"), N_("fixed-width codes such as {example}"),
    N_("a distinct value per row"),
)  # fmt: skip
# Placeholders whose values are fragments, and those that are lists of fragments (English
# separator, then the msgid of the separator in the reader's language).
WORDED = frozenset({"why", "detail", "reason", "order", "separator", "spread", "shape", "what"})
LISTS = {"renamed": ("; ", N_("; ")), "parts": (" and ", N_(" and "))}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class _Template:
    msgid: str
    pattern: re.Pattern[str]


def english(template: str, **values: object) -> str:
    """The notice as stored: ``template`` (a msgid above) filled in, in English."""
    return template.format(**values)


@lru_cache(maxsize=1)
def _compiled() -> tuple[_Template, ...]:
    """Every template as a regular expression, the most literal words first (so that
    "dates, {order} ({example}), converted to UTC" wins over "dates, {order} ({example})")."""
    compiled = []
    for msgid in NOTICES + FRAGMENTS:
        parts = _PLACEHOLDER.split(msgid)  # literal, name, literal, name, ..., literal
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts)
        )
        compiled.append(_Template(msgid, re.compile(regex, re.DOTALL)))
    return tuple(sorted(compiled, key=lambda t: -len(_PLACEHOLDER.sub("", t.msgid))))


def shown(text: str, lang: str | None = None) -> str:
    """``text`` (a notice, warning or reason as stored, in English) in ``lang`` (else the
    context's language); unchanged when no template matches it or the language is English."""
    lang = lang or current_language()
    if lang == "en" or not text:
        return text
    return _render(text, lang) or text


def _render(text: str, lang: str) -> str | None:
    """``text`` rebuilt from the first template it matches whose worded placeholders match
    templates in turn (so "{spread}, {shape}" never takes any text with a comma); None when
    none does."""
    for template in _compiled():
        match = template.pattern.fullmatch(text)
        if match is None:
            continue
        values = {k: _value(k, v, lang) for k, v in match.groupdict().items()}
        if None not in values.values():
            return gettext(template.msgid, lang).format(**values)
    return None


def _value(name: str, value: str, lang: str) -> str | None:
    if name in LISTS:
        separator, msgid = LISTS[name]
        items = [_render(item, lang) or item for item in value.split(separator)]
        return gettext(msgid, lang).join(items)
    if name in WORDED:
        return _render(value, lang)
    return value
