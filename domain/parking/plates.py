"""Licence plates of mainland China, as people type them and as gates read them: one spelling."""

from __future__ import annotations

import re

from domain.common.errors import InvalidInput

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# A province, the issuing city's letter, then 5 characters (6 for new-energy cars); I and O are not used.
_PLATE = re.compile(f"[{PROVINCES}][A-HJ-NP-Z][A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警]")
_SEPARATORS = re.compile(r"[\s·•.\-]")


def plate(value: str, *, field: str = "plate") -> str:
    """``"浙a·12345"`` → ``"浙A12345"``; anything that is not a plate is INVALID_INPUT."""
    cleaned = _SEPARATORS.sub("", value).upper()
    if not _PLATE.fullmatch(cleaned):
        raise InvalidInput(f"{field} is not a licence plate, e.g. 浙A12345 or 浙AD12345", field=field)
    return cleaned
