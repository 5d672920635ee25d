"""SAM templates: expanded offline with aws-sam-translator (the library behind the transform), then read as
CloudFormation.

* **Offline.** The translator is given a stand-in session holding only a region (it never creates a boto3
  session), a managed-policy map that is empty (policy names stay names), feature toggles that are all off
  (the transform's defaults) and metrics that are discarded. ``AWS::Serverless::Application`` (which would
  ask the Serverless Application Repository) becomes the ``AWS::CloudFormation::Stack`` SAM would make,
  without reading it.
* **What it makes.** Function events of type ``Api`` build ``ServerlessRestApi`` with its ``Prod`` stage;
  ``HttpApi`` events build ``ServerlessHttpApi`` with the ``$default`` auto-deploy stage;
  ``AWS::Serverless::Api`` / ``HttpApi`` become the API, a deployment named after a hash of its definition,
  and the stage. Unless ``OpenApiVersion`` is set, SAM's REST deployment also carries ``StageName: Stage``,
  so a second stage named ``Stage`` exists (the "OpenApiVersion trap").
* **Local files.** ``DefinitionUri: ./openapi.yaml`` (a local file, as ``sam deploy`` packages it) is
  expanded as SAM expands an S3 location, then read from the file. Local code (``CodeUri: src/``) is
  replaced by a stand-in S3 location, as ``sam package`` would, and never read.
* **Origins.** A generated resource points at the SAM resource it came from (``ServerlessRestApiProdStage``
  -> the function event that made the API); a route at its place in ``DefinitionBody``, or at the function
  event that made it.
* **Size.** The translator copies an API's whole definition for each event, so its time grows with
  events x (events + paths) per API; beyond :data:`MAX_EXPANSION_COST` the template is refused with a clear
  error instead of taking minutes.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from ...errors import InputError
from ...model import Origin
from ..openapi_spec import OPERATION_KEYS
from .resources import DEFAULT_REGION
from .template import Template, TemplateResource, build_template
from .yaml_cfn import escape

SAM_FUNCTION = "AWS::Serverless::Function"
SAM_API = "AWS::Serverless::Api"
SAM_HTTP_API = "AWS::Serverless::HttpApi"
SAM_APPLICATION = "AWS::Serverless::Application"
IMPLICIT = {"Api": ("ServerlessRestApi", "RestApiId"), "HttpApi": ("ServerlessHttpApi", "ApiId")}
LOCAL_BUCKET = "apigw-doctor-local-definition"
ARTIFACTS = {
    SAM_FUNCTION: ("CodeUri",),
    "AWS::Serverless::LayerVersion": ("ContentUri",),
    "AWS::Serverless::StateMachine": ("DefinitionUri",),
}
"""Properties that ``sam package`` uploads from local paths (API definitions are read: see ``_local_definitions``)."""
CODE_KEYS = ("CodeUri", "InlineCode", "ImageUri")
STAND_IN_IMAGE = "000000000000.dkr.ecr.us-east-1.amazonaws.com/apigw-doctor-stand-in:latest"
MAX_EXPANSION_COST = 40_000
"""Events x (events + definition paths), summed over APIs: about 200 events on one API, a few seconds."""
_RESOURCE_ID = re.compile(r"Resource with id \[([A-Za-z0-9]+)\]")


@dataclass(frozen=True, slots=True)
class _OfflineSession:
    """What the translator reads from a boto3 session: the region. Nothing else is there to call."""

    region_name: str


def expand(template: Template, region: str | None = None) -> Template:
    """The CloudFormation template SAM makes of ``template``, resources pointing back at their SAM origin."""
    data = cast(dict[str, Any], copy.deepcopy(dict(template.data)))
    resources = cast(dict[str, Any], data["Resources"])
    notes = [
        f"{template.path} is a SAM template, expanded offline with aws-sam-translator "
        f"(region {region or DEFAULT_REGION}; parameters at their defaults)"
    ]
    local = _local_definitions(template, resources)
    _stand_in_artifacts(data)
    for res in template.of_type(SAM_APPLICATION):
        resources[res.logical_id]["Type"] = "AWS::CloudFormation::Stack"
        resources[res.logical_id]["Properties"] = {"TemplateURL": f"https://{LOCAL_BUCKET}.invalid/{res.logical_id}"}
        notes.append(f"{res.origin}: the nested application {res.logical_id} is not read: its APIs are not visible")
    _check_cost(template)
    expanded = _translate(data, template, region or DEFAULT_REGION)
    generated = cast(dict[str, Any], expanded.get("Resources") or {})
    for value in generated.values():
        props = value.get("Properties") if isinstance(value, dict) else None
        if not isinstance(props, dict):
            continue
        location = props.get("BodyS3Location")
        if isinstance(location, dict) and location.get("Bucket") == LOCAL_BUCKET and location.get("Key") in local:
            props["BodyS3Location"] = local[location["Key"]]
    origins, events = _origins(template, generated)
    locator = _Locator(template, events)
    return build_template(
        template.path,
        expanded,
        template.lines,
        template.syntax,
        origins=origins,
        locator=locator.locate,
        notes=(*template.notes, *notes),
    )


def _local_definitions(template: Template, resources: dict[str, Any]) -> dict[str, str]:
    """Replace local ``DefinitionUri`` paths by a stand-in S3 location; logical id -> the path."""
    local = {}
    for res in template.of_type(SAM_API, SAM_HTTP_API):
        uri = res.properties.get("DefinitionUri")
        if isinstance(uri, str) and not uri.startswith("s3://"):
            local[res.logical_id] = uri
            resources[res.logical_id]["Properties"]["DefinitionUri"] = f"s3://{LOCAL_BUCKET}/{res.logical_id}"
    return local


def _stand_in_artifacts(data: dict[str, Any]) -> None:
    """Local code paths (``CodeUri: src/``) as ``sam package`` would leave them: S3 locations (never read)."""
    holders: list[tuple[str, dict[str, Any]]] = []
    globals_ = data.get("Globals")
    function_globals = globals_.get("Function") if isinstance(globals_, dict) else None
    if isinstance(function_globals, dict):
        holders.append((SAM_FUNCTION, function_globals))
    for value in cast(dict[str, Any], data["Resources"]).values():
        if isinstance(value, dict) and isinstance(value.get("Properties"), dict):
            holders.append((str(value.get("Type")), value["Properties"]))
    has_code = isinstance(function_globals, dict) and any(k in function_globals for k in CODE_KEYS)
    for kind, props in holders:
        for key in ARTIFACTS.get(kind, ()):
            uri = props.get(key)
            if isinstance(uri, str) and not uri.startswith("s3://"):
                props[key] = f"s3://{LOCAL_BUCKET}/{key}"
        needs_code = kind == SAM_FUNCTION and props is not function_globals and not has_code
        if needs_code and not any(k in props for k in CODE_KEYS):
            if props.get("PackageType") == "Image":
                props["ImageUri"] = STAND_IN_IMAGE
            else:
                props["CodeUri"] = f"s3://{LOCAL_BUCKET}/CodeUri"


def _check_cost(template: Template) -> None:
    events: dict[str, int] = {}
    paths: dict[str, int] = {}
    for res in template.of_type(SAM_API, SAM_HTTP_API):
        body = res.properties.get("DefinitionBody")
        if isinstance(body, dict) and isinstance(body.get("paths"), dict):
            paths[res.logical_id] = len(body["paths"])
    for _, api, _, _ in _api_events(template):
        events[api] = events.get(api, 0) + 1
    cost = sum(n * (n + paths.get(api, 0)) for api, n in events.items())
    if cost > MAX_EXPANSION_COST:
        total = sum(events.values())
        raise InputError(
            f"too large to expand offline: {total} Api/HttpApi events (aws-sam-translator's time grows with the "
            "square of an API's events, minutes at this size); pass the processed template instead "
            "(aws cloudformation get-template --template-stage Processed)",
            template.path,
        )


def _translate(data: dict[str, Any], template: Template, region: str) -> dict[str, Any]:
    from samtranslator.feature_toggle.feature_toggle import (  # type: ignore[import-untyped]
        FeatureToggle,
        FeatureToggleDefaultConfigProvider,
    )
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics  # type: ignore[import-untyped]
    from samtranslator.model.exceptions import InvalidDocumentException  # type: ignore[import-untyped]
    from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
    from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

    class AllOff(FeatureToggle):  # type: ignore[misc]
        """The transform's defaults, without a warning for each feature asked about."""

        def is_enabled(self, feature_name: str) -> bool:
            return False

    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(None, Parser(), boto_session=_OfflineSession(region), metrics=metrics)
    try:
        return cast(
            dict[str, Any],
            translator.translate(
                data,
                parameter_values={},
                feature_toggle=AllOff(FeatureToggleDefaultConfigProvider(), None, None, None),
                get_managed_policy_map=dict,
            ),
        )
    except InvalidDocumentException as exc:
        messages = [str(cause.message) for cause in exc.causes] or [str(exc)]
        raise InputError(
            f"SAM cannot expand the template: {_one_line('; '.join(messages))}", _where(template, messages)
        ) from None
    except (RecursionError, MemoryError):
        raise InputError("SAM cannot expand the template: it is nested too deeply", template.path) from None
    except Exception as exc:  # the translator's own failures on input it does not expect
        detail = _one_line(f"{type(exc).__name__}: {exc}")
        raise InputError(f"SAM cannot expand the template ({detail})", template.path) from None
    finally:
        metrics.publish()


