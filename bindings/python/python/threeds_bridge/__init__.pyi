"""Type stubs for threeds_bridge (the extension module threeds_bridge._native)."""

import datetime
from typing import Any, Dict, List, Literal, Optional, Sequence, Union

__version__: str

_Date = Union[datetime.date, str]
"""A ``datetime.date`` or a ``YYYY-MM-DD`` string."""

class NormalizeError(ValueError):
    """A document that could not be normalized."""

    kind: str
    """not_json, unknown_document, ambiguous, shape, unsupported or too_deep (missing: a
    None in normalize_many's input)."""
    message: str
    """The command line's message (card numbers masked, values cut short)."""
    index: Optional[int]
    """The document's position in ``normalize_many``'s input; None for ``normalize``."""

class LiabilityError(ValueError):
    """A liability fact the rule tables cannot hold; the message names the CLI flag."""

class NormalizeWarning(UserWarning):
    """Something worth a look in a normalized document (the CLI's stderr warning)."""

def normalize(
    text: str,
    provider: Optional[str] = None,
    as_of: Optional[_Date] = None,
    explain: bool = False,
) -> Dict[str, Any]:
    """One PSP document (JSON, or a Mangopay hook query string) to the object
    ``threeds-bridge normalize`` prints for it; the authentication value is redacted.

    ``provider`` skips detection and refuses a document of another PSP's shape;
    ``as_of`` dates the liability rules for documents that carry no date (default today);
    ``explain`` adds the ``explain`` object. Raises ``NormalizeError``.
    """

def normalize_many(
    texts: Sequence[Optional[str]],
    provider: Optional[str] = None,
    as_of: Optional[_Date] = None,
    explain: bool = False,
    errors: Literal["raise", "return"] = "raise",
) -> List[Dict[str, Any]]:
    """``normalize`` over many documents, in input order, with the GIL released while
    they are normalized. ``errors="return"`` puts ``{"error": {"index", "kind",
    "message"}}`` in a failed document's slot instead of raising. A None (a null in a
    column) fails with kind ``missing``."""

def liability(
    network: str,
    trans_status: Optional[str] = None,
    enrollment: Optional[str] = None,
    eci: Optional[str] = None,
    version: str = "2.2.0",
    cavv_present: bool = False,
    exemption: Optional[str] = None,
    signature: Optional[str] = None,
    category: Optional[str] = None,
    challenge_indicator: Optional[str] = None,
    challenged: Optional[bool] = None,
    as_of: Optional[_Date] = None,
) -> Dict[str, Any]:
    """The decision ``threeds-bridge liability`` prints for the same flags:
    ``{"liability_shift": bool | None, "rule": str, "source": str}``. Raises
    ``LiabilityError``."""

def providers() -> List[str]:
    """The registered PSPs' ids (the values ``provider`` takes)."""
