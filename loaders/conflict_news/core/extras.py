"""Optional dependencies (the extras of pyproject.toml): every import of one goes through require_extra.

`with require_extra("hf"): import pyarrow` imports as usual or, when the extra is not installed,
raises a UsageError with the pip line that installs it instead of a bare ModuleNotFoundError. A
module that needs an extra throughout guards its imports at its top, so that importing it already
says what to install; one that needs it in one function guards the import there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from .errors import UsageError

Extra = Literal["dask", "hf", "labelstudio", "release"]


@contextmanager
def require_extra(extra: Extra) -> Iterator[None]:
    """Run the imports of the block; an ImportError among them becomes a UsageError naming `extra`."""
    try:
        yield
    except ImportError as exc:
        # The package is not on an index: the install that works is from a clone of the repository.
        raise UsageError(
            f"this needs the {extra} extra ({exc}): pip install '.[{extra}]' in a clone of the repository"
        ) from exc
