"""Hand-computed scenarios for the engine: each test states its arithmetic.

Unless a test gives a calendar, every day is a working day (tests/factories.py) and the
check date is Monday 2027-03-01 (day 0).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from feasibility.engine.check import check_deals
from feasibility.engine.result import DealResult
from feasibility.models.capacity import CapacityFile
from feasibility.models.deal import Deal
from tests.factories import booking, capacity, deal
from tests.validator import violations

MON = dt.date(2027, 3, 1)
WEEKDAYS = {"workdays": ["mon", "tue", "wed", "thu", "fri"]}


def day(n: int) -> dt.date:
    """The date n days after the check date."""
    return MON + dt.timedelta(days=n)


def run(
    model: CapacityFile, d: Deal, bookings: list[Deal] | None = None, as_of: dt.date = MON
) -> DealResult:
    """Check one deal and assert its schedule passes the independent validator."""
    result = check_deals(model, bookings or [], [d], as_of).deals[0]
    if not bookings:
        assert violations(model, d, as_of, result) == []
    return result


def offering(*steps: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"id": "svc", "steps": list(steps), **fields}


def one(
    step_list: list[dict[str, Any]], resources: list[dict[str, Any]], qty: int = 1, **model: Any
) -> DealResult:
    m = capacity(resources=resources, offerings=[offering(*step_list)], **model)
    return run(m, deal({"offering": "svc", "quantity": qty}))


def test_effort_fills_free_capacity_day_by_day() -> None:
    # 20 h of effort on 8 h/day: 8 + 8 + 4 -> days 0, 1, 2.
    r = one([{"id": "a", "resource": "eng", "effort": 20}], [{"id": "eng", "per_day": 8}])
    assert [(d, a) for d, _, a in r.schedule[0].daily] == [(day(0), 8), (day(1), 8), (day(2), 4)]
    assert r.lines[0].earliest == day(2)


def test_max_per_day_caps_effort() -> None:
    # 20 h at most 6 h/day: 6 + 6 + 6 + 2 -> ends day 3.
    r = one(
        [{"id": "a", "resource": "eng", "effort": 20, "max_per_day": 6}],
        [{"id": "eng", "per_day": 8}],
    )
    assert [a for _, _, a in r.schedule[0].daily] == [6, 6, 6, 2]
    assert r.lines[0].earliest == day(3)


def test_fixed_work_holds_units_on_consecutive_days() -> None:
    # One crew; each unit holds it for 2 days: unit 1 days 0-1, unit 2 days 2-3.
    r = one(
        [{"id": "install", "days": 2, "uses": {"crew": 1}}], [{"id": "crew", "per_day": 1}], qty=2
    )
    spans = sorted((s.unit, s.start, s.finish) for s in r.schedule)
    assert spans == [(1, day(0), day(1)), (2, day(2), day(3))]


def test_wait_counts_company_working_days() -> None:
    # Mon-Fri calendar, check date Friday 2027-03-05: a 3-day wait runs Fri, Mon, Tue.
    friday = dt.date(2027, 3, 5)
    m = capacity(
        calendar=WEEKDAYS,
        resources=[{"id": "eng", "per_day": 8}],
        offerings=[offering({"id": "ship", "days": 3})],
    )
    r = run(m, deal({"offering": "svc"}), as_of=friday)
    assert (r.schedule[0].start, r.schedule[0].finish) == (friday, dt.date(2027, 3, 9))


def test_observed_public_holiday_is_not_worked() -> None:
    # US: 2027-07-04 is a Sunday, observed Monday 07-05. From Friday 07-02, 16 h at 8 h/day:
    # Fri 07-02 (8), Mon 07-05 holiday, Tue 07-06 (8).
    m = capacity(
        calendar={**WEEKDAYS, "holidays": {"country": "US"}},
        resources=[{"id": "eng", "per_day": 8}],
        offerings=[offering({"id": "a", "resource": "eng", "effort": 16})],
    )
    r = run(m, deal({"offering": "svc"}), as_of=dt.date(2027, 7, 2))
    assert [d for d, _, _ in r.schedule[0].daily] == [dt.date(2027, 7, 2), dt.date(2027, 7, 6)]


def test_closure_days_are_skipped() -> None:
    # Closed Wed 03-03 and Thu 03-04: 24 h at 8 h/day runs Mon, Tue, Fri.
    m = capacity(
        calendar={**WEEKDAYS, "closures": [{"from": "2027-03-03", "to": "2027-03-04"}]},
        resources=[{"id": "eng", "per_day": 8}],
        offerings=[offering({"id": "a", "resource": "eng", "effort": 24})],
    )
    r = run(m, deal({"offering": "svc"}))
    assert [d for d, _, _ in r.schedule[0].daily] == [day(0), day(1), day(4)]


def test_resource_calendar_overrides_workdays() -> None:
    # The architect works Mon-Thu only: from Thu 03-04, 16 h at 8 h/day -> Thu, then Mon 03-08.
    m = capacity(
        calendar=WEEKDAYS,
        resources=[
            {"id": "arch", "per_day": 8, "calendar": {"workdays": ["mon", "tue", "wed", "thu"]}}
        ],
        offerings=[offering({"id": "a", "resource": "arch", "effort": 16})],
    )
    r = run(m, deal({"offering": "svc"}), as_of=dt.date(2027, 3, 4))
    assert [d for d, _, _ in r.schedule[0].daily] == [dt.date(2027, 3, 4), dt.date(2027, 3, 8)]


def test_capacity_change_from_a_date() -> None:
    # 8 h/day, 16 h/day from day 2: 40 h = 8 + 8 + 16 + 8 -> ends day 3.
    r = one(
        [{"id": "a", "resource": "eng", "effort": 40}],
        [{"id": "eng", "per_day": 8, "changes": [{"from": str(day(2)), "per_day": 16}]}],
    )
    assert [a for _, _, a in r.schedule[0].daily] == [8, 8, 16, 8]


def test_per_week_spreads_over_workdays() -> None:
    # 40 h/week over Mon-Fri = 8 h/day: 12 h -> Mon 8, Tue 4.
    m = capacity(
        calendar=WEEKDAYS,
        resources=[{"id": "t", "per_week": 40}],
        offerings=[offering({"id": "a", "resource": "t", "effort": 12})],
    )
    r = run(m, deal({"offering": "svc"}))
    assert [(d, a) for d, _, a in r.schedule[0].daily] == [(day(0), 8), (day(1), 4)]


def test_reservation_comes_off_capacity_first() -> None:
    # 8 h/day with 6 h/day reserved on days 0-1: 8 h = 2 + 2 + 4 -> ends day 2.
    r = one(
        [{"id": "a", "resource": "eng", "effort": 8}],
        [{"id": "eng", "per_day": 8}],
        reservations=[{"resource": "eng", "from": str(day(0)), "to": str(day(1)), "per_day": 6}],
    )
    assert [a for _, _, a in r.schedule[0].daily] == [2, 2, 4]


def test_bookings_take_capacity_in_booking_order() -> None:
    # 8 h/day. Booking B1 (booked first) needs 16 h -> days 0-1; B2 needs 8 h -> day 2;
    # the deal gets what remains: 8 h on day 3.
    m = capacity(
        resources=[{"id": "eng", "per_day": 8}],
        offerings=[offering({"id": "a", "resource": "eng", "effort": 8})],
    )
    b2 = booking(
        {"offering": "svc", "quantity": 1, "due": "2027-12-31"},
        id="B2",
        booked_on=dt.date(2026, 2, 1),
    )
    b1 = booking(
        {"offering": "svc", "quantity": 2, "due": "2027-12-31"},
        id="B1",
        booked_on=dt.date(2026, 1, 1),
    )
    r = run(m, deal({"offering": "svc"}), bookings=[b2, b1])
    assert r.lines[0].earliest == day(3)


def test_a_booked_deal_is_checked_in_place_of_its_booking() -> None:
    # 8 h/day. B1 (16 h) is booked, then checked again: against the other bookings only
    # (as `book --replace` does), so B2 takes day 0 and B1 days 1-2; on top of its own
    # booking it would come after B1 (days 0-1) and B2 (day 2), on days 3-4.
    m = capacity(
        resources=[{"id": "eng", "per_day": 8}],
        offerings=[offering({"id": "a", "resource": "eng", "effort": 8})],
    )
    b1 = booking(
        {"offering": "svc", "quantity": 2, "due": "2027-12-31"},
        id="B1",
        booked_on=dt.date(2026, 1, 1),
    )
    b2 = booking(
        {"offering": "svc", "quantity": 1, "due": "2027-12-31"},
        id="B2",
        booked_on=dt.date(2026, 2, 1),
    )
    again = b1.model_copy(update={"booking": None})
    r = run(m, again, bookings=[b1, b2])
    assert r.lines[0].earliest == day(2)


def test_expired_hold_takes_no_capacity() -> None:
    # The hold ended the day before the check date, so the deal starts on day 0.
    m = capacity(
        resources=[{"id": "eng", "per_day": 8}],
        offerings=[offering({"id": "a", "resource": "eng", "effort": 8})],
    )
    hold = deal(
        {"offering": "svc", "quantity": 5, "due": "2027-12-31"},
        id="H",
        booking={"booked_on": "2026-01-01", "by": "ops", "hold_until": str(day(-1))},
    )
    assert run(m, deal({"offering": "svc"}), bookings=[hold]).lines[0].earliest == day(0)


def test_materials_wait_for_receipts_then_replenishment() -> None:
    # 1 kit on hand, 1 received on day 3, more from day 10 (replenish_days 10).
    # Each unit needs 1 kit: unit 1 starts day 0, unit 2 day 3, unit 3 day 10.
    m = capacity(
        resources=[{"id": "eng", "per_day": 100}],
        materials=[
            {
                "id": "kit",
                "on_hand": 1,
                "receipts": [{"date": str(day(3)), "qty": 1}],
                "replenish_days": 10,
            }
        ],
        offerings=[offering({"id": "a", "resource": "eng", "effort": 1}, materials={"kit": 1})],
    )
    r = run(m, deal({"offering": "svc", "quantity": 3, "due": str(day(30))}))
    assert sorted((s.unit, s.start) for s in r.schedule) == [(1, day(0)), (2, day(3)), (3, day(10))]


def test_per_line_steps_wait_for_every_unit() -> None:
    # kickoff (per line, 1-day wait) -> 2 units of 8 h each on 8 h/day (days 1 and 2)
    # -> handover (per line, 1-day wait) after both units: day 3.
    r = one(
        [
            {"id": "kickoff", "days": 1, "per": "line"},
            {"id": "work", "resource": "eng", "effort": 8},
            {"id": "handover", "days": 1, "per": "line"},
        ],
        [{"id": "eng", "per_day": 8}],
        qty=2,
    )
    by_step = {(s.step, s.unit): (s.start, s.finish) for s in r.schedule}
    assert by_step[("kickoff", None)] == (day(0), day(0))
    assert sorted(v for (k, _), v in by_step.items() if k == "work") == [
        (day(1), day(1)),
        (day(2), day(2)),
    ]
    assert by_step[("handover", None)] == (day(3), day(3))


def test_feature_steps_join_the_line() -> None:
    # 8 h of work, then the dashboard feature's 16 h after it: days 0, then 1-2.
    m = capacity(
        resources=[{"id": "eng", "per_day": 8}],
        offerings=[
            offering(
                {"id": "work", "resource": "eng", "effort": 8},
                features={
                    "dash": {
                        "steps": [{"id": "dash", "resource": "eng", "effort": 16, "per": "line"}]
                    }
                },
            )
        ],
    )
    r = run(m, deal({"offering": "svc", "features": ["dash"]}))
    assert [(s.step, s.finish) for s in r.schedule] == [("work", day(0)), ("dash", day(2))]


def test_minimum_notice_in_company_working_days() -> None:
    # Check date Friday 03-05, notice 2 working days: Mon 03-08, Tue 03-09 -> start Tue.
    m = capacity(
        calendar=WEEKDAYS,
        resources=[{"id": "eng", "per_day": 8}],
        offerings=[offering({"id": "a", "resource": "eng", "effort": 8}, min_notice_days=2)],
    )
    r = run(m, deal({"offering": "svc"}), as_of=dt.date(2027, 3, 5))
    assert r.schedule[0].start == dt.date(2027, 3, 9)


def test_deal_start_delays_work() -> None:
    r = run(
        capacity(
            resources=[{"id": "eng", "per_day": 8}],
            offerings=[offering({"id": "a", "resource": "eng", "effort": 8})],
        ),
        deal({"offering": "svc"}, start=str(day(5))),
    )
    assert r.schedule[0].start == day(5)
