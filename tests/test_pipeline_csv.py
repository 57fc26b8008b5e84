"""Reading a CRM export (feasibility.io.pipeline_csv): rows to deals, located problems."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from feasibility.errors import InputError, UsageError
from feasibility.io.crm import Preset, export_format
from feasibility.io.pipeline_csv import parse_columns, read_pipeline
from tests.conftest import REPO, CliRunner

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
        read_pipeline(path, export_format(None, columns or {}, None))
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


def test_example_rows_become_deals_in_order() -> None:
    rows = read_pipeline(EXAMPLE).deals
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
    rows = read_pipeline(path).deals
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
    (row,) = read_pipeline(path, export_format(None, columns, None)).deals
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
    (row,) = read_pipeline(path).deals
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
        "7:7: row has 6 fields, the header 7; put double quotes around a value that contains "
        "a comma",
        "8:8: row has 8 fields, the header 7; put double quotes around a value that contains "
        "a comma",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "id,customer,quantity\nA,Acme,1\n",
            [
                "1:1: no column 'offering' (found: id, customer, quantity); "
                "map it with --column offering=HEADER"
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


def read(path: Path, date_format: str | None = None) -> list[tuple[str, str, int, str | None]]:
    """Each deal line of an export as (id, offering, quantity, due)."""
    form = export_format(None, {}, date_format)
    return [
        (r.deal.id, ln.offering, ln.quantity, ln.due.isoformat() if ln.due else None)
        for r in read_pipeline(path, form, offerings=OFFERINGS).deals
        for ln in r.deal.lines
    ]


OFFERINGS = {"training": "Operator training, per session", "integration": None}


@pytest.mark.parametrize(
    "text",
    [
        "id;customer;offering;quantity;due\r\nA;Acme, Inc;training;2;2027-03-01\r\n",
        "id\tcustomer\toffering\tquantity\tdue\nA\tAcme, Inc\ttraining\t2\t2027-03-01\n",
        "sep=;\nid;customer;offering;quantity;due\nA;Acme, Inc;training;2;2027-03-01\n",
        '\ufeff"id","customer","offering","quantity","due"\r\n"A","Acme, Inc","training",2,'
        '"2027-03-01 00:00"\r\n',
    ],
    ids=["semicolon-crlf", "tab", "sep-line", "bom-quoted-hubspot-time"],
)
def test_the_delimiter_is_detected(tmp_path: Path, text: str) -> None:
    assert read(write(tmp_path, text)) == [("A", "training", 2, "2027-03-01")]


def test_a_sep_line_keeps_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "sep=;\nid;customer;offering\nA;Acme;nope nope\n")
    assert problems(path) == [
        "3:3: offering: 'nope nope' is not a valid id; use letters, digits, '.', '_' or '-', "
        "starting with a letter or digit"
    ]


@pytest.mark.parametrize(
    ("date_format", "cell", "due"),
    [("%m/%d/%Y", "03/12/2027", "2027-03-12"), ("%d.%m.%Y", "12.03.2027", "2027-03-12")],
)
def test_dates_are_read_with_date_format(
    tmp_path: Path, date_format: str, cell: str, due: str
) -> None:
    path = write(tmp_path, f"id,customer,offering,due,start\nA,Acme,training,{cell},{cell}\n")
    assert read(path, date_format) == [("A", "training", 1, due)]


def test_a_date_not_as_expected_says_which_format_to_give(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,customer,offering,due\nA,Acme,training,03/12/2027\nB,Beta,training,12.03.2027\n"
        "C,Gamma,training,2027-02-30 00:00\n",
    )
    assert problems(path) == [
        "2:4: due: '03/12/2027' is not a YYYY-MM-DD date; give the export's format with "
        "--date-format %m/%d/%Y (or %d/%m/%Y)",
        "3:4: due: '12.03.2027' is not a YYYY-MM-DD date; give the export's format with "
        "--date-format %d.%m.%Y",
        "4:4: due: '2027-02-30' is not a valid date (day value is outside expected range); "
        "write YYYY-MM-DD",
    ]
    with pytest.raises(InputError) as caught:
        read_pipeline(path, export_format(None, {}, "%d.%m.%Y"))
    assert str(caught.value.problems[0]).endswith(
        "2:4: due: '03/12/2027' does not match --date-format %d.%m.%Y; fix the value or the format"
    )
    with pytest.raises(UsageError, match="write a strptime format"):
        export_format(None, {}, "dd.mm.yyyy")


def test_footer_rows_are_skipped_with_a_note_naming_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id;customer;offering;quantity\nA;Acme;training;1\nB;Beta;training;2\n\n"
        '"Total";;;3\n\n"Copyright (c) 2000-2026 salesforce.com, inc."\n"Generated By: Sam"\n',
    )
    export = read_pipeline(path)
    assert [r.deal.id for r in export.deals] == ["A", "B"]
    assert [str(n) for n in export.notes] == [
        f"{path}:5:1: warning: skipped the last 3 rows, lines 5, 7, 8: they are no deal lines "
        "(a total or report footer)"
    ]


def test_a_short_row_before_the_end_is_still_an_error_naming_the_delimiter(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "id;customer;offering;quantity\nA;Acme, Inc\nB;Beta;training;2\n")
    assert problems(path) == [
        "2:3: row has 2 fields, the header 4; put double quotes around a value that contains "
        "a semicolon"
    ]


def test_an_offering_may_be_given_by_its_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id;customer;offering\nA;Acme;operator TRAINING, per session\nB;Beta;integration\n",
    )
    assert read(path) == [("A", "training", 1, None), ("B", "integration", 1, None)]


def test_an_export_of_a_known_crm_suggests_its_preset(tmp_path: Path) -> None:
    path = write(tmp_path, "Opportunity ID,Account Name,Product Name,Close Date\nX,Y,Z,1/2/2027\n")
    assert problems(path)[0] == (
        "1:1: no column 'customer' (found: Opportunity ID, Account Name, Product Name, Close "
        "Date); this looks like a salesforce export: add --preset salesforce"
    )


def test_column_and_date_format_override_a_preset(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Opportunity ID;Account Name;Deal;Close Date\nOPP-1;Acme;training;12.03.2027\n",
    )
    form = export_format(Preset.salesforce, {"offering": "Deal"}, "%d.%m.%Y")
    assert [r.deal.lines[0].due for r in read_pipeline(path, form).deals] == [dt.date(2027, 3, 12)]


@pytest.mark.parametrize(
    ("export", "preset", "ids", "skipped"),
    [
        (
            "salesforce-export.csv",
            "salesforce",
            ["0065g00000NwLg1AAF", "0065g00000GpHt2AAF", "0065g00000BcSt3AAF"],
            "7:1: warning: skipped the last 5 rows, lines 7, 9, 10, 11, 12: they are no deal "
            "lines (a total or report footer)",
        ),
        (
            "hubspot-export.csv",
            "hubspot",
            ["18236455012", "18236455013", "18236455014"],
            "5:1: warning: skipped the last row, line 5: it is no deal line (a total or report "
            "footer)",
        ),
    ],
)
def test_crm_exports_check_with_one_option(
    cli: CliRunner, export: str, preset: str, ids: list[str], skipped: str
) -> None:
    """A Salesforce and a HubSpot export (UTF-8 BOM, CRLF, semicolons, their own dates,
    footer rows, offerings by name) check end to end with `--preset` alone."""
    raw = (REPO / "examples" / export).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b";" in raw.splitlines()[0]
    run = cli("pipeline", f"examples/{export}", "--preset", preset, "--format", "json")
    assert run.returncode in {0, 3}, run.stderr
    assert run.stderr == f"examples/{export}:{skipped}\n"
    assert [d["id"] for d in json.loads(run.stdout)["deals"]] == ids
    bare = cli("pipeline", f"examples/{export}")
    assert bare.returncode == 2
    assert "--preset" in bare.stderr or "--date-format" in bare.stderr
