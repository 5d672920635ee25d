"""The gateway: API Gateway's request path as one pure function of (request, World)."""

from .evidence import RULES, Evidence, Rule
from .outcome import Failure, Matched, Outcome, Resolution, Step
from .request import InvalidRequest, Request, parse_header
from .responses import Response
from .walk import Gateway, walk

__all__ = [
    "RULES",
    "Evidence",
    "Failure",
    "Gateway",
    "InvalidRequest",
    "Matched",
    "Outcome",
    "Request",
    "Resolution",
    "Response",
    "Rule",
    "Step",
    "parse_header",
    "walk",
]
