"""`book` and `release`: the bookings store (atomic, race-safe writes), the core, the CLI end to
end, and what `validate` says about bookings."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import multiprocessing.synchronize
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feasibility.engine.commitments import build_plan
from feasibility.errors import ExitCode, InputError, StoreError, UsageError
from feasibility.io.yamlio import load_text
from feasibility.models.deal import Booking, Deal
from feasibility.store.bookings import (
    BookRequest,
    book_deal,
    bookings_folder,
    check_request,
    displaced,
    remove_booking,
    render_booking,
    write_booking,
)
from feasibility.validation.schema import validate_document
from feasibility.workspace import booking_files, load_deals, load_workspace, read_deal
from tests.conftest import AS_OF, REPO, CliRunner, entry_point, repository_copy
from tests.factories import booking, capacity, deal

ON_TIME_BOOKING = (REPO / "tests/data/on-time-booking.yaml").read_text(encoding="utf-8")
"""What `book examples/on-time.yaml --as-of 2026-11-23 --by 'Lena Park'` writes."""

SMALL_MODEL = """\
version: 1
company: Test Co
calendar: {workdays: [mon, tue, wed, thu, fri, sat, sun]}
resources:
  - {id: crew, unit: crews, per_day: 1, owner: Crew Boss}
offerings:
  - id: fit
    steps: [{id: fit, days: 5, uses: {crew: 1}}]
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the repository's capacity file, bookings, examples and schemas."""
    return repository_copy(tmp_path)


KEPT = {".gitignore", ".lock"}
"""Dot files a bookings folder keeps: its .gitignore and the lock file of `book`."""


