"""The date a command records (a document's `added`, a silver run's plan, a release's date).

SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention) fixes it, so that a run
can be repeated byte for byte on another day, or on either side of midnight: the test suite sets
it, since a run it compares with another must not depend on when the two ran. Some build shells set
it too (nix-shell: 1980-01-01), and a command run in one records that date.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from .errors import UsageError

_LATEST = 253402300799  # 9999-12-31T23:59:59Z, the last second an ISO date can name


def today() -> str:
    """Today's date (ISO 8601), or the UTC date of SOURCE_DATE_EPOCH when it is set."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None:
        return date.today().isoformat()
    digits = raw.lstrip("0") or "0"
    # The length first: int() refuses a string of more than 4 300 digits with a ValueError of its own.
    if not (raw.isascii() and raw.isdigit() and len(digits) <= len(str(_LATEST)) and int(digits) <= _LATEST):
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {shown!r}")
    return datetime.fromtimestamp(int(digits), tz=UTC).date().isoformat()
