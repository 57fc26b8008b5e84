"""`feasibility init`: a commented capacity file and a bookings folder for a new team."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from feasibility.errors import UsageError
from feasibility.schemas import SchemaName, schema_json

CAPACITY = Path("capacity.yaml")
BOOKINGS_README = Path("bookings") / "README.md"
BOOKINGS_IGNORE = Path("bookings") / ".gitignore"
BOOKINGS_IGNORED = ".lock\n"
"""The lock `book`, `release` and `replan --write` hold while they write: never committed."""
SCHEMAS = {
    Path("schemas") / "capacity.schema.json": SchemaName.capacity,
    Path("schemas") / "deal.schema.json": SchemaName.deal,
}

CAPACITY_TEMPLATE = Template("""\
# yaml-language-server: $$schema=./schemas/capacity.schema.json
#
# What operations can deliver, and when: the file `feasibility` checks deals against.
# Written by `feasibility init` on $today as an example to make your own: rename, replace
# or delete the example resources, materials and offerings, then run `feasibility validate`.
# Keep it in git; review every change (`feasibility impact --base main` lists the booked
# deals an edit makes later).
#
# Conventions:
#   - dates are ISO (YYYY-MM-DD); closures and reservations include both ends;
#   - `effort` is in the resource's `unit`; `days` are working days; `replenish_days`
#     are calendar days;
#   - ids use letters, digits, '.', '_' or '-', and start with a letter or digit.

version: 1
company: Example Co                   # shown in every report

calendar:                             # the default calendar of every resource
  workdays: [mon, tue, wed, thu, fri]
  holidays: {country: US}             # public holidays: a country code, optionally subdivision: CA
  closures:
    - {from: $year-12-24, to: $next-01-01, reason: Year-end shutdown}

resources:
  - id: engineers
    name: Delivery engineers
    unit: hours                       # free text, shown in reports
    per_day: 16                       # 2 engineers x 8 h on each working day (or per_week: 80)
    owner: Dana Ortiz <dana@example.com>    # whom a rep talks to about this resource
    changes:                          # capacity from a date on (hires, leavers)
      - {from: $next-03-01, per_day: 24, note: Third engineer starts}

  - id: install-crew
    name: Installation crew
    unit: crews
    per_day: 1
    owner: Marcus Lee <marcus@example.com>
    # calendar:                       # its own calendar, merged over the default one
    #   workdays: [mon, tue, wed, thu]

materials:
  - id: device-kit
    name: Device kit
    unit: kits
    on_hand: 40
    receipts:                         # confirmed incoming supply
      - {date: $next-02-15, qty: 100, note: PO 1001}
    replenish_days: 30                # more can be had this many days after the check date
    owner: Rosa Delgado <rosa@example.com>

offerings:
  - id: standard-install
    name: Standard installation, per site
    owner: Dana Ortiz <dana@example.com>
    min_notice_days: 10               # working days from the check date before work starts
    materials: {device-kit: 10}       # per unit of quantity, in stock when its first step starts
    steps:                            # per unit of quantity (per site) unless `per: line`
      - id: kickoff                   # once per deal line
        per: line
        days: 1                       # fixed work: 1 day ...
        uses: {engineers: 4}          # ... holding 4 engineer-hours on that day
      - id: survey                    # no `after`: follows the previous step
        resource: engineers
        effort: 6                     # effort work: 6 hours, spread as capacity allows
        max_per_day: 8                # one engineer at a time
      - id: install
        days: 2
        uses: {install-crew: 1, engineers: 4}
      - id: acceptance                # a wait: holds no resource (the customer signs off)
        per: line                     # once per line, after every site is installed
        days: 5
    features:                         # what a rep may promise with this offering
      sso: included
      custom-reports:
        review: false                 # true: needs ops sign-off; at risk until then
        steps:
          - {id: reports, per: line, after: [install], resource: engineers, effort: 16}
      on-prem: unavailable            # never promise it

  - id: training
    name: Operator training, per session
    owner: Dana Ortiz <dana@example.com>
    min_notice_days: 15
    steps:
      - id: session
        days: 1
        uses: {engineers: 8}

reservations:                         # load that is not a deal (maintenance, internal work)
  - {resource: engineers, from: $next-01-11, to: $next-01-15, per_day: 8, reason: Tooling week}

bookings: bookings                    # folder of booked deals, beside this file

policy:
  target_utilization: 0.85            # loading above this in a deal's window: at risk
  min_slack_days: 5                   # finishing fewer working days before due: at risk
  horizon_days: 500                   # how far ahead (working days) to look for a date
""")

BOOKINGS_TEXT = """\
# Bookings

One file per booked deal, named by its id (`ACME-2027-001.yaml`): deals operations have
committed to. Each takes capacity before any new deal is checked, in the order booked.

- `feasibility book DEAL.yaml` checks a deal and writes its booking here, with the plan
  its check found (`booking.plan`: the days each step works and what it holds). From
  then on that capacity is the booking's own.
- `feasibility release DEAL_ID` removes one.
- `feasibility validate` checks every plan against the model and says when one no longer
  fits; `feasibility replan --write` re-plans those.

Commit this folder with `capacity.yaml`. Files other than `*.yaml` / `*.yml` are ignored.
"""


@dataclass
class Scaffolded:
    """What `init` did in a folder (paths relative to it)."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    """Files that existed already and were left as they were."""


def capacity_template(today: dt.date) -> str:
    """The commented example capacity file, its dates in the year of ``today`` and after."""
    return CAPACITY_TEMPLATE.substitute(
        today=today.isoformat(), year=today.year, next=today.year + 1
    )


def scaffold(folder: Path, today: dt.date, *, force: bool = False) -> Scaffolded:
    """Write capacity.yaml, bookings/README.md and .gitignore, and the JSON Schemas into
    ``folder``.

    An existing capacity.yaml is an error unless ``force``; the other files are kept
    when they exist, unless ``force``.
    """
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    if (folder / CAPACITY).exists() and not force:
        raise UsageError(
            f"{folder / CAPACITY} already exists; use --force to replace it with the example"
        )
    files = {
        CAPACITY: capacity_template(today),
        BOOKINGS_README: BOOKINGS_TEXT,
        BOOKINGS_IGNORE: BOOKINGS_IGNORED,
    }
    files.update({path: schema_json(name) for path, name in SCHEMAS.items()})
    done = Scaffolded(folder)
    for rel, text in files.items():
        if rel != CAPACITY and (folder / rel).exists() and not force:
            done.kept.append(rel)
            continue
        _write(folder / rel, text)
        done.written.append(rel)
    return done


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a temporary file renamed over it)."""
    temp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(8)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(text, encoding="utf-8")
        temp.replace(path)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        temp.unlink(missing_ok=True)
