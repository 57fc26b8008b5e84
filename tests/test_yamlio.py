"""Tests of feasibility.io.yamlio: safe, located, bounded YAML reading and plain dumping."""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feasibility import forked
from feasibility.errors import MAX_LIKE, InputError
from feasibility.io import yamlio
from feasibility.io.yamlio import MAX_BYTES, Document, dump, load_file, load_text

DATA = Path(__file__).parent / "data" / "yaml"
HINT = "check the indentation, quotes and brackets here"
TAB = "invalid YAML: a tab character where YAML expects spaces; indent with spaces, not tabs"
TOO_DEEP = "nesting deeper than 64 levels; flatten the structure"
EMPTY = "f.yaml:1:1: file is empty; expected a mapping"


@pytest.fixture(params=["libyaml", "python"], autouse=True)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run every test with the C parser (when built) and with the pure Python one."""
    name: str = request.param
    if name == "libyaml" and not yamlio._USE_LIBYAML:
        pytest.skip("PyYAML was built without libyaml")
    monkeypatch.setattr(yamlio, "_USE_LIBYAML", name == "libyaml")
    yield name


def problems(text: str | bytes) -> list[str]:
    """The problems ``load_text`` raises for ``text``, as ``file:line:col: message``."""
    with pytest.raises(InputError) as caught:
        load_text(text, "f.yaml")
    return [str(p) for p in caught.value.problems]


def data(text: str | bytes) -> Any:
    return load_text(text, "f.yaml").data


# --- scalars and positions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["no", "on", "off", "yes", "Yes", "1:30", "1_000", "2027-01-05", "0b101", "+", ".5."]
)
def test_yaml11_forms_stay_text(raw: str) -> None:
    assert data(f"a: {raw}\nb: [{raw}]\n") == {"a": raw, "b": [raw]}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("010", 10), ("+12", 12), ("-3", -3), ("0o17", 15), ("0x1F", 31), ("1e3", 1000),
        ("2.0", 2), ("0.5", 0.5), ("-.inf", -math.inf), ("true", True), ("FALSE", False),
        ("Null", None),
    ],
)  # fmt: skip
def test_plain_scalars_are_typed_as_yaml_1_2_core(raw: str, value: object) -> None:
    """As editors read them; quoted, each stays text."""
    loaded = data(f"a: {raw}\nb: [{raw}]\nc: '{raw}'\n")
    assert loaded == {"a": value, "b": [value], "c": raw}
    assert type(loaded["a"]) is type(value)


def test_nan_is_a_float() -> None:
    assert math.isnan(data("a: .nan\n")["a"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("nULL", "nULL"),
        ("'~'", "~"),
        ('"null"', "null"),
        ("''", ""),
    ],
)
def test_only_plain_null_forms_are_none(raw: str, expected: str | None) -> None:
    assert data(f"a: {raw}\n") == {"a": expected}


def test_load_file_positions_of_keys_and_values() -> None:
    doc = load_file(DATA / "nested.yaml")
    assert doc.file == str(DATA / "nested.yaml")
    assert doc.data == {
        "resources": [
            {"name": "Ada", "per_day": 6, "days": ["mon", "tue"]},
            {"name": "Bob", "per_day": "1:30"},
        ]
    }
    assert doc.values == {
        (): (2, 1),
        ("resources",): (3, 3),
        ("resources", 0): (3, 5),
        ("resources", 0, "name"): (3, 11),
        ("resources", 0, "per_day"): (4, 14),
        ("resources", 0, "days"): (5, 11),
        ("resources", 0, "days", 0): (5, 12),
        ("resources", 0, "days", 1): (5, 17),
        ("resources", 1): (6, 5),
        ("resources", 1, "name"): (6, 11),
        ("resources", 1, "per_day"): (7, 14),
    }
    assert doc.keys == {
        ("resources",): (2, 1),
        ("resources", 0, "name"): (3, 5),
        ("resources", 0, "per_day"): (4, 5),
        ("resources", 0, "days"): (5, 5),
        ("resources", 1, "name"): (6, 5),
        ("resources", 1, "per_day"): (7, 5),
    }


@pytest.mark.parametrize(
    ("path", "prefer_key", "expected"),
    [
        ((), False, (2, 1)),
        (("resources", 0, "per_day"), False, (4, 14)),
        (("resources", 0, "per_day"), True, (4, 5)),
        (("resources", 0, "days", 1), True, (5, 17)),
        (("resources", 0, "unknown"), True, (3, 5)),
        (("resources", 7, "name"), False, (3, 3)),
        (("nothing", "here"), False, (2, 1)),
    ],
)
def test_where_falls_back_to_longest_known_prefix(
    path: tuple[str | int, ...], prefer_key: bool, expected: tuple[int, int]
) -> None:
    doc = load_file(DATA / "nested.yaml", display="capacity.yaml")
    assert doc.file == "capacity.yaml"
    assert doc.where(path, prefer_key=prefer_key) == expected


def test_where_on_an_empty_document_is_the_start() -> None:
    assert Document("x.yaml", {}).where(("a", 1)) == (1, 1)


# --- encodings and characters ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["\ufeffname: Ada\n", b"\xef\xbb\xbfname: Ada\n"])
def test_bom_is_stripped(text: str | bytes) -> None:
    doc = load_text(text, "f.yaml")
    assert doc.data == {"name": "Ada"}
    assert doc.keys[("name",)] == (1, 1)


def test_bom_file() -> None:
    assert load_file(DATA / "bom.yaml").data == {"name": "Ada"}


@pytest.mark.parametrize("newline", ["\x85", "\u2028", "\u2029"])
def test_unicode_line_breaks_do_not_crash(newline: str) -> None:
    doc = load_text(f"a: 1{newline}b: 2\n", "f.yaml")
    assert doc.data == {"a": 1, "b": 2}
    assert doc.keys[("b",)] == (2, 1)


def test_unicode_line_break_inside_quotes_is_kept() -> None:
    assert data('a: "x\u2028y"\n') == {"a": "x\u2028y"}


def test_invalid_utf8_bytes_are_each_located() -> None:
    assert problems(b"a: 1\nb: caf\xe9 \xff\n\xc3") == [
        "f.yaml:2:7: invalid UTF-8 byte 0xE9; save the file as UTF-8",
        "f.yaml:2:9: invalid UTF-8 byte 0xFF; save the file as UTF-8",
        "f.yaml:3:1: invalid UTF-8 byte 0xC3; save the file as UTF-8",
    ]


def test_latin1_file_is_refused_with_locations() -> None:
    with pytest.raises(InputError) as caught:
        load_file(DATA / "latin1.yaml", display="people.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "people.yaml:1:10: invalid UTF-8 byte 0xE9; save the file as UTF-8",
        "people.yaml:2:10: invalid UTF-8 byte 0xE9; save the file as UTF-8",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: x\x01\n", "f.yaml:1:5: character U+0001 is not allowed in YAML; delete it"),
        ("a: 1\nb: '\x7f'\n", "f.yaml:2:5: character U+007F is not allowed in YAML; delete it"),
        ("a: 1\x852: \x00\n", "f.yaml:2:4: character U+0000 is not allowed in YAML; delete it"),
        ("a: \ud800\n", "f.yaml:1:4: character U+D800 is not allowed in YAML; delete it"),
        (b"a: \x1b[0m\n", "f.yaml:1:4: character U+001B is not allowed in YAML; delete it"),
    ],
)
def test_control_characters_are_located(text: str | bytes, expected: str) -> None:
    assert problems(text) == [expected]


# --- structure ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "\ufeff"])
def test_empty_file(text: str) -> None:
    assert problems(text) == [EMPTY]


@pytest.mark.parametrize(
    ("text", "found"),
    [("# list\n- a\n- b\n", "2:1: expected a mapping at the top level, found a list"),
     ("# x\nhello\n", "2:1: expected a mapping at the top level, found text"),
     ("'<<'\n", "1:1: expected a mapping at the top level, found text"),
     ("~\n", "1:1: expected a mapping at the top level, found null")],
)  # fmt: skip
def test_root_must_be_a_mapping(text: str, found: str) -> None:
    assert problems(text) == [f"f.yaml:{found}"]


def test_several_documents() -> None:
    assert problems("a: 1\n# two\n---\nb: 2\n---\nc: 3\n") == [
        "f.yaml:3:1: only one YAML document per file; remove this '---' and what follows it"
    ]


def test_explicit_single_document_is_fine() -> None:
    assert data("---\na: 1\n...\n") == {"a": 1}


def test_duplicate_keys_name_both_lines_and_are_all_reported() -> None:
    text = "per_day: 1\nname: x\nsub:\n  k: 1\n  k: 2\nper_day: 2\n'name': y\n{}\n"
    assert problems(text.replace("{}\n", "flow: {a: 1, a: 2}\n")) == [
        "f.yaml:5:3: duplicate key 'k' (first at line 4); remove one of them",
        "f.yaml:6:1: duplicate key 'per_day' (first at line 1); remove one of them",
        "f.yaml:7:1: duplicate key 'name' (first at line 2); remove one of them",
        "f.yaml:8:14: duplicate key 'a' (first at line 8); remove one of them",
    ]


def test_tags_are_refused_everywhere() -> None:
    text = "a: !!python/object/apply:os.system [ls]\nb: !!str 1\nc: !custom x\nd: !!int 3\n"
    assert problems(text) == [
        "f.yaml:1:4: tags are not allowed (found '!!python/object/apply:os.system'); "
        "remove the tag",
        "f.yaml:2:4: tags are not allowed (found '!!str'); remove the tag",
        "f.yaml:3:4: tags are not allowed (found '!custom'); remove the tag",
        "f.yaml:4:4: tags are not allowed (found '!!int'); remove the tag",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("? [a, b]\n: 1\nc: 2\n", "1:3: a key must be text, found a list; use a plain name"),
        ("? {a: 1}\n: 1\n", "1:3: a key must be text, found a mapping; use a plain name"),
        ("x: &m {a: 1}\n*m : 2\n", "2:1: a key must be text, found a mapping; use a plain name"),
        ("c:\n  <<: x\n", "2:3: merge keys ('<<') are not supported; write the entries out"),
        ("?\n: 1\n", "1:2: empty key; write a name before ':'"),
    ],
)  # fmt: skip
def test_bad_keys(text: str, expected: str) -> None:
    assert problems(text) == [f"f.yaml:{expected}"]


def test_quoted_merge_and_empty_keys_are_plain_text() -> None:
    assert data("'<<': 1\n'': 2\n~: 3\n") == {"<<": 1, "": 2, "~": 3}


# --- syntax errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["a:\n\tb: 1\n", "a: 1\n\tb: 2\n"])
def test_tab_indentation_gets_a_hint(text: str) -> None:
    assert problems(text) == [f"f.yaml:2:1: {TAB}"]


@pytest.mark.parametrize(
    ("text", "where", "libyaml_message"),
    [
        ("a: b: c\n", "1:5", "mapping values are not allowed in this context"),
        (
            "a: [b\n",
            "2:1",
            "did not find expected ',' or ']' (while parsing a flow sequence at line 1)",
        ),
        (
            "a: 'x\n",
            "2:1",
            "found unexpected end of stream (while scanning a quoted scalar at line 1)",
        ),
        (
            "a: |\n  x\n b\n",
            "3:2",
            "did not find expected key (while parsing a block mapping at line 1)",
        ),
    ],
)
def test_syntax_errors_are_located_with_a_hint(
    parser: str, text: str, where: str, libyaml_message: str
) -> None:
    (found,) = problems(text)
    assert found.startswith(f"f.yaml:{where}: invalid YAML: ")
    assert found.endswith(f"; {HINT}")
    if parser == "libyaml":
        assert found == f"f.yaml:{where}: invalid YAML: {libyaml_message}; {HINT}"


def test_problems_found_before_a_syntax_error_are_kept() -> None:
    first, second, syntax = problems("a: 1\na: !x 2\nb: [\n")
    assert first == "f.yaml:2:1: duplicate key 'a' (first at line 1); remove one of them"
    assert second == "f.yaml:2:4: tags are not allowed (found '!x'); remove the tag"
    assert syntax.startswith("f.yaml:4:1: invalid YAML: ")


def test_too_many_problems_stop_early() -> None:
    found = problems("a: 1\n" * 200)
    assert len(found) == MAX_LIKE + 2  # 100 found, 20 of them shown
    assert found[0] == "f.yaml:2:1: duplicate key 'a' (first at line 1); remove one of them"
    assert found[MAX_LIKE] == f"f.yaml:{MAX_LIKE + 2}:1: ... and 80 more like this; fix these first"
    assert found[-1] == "f.yaml:102:1: too many problems; fix these first"


# --- hostile input -----------------------------------------------------------------------------


def test_deep_flow_nesting_is_refused() -> None:
    assert problems("[" * 100_000) == [f"f.yaml:1:65: {TOO_DEEP}"]
    assert problems("a: " + "[" * 100_000 + "]" * 100_000) == [f"f.yaml:1:67: {TOO_DEEP}"]


def test_deep_block_nesting_is_refused_at_the_node() -> None:
    text = "".join(f"{' ' * i}k{i}:\n" for i in range(70))
    assert problems(text) == [f"f.yaml:65:65: {TOO_DEEP}"]


def test_nesting_up_to_the_limit_is_fine() -> None:
    doc = data("a: " + "[" * 63 + "x" + "]" * 63 + "\n")
    for _ in range(63):
        doc = doc["a"] if isinstance(doc, dict) else doc[0]
    assert doc == ["x"]


def test_alias_cannot_smuggle_depth() -> None:
    text = "a: &d " + "[" * 60 + "]" * 60 + "\nb: [[[[[*d]]]]]\n"
    assert problems(text) == [f"f.yaml:2:9: {TOO_DEEP}"]


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused() -> None:
    assert problems(billion_laughs()) == [
        "f.yaml:7:8: more than 1,000,000 values (aliases counted expanded); "
        "use fewer aliases or split the file"
    ]


def test_alias_count_is_capped() -> None:
    text = "a: &x 1\n" + "".join(f"k{i}: *x\n" for i in range(101))
    assert problems(text) == ["f.yaml:102:7: more than 100 aliases ('*name'); write the values out"]


def test_aliases_expand() -> None:
    doc = load_text("base: &b {x: 1, y: [2]}\nname: &n Ada\nc: *b\nd: [*n, *b]\n", "f.yaml")
    base = {"x": 1, "y": [2]}
    assert doc.data == {"base": base, "name": "Ada", "c": base, "d": ["Ada", base]}
    assert doc.where(("c", "y", 0)) == (3, 4)
    assert doc.where(("d", 1, "x")) == (4, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: *nope\n", "1:4: unknown alias '*nope'; define '&nope' before using it"),
        ("a: &r [1, *r]\n", "1:11: alias '*r' refers to a node that contains it; remove it"),
    ],
)
def test_bad_aliases(text: str, expected: str) -> None:
    assert problems(text) == [f"f.yaml:{expected}"]


def test_oversized_text_is_refused() -> None:
    big = b"a: " + b"x" * (6 * 1024 * 1024) + b"\n"
    assert problems(big) == [
        f"f.yaml:1:1: file is too large ({len(big):,} bytes, limit 5,242,880); "
        "split it into smaller files"
    ]
    assert problems(big.decode()) == problems(big)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(6 * 1024 * 1024)  # sparse: reading it all would be the bug
    with pytest.raises(InputError) as caught:
        load_file(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1:1: file is too large (6,291,456 bytes, limit 5,242,880); "
        "split it into smaller files"
    ]


def test_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "limit.yaml"
    path.write_bytes(b"a: x\n" + b"#" * (MAX_BYTES - 6) + b"\n")
    assert load_file(path).data == {"a": "x"}


# --- reading files -----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_file(tmp_path / "gone.yaml", display="gone.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "gone.yaml:1:1: cannot read: No such file or directory; check the path and its permissions"
    ]


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_file(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}:1:1: cannot read: Is a directory; check the path and its permissions"
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n")
    path.chmod(0)
    with pytest.raises(InputError) as caught:
        load_file(path, display="secret.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "secret.yaml:1:1: cannot read: Permission denied; check the path and its permissions"
    ]


# --- dumping -----------------------------------------------------------------------------------


def test_dump_is_block_style_in_insertion_order() -> None:
    plain = {
        "zeta": "no",
        "alpha": [{"d": date(2027, 1, 5), "n": None}, "é"],
        "count": 3,
        "on": True,
        "ratio": 0.5,
        "notes": "line one\nline two\n",
    }
    text = dump(plain)
    assert text == (
        "zeta: 'no'\n"
        "alpha:\n"
        "- d: 2027-01-05\n"
        "  n: null\n"
        "- é\n"
        "count: 3\n"
        "'on': true\n"
        "ratio: 0.5\n"
        "notes: |\n"
        "  line one\n"
        "  line two\n"
    )
    assert data(text) == {
        "zeta": "no",
        "alpha": [{"d": "2027-01-05", "n": None}, "é"],
        "count": 3,
        "on": True,
        "ratio": 0.5,
        "notes": "line one\nline two\n",
    }


texts = st.text(  # control characters other than tab and line breaks are refused on loading
    st.characters(exclude_categories=["Cs", "Cc"], include_characters="\t\n\r\x85"),
    max_size=12,
)
plain_values = st.recursive(
    st.none() | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=25,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the fixture is constant
@given(st.dictionaries(texts, plain_values, max_size=6))
def test_dump_then_load_gives_the_same_data(plain: dict[str, Any]) -> None:
    assert load_text(dump(plain), "f.yaml").data == plain


yaml_bits = st.sampled_from(
    [
        *"ab: -?[]{},&*!|>'\"#\n\t\r\x85\u2028\u2029\ufeff~%@`\\.0\x00\udcffé",
        "---",
        "<<",
        "&a",
        "*a",
    ]
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # the fixture is constant
@given(st.one_of(st.lists(yaml_bits, max_size=40).map("".join), st.binary(max_size=40)))
def test_any_input_loads_or_raises_located_problems(text: str | bytes) -> None:
    try:
        assert isinstance(load_text(text, "f.yaml").data, dict)
    except InputError as error:
        assert error.problems
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in error.problems)


# --- the quick readers: same data, same positions (found when asked for) -----------------------


def _builder(text: str) -> Any:
    """What the full builder reads (positions included), or None when it finds a problem."""
    found = yamlio._Problems("f.yaml")
    builder = yamlio._Builder(found)
    try:
        for event in yamlio._events(text):
            builder.feed(event)
    except (InputError, yaml.YAMLError):
        return None
    if found.items or builder.documents == 0 or builder.root_kind != "mapping":
        return None
    return builder


line_keys = st.sampled_from(["a", "b", "key", "null", "x.y", "k-1", "_k", "on"])
line_scalars = st.sampled_from(
    ["v", "x y", "1", "0.5", "2027-01-04", "null", "NULL", "O 5 <o@x.com>", "(x)", ".5", "a - b"]
)
flow_tokens = st.sampled_from(["a", "1", "2027-01-04", "null", "res-1", ".5", "_x"])
flows = st.recursive(
    flow_tokens,
    lambda inner: (
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]")
        | st.lists(st.tuples(flow_tokens, inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"
        )
    ),
    max_leaves=8,
)
odd = st.sampled_from(["", "# note", "  # note", "- x", "  - y", "k:", "  k: v", "{a:1}", "[a, ]"])


@st.composite
def block_text(draw: st.DrawFn) -> str:
    """Lines in and around what the tool writes: nested mappings and sequences at
    varied indentation, scalars, flow collections, comments, and now and then a line that
    breaks the indentation or the syntax."""
    out: list[str] = []

    def block(indent: int, depth: int) -> None:
        for _ in range(draw(st.integers(1, 3))):
            key = draw(line_keys)
            if depth < 3 and draw(st.booleans()):
                out.append(" " * indent + key + ":")
                inner = indent + draw(st.sampled_from([0, 2, 2, 4, 1]))
                if draw(st.booleans()):
                    for _ in range(draw(st.integers(1, 3))):
                        if draw(st.booleans()):
                            out.append(" " * inner + "- " + draw(line_scalars | flows))
                        else:
                            out.append(" " * inner + "- " + draw(line_keys) + ": " + draw(flows))
                            out.append(
                                " " * (inner + 2) + draw(line_keys) + ": " + draw(line_scalars)
                            )
                else:
                    block(inner, depth + 1)
            else:
                out.append(" " * indent + key + ": " + draw(line_scalars | flows))
            if draw(st.integers(0, 9)) == 0:
                out.append(" " * draw(st.integers(0, 4)) + draw(odd))

    block(0, 0)
    return "\n".join(out) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(block_text())
def test_the_quick_reader_reads_what_yaml_reads(text: str) -> None:
    built = _builder(text)
    quick = yamlio._quick_data(text)
    if quick is not yamlio._REFUSED:
        assert built is not None, text
        assert repr(quick) == repr(built.root)
    if built is not None:
        doc = load_text(text, "f.yaml")
        assert repr(doc.data) == repr(built.root)
        for path in [*built.values, *built.keys, ("a", 9), ("nope",), ("a", "zz", 0)]:
            for prefer_key in (False, True):
                full = Document("f.yaml", built.root, built.values, built.keys)
                want = full.where(path, prefer_key=prefer_key)
                assert load_text(text, "f.yaml").where(path, prefer_key=prefer_key) == want
        assert (doc.values, doc.keys) == (built.values, built.keys)


def test_every_yaml_file_of_the_repository_reads_the_same_quickly() -> None:
    root = Path(__file__).parent.parent
    seen = 0
    for path in sorted([*root.glob("**/*.yaml"), *root.glob("**/*.yml")]):
        try:
            text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
        except (UnicodeDecodeError, OSError):
            continue
        built = _builder(text)
        quick = yamlio._quick_data(text)
        if quick is not yamlio._REFUSED:
            assert built is not None and repr(quick) == repr(built.root), path
            seen += 1
    assert seen > 20


def test_a_released_document_reads_its_data_again() -> None:
    text = "id: D-1\nlines:\n- {offering: job, due: 2027-02-26}\n"
    doc = load_text(text, "D-1.yaml")
    light = doc.released()
    assert (
        light.data == doc.data == {"id": "D-1", "lines": [{"offering": "job", "due": "2027-02-26"}]}
    )
    assert light.where(("lines", 0, "due")) == doc.where(("lines", 0, "due")) == (3, 24)
    assert light.keys == doc.keys and light.values == doc.values


def test_load_files_in_workers_gives_load_file_of_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts: dict[str, str | bytes] = {
        "plain": "id: A\nlines:\n- {offering: x, quantity: 2}\n",
        "anchored": "a: &x 1\nb: *x\n",
        "tabbed": "a:\n\t- 1\n",
        "broken": "a: [1, 2\n",
        "bad-byte": b"a: \xff\n",
        "empty": "",
        "dates": "days: {2027-01-04: {r: 8}, 2027-01-05: {r: 1.5}}\nquoted: '010'\n",
    }
    paths = []
    for k in range(3):
        for name, text in texts.items():
            path = tmp_path / f"{k}-{name}.yaml"
            path.write_bytes(text if isinstance(text, bytes) else text.encode())
            paths.append(path)
    paths.append(tmp_path / "missing.yaml")

    def seen(got: Document | InputError) -> Any:
        if isinstance(got, InputError):
            return "problems", [str(p) for p in got.problems]
        return got.file, got.data, got.where(("lines", 0, "quantity"))

    alone = [seen(yamlio._loaded(p)) for p in paths]
    monkeypatch.setattr(yamlio, "FILES_PER_JOB", 1)
    monkeypatch.setattr(yamlio, "CHUNK", 4)
    monkeypatch.setattr(forked, "default_jobs", lambda: 2)
    assert [seen(d) for d in yamlio.load_files(paths)] == alone
    assert alone[0][1] == {"id": "A", "lines": [{"offering": "x", "quantity": 2}]}
    assert sum(a[0] == "problems" for a in alone) == 3 * 4 + 1


def test_a_text_read_before_is_not_parsed_again() -> None:
    text = "id: D-1\nlines:\n- {offering: job, due: 2027-02-26}\n"
    before = load_text(text, "HEAD:D-1.yaml")
    again = load_text(("\ufeff" + text).encode(), "D-1.yaml", like=before)
    assert again.file == "D-1.yaml" and again.same_text(before)
    assert again.data == before.data and again.where(("lines", 0, "due")) == (3, 24)
    edited = load_text(text.replace("job", "jobs"), "D-1.yaml", like=before)
    assert not edited.same_text(before) and edited.data["lines"][0]["offering"] == "jobs"
    built = load_text("id: &a D-1\n", "D-1.yaml")  # an anchor: read with positions, no text
    assert not load_text("id: &a D-1\n", "D-1.yaml", like=built).same_text(built)
