"""Normalize Checkout.com, Paysafe, Mangopay and PXP 3-D Secure documents, and decide
liability shift, exactly as the ``threeds-bridge`` command line does.

The functions are implemented in Rust (the threeds-bridge library's offline core); see
``help(threeds_bridge.normalize)`` and the package's README.
"""

from ._native import (
    LiabilityError,
    NormalizeError,
    NormalizeWarning,
    __version__,
    liability,
    normalize,
    normalize_many,
    providers,
)

__all__ = [
    "LiabilityError",
    "NormalizeError",
    "NormalizeWarning",
    "__version__",
    "liability",
    "normalize",
    "normalize_many",
    "providers",
]
