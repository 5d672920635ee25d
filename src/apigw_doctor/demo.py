"""`apigw-doctor demo`: diagnose the classic traps against the bundled example APIs (examples/)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .errors import InputError

REST = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
HTTP = "https://q8w7e6r5t4.execute-api.eu-west-1.amazonaws.com"


@dataclass(frozen=True, slots=True)
class Scenario:
    title: str
    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("The stage left out of the URL", "GET", f"{REST}/pets"),
    Scenario("The stage name in the wrong case", "GET", f"{REST}/Prod/pets"),
    Scenario("A typo in the path", "GET", f"{REST}/prod/pest/7"),
    Scenario("A POST-only method called with GET", "GET", f"{REST}/prod/orders"),
    Scenario("A resource added after the last deployment", "GET", f"{REST}/prod/pets/7/vaccinations"),
    Scenario("A new resource live only in the stage's 10% canary", "GET", f"{REST}/prod/pets/7/photos"),
    Scenario("The stage root, with methods only below it", "GET", f"{REST}/prod/"),
    Scenario("The parent of a {proxy+} resource", "GET", f"{REST}/prod/app"),
    Scenario("A custom domain with the stage left in the path", "GET", "https://api.example.com/v1/prod/pets"),
    Scenario("An AWS_IAM method called unsigned", "DELETE", f"{REST}/prod/pets/7"),
    Scenario(
        "A Bearer token sent to a path that does not exist",
        "GET",
        f"{REST}/prod/pets/7/photo",
        (("Authorization", "Bearer eyJraWQiOiJrMSJ9"),),
    ),
    Scenario("An HTTP API called with a stage it does not have", "GET", f"{HTTP}/prod/orders"),
    Scenario("A request that works", "GET", f"{REST}/prod/pets/7"),
)


def examples_dir() -> Path:
    for candidate in (Path(__file__).resolve().parents[2] / "examples", Path.cwd() / "examples"):
        if (candidate / "world.json").is_file():
            return candidate
    raise InputError("the bundled examples/ folder was not found (run the demo from a checkout of apigw-doctor)")


def run_demo(out: TextIO, fmt: str = "text", color: bool = False) -> int:
    from .diagnosis import diagnose
    from .gateway import Gateway, Request
    from .render.report import report
    from .render.text import Style, render_short
    from .sources import load

    source = examples_dir() / "world.json"
    world = load([str(source)])
    gateway = Gateway(world)
    results = []
    for sc in SCENARIOS:
        d = diagnose(Request.from_url(sc.method, sc.url, sc.headers), world, gateway=gateway)
        results.append((sc, d))
    if fmt == "json":
        out.write(json.dumps([{"title": sc.title, **report(d, "demo")} for sc, d in results], indent=2) + "\n")
        return 0
    s = Style(color)
    out.write(s.bold(f"apigw-doctor demo: {len(SCENARIOS)} requests against {source.name}") + "\n")
    out.write(f"(a REST API with stages prod and dev, a canary, an HTTP API and two custom domains: {source})\n\n")
    for i, (sc, d) in enumerate(results, 1):
        out.write(s.bold(f"── {i}. {sc.title}") + "\n")
        out.write(render_short(d, color) + "\n")
    out.write(s.bold("Summary") + "\n")
    for i, (sc, d) in enumerate(results, 1):
        status = d.outcome.response.status
        answer = "reaches the integration" if d.outcome.response.source == "integration" else str(status)
        out.write(f"  {i:2}. {d.verdict:<28} {answer:<24} {sc.title}\n")
    out.write(
        "\nTry next:\n"
        f"  apigw-doctor diagnose {REST}/prod/pets/7/photos --source {source}\n"
        f"  apigw-doctor diagnose {REST}/pets --source {source} --format json\n"
        f"  apigw-doctor diagnose {REST}/prod/pest --source {source.parent / 'petstore-rest-oas30.json'}\n"
    )
    return 0
