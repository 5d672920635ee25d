"""Browser-facing REST APIs: a preflight needs an OPTIONS method that answers without credentials."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import RestApi
from .core import CheckFinding, CheckInput, CheckMeta, Snippet
from .snippets import language

OPTIONS_MISSING = CheckMeta(
    id="APIGW020",
    name="options-missing",
    severity="warning",
    summary="a browser-facing API has a resource without an OPTIONS method",
    help="The browser's CORS preflight finds no OPTIONS method: API Gateway answers 403 Missing Authentication "
    "Token without CORS headers and the browser reports a CORS error.",
)
OPTIONS_BEHIND_AUTH = CheckMeta(
    id="APIGW021",
    name="options-behind-auth",
    severity="warning",
    summary="OPTIONS (or ANY) needs authorization or an API key",
    help="Browsers send preflights without credentials: an OPTIONS method behind AWS_IAM, an authorizer or an API "
    "key fails them (403 or 401) and the browser reports a CORS error.",
)


def browser_facing(api: RestApi) -> bool:
    """Evidence that browsers call the API: an OPTIONS method somewhere, or CORS headers in gateway responses."""
    if any(m.http_method == "OPTIONS" for r in api.resources for m in r.methods):
        return True
    return any(name.lower().startswith("access-control-") for g in api.gateway_responses for name, _ in g.headers)


def options_missing(data: CheckInput) -> Iterator[CheckFinding]:
    for api in data.world.apis:
        if not isinstance(api, RestApi) or not browser_facing(api):
            continue
        for r in api.resources:
            names = set(r.method_names)
            if names and not names & {"OPTIONS", "ANY"}:
                yield CheckFinding(
                    check_id=OPTIONS_MISSING.id,
                    severity=OPTIONS_MISSING.severity,
                    message=f"API {api.name or api.id} answers browsers (it has CORS settings) but {r.path} has no "
                    f"OPTIONS method ({', '.join(sorted(names))} only): its preflight gets 403 without CORS headers.",
                    origin=r.origin if r.origin.source else api.origin,
                    subject=f"{api.id}:{r.path}",
                    fix=Snippet(
                        language=language(api),
                        text="an OPTIONS method with authorization NONE and a MOCK integration returning "
                        "Access-Control-Allow-Origin/-Methods/-Headers",
                        summary=f"add a CORS preflight method on {r.path}",
                    ),
                )


def options_behind_auth(data: CheckInput) -> Iterator[CheckFinding]:
    for api in data.world.apis:
        if not isinstance(api, RestApi):
            continue
        facing = browser_facing(api)
        for r in api.resources:
            for m in r.methods:
                guarded = m.authorization_type != "NONE" or m.api_key_required
                if not guarded or not (m.http_method == "OPTIONS" or (m.http_method == "ANY" and facing)):
                    continue
                how = m.authorization_type if m.authorization_type != "NONE" else "an API key"
                yield CheckFinding(
                    check_id=OPTIONS_BEHIND_AUTH.id,
                    severity=OPTIONS_BEHIND_AUTH.severity,
                    message=f"API {api.name or api.id}: {m.http_method} {r.path} requires {how}, so browser "
                    "preflights (sent without credentials) fail.",
                    origin=m.origin if m.origin.source else r.origin,
                    subject=f"{api.id}:{m.http_method} {r.path}",
                    fix=Snippet(
                        language=language(api),
                        text="a separate OPTIONS method with authorization NONE and no API key",
                        summary="let preflights through without credentials",
                    ),
                )
