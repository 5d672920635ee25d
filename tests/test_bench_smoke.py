"""The benches stay runnable: their builders run on small inputs and agree with the product (no timing here)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import bench_check
import bench_live
import bench_match
from apigw_doctor import Gateway, Request
from apigw_doctor.sources import load


def test_match_bench_builds_worlds_the_trie_and_the_scan_agree_on() -> None:
    resources = bench_match.build_resources(50)
    world = bench_match.build_world(resources)
    trie = Gateway(world).rest_trie(world.apis[0], resources, "d1")  # type: ignore[arg-type]
    scan = bench_match.Scan(resources)
    bench_match.check_agreement(trie, scan, bench_match.requests_for(resources))


def test_check_bench_inputs_load(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(bench_check.cfn_template(30))
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(bench_check.tf_module(30))
    cfn, tf = load([str(tmp_path / "t.yaml")]), load([str(tmp_path / "tf")])
    assert len(cfn.apis[0].resources) > 10 and len(tf.apis[0].resources) >= 10  # 30 IaC resources each
    url = "https://x.execute-api.us-east-1.amazonaws.com/prod/items3"
    from apigw_doctor.binding import bind_unknown_ids

    for world in (cfn, tf):
        request = Request.from_url("GET", url)
        assert Gateway(bind_unknown_ids(world, request)).handle(request).matched is not None


def test_live_bench_quota_bound() -> None:
    assert bench_live.quota_bound_seconds(40, 5) == 0
    assert bench_live.quota_bound_seconds(1002, 200) == 96.2  # 962 calls past the burst at 10/s
    assert bench_live.quota_bound_seconds(100, 105) == 40.0  # GetResources-bound: 100 past its burst at 2.5/s
