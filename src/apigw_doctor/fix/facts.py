"""The few live reads a plan needs beyond the diagnosis: the usage plans (``GetUsagePlans``, paged).

Read through :meth:`LiveSource.client`, so the calls are read-only (guarded), paced and counted. An error
(AccessDenied and the like) is not fatal: it becomes the note of :class:`~.plan.UsagePlanFacts`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .plan import UsagePlanFacts

if TYPE_CHECKING:
    from ..sources.live import LiveSource

PAGE = 500
MAX_PAGES = 20


def usage_plans(source: LiveSource, region: str) -> UsagePlanFacts:
    """Every usage plan of ``region`` with the API stages it covers."""
    from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

    client = source.client("apigateway", region)
    plans: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []
    position: str | None = None
    try:
        for _ in range(MAX_PAGES):
            kwargs: dict[str, Any] = {"limit": PAGE}
            if position:
                kwargs["position"] = position
            answer = client.get_usage_plans(**kwargs)
            for item in answer.get("items", []):
                stages = tuple(
                    (str(s.get("apiId", "")), str(s.get("stage", ""))) for s in item.get("apiStages", []) or []
                )
                plans.append((str(item.get("id", "")), str(item.get("name", "")), stages))
            position = answer.get("position")
            if not position:
                break
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        return UsagePlanFacts(
            note=f"Usage plans could not be read ({code} on apigateway:GetUsagePlans): the blast radius omits them."
        )
    except BotoCoreError as exc:
        return UsagePlanFacts(
            note=f"Usage plans could not be read ({type(exc).__name__}): the blast radius omits them."
        )
    return UsagePlanFacts(plans=tuple(plans))


__all__ = ["usage_plans"]
