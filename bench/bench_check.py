"""`apigw-doctor check` on a 300-resource CloudFormation template and a 300-resource Terraform module, against
`cfn-lint` on the same template in the same run (ratio of wall times), and the cost of SAM expansion.

Each command runs in fresh processes, alternating, N times; medians are reported.
Usage: python bench/bench_check.py [--runs 5] [--json PATH]   (cfn-lint comes with `pip install .[bench]`)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cfn_template(resources: int) -> str:
    """A REST API with `resources` CloudFormation resources: path parts, a GET method on each, one deployment."""
    lines = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Resources:",
        "  Api:",
        "    Type: AWS::ApiGateway::RestApi",
        "    Properties:",
        "      Name: bench",
    ]
    pairs = (resources - 3) // 2
    methods = []
    for i in range(pairs):
        lines += [
            f"  Res{i}:",
            "    Type: AWS::ApiGateway::Resource",
            "    Properties:",
            "      RestApiId: !Ref Api",
            "      ParentId: !GetAtt Api.RootResourceId",
            f"      PathPart: items{i}",
            f"  Get{i}:",
            "    Type: AWS::ApiGateway::Method",
            "    Properties:",
            "      RestApiId: !Ref Api",
            f"      ResourceId: !Ref Res{i}",
            "      HttpMethod: GET",
            "      AuthorizationType: NONE",
            "      Integration:",
            "        Type: MOCK",
        ]
        methods.append(f"Get{i}")
    lines += [
        "  Deployment:",
        "    Type: AWS::ApiGateway::Deployment",
        f"    DependsOn: [{', '.join(methods)}]",
        "    Properties:",
        "      RestApiId: !Ref Api",
        "  Stage:",
        "    Type: AWS::ApiGateway::Stage",
        "    Properties:",
        "      RestApiId: !Ref Api",
        "      DeploymentId: !Ref Deployment",
        "      StageName: prod",
    ]
    return "\n".join(lines) + "\n"


def tf_module(resources: int) -> str:
    blocks = ['resource "aws_api_gateway_rest_api" "main" {\n  name = "bench"\n}\n']
    triples = (resources - 3) // 3
    refs = []
    for i in range(triples):
        blocks.append(
            f'resource "aws_api_gateway_resource" "r{i}" {{\n  rest_api_id = aws_api_gateway_rest_api.main.id\n'
            f'  parent_id   = aws_api_gateway_rest_api.main.root_resource_id\n  path_part   = "items{i}"\n}}\n'
            f'resource "aws_api_gateway_method" "m{i}" {{\n  rest_api_id   = aws_api_gateway_rest_api.main.id\n'
            f'  resource_id   = aws_api_gateway_resource.r{i}.id\n  http_method   = "GET"\n'
            f'  authorization = "NONE"\n}}\n'
            f'resource "aws_api_gateway_integration" "i{i}" {{\n  rest_api_id = aws_api_gateway_rest_api.main.id\n'
            f"  resource_id = aws_api_gateway_resource.r{i}.id\n"
            f"  http_method = aws_api_gateway_method.m{i}.http_method\n"
            f'  type        = "MOCK"\n}}\n'
        )
        refs += [
            f"aws_api_gateway_resource.r{i}.id",
            f"aws_api_gateway_method.m{i}.id",
            f"aws_api_gateway_integration.i{i}.id",
        ]
    blocks.append(
        'resource "aws_api_gateway_deployment" "main" {\n  rest_api_id = aws_api_gateway_rest_api.main.id\n'
        f"  triggers = {{\n    redeployment = sha1(jsonencode([{', '.join(refs)}]))\n  }}\n"
        "  lifecycle {\n    create_before_destroy = true\n  }\n}\n"
        'resource "aws_api_gateway_stage" "prod" {\n  rest_api_id   = aws_api_gateway_rest_api.main.id\n'
        '  deployment_id = aws_api_gateway_deployment.main.id\n  stage_name    = "prod"\n}\n'
    )
    return "\n".join(blocks)


SAM = """AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    OpenApiVersion: 3.0.1
Resources:
{functions}
"""


def sam_template(functions: int) -> str:
    body = []
    for i in range(functions):
        body.append(
            f"  Fn{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
            f"      Handler: app.handler\n      InlineCode: 'def handler(e, c): return {{}}'\n      Events:\n"
            f"        Get:\n          Type: Api\n          Properties:\n            Path: /items{i}\n"
            f"            Method: get\n"
        )
    return SAM.format(functions="".join(body))


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", dest="json_path")
    args = ap.parse_args()
    doctor = [sys.executable, "-m", "apigw_doctor", "check"]
    cfn_lint = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or shutil.which("cfn-lint")
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "template.yaml").write_text(cfn_template(300))
        (t / "tf").mkdir()
        (t / "tf" / "main.tf").write_text(tf_module(300))
        (t / "sam.yaml").write_text(sam_template(50))
        (t / "sam-none.yaml").write_text(
            sam_template(0).replace("Resources:\n", "Resources:\n  Nothing:\n    Type: AWS::SNS::Topic\n")
        )
        commands = {
            "apigw-doctor check template.yaml (300 CFN resources)": [*doctor, str(t / "template.yaml")],
            "apigw-doctor check tf/ (300 Terraform resources)": [*doctor, str(t / "tf")],
            "apigw-doctor check sam.yaml (50 functions, SAM expansion)": [*doctor, str(t / "sam.yaml")],
            "apigw-doctor --help (start-up floor)": [sys.executable, "-m", "apigw_doctor", "--help"],
        }
        if cfn_lint:
            commands["cfn-lint template.yaml (same template)"] = [cfn_lint, str(t / "template.yaml")]
        for cmd in commands.values():
            timed(cmd)
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(timed(cmd))
        from apigw_doctor.sources import load

        t0 = time.perf_counter()
        load([str(t / "sam.yaml")])
        sam_in_process = time.perf_counter() - t0
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"{'command':58} {'median s':>9}")
    for name, value in med.items():
        print(f"{name:58} {value:9.3f}")
    cfn = med["apigw-doctor check template.yaml (300 CFN resources)"]
    lint = med.get("cfn-lint template.yaml (same template)")
    if lint:
        print(f"\napigw-doctor check / cfn-lint on the same 300-resource template: {cfn / lint:.2f}")
    print(f"SAM expansion of 50 functions in process (load, first call): {sam_in_process:.3f} s")
    if args.json_path:
        Path(args.json_path).write_text(
            json.dumps(
                {
                    "median_s": med,
                    "ratio_check_to_cfn_lint": cfn / lint if lint else None,
                    "sam_load_in_process_s": sam_in_process,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
