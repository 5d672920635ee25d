"""The mutable state of one walk, finished into a frozen Outcome, and the small helpers every step uses."""

from __future__ import annotations

from dataclasses import replace

from ..model import Api, Method, Route, Stage
from .outcome import Failure, Matched, Outcome, Resolution, Step
from .paths import Segments
from .request import Request
from .responses import Response

NO_RESPONSE = Response(None, (), None, "none")
NO_DEPLOYMENT = "(none)"
"""The deployment id of an HTTP API stage that has none and no auto-deploy: it serves no route."""
FORBIDDEN = "Forbidden"


class WalkState:
    """The mutable state of one walk; finished into a frozen :class:`Outcome`."""

    def __init__(self, request: Request, canary: bool) -> None:
        self.request = request
        self.canary = canary
        self.trace: list[Step] = []
        self.resolution: Resolution | None = None
        self.api: Api | None = None
        self.stage: Stage | None = None
        self.deployment_id: str | None = None
        self.working_copy = False
        self.method: str | None = None
        self.segments: Segments | None = None
        self.edge = False
        """True when CloudFront fronts the entry point (edge-optimized API or custom domain)."""

    def step(self, name: str, ok: bool, detail: str, rule_id: str) -> None:
        self.trace.append(Step.of(name, ok, detail, rule_id))

    def done(
        self,
        response: Response,
        failure: Failure,
        matched: Matched | None = None,
        handler: Method | Route | None = None,
    ) -> Outcome:
        if self.edge and response.source == "gateway" and response.status is not None and response.status >= 400:
            response = replace(response, headers=(*response.headers, ("X-Cache", "Error from cloudfront")))
        return Outcome(
            self.request,
            response,
            failure,
            tuple(self.trace),
            self.resolution,
            matched,
            self.api,
            self.stage,
            self.deployment_id,
            self.working_copy,
            self.canary,
            self.method,
            self.segments,
            handler,
        )


def with_stage(res: Resolution | None, stage: str) -> Resolution | None:
    if res is None:
        return None
    return Resolution(
        res.via, res.api_id, res.api_kind, res.region, stage, res.base_path, res.domain, res.mapping_stage
    )


def params_text(params: tuple[tuple[str, str], ...]) -> str:
    return (" (" + ", ".join(f"{k}={v}" for k, v in params) + ")") if params else ""
