"""The pacing buckets (apigw_doctor.sources.live.pacing), with a fake clock: nothing sleeps for real."""

from __future__ import annotations

import threading

import pytest

from apigw_doctor.sources.live.pacing import QUOTAS, FakeClock, Pacer

KEY = "AKIATEST:us-east-1"


def pacer() -> tuple[Pacer, FakeClock]:
    clock = FakeClock(1000.0)
    return Pacer(clock=clock, sleep=clock.sleep), clock


def waits(p: Pacer, n: int, operation: str = "GetRestApi", service: str = "apigateway", key: str = KEY) -> list[float]:
    return [p.reserve(key, service, operation) for _ in range(n)]


def test_total_quota_allows_a_burst_of_40_then_10_per_second() -> None:
    p, _ = pacer()
    got = waits(p, 50)
    assert got[:40] == [0.0] * 40
    assert got[40:] == pytest.approx([0.1 * k for k in range(1, 11)])


def test_the_bucket_refills_at_10_per_second_up_to_the_burst() -> None:
    p, clock = pacer()
    waits(p, 40)
    clock.now += 0.5  # 5 tokens back
    assert waits(p, 6) == pytest.approx([0.0] * 5 + [0.1])
    clock.now += 3600  # a long quiet spell refills to 40, not more
    assert waits(p, 41)[-2:] == pytest.approx([0.0, 0.1])


def test_get_resources_is_5_per_2_seconds_on_top_of_the_total() -> None:
    p, clock = pacer()
    got = waits(p, 7, "GetResources")
    assert got == pytest.approx([0.0] * 5 + [0.4, 0.8])
    # GetResources also spent 7 tokens of the total bucket: 33 other calls go at once, the 34th waits
    assert waits(p, 34)[-2:] == pytest.approx([0.0, 0.1])
    clock.now += 2.0  # five GetResources tokens later (the two reserved ones are paid back first)
    assert waits(p, 4, "GetResources") == pytest.approx([0.0, 0.0, 0.0, 0.4])


def test_other_operations_do_not_touch_the_get_resources_bucket() -> None:
    p, _ = pacer()
    waits(p, 30, "GetStages")
    assert waits(p, 5, "GetResources") == [0.0] * 5


def test_create_deployment_is_1_per_5_seconds() -> None:
    p, clock = pacer()
    assert waits(p, 3, "CreateDeployment") == pytest.approx([0.0, 5.0, 10.0])
    clock.now += 15.0
    assert waits(p, 1, "CreateDeployment") == [0.0]


def test_v1_and_v2_share_the_account_quota() -> None:
    p, _ = pacer()
    waits(p, 20, "GetRestApi", "apigateway")
    assert waits(p, 21, "GetRoutes", "apigatewayv2")[-1] == pytest.approx(0.1)


def test_accounts_and_regions_have_their_own_buckets() -> None:
    p, _ = pacer()
    waits(p, 40)
    assert waits(p, 1, key="AKIATEST:eu-west-1") == [0.0]
    assert waits(p, 1, key="AKIAOTHER:us-east-1") == [0.0]
    assert waits(p, 1) == pytest.approx([0.1])


def test_services_without_a_quota_are_not_paced() -> None:
    p, _ = pacer()
    assert waits(p, 100, "GetCallerIdentity", "sts") == [0.0] * 100


def test_cloudtrail_lookup_events_is_2_per_second() -> None:
    p, _ = pacer()
    assert waits(p, 4, "LookupEvents", "cloudtrail") == pytest.approx([0.0, 0.0, 0.5, 1.0])


def test_pace_sleeps_with_the_injected_sleep_only_when_it_must() -> None:
    p, clock = pacer()
    for _ in range(42):
        p.pace(KEY, "apigateway", "GetStages")
    assert clock.slept == pytest.approx([0.1, 0.1])
    assert clock.now == pytest.approx(1000.2)


def test_concurrent_callers_each_get_their_own_slot() -> None:
    """Threads reserving at one instant: no token is handed out twice, and the queue is evenly spaced."""
    p, _ = pacer()
    results: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        mine = waits(p, 25)
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == pytest.approx([0.0] * 40 + [0.1 * k for k in range(1, 161)])


def test_the_quotas_are_the_documented_ones() -> None:
    by_name = {q.name: q for q in QUOTAS}
    total = by_name["API Gateway total"]
    assert (total.rate, total.burst, total.operation) == (10.0, 40, None)
    assert set(total.services) == {"apigateway", "apigatewayv2"}
    assert (by_name["GetResources"].rate, by_name["GetResources"].burst) == (2.5, 5)
    assert (by_name["CreateDeployment"].rate, by_name["CreateDeployment"].burst) == (0.2, 1)
