"""What a column's name says about it: split into words, then matched on whole words only.

``customer_id``, ``CustomerID``, ``user-id``, ``订单号`` and ``ID号`` are named like
identifiers; ``amount_paid``, ``valid``, ``bid`` and ``humid`` are not (the name test never
looks at the end of a word). Names such as ``store_code``, ``zip`` or ``邮编`` are named like
codes, whose integer values are categories rather than amounts.
"""

from __future__ import annotations

import re

# Whole words that name an identifier.
ID_WORDS = frozenset({"id", "ids", "uuid", "guid", "uid", "key", "pk", "identifier"})
# Words that name an identifier only as the last word after another (``order_no``).
ID_LAST_WORDS = frozenset({"no", "nr", "number"})
# Chinese names of identifiers: a name that is, or ends with, one of these.
CJK_ID_ENDINGS = (
    "编号", "序号", "单号", "订单号", "流水号", "账号", "帐号", "工号", "学号", "卡号",
    "证号", "号码", "标识", "主键",
)  # fmt: skip
# Whole words that name a code (integer values that are categories).
CODE_WORDS = frozenset(
    {
        "code", "codes", "zip", "zipcode", "postcode", "postal", "plz", "category", "cat",
        "type", "class", "level", "group", "grp", "segment", "region", "district", "dept",
        "department", "store", "branch", "station", "channel", "status", "sector",
        "industry", "naics", "sic", "icd", "brand", "tier", "cluster", "zone", "area",
    }
)  # fmt: skip
CJK_CODE_WORDS = (
    "邮编", "邮政编码", "编码", "代码", "类别", "类型", "分类", "等级", "级别", "地区",
    "区域", "门店", "渠道", "状态",
)  # fmt: skip

_PARTS = re.compile(r"[A-Za-z]+|\d+|[^\x00-\x7f]+")
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_SEPARATORS = re.compile(r"[\W_]+")


def name_words(name: object) -> list[str]:
    """The words of a column name, lower-cased: snake, kebab, camel case and CJK runs split.

    >>> name_words("CustomerID"), name_words("user-id"), name_words("ID号")
    (['customer', 'id'], ['user', 'id'], ['id', '号'])
    """
    words: list[str] = []
    for chunk in _SEPARATORS.split(str(name)):
        for part in _PARTS.findall(chunk):
            if part.isascii() and part.isalpha():
                words += [w.lower() for w in _CAMEL.findall(part)]
            elif not part.isdigit():
                words.append(part)
    return words


def _cjk_words(words: list[str]) -> list[str]:
    return [w for w in words if not w.isascii()]


def named_like_id(name: object) -> bool:
    """True when a whole word of the name is an identifier word (``id``, ``uuid``, ``编号``)."""
    words = name_words(name)
    if any(w in ID_WORDS for w in words):
        return True
    if len(words) >= 2 and words[-1] in ID_LAST_WORDS:
        return True
    if any(w.endswith(CJK_ID_ENDINGS) for w in _cjk_words(words)):
        return True
    return len(words) >= 2 and words[-1] == "号"  # "ID号", "customer号"


def named_like_code(name: object) -> bool:
    """True when a whole word of the name is a code word (``store_code``, ``zip``, ``邮编``)."""
    words = name_words(name)
    if any(w in CODE_WORDS for w in words):
        return True
    return any(code in w for w in _cjk_words(words) for code in CJK_CODE_WORDS)
