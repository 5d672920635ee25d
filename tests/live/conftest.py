"""Fixtures for tests against the embedded sandbox (moto's server in this process, on 127.0.0.1).

* ``sandbox`` (session): one server for the whole test session.
* every test in tests/live starts from an empty moto (``POST /moto-api/reset``) and may not reach any host
  but the loopback interface (a DNS look-up of anything else raises at once instead of leaving the machine).
* ``seeded``: the demo account of :func:`apigw_doctor.sandbox.seed_demo`, built fresh for the test.
* ``aws_like_paging`` (a fixture, and the function of the same name): AWS's page sizes on a client, which
  moto ignores, so code that forgets to paginate fails here as it would on a real account.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from apigw_doctor.sandbox import DemoApi, Sandbox, seed_demo

DEFAULT_PAGE = 25
"""AWS's page size when ``limit`` (v1) or ``MaxResults`` (v2) is not given."""
MAX_PAGE = 500


@pytest.fixture(autouse=True)
def fresh_state(sandbox: Sandbox) -> None:
    """Every test in tests/live starts with nothing in moto."""
    sandbox.reset()


@pytest.fixture(autouse=True)
def _loopback_only(loopback_only: None) -> None:
    """Every test in tests/live may reach only the loopback interface."""


@pytest.fixture
def seeded(sandbox: Sandbox, fresh_state: None) -> DemoApi:
    return seed_demo(sandbox)


# -- AWS-like paging ------------------------------------------------------------------------------------
def aws_like_paging(client: Any, default_limit: int = DEFAULT_PAGE, max_limit: int = MAX_PAGE) -> Any:
    """Make ``client`` (apigateway or apigatewayv2) page list results as AWS does, then return it.

    moto ignores v1 ``limit``/``position`` and v2 ``MaxResults``/``NextToken`` and returns everything
    (moto.md §9.2). This test-only botocore hook slices each list answer to the requested page size (25 by
    default, at most 500) and sets ``position``/``NextToken`` when more remain, for every operation whose
    model has both the page-size and the token members, so the real boto3 paginators and any hand-written
    loop see AWS's pages. The token is the offset as text.
    """
    model = client.meta.service_model
    service = model.service_name
    for name in model.operation_names:
        op = model.operation_model(name)
        fields = _paging_fields(op)
        if fields is not None:
            before, after = _paging_handlers(*fields, default_limit, max_limit)
            client.meta.events.register(f"before-call.{service}.{name}", before)
            client.meta.events.register(f"after-call.{service}.{name}", after)
    return client


@pytest.fixture(name="aws_like_paging")
def aws_like_paging_fixture() -> Any:
    """The :func:`aws_like_paging` function, for tests that prefer a fixture to an import."""
    return aws_like_paging


def _paging_fields(op: Any) -> tuple[str, str, str, str] | None:
    """(limit query name, token query name, items key, token key) when ``op`` pages, else None."""
    inputs = op.input_shape.members if op.input_shape is not None else {}
    outputs = op.output_shape.members if op.output_shape is not None else {}
    for limit, token, items in (("limit", "position", "items"), ("MaxResults", "NextToken", "Items")):
        if limit in inputs and token in inputs and items in outputs and token in outputs:
            limit_q = inputs[limit].serialization.get("name", limit)
            token_q = inputs[token].serialization.get("name", token)
            return limit_q, token_q, items, token
    return None


def _paging_handlers(
    limit_q: str, token_q: str, items_key: str, token_key: str, default_limit: int, max_limit: int
) -> tuple[Any, Any]:
    def before(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        query = params.get("query_string", {})
        context["aws_like_paging"] = (int(query.get(limit_q) or default_limit), int(query.get(token_q) or 0))

    def after(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        page = context.pop("aws_like_paging", None)
        if page is None or items_key not in parsed:
            return
        limit, start = min(page[0], max_limit), page[1]
        items = parsed[items_key]
        parsed[items_key] = items[start : start + limit]
        parsed.pop(token_key, None)
        if start + limit < len(items):
            parsed[token_key] = str(start + limit)

    return before, after


@pytest.fixture
def operations(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every (service, operation) any boto3 session sends during the test, seen by botocore's own events."""
    seen: list[tuple[str, str]] = []
    real_init = boto3.Session.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)

        def record(model: Any, **_: Any) -> None:
            seen.append((model.service_model.service_name, model.name))

        self.events.register("before-call.*.*", record)

    monkeypatch.setattr(boto3.Session, "__init__", init)
    return seen
