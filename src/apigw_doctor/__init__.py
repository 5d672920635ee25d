"""apigw-doctor: walks a request exactly as Amazon API Gateway does and explains why it fails.

The public names load on first use (PEP 562), so ``apigw-doctor --help`` imports none of the core.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Diagnosis": "apigw_doctor.diagnosis",
    "Finding": "apigw_doctor.diagnosis",
    "Fix": "apigw_doctor.diagnosis",
    "diagnose": "apigw_doctor.diagnosis",
    "Gateway": "apigw_doctor.gateway",
    "Outcome": "apigw_doctor.gateway",
    "Request": "apigw_doctor.gateway",
    "walk": "apigw_doctor.gateway",
    "World": "apigw_doctor.model",
}

__all__ = ["Diagnosis", "Finding", "Fix", "Gateway", "Outcome", "Request", "World", "__version__", "diagnose", "walk"]

if TYPE_CHECKING:
    from .diagnosis import Diagnosis, Finding, Fix, diagnose
    from .gateway import Gateway, Outcome, Request, walk
    from .model import World


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'apigw_doctor' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
