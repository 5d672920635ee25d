"""Objects shared by REST and HTTP APIs: stages, canaries, authorizers, gateway responses."""

from __future__ import annotations

from dataclasses import dataclass

from .origin import NO_ORIGIN, Origin


@dataclass(frozen=True, slots=True, kw_only=True)
class Canary:
    """A stage's canary: ``percent`` of requests go to ``deployment_id`` instead of the stage's own."""

    percent: float
    deployment_id: str
    stage_variable_overrides: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """A stage: a name (the first path segment for REST) pointing at one deployment."""

    name: str
    deployment_id: str | None = None
    variables: tuple[tuple[str, str], ...] = ()
    canary: Canary | None = None
    auto_deploy: bool = False
    """HTTP APIs: every change is deployed automatically."""
    last_deployment_status: str | None = None
    """HTTP APIs with auto-deploy: ``LastDeploymentStatusMessage`` (an auto-deploy can fail)."""
    origin: Origin = NO_ORIGIN

    @property
    def auto_deploy_failed(self) -> bool:
        """HTTP APIs: ``LastDeploymentStatusMessage`` reports a failed auto-deploy (the stage keeps its old routes)."""
        return bool(self.last_deployment_status and "fail" in self.last_deployment_status.lower())

    def variable(self, name: str) -> str | None:
        for key, value in self.variables:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Authorizer:
    """A Lambda (TOKEN/REQUEST), Cognito or JWT authorizer, with where it reads the caller's identity."""

    id: str
    name: str = ""
    type: str = "TOKEN"
    identity_sources: tuple[str, ...] = ("method.request.header.Authorization",)
    origin: Origin = NO_ORIGIN


@dataclass(frozen=True, slots=True, kw_only=True)
class GatewayResponse:
    """A customised gateway response (REST). Types not listed use the built-in defaults.

    ``status`` None keeps the type's default status. ``templates`` maps content type to template;
    ``headers`` maps header name to a value expression (``'*'`` quoted literal, ``method.request.header.X``,
    ``stageVariables.x``, ``context.x``), as in ``responseParameters`` without the ``gatewayresponse.header.``.
    """

    type: str
    status: int | None = None
    templates: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    origin: Origin = NO_ORIGIN
