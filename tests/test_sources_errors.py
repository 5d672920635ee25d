"""Bad input -> one InputError with what and where (``file``, ``file:line:col``, ``file#/pointer``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from apigw_doctor.errors import InputError
from apigw_doctor.sources import load, read_document

DATA = Path(__file__).resolve().parent / "data"
HOST = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"


def error(path: str, **kw: str) -> InputError:
    with pytest.raises(InputError) as info:
        load([path], **kw)
    return info.value


def write_text(tmp_path: Path, text: str | bytes, name: str = "in.json") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def write_doc(tmp_path: Path, doc: object, name: str = "in.json") -> str:
    return write_text(tmp_path, json.dumps(doc), name)


def oas3(paths: object, **extra: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "openapi": "3.0.1",
        "info": {"title": "t"},
        "servers": [{"url": f"{HOST}/prod"}],
        "paths": paths,
    }
    doc.update(extra)
    return doc


# -- reading files -------------------------------------------------------------------------------------


def test_broken_yaml_file_in_tests_data() -> None:
    path = str(DATA / "malformed.yaml")
    err = error(path)
    assert err.location == f"{path}:8:9"
    assert err.message.startswith("malformed YAML: ")
    assert str(err) == f"{path}:8:9: {err.message}"


@pytest.mark.parametrize(
    ("text", "name", "where", "message"),
    [
        ('{\n  "openapi": "3.0.1",\n  "paths": {,}\n}\n', "a.json", ":3:13", "malformed JSON: Expecting property name"),
        ('{"openapi": "3.0.1"', "a.json", ":1:20", "malformed JSON: Expecting ',' delimiter"),
        ("openapi: 3.0.1\npaths:\n  /a: [\n", "a.yaml", ":4:1", "malformed YAML:"),
        ("openapi: 3.0.1\n\tpaths: {}\n", "a.yaml", ":2:1", "malformed YAML:"),
        ("{openapi: 3.0.1, paths: {}", "a.yml", ":2:1", "malformed YAML:"),
        ("key: 'unclosed\n", "a.yaml", ":2:1", "malformed YAML:"),
    ],
)
def test_malformed_text_has_line_and_column(tmp_path: Path, text: str, name: str, where: str, message: str) -> None:
    path = write_text(tmp_path, text, name)
    err = error(path)
    assert err.location == path + where
    assert err.message.startswith(message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("  \n\n", "the file is empty"),
        ("# only a comment\n", "the file is empty (only comments or blank lines)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data (NUL bytes): expected a JSON or YAML text file"),
        (b"openapi: \xff\xfe3\n", "not UTF-8 text (bad byte at offset 9): expected a JSON or YAML text file"),
        ("[1, 2]", "the top level is a list, expected a mapping of keys to values"),
        ('"just a string"', "the top level is a string, expected a mapping of keys to values"),
        ("- a\n- b\n", "the top level is a list, expected a mapping of keys to values"),
        ("1: a\n", "the top level has a non-string key 1"),
        (
            "title: x\n",
            "not an API description: expected an OpenAPI 3 ('openapi: 3.x'), Swagger 2 "
            "('swagger: \"2.0\"'), CloudFormation/SAM template, terraform show -json or apigw-doctor snapshot "
            '("format": "apigw-doctor/world") file',
        ),
    ],
)
def test_unusable_files_are_located_at_the_file(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = write_text(tmp_path, content, "in.yaml")
    err = error(path)
    assert (err.location, err.message) == (path, message)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")
    assert (error(missing).location, error(missing).message) == (missing, "no such file")
    assert error(str(tmp_path)).message == "is a directory, expected a file"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write_text(tmp_path, "{}")
    os.chmod(path, 0)
    try:
        assert error(path).message == "permission denied"
    finally:
        os.chmod(path, 0o644)


def test_read_document_reports_syntax(tmp_path: Path) -> None:
    assert read_document(write_text(tmp_path, '{"a": 1}', "x.yaml")).syntax == "json"
    assert read_document(write_text(tmp_path, "a: 1", "x.json")).syntax == "yaml"
    assert read_document(write_text(tmp_path, '\ufeff{"a": 1}', "y.json")).data == {"a": 1}


def test_not_an_api_in_tests_data() -> None:
    path = str(DATA / "not-an-api.yaml")
    assert error(path).location == path
    assert error(path).message.startswith("not an API description")


# -- documents that are not API Gateway APIs -------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "pointer", "message"),
    [
        (
            {"openapi": "3.0.1", "info": {}},
            "",
            "no 'paths': not an API Gateway API (an OpenAPI export always has 'paths')",
        ),
        ({"openapi": "3.0.1", "paths": ["/a"]}, "/paths", "'paths' must be a mapping, not a list"),
        ({"openapi": "3.0.1", "paths": None}, "/paths", "'paths' must be a mapping, not null"),
        ({"openapi": "2.5", "paths": {}}, "/openapi", "OpenAPI version '2.5' is not supported (expected 3.x)"),
        ({"swagger": "1.2", "paths": {}}, "/swagger", "Swagger version '1.2' is not supported (expected 2.0)"),
        (
            {"format": "something/else"},
            "/format",
            'unknown "format" \'something/else\' (a snapshot has "format": "apigw-doctor/world")',
        ),
        (oas3({"/a": ["get"]}), "/paths/~1a", "path item /a must be a mapping, not a list"),
        (oas3({"/a": {"get": "yes"}}), "/paths/~1a/get", "operation get of /a must be a mapping, not a string"),
        (oas3({"a": {}}), "/paths/a", "path 'a' must start with '/'"),
        (
            {"openapi": "3.0.1", "servers": {"url": "x"}, "paths": {}},
            "/servers",
            "'servers' must be a list, not a mapping",
        ),
        (
            {"openapi": "3.0.1", "servers": [{"url": 7}], "paths": {}},
            "/servers/0/url",
            "servers[0].url must be a string, not a number",
        ),
        (
            {"openapi": "3.0.1", "servers": [{"url": f"{HOST}/{{stage}}"}], "paths": {}},
            "/servers/0",
            "the base path's first segment '{stage}' is not a stage name (letters, digits, - and _); use basePath "
            "mode 'prepend' or 'ignore' if it is not a stage",
        ),
        ({"swagger": "2.0", "host": 5, "paths": {}}, "/host", "'host' must be a string, not a number"),
    ],
)
def test_not_an_api_gateway_api(tmp_path: Path, doc: dict[str, object], pointer: str, message: str) -> None:
    path = write_doc(tmp_path, doc)
    err = error(path)
    assert (err.location, err.message) == (path + (f"#{pointer}" if pointer else ""), message)


# -- impossible route trees ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "kind", "pointer", "message"),
    [
        (
            {"/pets/{id}": {}, "/pets/{name}": {}},
            None,
            "/paths/~1pets~1{name}",
            "two variable siblings under /pets: {id} and {name} (AWS allows one)",
        ),
        (
            {"/{id}": {"get": {}}, "/{proxy+}": {"get": {}}},
            None,
            "/paths/~1{proxy+}",
            "two variable siblings under /: {id} and {proxy+} (AWS allows one)",
        ),
        (
            {"/{proxy+}": {}, "/{proxy+}/x": {}},
            None,
            "/paths/~1{proxy+}~1x",
            "greedy {proxy+} at /{proxy+} cannot have children, but /{proxy+}/x is one (AWS rejects children of a "
            "greedy path variable)",
        ),
        (
            {"/a/{p+}/{q}": {}},
            None,
            "/paths/~1a~1{p+}~1{q}",
            "greedy {p+} at /a/{p+} cannot have children, but /a/{p+}/{q} is one (AWS rejects children of a greedy "
            "path variable)",
        ),
        (
            {"/pets!": {}},
            None,
            "/paths/~1pets!",
            "path segment 'pets!' in /pets! has characters AWS rejects (!); allowed: letters, digits, _ - . , : and "
            "whole-segment variables {name} or {name+}",
        ),
        ({"/a b/c": {}}, None, "/paths/~1a b~1c", "path segment 'a b' in /a b/c has characters AWS rejects ( );"),
        (
            {"/file{id}": {}},
            None,
            "/paths/~1file{id}",
            "path segment 'file{id}' in /file{id}: a variable must be a whole segment, {name} or {name+}",
        ),
        ({"/{a/b}": {}}, None, "/paths/~1{a~1b}", "path segment '{a' in /{a/b}: a variable must be a whole segment"),
        (
            {"/a//b": {}},
            None,
            "/paths/~1a~1~1b",
            "empty path segment in /a//b (AWS path parts cannot be empty; drop the extra '/')",
        ),
        ({"/a/": {}}, None, "/paths/~1a~1", "empty path segment in /a/"),
        (
            {"/a/{proxy+}/b": {"get": {}}},
            "HTTP",
            "/paths/~1a~1{proxy+}~1b/get",
            "greedy {proxy+} must be the last segment of an HTTP API route, but /a/{proxy+}/b continues after "
            "/a/{proxy+}",
        ),
        ({"/a%b": {"get": {}}}, "HTTP", "/paths/~1a%b/get", "path segment 'a%b' in /a%b has characters AWS rejects"),
        (
            {"/$default": {"get": {}, "post": {}}},
            "HTTP",
            "/paths/~1$default/post",
            "route '$default' appears twice (also at ",
        ),
    ],
)
def test_impossible_trees(
    tmp_path: Path, paths: dict[str, object], kind: str | None, pointer: str, message: str
) -> None:
    path = write_doc(tmp_path, oas3(paths))
    err = error(path, api_kind=kind) if kind else error(path)
    assert err.location == f"{path}#{pointer}"
    assert err.message.startswith(message), err.message


def test_two_variable_siblings_in_tests_data() -> None:
    path = str(DATA / "two-variable-siblings.json")
    err = error(path)
    assert err.location == f"{path}#/paths/~1pets~1{{petId}}~1photos"
    assert err.message == "two variable siblings under /pets: {id} and {petId} (AWS allows one)"


def test_http_apis_allow_a_variable_and_a_greedy_sibling(tmp_path: Path) -> None:
    path = write_doc(tmp_path, oas3({"/o/{id}": {"get": {}}, "/o/{proxy+}": {"get": {}}}))
    assert [r.key for r in load([path], api_kind="HTTP").apis[0].routes] == ["GET /o/{id}", "GET /o/{proxy+}"]  # type: ignore[union-attr]


# -- security, references, extensions --------------------------------------------------------------------

IAM = {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}


@pytest.mark.parametrize(
    ("doc", "pointer", "message"),
    [
        (
            oas3({"/a": {"get": {"security": [{"nope": []}]}}}),
            "/paths/~1a/get/security/0/nope",
            "security scheme 'nope' is not defined in components.securitySchemes",
        ),
        (
            oas3({"/a": {"get": {}}}, security=[{"nope": []}]),
            "/security/0/nope",
            "security scheme 'nope' is not defined in components.securitySchemes",
        ),
        (
            {"swagger": "2.0", "paths": {"/a": {"get": {"security": [{"x": []}]}}}},
            "/paths/~1a/get/security/0/x",
            "security scheme 'x' is not defined in securityDefinitions",
        ),
        (
            oas3({"/a": {"get": {"security": {"iam": []}}}}, components={"securitySchemes": {"iam": IAM}}),
            "/paths/~1a/get/security",
            "'security' must be a list, not a mapping",
        ),
        (
            oas3({"/a": {"$ref": "#/components/pathItems/a"}}),
            "/paths/~1a/$ref",
            "$ref '#/components/pathItems/a' points at nothing: 'components' is missing",
        ),
        (
            oas3({"/a": {"$ref": "other.yaml#/a"}}),
            "/paths/~1a/$ref",
            "external $ref 'other.yaml#/a' is not supported: only references inside the file ('#/...')",
        ),
        (oas3({"/a": {"$ref": "#/x"}}, x={"$ref": "#/paths/~1a"}), "/paths/~1a/$ref", "circular $ref '#/x'"),
        (
            oas3({"/a": {"get": {}}}, components={"securitySchemes": {"s": {"$ref": "#/components/nope"}}}),
            "/components/securitySchemes/s/$ref",
            "$ref '#/components/nope' points at nothing: 'nope' is missing",
        ),
        (
            oas3(
                {"/a": {"get": {}}},
                components={
                    "securitySchemes": {"j": {"type": "apiKey", "x-amazon-apigateway-authorizer": {"type": "jwt"}}}
                },
            ),
            None,
            None,
        ),
        (
            oas3({"/a": {"get": {"x-amazon-apigateway-integration": {"type": "lambda"}}}}),
            "/paths/~1a/get/x-amazon-apigateway-integration/type",
            "integration type 'lambda' is not one of aws, aws_proxy, http, http_proxy, mock",
        ),
        (
            oas3({"/a": {"get": {"x-amazon-apigateway-auth": {"type": "COGNITO"}}}}),
            "/paths/~1a/get/x-amazon-apigateway-auth/type",
            "x-amazon-apigateway-auth type 'COGNITO' is not AWS_IAM or NONE",
        ),
        (
            oas3({}, **{"x-amazon-apigateway-gateway-responses": {"DEFAULT_4XX": {"statusCode": "4xx"}}}),
            "/x-amazon-apigateway-gateway-responses/DEFAULT_4XX/statusCode",
            "statusCode of gateway response DEFAULT_4XX must be an HTTP status (100-599), not '4xx'",
        ),
        (
            oas3({}, **{"x-amazon-apigateway-gateway-responses": {"DEFAULT_4XX": {"responseParameters": {"h": 1}}}}),
            "/x-amazon-apigateway-gateway-responses/DEFAULT_4XX/responseParameters/h",
            "'responseParameters'['h'] must be a string, not a number",
        ),
        (
            oas3({}, **{"x-amazon-apigateway-api-key-source": "QUERY"}),
            "/x-amazon-apigateway-api-key-source",
            "x-amazon-apigateway-api-key-source must be HEADER or AUTHORIZER, not 'QUERY'",
        ),
        (
            oas3({}, **{"x-amazon-apigateway-endpoint-configuration": {"types": ["EDGY"]}}),
            "/x-amazon-apigateway-endpoint-configuration/types/0",
            "endpoint type 'EDGY' is not one of EDGE, REGIONAL, PRIVATE",
        ),
        (
            oas3({}, **{"x-amazon-apigateway-endpoint-configuration": {"disableExecuteApiEndpoint": "yes"}}),
            "/x-amazon-apigateway-endpoint-configuration/disableExecuteApiEndpoint",
            "'disableExecuteApiEndpoint' must be true or false, not a string",
        ),
    ],
)
def test_bad_security_refs_and_extensions(
    tmp_path: Path, doc: dict[str, object], pointer: str | None, message: str | None
) -> None:
    path = write_doc(tmp_path, doc)
    if pointer is None:
        err = error(path, api_kind="REST")
        assert err.location == f"{path}#/components/securitySchemes/j/x-amazon-apigateway-authorizer/type"
        assert err.message == "authorizer type 'jwt' is not one a REST API accepts (token, request, cognito_user_pools)"
        return
    err = error(path)
    assert (err.location, err.message) == (f"{path}#{pointer}", message)


def test_http_api_rejects_rest_authorizer_types(tmp_path: Path) -> None:
    doc = oas3(
        {"/a": {"get": {}}},
        components={"securitySchemes": {"t": {"type": "apiKey", "x-amazon-apigateway-authorizer": {"type": "token"}}}},
    )
    err = error(write_doc(tmp_path, doc), api_kind="HTTP")
    assert err.message == "authorizer type 'token' is not one an HTTP API accepts (jwt, request)"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"basepath_mode": "strip"}, "basePath mode 'strip' is not one of split, prepend, ignore"),
        ({"api_kind": "WEBSOCKET"}, "API kind 'WEBSOCKET' is not one of REST, HTTP"),
    ],
)
def test_bad_options(kw: dict[str, str], message: str) -> None:
    with pytest.raises(InputError) as info:
        load([], **kw)
    assert (info.value.message, info.value.location) == (message, None)


def test_never_a_traceback_on_odd_shapes(tmp_path: Path) -> None:
    odd: list[object] = [
        oas3({"/a": None}),
        oas3({"/a": {"get": None}}),
        oas3({"/a": {"get": {"security": [None]}}}),
        oas3({"/a": {"get": {"security": [{"s": []}]}}}, components={"securitySchemes": {"s": []}}),
        oas3({"/a": {"get": {"x-amazon-apigateway-integration": []}}}),
        oas3({"/a": {"get": {"x-amazon-apigateway-integration": {"type": 3}}}}),
        oas3({"/a": {"get": {}}}, info=[]),
        oas3({"/a": {"get": {}}}, components=[]),
        oas3({"/a": {"get": {}}}, **{"x-amazon-apigateway-cors": {"allowOrigins": "*"}}),
        oas3({"/a": {"get": {}}}, **{"x-amazon-apigateway-gateway-responses": []}),
        {"openapi": "3.0.1", "servers": ["x"], "paths": {}},
        {"openapi": "3.0.1", "servers": [{"url": "http://[::1"}], "paths": {}},
        {"swagger": "2.0", "basePath": [], "paths": {}},
        {
            "swagger": "2.0",
            "paths": {"/a": {"get": {}}},
            "securityDefinitions": {"s": {"type": "apiKey", "x-amazon-apigateway-authorizer": {"identitySource": 5}}},
        },
    ]
    for i, doc in enumerate(odd):
        path = write_doc(tmp_path, doc, f"odd{i}.json")
        try:
            load([path])
        except InputError as exc:
            assert exc.location is not None and exc.location.startswith(path), (i, str(exc))
