"""Reading a CRM export (feasibility.io.pipeline_csv): rows to deals, located problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from feasibility.errors import InputError, UsageError
from feasibility.io.pipeline_csv import parse_columns, read_pipeline
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "pipeline.csv"
HEADER = "id,customer,owner,offering,quantity,due,features\n"


def write(tmp_path: Path, text: str | bytes, name: str = "deals.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, columns: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_pipeline(path, columns)
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


def test_example_rows_become_deals_in_order() -> None:
    rows = read_pipeline(EXAMPLE)
    assert [(r.deal.id, r.line) for r in rows] == [
        ("BL-2027-010", 2),
        ("BL-2027-011", 4),
        ("BL-2027-012", 5),
        ("BL-2027-013", 6),
        ("BL-2027-014", 7),
        ("BL-2027-015", 9),
        ("BL-2027-016", 10),
        ("BL-2027-017", 11),
    ]
    first = rows[0].deal
    assert first.customer == "Northwind Logistics"
    assert first.owner == "Sam Reyes <sam.reyes@example.com>"
    assert [(ln.offering, ln.quantity, ln.due) for ln in first.lines] == [
        ("site-rollout", 8, dt.date(2027, 3, 12)),
        ("training", 2, dt.date(2027, 4, 16)),
    ]
    assert rows[2].deal.lines[0].features == ["sso", "custom-dashboard"]
    assert rows[3].deal.lines[0].features == ["rest-api", "historical-backfill"]
    assert rows[5].deal.lines[0].due is None


def test_rows_of_a_deal_need_not_be_adjacent_and_blank_rows_are_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + "A,Acme,,training,1,,\n\nB,Beta,,training,2,,\n,,,,,,\nA,Acme,,integration,3,,\n",
    )
    rows = read_pipeline(path)
    assert [(r.deal.id, r.line, [ln.quantity for ln in r.deal.lines]) for r in rows] == [
        ("A", 2, [1, 3]),
        ("B", 4, [2]),
    ]
    assert rows[0].deal.owner is None


def test_columns_are_mapped_and_headers_match_whatever_their_case(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Opportunity ID,ACCOUNT NAME,Product,Qty,Close Date,Extra\n"
        "OPP-1,Acme,training,2,2027-03-01,ignored\n",
    )
    columns = parse_columns(
        ["id=opportunity id", "customer=Account Name", "offering=Product", "quantity=QTY"]
        + ["due = Close Date"]
    )
    (row,) = read_pipeline(path, columns)
    assert row.deal.model_dump(exclude_defaults=True) == {
        "id": "OPP-1",
        "customer": "Acme",
        "lines": [{"offering": "training", "quantity": 2, "due": dt.date(2027, 3, 1)}],
    }


def test_start_column_and_utf8_bom_and_quoted_multiline_values(tmp_path: Path) -> None:
    text = '\nid,customer,offering,quantity,start\nA,"Acme\nNorth, Inc",training,1,2027-02-01\n'
    path = write(tmp_path, "\ufeff".encode() + text.encode() + b"B,Beta,training,x,\n")
    assert problems(path) == ["5:4: quantity: expected a whole number, found 'x'"]
    path.write_text(text)
    (row,) = read_pipeline(path)
    assert row.line == 3
    assert row.deal.customer == "Acme\nNorth, Inc"
    assert row.deal.start == dt.date(2027, 2, 1)


def test_every_problem_is_reported_at_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "X-1,Acme,Sam,site-rollout,abc,2027-02-30,sso\n"
        + "X-1,Acme Inc,Sam,training,0,,bad feature|ok\n"
        + "X-2,,Sam,site-rollout,1,,\n"
        + ",Beta,Sam,training,1,,\n"
        + "X 3,Gamma,Sam,training,1,2027-01-01,\n"
        + "X-4,Delta,Sam,training,1,\n"
        + "X-5,Echo,Sam,training,1,,,\n",
    )
    assert problems(path) == [
        "2:5: quantity: expected a whole number, found 'abc'",
        "2:6: due: '2027-02-30' is not a valid date (day value is outside expected range); "
        "write YYYY-MM-DD",
        "3:2: customer: 'Acme Inc' differs from 'Acme' on line 2 for deal X-1; every row of a "
        "deal must agree",
        "3:5: quantity: must be greater than or equal to 1, found '0'; change the value",
        "3:7: features: 'bad feature' is not a valid id; use letters, digits, '.', '_' or '-', "
        "starting with a letter or digit",
        "4:2: customer: empty; every row needs a value for customer",
        "5:1: id: empty; every row needs a value for id",
        "6:1: id: 'X 3' is not a valid id; use letters, digits, '.', '_' or '-', starting with "
        "a letter or digit",
        "7:7: row has 6 fields, the header 7; quote values that contain a comma",
        "8:8: row has 8 fields, the header 7; quote values that contain a comma",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "id,customer,offering\nA,Acme,training\n",
            [
                "1:1: no column 'quantity' (found: id, customer, offering); "
                "map it with --column quantity=HEADER"
            ],
            id="missing-column",
        ),
        pytest.param(
            "id,customer,offering,quantity,Quantity\n",
            ["1:5: column 'quantity' appears twice; rename one"],
            id="duplicate-column",
        ),
        pytest.param(
            "id,customer,offerings,quantity\n",
            [
                "1:1: no column 'offering' (found: id, customer, offerings, quantity); "
                "did you mean 'offerings'?"
            ],
            id="near-miss",
        ),
        pytest.param(
            "",
            [
                "1:1: file is empty; expected a header row (id, customer, owner, start, "
                "offering, quantity, due, features)"
            ],
            id="empty",
        ),
        pytest.param(HEADER, ["1:1: no deals: the file has a header but no rows"], id="header"),
        pytest.param(
            HEADER + 'A,"Acme,,training,1,,\n',
            ["2:1: invalid CSV: unexpected end of data; check the quotes on this line"],
            id="open-quote",
        ),
        pytest.param(
            HEADER + 'A,"Acme"x,,training,1,,\n',
            ["2:1: invalid CSV: ',' expected after '\"'; check the quotes on this line"],
            id="text-after-quote",
        ),
        pytest.param(
            HEADER + "A,Acme,,training,1,,\nB,Beta,,training,1,,\x00\n",
            ["3:7: features: control character U+0000; remove it"],
            id="control-character",
        ),
    ],
)
def test_file_level_problems(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert problems(write(tmp_path, text)) == expected


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER.encode() + "A,Caf\u00e9,,training,1,,\n".encode("latin-1"))
    assert problems(path) == ["2:1: not UTF-8 (byte 0xe9); export the CSV as UTF-8"]


def test_a_missing_file(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.csv") == [
        "1:1: cannot read: No such file or directory; check the path and its permissions"
    ]


def test_a_mapped_column_must_exist_even_if_optional(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A,Acme,,training,1,,\n")
    assert problems(path, {"due": "Close Date"}) == [
        "1:1: no column 'Close Date' (found: id, customer, owner, offering, quantity, due, "
        "features); map it with --column due=HEADER"
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("id", "--column 'id': write FIELD=HEADER, e.g. id='Opportunity ID'"),
        ("id=", "--column 'id=': write FIELD=HEADER, e.g. id='Opportunity ID'"),
        ("idd=X", "--column 'idd=X': unknown field 'idd'; did you mean 'id'?"),
        (
            "price=X",
            "--column 'price=X': unknown field 'price' (fields: id, customer, owner, start, "
            "offering, quantity, due, features)",
        ),
    ],
)
def test_bad_column_options(spec: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_columns([spec])
    assert str(caught.value) == message
