"""Counter-offers: what a rep can honestly promise instead of a deal that is not feasible.

Every offer is a change to the deal (a later date, fewer units, a split, a feature
dropped) or to the model (extra capacity, an earlier receipt) that the engine has been
re-run with (``whatif.apply``), and is kept only when that run delivers the lines it is
about by their dates. Offers are ranked by how little they ask (``ask.ask``, ``RANK``).
"""

from __future__ import annotations

from feasibility.engine.ask import ask
from feasibility.engine.confidence import quantile, share_by
from feasibility.engine.plan import Plan, prepare
from feasibility.engine.remedies import earlier_material, extra_capacity
from feasibility.engine.result import DealResult, Offer, OfferKind, Reason
from feasibility.engine.trial import (
    PROBE_BUDGET,
    LineCase,
    Targets,
    delivered,
    largest,
    smallest,
)
from feasibility.engine.whatif import split_line, with_line
from feasibility.models.capacity import Feature
from feasibility.models.deal import Deal
from feasibility.wording import percent, plural

RANK: dict[OfferKind, int] = {
    "extra_capacity": 0,
    "earlier_material": 0,
    "drop_feature": 1,
    "split": 2,
    "partial": 3,
    "later_date": 5,
}
"""Among offers that ask as much (``ask.ask``): the whole scope on time (ops act), less
scope on time, part of it late, fewer units, then later dates; a dropped feature that
still misses the due date ranks 4. Offers are ranked by how little they ask, except that
a later date within ``policy.min_slack_days`` working days of the due date (at least one)
comes first: the whole scope, one date, a few days on."""

TRIES = 3
"""Candidate values verified after a search before an offer is given up."""
OFFER_LINES = 3
"""Most lines of a deal that get counter-offers: the first ones (in deal order) whose
verdict is not feasible. Each line's offers re-run the engine on the whole deal a few
times, so a deal of hundreds of late lines would otherwise take hours (README,
"Counter-offers")."""


def counter_offers(plan: Plan, deal: Deal, result: DealResult) -> list[Offer]:
    """Offers the rep can make instead, each verified by re-running the engine."""
    prepared = prepare(plan, deal)
    ranked: list[tuple[int, float, int, int, int, Offer]] = []
    wanting = [
        (j, n) for j, n in enumerate(prepared.lines) if result.lines[n].verdict != "feasible"
    ]
    for j, n in wanting[:OFFER_LINES]:
        case = LineCase(plan, prepared, j, result.lines[n])
        for seq, offer in enumerate(line_offers(case, [r for r in result.reasons if r.line == n])):
            rank = RANK[offer.kind]
            if offer.kind == "drop_feature" and offer.date != case.line.due:
                rank = 4
            first = offer.kind == "later_date" and _small_delay(case, offer)
            ranked.append((0 if first else 1, ask(case, offer), rank, n, seq, offer))
    return [offer for *_, offer in sorted(ranked, key=lambda x: x[:5])]


def _small_delay(case: LineCase, offer: Offer) -> bool:
    """True when a later date is at most ``policy.min_slack_days`` working days (at least
    one) after the due date: then it asks the least, and comes first."""
    due = case.line.due
    if due is None or offer.date is None:
        return False
    tl = case.plan.timeline
    late = -tl.slack(tl.index(offer.date), tl.index(due))
    return 0 < late <= max(1, case.plan.model.policy.min_slack_days)


def line_offers(case: LineCase, reasons: list[Reason]) -> list[Offer]:
    """The verified offers for one line (none when it has no due date)."""
    line = case.line
    if line.due is None:
        return []
    offering = next(o for o in case.plan.model.offerings if o.id == line.offering)
    specs = {f: offering.features[f] for f in line.features}
    unavailable = [f for f, spec in specs.items() if spec == "unavailable"]
    if unavailable:
        if len(unavailable) > 1:
            return []
        why = f"it cannot be promised with {offering.id}"
        return drop_feature(case, unavailable[0], why, required=True)
    codes = {r.code for r in reasons}
    earliest = case.result.earliest
    out: list[Offer] = []
    if earliest is None or earliest > line.due:
        out += later_date(case) + partial_and_split(case)
        out += [
            o
            for f, spec in specs.items()
            if isinstance(spec, Feature) and spec.steps
            for o in drop_feature(case, f, "" if not spec.review else "no ops sign-off needed")
        ]
        bound = case.result.unlimited
        if not codes & {"NOTICE", "DUE_PASSED"} and (bound is None or bound <= line.due):
            bottleneck = next((r.resource for r in reasons if r.code == "CAPACITY"), None)
            out += extra_capacity(case, bottleneck)
        out += earlier_material(case, list(offering.materials))
        return out
    slack = case.plan.model.policy.min_slack_days if "LOW_SLACK" in codes else 0
    if "LOW_CONFIDENCE" in codes:
        out += confident_date(case, slack)
    elif slack:
        out += later_date(case, slack=slack)
    for f, spec in specs.items():
        if isinstance(spec, Feature) and spec.review:
            out += drop_feature(case, f, "no ops sign-off needed")
    return out


