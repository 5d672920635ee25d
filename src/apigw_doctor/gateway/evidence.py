"""Evidence levels and the rules the gateway applies, each with its evidence and source.

Every step of a walk names the rule it applied, so the trace says how sure we are
(``../shared/reference/api-gateway-routing.md`` tags: documented / observed / inferred / unconfirmed).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Evidence(StrEnum):
    DOCUMENTED = "documented"
    OBSERVED = "observed"
    INFERRED = "inferred"
    UNCONFIRMED = "unconfirmed"
    ASSUMED = "assumed"
    """Not a property of AWS: the source lacked a fact and the tool assumed it (said in the output)."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    evidence: Evidence
    summary: str
    source: str


_D, _O, _I, _U = Evidence.DOCUMENTED, Evidence.OBSERVED, Evidence.INFERRED, Evidence.UNCONFIRMED

_RULES: tuple[Rule, ...] = (
    Rule(
        "host.execute-api",
        _D,
        "{api-id}.execute-api.{region}.amazonaws.com names the API and region",
        "DG how-to-call-api",
    ),
    Rule(
        "host.vpce",
        _D,
        "private API hosts: {api-id}-{vpce-id}.execute-api... or a vpce host with a Host/x-apigw-api-id header",
        "DG apigateway-private-api-test-invoke-url",
    ),
    Rule(
        "host.unknown-api",
        _O,
        "an execute-api host whose API id does not exist does not resolve",
        "LS test_api_not_existing",
    ),
    Rule(
        "host.custom-domain",
        _D,
        "a custom domain is served only when it is configured in the account",
        "DG how-to-custom-domains",
    ),
    Rule(
        "endpoint.disabled.rest",
        _D,
        "disableExecuteApiEndpoint: the default endpoint answers 403 Forbidden",
        "DG rest-api-disable-default-endpoint",
    ),
    Rule(
        "endpoint.disabled.http",
        _D,
        "disableExecuteApiEndpoint: the default endpoint answers 404 Not Found",
        "DG http-api-disable-default-endpoint",
    ),
    Rule(
        "endpoint.private",
        _U,
        "a private API is reachable only through an interface VPC endpoint; from the "
        "internet the name does not resolve or answers 403 Forbidden",
        "DG apigateway-private-apis",
    ),
    Rule(
        "domain.mapping",
        _D,
        "the mapping with the longest matching base path wins; (none) is the catch-all",
        "DG rest-api-mappings, http-api-mappings",
    ),
    Rule(
        "domain.mapping.segments",
        _I,
        "base paths match whole path segments, not characters",
        "reference 4.3 (unconfirmed upstream)",
    ),
    Rule(
        "domain.unmapped",
        _O,
        "no mapping matches and no (none) mapping: 403 Forbidden",
        "Miserlou/Zappa#1125",
    ),
    Rule(
        "domain.stage-none",
        _D,
        "a v1 mapping with stage (none): the stage is the next URL segment",
        "MODEL CreateBasePathMapping.stage",
    ),
    Rule(
        "rest.stage",
        _O,
        "the first path segment must equal a stage name, case-sensitively",
        "aws-samples/aws-microservices-deploy-options#26",
    ),
    Rule(
        "rest.stage.missing",
        _O,
        'no stage segment or an unknown stage: 403 {"message":"Forbidden"}',
        "OWASP/Serverless-Goat#14, berislavlopac/plambdapi#6",
    ),
    Rule(
        "rest.stage.error-type",
        _I,
        "the unknown-stage Forbidden carries x-amzn-ErrorType: ForbiddenException",
        "reference 1.6",
    ),
    Rule(
        "rest.deployment",
        _D,
        "a stage serves its deployment's snapshot, not the working copy",
        "MODEL Deployment, Stage",
    ),
    Rule(
        "rest.deployment.unknown",
        Evidence.ASSUMED,
        "the deployment's snapshot is not available: the working copy is used in its place",
        "source limitation",
    ),
    Rule(
        "rest.canary",
        _D,
        "a canary sends percentTraffic% of requests to its own deployment",
        "DG canary-release",
    ),
    Rule(
        "rest.method-override",
        _D,
        "X-HTTP-Method-Override overrides the routed method",
        "DG-2023 api-gateway-known-issues",
    ),
    Rule(
        "rest.path.normalize",
        _O,
        "a trailing slash is ignored; empty segments are skipped before literals",
        "LS test_lambda_aws_proxy_integration (AWS-recorded)",
    ),
    Rule(
        "rest.path.no-decode",
        _O,
        "path segments are matched without percent-decoding",
        "LS test_lambda_aws_proxy_integration (AWS-recorded)",
    ),
    Rule(
        "rest.path.encoded-slash",
        _U,
        "whether %2F separates segments for routing is unconfirmed; it is treated as part of the segment",
        "reference 1.4",
    ),
    Rule(
        "rest.match",
        _O,
        "literal child, then {param}, then {proxy+}, with backtracking; exact method, then ANY",
        "LS TestApigatewayRouting (AWS-validated 2024-07-23)",
    ),
    Rule("rest.match.any", _I, "a method defined for the exact verb is chosen before ANY", "reference 1.3"),
    Rule(
        "rest.match.greedy-parent",
        _D,
        "{proxy+} never matches its own parent",
        "DG-2023 setup-http-integrations",
    ),
    Rule("rest.match.case", _I, "resource paths match case-sensitively", "reference 1.4"),
    Rule("rest.match.head", _U, "HEAD is served only by a HEAD or ANY method, not by GET", "reference 1.3"),
    Rule(
        "rest.miss",
        _O,
        "no resource+method matches: 403 Missing Authentication Token",
        "LS test_routing_not_found (AWS-recorded)",
    ),
    Rule(
        "rest.miss.authorization-header",
        _O,
        "a non-SigV4 Authorization header turns a miss into 403 IncompleteSignatureException",
        "amazon-archives/aws-cognito-angular-quickstart#50",
    ),
    Rule(
        "rest.miss.sigv4-header",
        _U,
        "a SigV4-looking Authorization header on a miss still gets Missing Authentication Token",
        "reference 2.1",
    ),
    Rule(
        "rest.auth.iam",
        _D,
        "an AWS_IAM method called without a SigV4 signature: Missing Authentication Token",
        "KC api-gateway-authentication-token-errors",
    ),
    Rule(
        "rest.auth.iam.signed",
        Evidence.ASSUMED,
        "the signature and the caller's IAM permissions are not checked offline",
        "tool limitation",
    ),
    Rule(
        "rest.auth.authorizer",
        _D,
        "a Lambda/Cognito authorizer without its identity source: 401 Unauthorized",
        "DG supported-gateway-response-types (UNAUTHORIZED)",
    ),
    Rule(
        "rest.auth.authorizer.decision",
        Evidence.ASSUMED,
        "the authorizer's decision is not evaluated offline",
        "tool limitation",
    ),
    Rule(
        "rest.api-key",
        _O,
        'apiKeyRequired and no key: 403 {"message":"Forbidden"} (INVALID_API_KEY)',
        "ministackorg/ministack#1746; KC",
    ),
    Rule(
        "rest.api-key.value",
        Evidence.ASSUMED,
        "the key's validity and usage plan are not checked offline",
        "tool limitation",
    ),
    Rule("rest.integration", _D, "a matched method hands the request to its integration", "DG"),
    Rule(
        "gateway-response.default",
        _O,
        'built-in gateway responses: compact JSON {"message":...}, x-amzn-ErrorType',
        "LS gateway responses (AWS-recorded 2024-04-15)",
    ),
    Rule(
        "gateway-response.access-denied",
        _O,
        'ACCESS_DENIED bodies use "Message" with a capital M',
        "aws-samples/aws-cross-account-private-api-demo#1",
    ),
    Rule(
        "gateway-response.custom",
        _D,
        "a customised response replaces status, templates and headers; the x-amzn-ErrorType header is kept",
        "DG set-up-gateway-response-using-the-console",
    ),
    Rule(
        "gateway-response.default-4xx",
        _D,
        "an uncustomised type falls back to a customised DEFAULT_4XX/5XX",
        "DG supported-gateway-response-types",
    ),
    Rule(
        "http.stage",
        _D,
        "a stage named by the first segment, else $default, else 404 Not Found",
        "DG http-api-develop-routes",
    ),
    Rule(
        "http.deployment",
        _D,
        "a stage serves its deployment; auto-deploy stages serve the current routes",
        "MODEL apigatewayv2 Stage.AutoDeploy",
    ),
    Rule(
        "http.match",
        _D,
        "full match of route and method, then greedy {proxy+}, then the $default route",
        "DG http-api-develop-routes",
    ),
    Rule(
        "http.match.specificity",
        _I,
        "among full matches, literal segments beat parameters; exact method beats ANY",
        "reference 5",
    ),
    Rule(
        "http.match.greedy-root",
        _U,
        "whether {proxy+} matches the root / is unconfirmed; assumed not",
        "reference 5",
    ),
    Rule("http.miss", _D, 'no route matches: 404 {"message":"Not Found"}', "DG http-api-develop-routes"),
    Rule(
        "http.error-type",
        _U,
        "whether HTTP API errors carry x-amzn-ErrorType is unconfirmed; none is sent",
        "reference 5",
    ),
    Rule(
        "http.cors",
        _D,
        "with CORS configured, preflights are answered without an OPTIONS route",
        "DG http-api-cors",
    ),
    Rule("http.auth.iam", _U, "an unsigned call to an AWS_IAM route: 403 Forbidden is assumed", "reference 5"),
    Rule(
        "http.auth.jwt",
        _D,
        'a JWT authorizer without a token: 401 {"message":"Unauthorized"} with www-authenticate',
        "DG http-api-troubleshooting-jwt",
    ),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]
