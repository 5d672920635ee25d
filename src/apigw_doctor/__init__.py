"""apigw-doctor: walks a request exactly as Amazon API Gateway does and explains why it fails."""

from .diagnosis import Diagnosis, Finding, Fix, diagnose
from .gateway import Gateway, Outcome, Request, walk
from .model import World

__version__ = "0.1.0"

__all__ = [
    "Diagnosis",
    "Finding",
    "Fix",
    "Gateway",
    "Outcome",
    "Request",
    "World",
    "__version__",
    "diagnose",
    "walk",
]