def later_date(case: LineCase, slack: int = 0) -> list[Offer]:
    """The whole line by the earliest date the engine finds (with ``slack`` working days
    to spare before it), trying the next working days when a re-run misses it."""
    if case.result.earliest is None:
        return []
    tl = case.plan.timeline
    day = _first_met(case, tl.add_workdays(tl.index(case.result.earliest), slack), slack)
    if day is None:
        return []
    message = f"{case.label}Promise {case.whole} by {case.date(day)}"
    if slack:
        message += f": that leaves the {plural(slack, 'working day')} of slack policy asks for"
    return [Offer("later_date", case.n, case.date(day), message=message)]


def confident_date(case: LineCase, slack: int) -> list[Offer]:
    """The whole line by the first date by which ``policy.confidence`` of the samples
    deliver it (and that leaves ``slack`` working days), verified as ``later_date`` is.
    The samples' dates do not depend on the due date (``confidence``), so the share on
    time by any date is read off the line's own samples."""
    c, policy = case.result.confidence, case.plan.model.policy
    quote = None if c is None else quantile(c, policy.confidence)
    if c is None or case.result.earliest is None or quote is None:
        return []
    tl = case.plan.timeline
    start = max(tl.index(quote), tl.add_workdays(tl.index(case.result.earliest), slack))
    day = _first_met(case, start, slack)
    if day is None:
        return []
    message = (
        f"{case.label}Promise {case.whole} by {case.date(day)}: "
        f"{percent(share_by(c, case.date(day)))} of the samples deliver by then (policy asks "
        f"for {percent(policy.confidence)})"
    )
    return [Offer("later_date", case.n, case.date(day), message=message)]


def _first_met(case: LineCase, day: int, slack: int) -> int | None:
    """The first of ``day`` and the next working days (``TRIES`` in all) that the engine,
    re-run with it as the line's due date, meets with ``slack`` working days to spare."""
    tl = case.plan.timeline
    for _ in range(TRIES):
        deal = with_line(case.deal, case.n, due=case.date(day))
        if case.meets(deal, {case.n: _back(case, day, slack)}):
            return day
        day = tl.add_workdays(day, 1)
    return None


def _back(case: LineCase, day: int, slack: int) -> int:
    """The latest day with ``slack`` company working days after it up to ``day``."""
    tl = case.plan.timeline
    left = slack
    while left > 0:
        left -= tl.works(day)
        day -= 1
    return day


def partial_and_split(case: LineCase) -> list[Offer]:
    """The most units deliverable by the due date, and that many with the rest later."""
    n, total, due = case.n, case.line.quantity, case.due
    if total < 2:
        return []

    def ok(q: int) -> bool:
        return case.meets(with_line(case.deal, n, quantity=q), {n: due}, probe=True)

    found = largest(0, total, ok)
    for q in range(found, max(found - TRIES, 0), -1):
        if case.meets(with_line(case.deal, n, quantity=q), {n: due}):
            when = case.date(due)
            partial = Offer(
                "partial",
                n,
                when,
                quantity=q,
                message=f"{case.label}Deliver {q} of {total} by {when}",
            )
            return [partial, *_split(case, q)]
    return []


def _split(case: LineCase, q: int) -> list[Offer]:
    """``q`` units by the due date and the rest by the earliest date a re-run confirms."""
    n, due, earliest = case.n, case.due, case.result.earliest
    if earliest is None:
        return []
    tl = case.plan.timeline

    def split(rest: int) -> tuple[Deal, Targets]:
        return split_line(case.deal, n, q, case.date(due), case.date(rest)), {n: due, n + 1: rest}

    def ok(rest: int) -> bool:
        return case.meets(*split(rest), probe=True)

    last = tl.index(earliest)
    rest = smallest(due, last, ok)
    for day in sorted({rest, tl.add_workdays(rest, 1), last}):
        if case.meets(*split(day)):
            when, other = case.date(due), case.date(day)
            total = case.line.quantity
            message = f"{case.label}Deliver {q} of {total} by {when}"
            message += f" and the other {total - q} by {other}"
            return [Offer("split", n, when, quantity=q, rest_date=other, message=message)]
    return []


def drop_feature(case: LineCase, feature: str, why: str, *, required: bool = False) -> list[Offer]:
    """The line without ``feature``: by the due date if a re-run makes it, else by the
    date that run reaches when it is earlier than with the feature (or, when the feature
    is ``required`` to go, any date). A probe first rules out a feature that does not
    delay the line."""
    n, due, tl = case.n, case.due, case.plan.timeline
    features = [f for f in case.line.features if f != feature]
    without = with_line(case.deal, n, features=features)
    now = case.result.earliest

    def helps(got: int | None) -> bool:
        return got is not None and (required or now is None or got <= due or case.date(got) < now)

    if not helps(delivered(case.plan, without, {n: due}, PROBE_BUDGET)[n]):
        return []
    got = delivered(case.plan, without, {n: due})[n]
    note = f" ({why})" if why else ""
    head = f"{case.label}Without {feature}{note}, {case.whole} by "
    if got is not None and got <= due:
        message = head + str(case.line.due)
        return [Offer("drop_feature", n, case.line.due, feature=feature, message=message)]
    if not helps(got):
        return []
    assert got is not None
    for _ in range(TRIES):
        when = case.date(got)
        if case.meets(with_line(without, n, due=when), {n: got}):
            return [Offer("drop_feature", n, when, feature=feature, message=head + str(when))]
        got = tl.add_workdays(got, 1)
    return []
