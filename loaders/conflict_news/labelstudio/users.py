"""Who made an annotation: one name per annotator, their e-mail, whichever way the export came.

Label Studio's export names an annotation's author in `completed_by`, either as a user id or, when the
export expands it, as an object with the id and the e-mail. Provenance must name one person one way
across `pull`, `import` and `adjudicate`, so an id is turned into the e-mail through the server's user
list (`pull`, `adjudicate`) or a users file (`import --users`); an id neither names is refused
(`ls-annotator-unknown`) rather than written under a second, made-up name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from ..core.errors import CorpusError, UsageError
from ..core.store import read_regular


def annotator_email(annotation: dict[str, Any], users: dict[int, str]) -> str | None:
    """The e-mail of the annotation's author, or None when neither the export nor `users` gives one."""
    who = annotation.get("completed_by")
    if isinstance(who, dict):  # an expanded user: {"id": 2, "email": "...", "first_name": ...}
        email = who.get("email")
        if isinstance(email, str) and email:
            return email
        who = who.get("id")
    if isinstance(who, int) and not isinstance(who, bool):
        return users.get(who)
    return None


def read_users(path: Path) -> dict[int, str]:
    """User ids -> e-mails from a users file: Label Studio's user list as GET /api/users/ returns it (a
    list of objects with `id` and `email`), or an object of ids to e-mails ({"2": "ann1@example.org"}).

    UsageError (input-missing, or option-invalid naming what is wrong) when the file cannot serve."""
    try:
        data = orjson.loads(read_regular(path, str(path), follow=True))
    except FileNotFoundError:
        raise UsageError(f"--users {path}: no such file", code="input-missing") from None
    except CorpusError as exc:
        raise UsageError(f"--users {path}: {exc.issues[0].message}") from None
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"--users {path}: not JSON ({exc.msg})") from None
    pairs = [(u.get("id"), u.get("email")) for u in data if isinstance(u, dict)] if isinstance(data, list) else []
    if isinstance(data, dict):
        pairs = [(int(k) if k.isdecimal() else k, v) for k, v in data.items()]
    users = {k: v for k, v in pairs if isinstance(k, int) and not isinstance(k, bool) and isinstance(v, str) and v}
    if not users or len(users) != len(data):
        raise UsageError(
            f"--users {path}: expected Label Studio's user list (GET /api/users/: objects with an id and an "
            'e-mail) or an object of user ids to e-mails, {"2": "ann1@example.org"}'
        )
    return users