def listing(folder: Path) -> list[str]:
    """Every name in a folder, temporary files included (not ``KEPT``)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in KEPT)


def book_args(deal_file: str, *more: str) -> list[str]:
    return ["book", deal_file, "--as-of", str(AS_OF), *more]


# --- the CLI, end to end ------------------------------------------------------------------


def test_book_writes_the_deal_with_a_booking_block(cli: CliRunner, repo: Path) -> None:
    done = cli(*book_args("examples/on-time.yaml", "--by", "Lena Park"), cwd=repo)
    assert done.returncode == 0
    assert done.stderr == "booked BL-2027-003 (feasible) in bookings/BL-2027-003.yaml\n"
    assert "FEASIBLE  score 100/100" in done.stdout
    assert (repo / "bookings/BL-2027-003.yaml").read_text() == ON_TIME_BOOKING
    assert listing(repo / "bookings") == [
        "BL-2026-014.yaml",
        "BL-2026-019.yaml",
        "BL-2026-022.yaml",
        "BL-2027-003.yaml",
    ]
    valid = cli("validate", "--as-of", str(AS_OF), cwd=repo)
    assert (valid.returncode, valid.stdout) == (0, "valid: 5 files checked, 0 errors, 0 warnings\n")
    workspace = load_workspace(repo / "capacity.yaml")
    booked = {b.deal.id: b.deal for b in workspace.bookings}["BL-2027-003"]
    original = load_deals([repo / "examples/on-time.yaml"])[0].deal
    assert booked.booking is not None and booked.booking.plan is not None
    assert booked == original.model_copy(
        update={"booking": Booking(booked_on=AS_OF, by="Lena Park", plan=booked.booking.plan)}
    )


def test_by_defaults_to_user_then_unknown(cli: CliRunner, repo: Path) -> None:
    assert (
        cli(*book_args("examples/on-time.yaml"), cwd=repo, env={"USER": "ops-bot"}).returncode == 0
    )
    assert "  by: ops-bot\n" in (repo / "bookings/BL-2027-003.yaml").read_text()
    cli("release", "BL-2027-003", cwd=repo)
    assert cli(*book_args("examples/on-time.yaml"), cwd=repo, env={"USER": ""}).returncode == 0
    assert "  by: unknown\n" in (repo / "bookings/BL-2027-003.yaml").read_text()


def test_bytes_that_are_not_utf8_never_make_a_booking_the_loader_refuses(
    cli: CliRunner, repo: Path
) -> None:
    """Issue 18: a Latin-1 $USER, --by or --reason (argv and environ hold the raw bytes as
    lone surrogates) wrote a booking that every later check refused."""
    by = cli(*book_args("examples/on-time.yaml", "--by", "caf\udce9"), cwd=repo)
    assert by.returncode == ExitCode.USAGE
    assert "--by holds \\xe9, a byte that is not UTF-8; write it in UTF-8" in by.stderr
    assert not (repo / "bookings/BL-2027-003.yaml").exists()
    env = {"USER": "j\udce9"}
    assert cli(*book_args("examples/on-time.yaml"), cwd=repo, env=env).returncode == 0
    assert "  by: j\\xe9\n" in (repo / "bookings/BL-2027-003.yaml").read_text()
    assert cli("validate", cwd=repo).returncode == 0


def test_second_booking_of_an_id_is_refused_unless_replace(cli: CliRunner, repo: Path) -> None:
    assert cli(*book_args("examples/on-time.yaml", "--by", "Lena Park"), cwd=repo).returncode == 0
    again = cli(*book_args("examples/on-time.yaml", "--by", "Someone Else"), cwd=repo)
    assert again.returncode == 2
    assert again.stderr == (
        "error: BL-2027-003 is already booked (bookings/BL-2027-003.yaml); use --replace to "
        "book it again, or `feasibility release BL-2027-003` first\n"
    )
    assert again.stdout == ""
    assert (repo / "bookings/BL-2027-003.yaml").read_text() == ON_TIME_BOOKING
    replaced = cli(
        *book_args("examples/on-time.yaml", "--by", "Someone Else", "--replace"), cwd=repo
    )
    assert replaced.returncode == 0
    assert (repo / "bookings/BL-2027-003.yaml").read_text() == ON_TIME_BOOKING.replace(
        "by: Lena Park", "by: Someone Else"
    )
    assert len(listing(repo / "bookings")) == 4


def test_at_risk_needs_accept_risk(cli: CliRunner, repo: Path) -> None:
    refused = cli(*book_args("examples/at-risk.yaml"), cwd=repo)
    assert refused.returncode == 3
    assert refused.stderr == (
        "not booked: BL-2027-001 is at risk; book it anyway with --accept-risk "
        "(and --reason TEXT to record why)\n"
    )
    assert "LOW_SLACK" in refused.stdout
    assert not (repo / "bookings/BL-2027-001.yaml").exists()
    accepted = cli(*book_args("examples/at-risk.yaml", "--accept-risk", "--by", "Sam"), cwd=repo)
    assert accepted.returncode == 0
    assert accepted.stderr == "booked BL-2027-001 (at risk) in bookings/BL-2027-001.yaml\n"
    text = (repo / "bookings/BL-2027-001.yaml").read_text()
    assert "booking:\n  booked_on: 2026-11-23\n  by: Sam\n  plan:\n" in text


def test_accepted_risk_records_the_reason(cli: CliRunner, repo: Path) -> None:
    args = book_args(
        "examples/at-risk.yaml", "--accept-risk", "--reason", "Audit date: yes", "--by", "Sam"
    )
    assert cli(*args, cwd=repo).returncode == 0
    text = (repo / "bookings/BL-2027-001.yaml").read_text()
    assert "  by: Sam\n  forced_reason: 'Audit date: yes'\n  plan:\n" in text


def test_infeasible_needs_force_and_reason(cli: CliRunner, repo: Path) -> None:
    refused = cli(*book_args("examples/late.yaml"), cwd=repo)
    assert refused.returncode == 1
    assert refused.stderr == (
        "not booked: BL-2027-002 is infeasible; book it anyway only with --force --reason TEXT\n"
    )
    assert cli(*book_args("examples/late.yaml", "--accept-risk"), cwd=repo).returncode == 1
    no_reason = cli(*book_args("examples/late.yaml", "--force"), cwd=repo)
    assert no_reason.returncode == 2
    assert no_reason.stderr == (
        "error: --force needs --reason TEXT: say why the deal is booked anyway\n"
    )
    blank = cli(*book_args("examples/late.yaml", "--force", "--reason", "  "), cwd=repo)
    assert blank.returncode == 2
    assert blank.stderr == "error: --reason is empty; say why the deal is booked anyway\n"
    assert len(listing(repo / "bookings")) == 3
    forced = cli(
        *book_args("examples/late.yaml", "--force", "--reason", "CEO sign-off", "--by", "Sam"),
        cwd=repo,
    )
    assert forced.returncode == 0
    assert forced.stderr == "booked BL-2027-002 (infeasible) in bookings/BL-2027-002.yaml\n"
    text = (repo / "bookings/BL-2027-002.yaml").read_text()
    assert "  by: Sam\n  forced_reason: CEO sign-off\n  plan:\n" in text


def test_hold_until(cli: CliRunner, repo: Path) -> None:
    done = cli(
        *book_args("examples/on-time.yaml", "--hold-until", "2027-01-15", "--by", "L"), cwd=repo
    )
    assert done.returncode == 0
    assert done.stderr == (
        "booked BL-2027-003 (feasible, held until 2027-01-15) in bookings/BL-2027-003.yaml\n"
    )
    text = (repo / "bookings/BL-2027-003.yaml").read_text()
    assert "booked_on: 2026-11-23\n  by: L\n  hold_until: 2027-01-15\n  plan:\n" in text
    past = cli(
        *book_args("examples/on-time.yaml", "--hold-until", "2026-11-22", "--replace"), cwd=repo
    )
    assert past.returncode == 2
    assert past.stderr == (
        "error: --hold-until 2026-11-22 is before the check date 2026-11-23; "
        "a hold must last at least until then\n"
    )
    bad = cli(*book_args("examples/on-time.yaml", "--hold-until", "2027-02-30"), cwd=repo)
    assert bad.returncode == 2
    assert bad.stderr == "error: --hold-until: '2027-02-30' is not a date; use YYYY-MM-DD\n"


def test_book_json_output_is_the_check(cli: CliRunner, repo: Path) -> None:
    done = cli(*book_args("examples/on-time.yaml", "--format", "json"), cwd=repo)
    assert done.returncode == 0
    out = json.loads(done.stdout)
    assert out["deals"][0]["id"] == "BL-2027-003"
    assert out["deals"][0]["verdict"] == "feasible"


def test_invalid_deal_file_is_a_located_usage_error(cli: CliRunner, repo: Path) -> None:
    done = cli(*book_args("examples/invalid/unknown-key.yaml"), cwd=repo)
    assert done.returncode == 2
    assert done.stderr.startswith("examples/invalid/unknown-key.yaml:9:5: ")
    assert "did you mean 'quantity'" in done.stderr
    assert len(listing(repo / "bookings")) == 3


def test_a_deal_naming_an_unknown_offering_is_never_booked(cli: CliRunner, repo: Path) -> None:
    (repo / "odd.yaml").write_text(
        "id: ODD-1\ncustomer: X\nlines:\n  - offering: site-rollot\n    due: 2027-06-30\n"
    )
    done = cli(*book_args("odd.yaml", "--force", "--reason", "try"), cwd=repo)
    assert done.returncode == 2
    assert done.stderr == (
        "odd.yaml:4:15: lines[0].offering: unknown offering 'site-rollot'; "
        "did you mean 'site-rollout'?\n"
    )
    assert not (repo / "bookings/ODD-1.yaml").exists()


def test_release(cli: CliRunner, repo: Path) -> None:
    cli(*book_args("examples/on-time.yaml"), cwd=repo)
    done = cli("release", "BL-2027-003", cwd=repo)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "released BL-2027-003: removed bookings/BL-2027-003.yaml\n",
        "",
    )
    assert listing(repo / "bookings") == [
        "BL-2026-014.yaml",
        "BL-2026-019.yaml",
        "BL-2026-022.yaml",
    ]
    again = cli("release", "BL-2027-003", cwd=repo)
    assert again.returncode == 2
    assert again.stderr == (
        "error: there is no booking 'BL-2027-003' in bookings; did you mean 'BL-2026-022'?\n"
    )


def test_release_refuses_anything_but_an_id(cli: CliRunner, repo: Path) -> None:
    for arg in ("../capacity", "bookings/BL-2026-014.yaml", ".hidden", ""):
        done = cli("release", arg, cwd=repo)
        assert done.returncode == 2, arg
        assert done.stderr.startswith(f"error: '{arg}' is not a deal id"), done.stderr
    path_like = cli("release", "bookings/BL-2026-014.yaml", cwd=repo)
    assert "(did you mean 'BL-2026-014'?)" in path_like.stderr
    assert len(listing(repo / "bookings")) == 3


def test_release_works_when_a_booking_is_broken(cli: CliRunner, repo: Path) -> None:
    (repo / "bookings/BROKEN.yaml").write_text("id: BROKEN\nlines: [\n")
    assert cli("validate", cwd=repo).returncode == 1
    assert cli("release", "BROKEN", cwd=repo).returncode == 0
    assert cli("validate", "--as-of", str(AS_OF), cwd=repo).returncode == 0


def test_book_without_a_bookings_folder_creates_it(cli: CliRunner, repo: Path) -> None:
    shutil.rmtree(repo / "bookings")
    assert cli(*book_args("examples/on-time.yaml"), cwd=repo).returncode == 0
    assert listing(repo / "bookings") == ["BL-2027-003.yaml"]


def test_a_bookings_folder_outside_is_refused(cli: CliRunner, repo: Path) -> None:
    shutil.rmtree(repo / "bookings")
    text = (repo / "capacity.yaml").read_text()
    (repo / "capacity.yaml").write_text(
        text.replace("bookings: bookings", "bookings: ../elsewhere")
    )
    done = cli(*book_args("examples/on-time.yaml"), cwd=repo)
    assert done.returncode == 2
    assert done.stderr == (
        "capacity.yaml:263:11: bookings folder '../elsewhere' is outside the capacity file's "
        "folder; keep it beside capacity.yaml\n"
    )
    assert not (repo.parent / "elsewhere").exists()


def test_racing_cli_bookings_of_one_id(repo: Path) -> None:
    """Several `book` processes started at once: exactly one books, the others are told."""
    cmd = [entry_point(), *book_args("examples/on-time.yaml")]
    procs = [
        subprocess.Popen(
            cmd, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    results = sorted((p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs)
    assert [code for code, _ in results] == [0, 2, 2, 2, 2, 2]
    for _, message in results[1:]:
        assert message.startswith(
            "error: BL-2027-003 is already booked (bookings/BL-2027-003.yaml)"
        )
    assert listing(repo / "bookings")[-1] == "BL-2027-003.yaml"
    assert len(listing(repo / "bookings")) == 4


# --- validate on bookings -----------------------------------------------------------------


def test_validate_reports_a_broken_booked_line_with_its_owner(cli: CliRunner, repo: Path) -> None:
    text = (repo / "capacity.yaml").read_text()
    old = "    per_day: 2                      # two in-house crews of 3 installers"
    (repo / "capacity.yaml").write_text(text.replace(old, "    per_day: 0.5"))
    done = cli("validate", "--as-of", str(AS_OF), cwd=repo)
    assert done.returncode == 1
    assert done.stdout == (
        "bookings/BL-2026-014.yaml:42:7: error: BL-2026-014's plan no longer fits: "
        "line 0 unit 1 step install on 2026-12-09: install-crew has 0.5 crews free, "
        "the plan holds 2 that day (short by 1.5 crews) (3 more misfits); re-planning "
        "gives line 0 2027-04-19, line 1 2026-11-30 (`feasibility replan --write "
        "BL-2026-014` records it); that misses a due date: talk to the deal owner "
        "(owner: Sam Reyes <sam.reyes@example.com>)\nbookings/BL-2026-014.yaml:42:7: "
        "error: BL-2026-014's plan no longer fits: line 0 unit 1 step install on "
        "2026-12-10: install-crew has 0.5 crews free, the plan holds 2 that day (short "
        "by 1.5 crews)\nbookings/BL-2026-014.yaml:48:7: error: BL-2026-014's plan no "
        "longer fits: line 0 unit 3 step install on 2026-12-11: install-crew has 0.5 "
        "crews free, the plan holds 2 that day (short by 1.5 "
        "crews)\nbookings/BL-2026-022.yaml:57:7: error: BL-2026-022's plan no longer "
        "fits: line 0 unit 1 step install on 2027-02-16: install-crew has 0.5 crews "
        "free, the plan holds 2 that day (short by 1.5 crews) (7 more misfits); "
        "re-planning gives line 0 2027-04-29, line 1 2027-02-08 (`feasibility replan "
        "--write BL-2026-022` records it)\nbookings/BL-2026-022.yaml:57:7: error: "
        "BL-2026-022's plan no longer fits: line 0 unit 1 step install on 2027-02-17: "
        "install-crew has 0.5 crews free, the plan holds 2 that day (short by 1.5 "
        "crews)\nbookings/BL-2026-022.yaml:63:7: error: BL-2026-022's plan no longer "
        "fits: line 0 unit 3 step install on 2027-02-18: install-crew has 0.5 crews "
        "free, the plan holds 2 that day (short by 1.5 crews)\ninvalid: 4 files "
        "checked, 6 errors, 0 warnings\n"
    )


def test_validate_warns_about_an_expired_hold(cli: CliRunner, repo: Path) -> None:
    text = (repo / "examples/on-time.yaml").read_text().replace("BL-2027-003", "HOLD-1")
    hold = "booking:\n  booked_on: 2026-11-01\n  by: Lena\n  hold_until: 2026-11-20\n"
    (repo / "bookings/HOLD-1.yaml").write_text(text + hold)
    done = cli("validate", "--as-of", str(AS_OF), cwd=repo)
    assert done.returncode == 0
    assert done.stdout == (
        "bookings/HOLD-1.yaml:34:15: warning: hold expired on 2026-11-20; it no longer takes "
        "capacity: release or re-book it (owner: Lena Park <lena.park@example.com>)\n"
        "valid: 5 files checked, 0 errors, 1 warning\n"
    )
    assert cli("validate", "--as-of", str(AS_OF), "--strict", cwd=repo).returncode == 1


# --- the core -----------------------------------------------------------------------------


def small_workspace(tmp_path: Path, *bookings: str) -> Path:
    """A one-resource model (1 crew a day, every day a workday) with the given bookings."""
    (tmp_path / "capacity.yaml").write_text(SMALL_MODEL)
    (tmp_path / "bookings").mkdir()
    for text in bookings:
        name = text.split("\n", 1)[0].removeprefix("id: ")
        (tmp_path / "bookings" / f"{name}.yaml").write_text(text)
    return tmp_path / "capacity.yaml"


def small_deal(deal_id: str, due: str, booked_on: str | None = None) -> str:
    text = f"id: {deal_id}\ncustomer: C\nowner: Rep {deal_id}\n"
    text += f"lines:\n  - {{offering: fit, due: {due}}}\n"
    if booked_on:
        text += f"booking: {{booked_on: {booked_on}, by: ops}}\n"
    return text


def test_a_new_booking_holds_what_remains_so_earlier_ones_keep_their_dates(
    tmp_path: Path,
) -> None:
    """'A', booked today, comes before 'B' (booked on a later day, with no plan) in booking
    order; its plan is what the check found around B, so B keeps its dates."""
    path = small_workspace(tmp_path, small_deal("B", "2027-01-08", "2027-01-04"))
    workspace = load_workspace(path)
    (tmp_path / "a.yaml").write_text(small_deal("A", "2027-01-20"))
    new = load_deals([tmp_path / "a.yaml"])[0].deal
    as_of = dt.date(2027, 1, 4)
    outcome = book_deal(workspace, new, as_of, BookRequest("ops"))
    assert outcome.deal.verdict == "feasible"
    assert outcome.exit_code == ExitCode.OK
    after = load_workspace(path)
    plan = build_plan(after.capacity.model, after.booked_deals, as_of)
    assert [o.deal.id for o in plan.bookings] == ["A", "B"]
    assert [(o.status, o.lines[0].broken) for o in plan.bookings] == [
        ("held", False),
        ("planned", False),
    ]


def test_displaced_is_empty_when_the_new_booking_comes_last() -> None:
    model = capacity(
        resources=[{"id": "crew", "per_day": "1"}],
        offerings=[{"id": "fit", "steps": [{"id": "fit", "days": "5", "uses": {"crew": "1"}}]}],
    )
    on = dt.date(2027, 1, 4)
    earlier = booking({"offering": "fit", "due": "2027-01-08"}, id="A", booked_on=on)
    later = booking({"offering": "fit", "due": "2027-01-20"}, id="B", booked_on=on)
    assert displaced(model, [earlier], later, on) == []
    assert displaced(model, [later], earlier, on) == []  # B still fits after A
    same_day = booking({"offering": "fit", "due": "2027-01-08"}, id="Z", booked_on=on)
    assert displaced(model, [same_day], earlier, on) == ["Z line 0 due 2027-01-08"]


def test_book_refuses_an_existing_id_before_checking(tmp_path: Path) -> None:
    path = small_workspace(tmp_path, small_deal("B", "2027-01-08", "2027-01-04"))
    with pytest.raises(StoreError, match=r"^B is already booked \(.*B.yaml\); use --replace"):
        book_deal(
            load_workspace(path),
            deal({"offering": "fit"}, id="B"),
            dt.date(2027, 1, 4),
            BookRequest("x"),
        )


def test_replace_checks_against_the_other_bookings_only(tmp_path: Path) -> None:
    path = small_workspace(tmp_path, small_deal("B", "2027-01-08", "2027-01-04"))
    workspace = load_workspace(path)
    again = deal({"offering": "fit", "due": "2027-01-08"}, id="B", customer="C")
    outcome = book_deal(workspace, again, dt.date(2027, 1, 4), BookRequest("x", replace=True))
    assert (outcome.deal.verdict, outcome.exit_code) == ("at_risk", ExitCode.AT_RISK)
    outcome = book_deal(
        workspace, again, dt.date(2027, 1, 4), BookRequest("x", replace=True, accept_risk=True)
    )
    assert outcome.exit_code == ExitCode.OK
    assert listing(tmp_path / "bookings") == ["B.yaml"]


def test_render_booking_round_trips_every_example(tmp_path: Path) -> None:
    for example in sorted((REPO / "examples").glob("*.yaml")):
        original = load_deals([example])[0].deal
        block = Booking(
            booked_on=AS_OF, by="Sam", hold_until=dt.date(2027, 1, 31), forced_reason="x"
        )
        booked = original.model_copy(update={"booking": block})
        path = tmp_path / f"{original.id}.yaml"
        path.write_text(render_booking(booked))
        loaded, problems = read_deal(path, None, booking=True)
        assert problems == []
        assert loaded is not None and loaded.deal == booked


TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n"), min_size=1)


@settings(max_examples=150, deadline=None)
@given(customer=TEXT, by=TEXT, reason=TEXT)
def test_render_booking_round_trips_any_text(customer: str, by: str, reason: str) -> None:
    booked = deal({"offering": "fit", "quantity": "3"}, id="X-1", customer=customer).model_copy(
        update={"booking": Booking(booked_on=AS_OF, by=by, forced_reason=reason)}
    )
    parsed, problems = validate_document(load_text(render_booking(booked), "X-1.yaml"), Deal)
    assert problems == []
    assert parsed == booked


ANY_TEXT = st.text(min_size=1, max_size=20)


@settings(max_examples=150, deadline=None)
@given(by=ANY_TEXT, reason=ANY_TEXT)
def test_book_writes_only_text_its_loader_reads_back(by: str, reason: str) -> None:
    """Any --by and --reason, lone surrogates and controls included: refused, or written
    as a booking that loads back to the same values."""
    request = BookRequest(by, force=True, reason=reason)
    try:
        check_request(request, AS_OF)
    except UsageError:
        return
    booked = deal({"offering": "fit", "quantity": "3"}, id="X-1").model_copy(
        update={"booking": Booking(booked_on=AS_OF, by=by, forced_reason=reason)}
    )
    parsed, problems = validate_document(load_text(render_booking(booked), "X-1.yaml"), Deal)
    assert problems == []
    assert parsed == booked


# --- the store ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["../x", "a/b", "..", ".hidden", "-x", "", "x" * 101, "a\n", "a b", "/etc/passwd"]
)
def test_an_id_never_names_a_path_outside_the_folder(tmp_path: Path, bad: str) -> None:
    with pytest.raises(UsageError, match="is not a deal id"):
        write_booking(tmp_path / "bookings", bad, "id: x\n")
    with pytest.raises(UsageError, match="is not a deal id"):
        remove_booking(tmp_path / "bookings", bad)
    assert list(tmp_path.rglob("*")) == []


def test_a_booking_name_linking_outside_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "bookings"
    folder.mkdir()
    (tmp_path / "secret.yaml").write_text("keep\n")
    (folder / "X.yaml").symlink_to(tmp_path / "secret.yaml")
    with pytest.raises(StoreError, match=r"X.yaml is a link that leads out of the bookings folder"):
        write_booking(folder, "X", "id: X\n", replace=True)
    assert (tmp_path / "secret.yaml").read_text() == "keep\n"


def test_write_booking_leaves_no_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "bookings"
    assert write_booking(folder, "X", "one\n") == folder / "X.yaml"
    assert write_booking(folder, "X", "two\n", replace=True) == folder / "X.yaml"
    assert listing(folder) == ["X.yaml"]
    assert (folder / "X.yaml").read_text() == "two\n"
    with pytest.raises(StoreError, match=r"^X is already booked"):
        write_booking(folder, "X", "three\n")
    assert listing(folder) == ["X.yaml"]
    assert (folder / "X.yaml").read_text() == "two\n"


def test_a_yml_booking_counts_as_booked_and_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "bookings"
    folder.mkdir()
    (folder / "X.yml").write_text("old\n")
    with pytest.raises(StoreError, match=r"^X is already booked \(.*X\.yml\)"):
        write_booking(folder, "X", "new\n")
    write_booking(folder, "X", "new\n", replace=True)
    assert listing(folder) == ["X.yaml"]
    (folder / "Y.yml").write_text("y\n")
    assert remove_booking(folder, "Y") == folder / "Y.yml"


def test_remove_booking_of_an_unknown_id(tmp_path: Path) -> None:
    with pytest.raises(
        StoreError, match=r"^there is no booking 'X' in .*bookings \(nothing is booked\)$"
    ):
        remove_booking(tmp_path / "bookings", "X")
    write_booking(tmp_path / "bookings", "ACME-1", "a\n")
    write_booking(tmp_path / "bookings", "ZED-9", "z\n")
    with pytest.raises(StoreError, match=r"; did you mean 'ACME-1'\?$"):
        remove_booking(tmp_path / "bookings", "ACME-2")
    with pytest.raises(StoreError, match=r" \(booked: ACME-1, ZED-9\)$"):
        remove_booking(tmp_path / "bookings", "Q")


def test_bookings_folder_outside_the_capacity_folder(tmp_path: Path) -> None:
    (tmp_path / "capacity.yaml").write_text(SMALL_MODEL + "bookings: ../out\n")
    workspace = load_workspace(tmp_path / "capacity.yaml")
    with pytest.raises(InputError) as caught:
        bookings_folder(workspace.capacity)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'capacity.yaml'}:9:11: bookings folder '../out' is outside the capacity "
        "file's folder; keep it beside capacity.yaml"
    ]


def _race_worker(folder: str, n: int, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait(timeout=60)
    try:
        write_booking(Path(folder), "RACE-1", f"id: RACE-1\nwriter: {n}\n" + "x: y\n" * 5000)
    except StoreError:
        sys.exit(3)


def test_racing_writers_exactly_one_wins(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    folder = tmp_path / "bookings"
    folder.mkdir()
    barrier = ctx.Barrier(8)
    procs = [ctx.Process(target=_race_worker, args=(str(folder), n, barrier)) for n in range(8)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    codes = [-1 if p.exitcode is None else p.exitcode for p in procs]
    assert sorted(codes) == [0, 3, 3, 3, 3, 3, 3, 3]
    winner = codes.index(0)
    assert listing(folder) == ["RACE-1.yaml"]
    expected = f"id: RACE-1\nwriter: {winner}\n" + "x: y\n" * 5000
    assert (folder / "RACE-1.yaml").read_text() == expected


CRASH = textwrap.dedent(
    """\
    import os, sys
    from pathlib import Path
    from feasibility.store.bookings import write_booking

    hook, folder, text, replace = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
    real = getattr(os, hook)

    def crash(*args):
        if hook == "write":  # half of the data reaches the file, then the process dies
            real(args[0], bytes(args[1])[: len(args[1]) // 2])
        os._exit(9)

    setattr(os, hook, crash)
    write_booking(folder, "BL-2027-003", text, replace=replace)
    """
)


NEW, OLD = ON_TIME_BOOKING, ON_TIME_BOOKING.replace("by: Lena Park", "by: Someone Else")


@pytest.mark.parametrize(
    ("hook", "replace", "code", "state", "leftovers"),
    [
        ("write", False, 9, None, 1),  # half the temporary file written
        ("fsync", False, 9, None, 1),  # temporary file written, not yet on disk
        ("link", False, 9, None, 1),  # about to link it to its name
        ("unlink", False, 9, NEW, 1),  # linked, temporary name not yet removed
        ("replace", False, 0, NEW, 0),  # not used without --replace
        ("write", True, 9, OLD, 1),
        ("fsync", True, 9, OLD, 1),
        ("replace", True, 9, OLD, 1),  # about to rename it over the old booking
        ("unlink", True, 9, NEW, 0),  # renamed: nothing left to clean up
        ("link", True, 0, NEW, 0),  # not used with --replace
    ],
)
def test_a_crash_mid_write_leaves_the_old_state_or_the_whole_booking(
    repo: Path, hook: str, replace: bool, code: int, state: str | None, leftovers: int
) -> None:
    folder = repo / "bookings"
    target = folder / "BL-2027-003.yaml"
    if replace:
        target.write_text(OLD)
    done = subprocess.run(
        [sys.executable, "-c", CRASH, hook, str(folder), NEW, "1" if replace else "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == code, done.stderr
    assert (target.read_text() if target.exists() else None) == state
    temporary = [n for n in listing(folder) if n.startswith(".BL-2027-003.yaml.tmp-")]
    assert len(temporary) == leftovers
    assert len(listing(folder)) == 3 + leftovers + (state is not None)
    workspace = load_workspace(repo / "capacity.yaml")
    assert [p.name for p in booking_files(workspace.capacity)[0]] == [
        "BL-2026-014.yaml",
        "BL-2026-019.yaml",
        "BL-2026-022.yaml",
        *(["BL-2027-003.yaml"] if state is not None else []),
    ]
    assert ("BL-2027-003" in {b.deal.id for b in workspace.bookings}) == (state is not None)