def _where(template: Template, messages: list[str]) -> str:
    for message in messages:
        match = _RESOURCE_ID.search(message)
        found = template.resource(match.group(1)) if match else None
        if found is not None:
            return str(found.origin)
    return template.path


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _api_events(template: Template) -> list[tuple[TemplateResource, str, str, Mapping[str, object]]]:
    """Every Api/HttpApi function event: (function, API logical id, event name, event properties)."""
    out = []
    for fn in template.of_type(SAM_FUNCTION):
        events = fn.properties.get("Events")
        if not isinstance(events, dict):
            continue
        for name, event in events.items():
            if not isinstance(event, dict) or event.get("Type") not in IMPLICIT:
                continue
            implicit, key = IMPLICIT[event["Type"]]
            props = event.get("Properties")
            props = props if isinstance(props, dict) else {}
            target = props.get(key)
            api = target["Ref"] if isinstance(target, dict) and isinstance(target.get("Ref"), str) else implicit
            out.append((fn, api, name, cast(Mapping[str, object], props)))
    return out


def _origins(
    template: Template, generated: Mapping[str, object]
) -> tuple[dict[str, tuple[Origin, str | None]], dict[tuple[str, str, str], Origin]]:
    """Each expanded resource's origin and SAM parent; each event's origin by (API, path, METHOD)."""
    events: dict[tuple[str, str, str], Origin] = {}
    first_event: dict[str, tuple[Origin, str]] = {}
    for fn, api, name, props in _api_events(template):
        origin = template.origin(fn, f"/Properties/Events/{escape(name)}")
        first_event.setdefault(api, (origin, fn.logical_id))
        path, method = props.get("Path"), props.get("Method")
        if isinstance(path, str) and isinstance(method, str):
            events.setdefault((api, path, "ANY" if method.lower() == "any" else method.upper()), origin)
        elif path is None and method is None:
            events.setdefault((api, "$default", "ANY"), origin)
    sam = sorted(
        (r.logical_id for r in template.resources if r.type.startswith("AWS::Serverless::")), key=len, reverse=True
    )
    origins: dict[str, tuple[Origin, str | None]] = {}
    for logical_id in generated:
        written = template.resource(logical_id)
        if written is not None:
            if written.type.startswith("AWS::Serverless::"):
                origins[logical_id] = (written.origin, logical_id)
            continue
        implicit = next(
            (api for api in first_event if api.startswith("Serverless") and logical_id.startswith(api)), None
        )
        parent = next((s for s in sam if logical_id.startswith(s)), None)
        if implicit is not None and template.resource(implicit) is None:
            origins[logical_id] = first_event[implicit][0], first_event[implicit][1]
        elif parent is not None:
            origins[logical_id] = (template.resource(parent).origin, parent)  # type: ignore[union-attr]
        else:
            origins[logical_id] = _domain_origin(template, generated[logical_id]) or (template.at("/Resources"), "")
    return origins, events


