"""`apigw-doctor demo` runs the bundled traps end to end and finds the expected cause for each."""

from __future__ import annotations

import io
import json

from apigw_doctor.cli import main
from apigw_doctor.demo import SCENARIOS

EXPECTED = [
    "STAGE_MISSING",
    "STAGE_UNKNOWN",
    "RESOURCE_NOT_FOUND",
    "METHOD_NOT_DEFINED",
    "NOT_DEPLOYED",
    "CANARY_ONLY",
    "STAGE_ROOT_NO_METHOD",
    "PROXY_PARENT_NOT_COVERED",
    "STAGE_IN_CUSTOM_DOMAIN_PATH",
    "IAM_UNSIGNED",
    "RESOURCE_NOT_FOUND",
    "RESOURCE_NOT_FOUND",
    "MATCHED",
]


def test_demo_json_verdicts() -> None:
    out = io.StringIO()
    assert main(["demo", "--format", "json"], out) == 0
    data = json.loads(out.getvalue())
    assert [d["title"] for d in data] == [s.title for s in SCENARIOS]
    assert [d["verdict"] for d in data] == EXPECTED
    bearer = data[10]
    assert bearer["response"]["headers"]["x-amzn-ErrorType"] == "IncompleteSignatureException"
    assert [f["code"] for f in bearer["findings"]][-1] == "AUTH_HEADER_NOT_SIGV4"


def test_demo_text_has_summary_and_next_steps() -> None:
    out = io.StringIO()
    assert main(["demo", "--color", "never"], out) == 0
    text = out.getvalue()
    assert "Summary" in text and "Try next:" in text
    for verdict in set(EXPECTED):
        assert verdict in text
