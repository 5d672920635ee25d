"""What a template's deployments serve, and the notes every API read from a template carries.

A deployment is a snapshot of the routes that exist when CloudFormation creates it. A template cannot say
when that is, only what is ordered before it: the resources it depends on (``DependsOn`` and references,
transitively). Those routes are sure to be in the snapshot; the others are taken as not in it, with a note.
A deployment with no ``DependsOn`` at all is taken to serve every route, with a note saying nothing orders it.

On a stack update, CloudFormation replaces a deployment only when its logical id or properties change
(SAM's generated deployments carry a hash of the definition in their logical id for that reason), so a
template shows what a fresh stack serves. Telling whether an update redeploys is the job of template
checks, not of this reader: the note says what was assumed.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...model import Stage
from ..document import fail
from .resources import Reader
from .template import TemplateResource

LISTED = 5
SAM_EXTRA_STAGE = "Stage"
"""The stage SAM's REST deployments name when ``OpenApiVersion`` is not set."""


def snapshot_members(
    reader: Reader, deployment: TemplateResource, members: Sequence[tuple[str, str]], notes: list[str]
) -> frozenset[str] | None:
    """The logical ids ``deployment`` is sure to snapshot (None: every one); ``members`` are (id, label) pairs."""
    if not deployment.depends_on:
        if members:
            notes.append(
                f"{deployment.origin}: deployment {deployment.logical_id} has no DependsOn, so nothing orders it "
                f"after the {_count(len(members), 'route')} it should serve (a deployment snapshots what exists "
                "when it is created): all are taken as deployed"
            )
        return None
    before = reader.depends_on(deployment)
    missing = [label for logical_id, label in members if logical_id not in before]
    if missing:
        shown = ", ".join(missing[:LISTED]) + (f" and {len(missing) - LISTED} more" if len(missing) > LISTED else "")
        them = "it" if len(missing) == 1 else "them"
        notes.append(
            f"{deployment.origin}: deployment {deployment.logical_id} does not depend on {shown}: CloudFormation "
            f"may create {them} after it, so {'it is' if them == 'it' else 'they are'} taken as not in its snapshot "
            f"(add {them} to its DependsOn)"
        )
    return before


def api_notes(reader: Reader, api: TemplateResource, deployments: Sequence[TemplateResource]) -> tuple[str, ...]:
    """The API's identity (a logical id, not an id) and what was assumed about its deployments."""
    path = reader.template.path
    region = (
        f"in {reader.region}"
        if reader.region_known
        else f"its region is taken from the request's URL ({reader.region} without one)"
    )
    notes = [
        f"{path}: {api.logical_id} is read from a template: an API has an id only once its stack is created, so "
        f"the logical id stands in for it; {region}"
    ]
    generated = [d.logical_id for d in deployments if d.generated_from is not None]
    written = [d.logical_id for d in deployments if d.generated_from is None]
    if generated:
        notes.append(
            f"SAM names deployment {', '.join(generated)} after a hash of the API's definition: a changed "
            "definition gets a new deployment"
        )
    for dep in deployments:
        if dep.generated_from is not None and reader.props(dep).get("StageName") == SAM_EXTRA_STAGE:
            notes.append(
                f"{dep.origin}: SAM's deployment {dep.logical_id} also creates the stage {SAM_EXTRA_STAGE!r} "
                "(OpenApiVersion is not set), serving the same routes"
            )
    if written:
        notes.append(
            f"{path}: deployment {', '.join(written)} is taken to serve what the template defines; on a stack "
            "update CloudFormation creates a new deployment only when a Deployment's logical id or properties "
            "change, so an existing stage may still serve older routes"
        )
    return tuple(notes)


def stage_names_unique(stages: Sequence[Stage]) -> None:
    """Two stages of one API with the same name: CloudFormation fails to create the second."""
    seen: dict[str, Stage] = {}
    for stage in stages:
        if stage.name in seen:
            fail(f"stage {stage.name!r} is created twice (also at {seen[stage.name].origin})", stage.origin)
        seen[stage.name] = stage


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