def _domain_origin(template: Template, generated: object) -> tuple[Origin, str] | None:
    """SAM names a custom domain ``ApiGatewayDomainName<hash>``: the API whose ``Domain`` has its name."""
    props = generated.get("Properties") if isinstance(generated, dict) else None
    name = props.get("DomainName") if isinstance(props, dict) else None
    for api in template.of_type(SAM_API, SAM_HTTP_API):
        domain = api.properties.get("Domain")
        if name is not None and isinstance(domain, dict) and domain.get("DomainName") == name:
            return template.origin(api, "/Properties/Domain"), api.logical_id
    return None


class _Locator:
    """Where a pointer under an expanded resource is written in the SAM template."""

    def __init__(self, template: Template, events: dict[tuple[str, str, str], Origin]) -> None:
        self.template = template
        self.events = events

    def locate(self, resource: TemplateResource, pointer: str) -> Origin:
        template = self.template
        if resource.generated_from is None:
            full = resource.pointer + pointer
            return Origin(template.path, full, template.lines.line(full))
        if not pointer.startswith("/Properties/Body"):
            return resource.origin
        inner = pointer[len("/Properties/Body") :]
        parent = template.resource(resource.generated_from)
        if parent is not None and isinstance(parent.properties.get("DefinitionBody"), dict):
            written = f"{parent.pointer}/Properties/DefinitionBody{inner}"
            line = template.lines.exact(written)
            if line is not None:
                return Origin(template.path, written, line)
        parts = inner.split("/")
        if len(parts) >= 4 and parts[1] == "paths":
            path = parts[2].replace("~1", "/").replace("~0", "~")
            event = self.events.get((resource.logical_id, path, OPERATION_KEYS.get(parts[3], "")))
            if event is not None:
                return event
        return resource.origin
