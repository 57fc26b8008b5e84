"""The only module that reads or writes YAML.

Reading builds plain data straight from PyYAML's event stream, iteratively: no Python object is
ever constructed from a tag, plain scalars are typed as YAML 1.2's core schema types them (the
typing editors and JSON Schema validators use: ``yes`` and ``010:30`` stay text, ``true`` is a
boolean, ``010`` the number 10), and size, depth and alias expansion are capped so hostile
files are refused quickly with located, actionable problems.
"""

from __future__ import annotations

import marshal
import os
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, Protocol

import yaml

from feasibility.errors import InputError, Problem

Path_ = tuple[str | int, ...]
Pos = tuple[int, int]

MAX_BYTES = 5 * 1024 * 1024  # larger files are refused before being read
MAX_DEPTH = 64  # nested mappings/lists, counting the top-level mapping
MAX_ALIASES = 100  # '*name' references per file
MAX_NODES = 1_000_000  # values in the document once aliases are expanded
MAX_PROBLEMS = 100  # problems reported before giving up

_USE_LIBYAML: bool = yaml.__with_libyaml__  # tests switch this off to exercise pure Python
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_CORE_NUMBER = re.compile(
    r"(?P<int>[-+]?[0-9]+)|0o(?P<oct>[0-7]+)|0x(?P<hex>[0-9a-fA-F]+)"
    r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<inf>[-+]?\.(?:inf|Inf|INF))|(?P<nan>\.(?:nan|NaN|NAN))"
)
"""YAML 1.2 core schema's numbers (one match per scalar: a booking holds thousands)."""
_NUMBER_START = frozenset("0123456789+-.tTfF")
"""First characters of the plain scalars YAML 1.2's core schema reads as numbers or booleans."""
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break
_UNICODE_BREAK = re.compile("[\x85\u2028\u2029]")  # folded in block and single-quoted text
_NOT_ALLOWED = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")  # not \t \n \r NEL
_KIND = {"mapping": "a mapping", "list": "a list", "text": "text", "plain": "text", "null": "null"}
_SECOND_DOCUMENT = "only one YAML document per file; remove this '---' and what follows it"
_SYNTAX_HINT = "check the indentation, quotes and brackets here"
_TAB = "invalid YAML: a tab character where YAML expects spaces; indent with spaces, not tabs"
_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels; flatten the structure"


def core_value(text: str) -> Any:
    """A plain (unquoted) scalar as YAML 1.2's core schema types it: None, a boolean, a
    number, or its text. A whole number written as a float (``2.0``, ``1e3``) is an int, as
    JSON Schema counts it."""
    if text in _NULLS:
        return None
    if not text or text[0] not in _NUMBER_START:
        return text
    if text in _BOOLS:
        return _BOOLS[text]
    number = _CORE_NUMBER.fullmatch(text)
    if number is None:
        return text
    kind = number.lastgroup
    if kind == "int":
        return int(text)
    if kind in ("oct", "hex"):
        return int(text[2:], 8 if kind == "oct" else 16)
    if kind == "float":
        value = float(text)
        return int(value) if value.is_integer() else value
    return float("nan") if kind == "nan" else float(text.replace(".", "", 1))


class Document:
    """A parsed YAML file: plain data plus where each key and value stands.

    ``data`` holds dicts, lists, ``str``, ``int``, ``float``, ``bool`` and ``None`` only:
    quoted scalars and keys are text; plain scalars are typed by YAML 1.2's core schema
    (``core_value``: ``no`` and ``1:30`` stay text, ``010`` is 10); the pydantic model of
    each field then accepts its type only (``quantity: "2"`` is text, not a number).
    Positions are 1-based (line, column). An alias yields the object its anchor built
    (shared, as in PyYAML): treat ``data`` as read-only.

    A file read without a problem keeps its text and finds the positions only when they
    are first asked for (most files of a large bookings folder never are: they take more
    memory than the data itself); ``released`` gives the same document without its data,
    read again from the text if it is asked for (a booking once validated).
    """

    __slots__ = ("_data", "_keys", "_text", "_values", "file")

    def __init__(
        self,
        file: str,
        data: Any,
        values: dict[Path_, tuple[int, int]] | None = None,
        keys: dict[Path_, tuple[int, int]] | None = None,
        *,
        text: str | None = None,
    ) -> None:
        self.file = file
        self._data = data
        self._values = values if values is not None or text is not None else {}
        self._keys = keys if keys is not None or text is not None else {}
        self._text = text
        """The text (which held no problem) that the positions and a released document's
        data are read from when asked for; None for a document made with its positions."""

    @property
    def data(self) -> Any:
        """The plain data (see the class)."""
        if self._data is _RELEASED:
            self._data = _quick_data(self._text or "")
            if self._data is _REFUSED:  # never for a text read by ``_quick_data`` before
                self._data = _built(self.file, self._text or "").root
        return self._data

    def released(self, file: str | None = None) -> Document:
        """This document without its data in memory, named ``file`` when given (the same
        document when it has no text to read it from again)."""
        if self._text is None:
            return self
        name = self.file if file is None else file
        return Document(name, _RELEASED, self._values, self._keys, text=self._text)

    def same_text(self, other: Document) -> bool:
        """Whether both documents were read from one text (so hold the same data)."""
        return self._text is not None and self._text == other._text

    @property
    def values(self) -> dict[Path_, tuple[int, int]]:
        """Position of each value (the top-level mapping at ``()``)."""
        if self._values is None:
            self._locate()
        assert self._values is not None
        return self._values

    @property
    def keys(self) -> dict[Path_, tuple[int, int]]:
        """Position of each mapping key, by the path of its value."""
        if self._keys is None:
            self._locate()
        assert self._keys is not None
        return self._keys

    def _locate(self) -> None:
        """Read the text again, this time keeping every position."""
        builder = _built(self.file, self._text or "")
        self._values = builder.values if self._values is None else self._values
        self._keys = builder.keys if self._keys is None else self._keys

    def where(self, path: Path_, *, prefer_key: bool = False) -> tuple[int, int]:
        """Position of ``path``, or of its longest known prefix."""
        path = tuple(path)
        if self._text is not None and self._values is None:  # read only as far as needed
            key, values = _find(self._text, path)
            if prefer_key and key is not None:
                return key
            return values[max(values)] if values else (1, 1)
        if prefer_key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return (1, 1)


_RELEASED = object()
"""The data of a released ``Document`` (read again when asked for)."""


def _built(file: str, text: str) -> _Builder:
    """``text`` (known to hold no problem) read by a ``_Builder``."""
    builder = _Builder(_Problems(file))
    for event in _events(text):
        builder.feed(event)
    return builder


def _find(text: str, path: Path_) -> tuple[Pos | None, dict[int, Pos]]:
    """Where ``path``'s key stands, and the value of each of its prefixes (by length)
    that the text has, as ``_Builder`` records them; the text is read only until the
    deepest of those values ends."""
    key_at: Pos | None = None
    found: dict[int, Pos] = {}
    want = len(path)
    # Per open mapping or list: [on the path, awaiting a key, its key or next index]
    frames: list[list[Any]] = []
    scalar_event = yaml.ScalarEvent
    starts = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    loader = _loader(text)
    get = loader.get_event
    try:
        while (event := get()) is not None:
            kind = type(event)
            if kind is not scalar_event and kind not in starts:
                if kind in ends and frames.pop()[0]:
                    break  # the deepest value on the path has ended
                continue
            if not frames:
                found[0] = _pos(event.start_mark)
                on = True
            else:
                frame, depth = frames[-1], len(frames) - 1
                if frame[1] is True:  # a key
                    frame[1], frame[2] = False, event.value
                    if frame[0] and depth + 1 == want and event.value == path[depth]:
                        key_at = _pos(event.start_mark)
                    continue
                step = frame[2]
                if frame[1] is None:
                    frame[2] += 1
                else:
                    frame[1] = True
                on = frame[0] and depth < want and step == path[depth]
                if on:
                    found[depth + 1] = _pos(event.start_mark)
            if kind is not scalar_event:
                mapping = kind is yaml.MappingStartEvent
                frames.append([on, True if mapping else None, None if mapping else 0])
            elif on:
                break  # the deepest value on the path is this scalar
    finally:
        loader.dispose()
    return key_at, found


class _Problems:
    """Problems of one file, raised together (and early once there are too many)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []

    def add(self, pos: Pos, message: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.items.append(Problem(self.file, *pos, "too many problems; fix these first"))
            self.raise_()
        self.items.append(Problem(self.file, *pos, message))

    def stop(self, pos: Pos, message: str) -> NoReturn:
        self.add(pos, message)
        self.raise_()

    def raise_(self) -> NoReturn:
        raise InputError(sorted(self.items))


def _too_big(file: str, size: int) -> InputError:
    message = (
        f"file is too large ({size:,} bytes, limit {MAX_BYTES:,}); split it into smaller files"
    )
    return InputError([Problem(file, 1, 1, message)])


class _Mark(Protocol):
    line: int
    column: int


def _pos(mark: _Mark | None) -> Pos:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _check_characters(text: str, from_bytes: bool, found: _Problems) -> None:
    """Report undecodable bytes and characters YAML forbids, each located."""
    bad = _NOT_ALLOWED.search(text)
    if bad is None:
        return
    starts = [0, *(m.end() for m in _BREAK.finditer(text))]
    for match in _NOT_ALLOWED.finditer(text, bad.start()):
        index = match.start()
        line = bisect_right(starts, index)
        code = ord(match.group())
        if from_bytes and 0xDC80 <= code <= 0xDCFF:
            message = f"invalid UTF-8 byte 0x{code - 0xDC00:02X}; save the file as UTF-8"
        else:
            message = f"character U+{code:04X} is not allowed in YAML; delete it"
        found.add((line, index - starts[line - 1] + 1), message)
    found.raise_()


@dataclass
class _Frame:
    """A mapping or list being built."""

    node: dict[str, Any] | list[Any]
    path: Path_ | None  # None inside a refused key: positions are not recorded
    anchor: str | None
    count: int = 1  # nodes in this subtree
    height: int = 1  # levels in this subtree
    want_key: bool = True
    key: str | None = None  # key awaiting its value; None: drop the value
    seen: dict[str, int] = field(default_factory=dict)  # key -> line


@dataclass
class _Anchor:
    value: Any
    count: int
    height: int
    kind: str
    text: str


class _Builder:
    """Turns parse events into plain data and positions, without recursion."""

    def __init__(self, found: _Problems) -> None:
        self.found = found
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor] = {}
        self.values: dict[Path_, Pos] = {}
        self.keys: dict[Path_, Pos] = {}
        self.root: Any = None
        self.root_kind = ""
        self.documents = self.aliases = self.nodes = 0

    def feed(self, event: yaml.Event) -> None:
        pos = _pos(event.start_mark)
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.found.stop(pos, _SECOND_DOCUMENT)
        elif isinstance(event, yaml.ScalarEvent):
            self._tag(event.tag, pos)
            self._count(1, pos)
            if event.style == '"':
                self._escaped_characters(event.value, pos)
            plain = not event.style
            value = core_value(event.value) if plain else event.value
            kind = "null" if value is None else "plain" if plain else "text"
            self._place(value, pos, kind, event.value)
            if event.anchor is not None:
                self.anchors[event.anchor] = _Anchor(value, 1, 0, kind, event.value)
            self._grow(1, 0)
        elif isinstance(event, yaml.CollectionStartEvent):
            self._tag(event.tag, pos)
            self._count(1, pos)
            if len(self.stack) >= MAX_DEPTH:
                self.found.stop(pos, _TOO_DEEP)
            mapping = isinstance(event, yaml.MappingStartEvent)
            node: dict[str, Any] | list[Any] = {} if mapping else []
            path = self._place(node, pos, "mapping" if mapping else "list", "")
            self.stack.append(_Frame(node, path, event.anchor))
        elif isinstance(event, yaml.CollectionEndEvent):
            done = self.stack.pop()
            kind = "mapping" if isinstance(done.node, dict) else "list"
            if done.anchor is not None:
                self.anchors[done.anchor] = _Anchor(done.node, done.count, done.height, kind, "")
            self._grow(done.count, done.height)
        elif isinstance(event, yaml.AliasEvent):
            self._alias(event.anchor or "", pos)

    def _alias(self, name: str, pos: Pos) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            self.found.stop(pos, f"more than {MAX_ALIASES} aliases ('*name'); write the values out")
        target = self.anchors.get(name)
        if any(frame.anchor == name for frame in self.stack):
            self.found.add(pos, f"alias '*{name}' refers to a node that contains it; remove it")
            target = None
        elif target is None:
            self.found.add(pos, f"unknown alias '*{name}'; define '&{name}' before using it")
        if target is None:
            self._place(None, pos, "null", f"*{name}")
            return
        self._count(target.count, pos)
        if len(self.stack) + target.height > MAX_DEPTH:
            self.found.stop(pos, _TOO_DEEP)
        self._place(target.value, pos, target.kind, target.text)
        self._grow(target.count, target.height)

    def _escaped_characters(self, value: str, pos: Pos) -> None:
        """Control characters refused in the file are refused as escapes too ("\\e", "\\0"):
        they would reach a terminal or a CI log from the text."""
        bad = control_character(value)
        if bad is not None:
            code = ord(bad)
            self.found.add(
                pos, f"escape for character U+{code:04X}, which is not allowed in text; remove it"
            )

    def _tag(self, tag: str | None, pos: Pos) -> None:
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!", 1)
            self.found.add(pos, f"tags are not allowed (found '{shown}'); remove the tag")

    def _count(self, more: int, pos: Pos) -> None:
        self.nodes += more
        if self.nodes > MAX_NODES:
            message = f"more than {MAX_NODES:,} values (aliases counted expanded)"
            self.found.stop(pos, f"{message}; use fewer aliases or split the file")

    def _grow(self, count: int, height: int) -> None:
        if self.stack:
            parent = self.stack[-1]
            parent.count += count
            parent.height = max(parent.height, height + 1)

    def _place(self, value: Any, pos: Pos, kind: str, text: str) -> Path_ | None:
        """Attach a node to its parent; return its path (None for keys and refused nodes)."""
        if not self.stack:
            empty = kind == "null" and text == ""
            self.root, self.root_kind, self.values[()] = value, "empty" if empty else kind, pos
            return ()
        top = self.stack[-1]
        if isinstance(top.node, list):
            index = len(top.node)
            top.node.append(value)
            path = None if top.path is None else (*top.path, index)
        elif top.want_key:
            top.want_key = False
            top.key = self._key(top, pos, kind, text)
            return None
        else:
            top.want_key = True
            if top.key is None:
                return None
            top.node[top.key] = value
            path = None if top.path is None else (*top.path, top.key)
        if path is not None:
            self.values[path] = pos
        return path

    def _key(self, top: _Frame, pos: Pos, kind: str, text: str) -> str | None:
        if kind in ("mapping", "list"):
            self.found.add(pos, f"a key must be text, found {_KIND[kind]}; use a plain name")
            return None
        if kind == "null" and text == "":
            self.found.add(pos, "empty key; write a name before ':'")
            return None
        if kind == "plain" and text == "<<":
            self.found.add(pos, "merge keys ('<<') are not supported; write the entries out")
            return None
        if text in top.seen:
            first = top.seen[text]
            self.found.add(
                pos, f"duplicate key '{text}' (first at line {first}); remove one of them"
            )
            return None
        top.seen[text] = pos[0]
        if top.path is not None:
            self.keys[(*top.path, text)] = pos
        return text


def _events(text: str) -> Iterator[yaml.Event]:
    seen = 0
    if _USE_LIBYAML:
        try:
            for event in _read(yaml.CSafeLoader(text)):
                seen += 1
                yield event
            return
        except yaml.MarkedYAMLError as error:
            if "maximum nesting depth" not in (error.problem or ""):
                raise
            # libyaml scans ahead and stops at its own limit (1000 levels) before the builder
            # sees ours; the pure Python parser reads lazily, so it carries on from here.
    for index, event in enumerate(_read(yaml.SafeLoader(text))):
        if index >= seen:
            yield event


def _read(loader: yaml.SafeLoader | yaml.CSafeLoader) -> Iterator[yaml.Event]:
    try:
        while loader.check_event():
            event = loader.get_event()
            if event is not None:
                yield event
    finally:
        loader.dispose()


def _syntax(error: yaml.MarkedYAMLError, text: str) -> tuple[Pos, str]:
    """Location and friendly message of a PyYAML scanner or parser error."""
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "invalid YAML"
    index = mark.index if mark is not None else -1
    if "tab character" in problem or "'\\t'" in problem or text[index : index + 1] == "\t":
        return _pos(mark), _TAB
    message = f"invalid YAML: {problem}"
    if error.context and error.context_mark is not None and error.context_mark != mark:
        message += f" ({error.context} at line {error.context_mark.line + 1})"
    return _pos(mark), f"{message}; {_SYNTAX_HINT}"


def _checked_text(text: str | bytes, display: str, found: _Problems) -> str:
    """The text YAML reads from ``text``; raises ``InputError`` when it is too big or holds
    bytes or characters YAML forbids."""
    size = len(text)
    if isinstance(text, str) and size * 4 > MAX_BYTES:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise _too_big(display, size)
    from_bytes = isinstance(text, bytes)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")  # bad bytes become U+DC80..U+DCFF
    text = text.removeprefix("\ufeff")
    _check_characters(text, from_bytes, found)
    return text


def load_text(text: str | bytes, display: str, *, like: Document | None = None) -> Document:
    """Parse YAML given as text or bytes (e.g. a file read from git).

    ``like``: a document read before; when ``text`` is its text, the same document (its
    data released) named ``display``, without parsing it again (``same_text`` tells)."""
    found = _Problems(display)
    text = _checked_text(text, display, found)
    if like is not None and like._text == text:  # held no problem when it was read
        return like.released(display)
    quick = _quick_data(text)
    if quick is not _REFUSED:
        return Document(display, quick, text=text)
    builder = _Builder(found)
    try:
        for event in _events(text):
            builder.feed(event)
    except yaml.MarkedYAMLError as error:
        found.stop(*_syntax(error, text))
    except yaml.YAMLError as error:
        found.stop((1, 1), f"invalid YAML: {str(error).splitlines()[0]}; {_SYNTAX_HINT}")
    if builder.documents == 0 or builder.root_kind == "empty":
        found.stop((1, 1), "file is empty; expected a mapping")
    if builder.root_kind != "mapping":
        kind = _KIND[builder.root_kind]
        found.add(builder.values[()], f"expected a mapping at the top level, found {kind}")
    if found.items:
        found.raise_()
    return Document(display, builder.root, builder.values, builder.keys)


_REFUSED = object()
"""``_quick_data``'s answer for a text it leaves to ``_Builder``."""
_AWAITING_KEY = object()
"""A mapping whose next scalar is a key (``_quick_data``)."""


def _quick_data(text: str) -> Any:
    """The data of ``text`` when it is a plain mapping that ``_Builder`` would read without
    a problem, built without recording any position; else ``_REFUSED`` (any tag, anchor,
    alias, second document, key that is not plain text, duplicate key, control character
    escape, deep nesting, syntax error: the builder reads it again and says what is wrong).

    The same events make the same data: plain scalars typed by ``core_value``, quoted ones
    their text, a key is its text. A text with no ``&``, ``*`` or ``!`` holds no anchor,
    alias or tag, so its events are not asked for them (a booking's plan is thousands of
    scalars, and this loop is most of the time of reading a bookings folder).
    """
    scalar_event = yaml.ScalarEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    marked = "&" in text or "*" in text or "!" in text
    typed = _typed
    awaiting = _AWAITING_KEY
    node: Any = None  # the open mapping or list (None before the top-level mapping)
    key: Any = None  # the open mapping's next key, ``awaiting`` one, or None in a list
    stack: list[tuple[Any, Any]] = []  # the enclosing nodes, each with its key
    root: Any = _REFUSED
    documents = count = 0
    try:
        loader = _loader(text)
    except yaml.YAMLError:
        return _REFUSED
    get = loader.get_event
    try:
        while (event := get()) is not None:
            kind = type(event)
            if kind is scalar_event:
                if marked and (event.tag is not None or event.anchor is not None):
                    return _REFUSED
                value, style = event.value, event.style
                count += 1
                if node is None:
                    return _REFUSED  # a scalar at the top level
                if style:
                    if style == '"' and control_character(value) is not None:
                        return _REFUSED
                elif key is not awaiting:
                    value = typed[value] if value in typed else _typed_anew(value)
                elif value == "" or value == "<<":
                    return _REFUSED
                if key is awaiting:
                    if value in node:
                        return _REFUSED
                    key = value
                elif key is None:
                    node.append(value)
                else:
                    node[key] = value
                    key = awaiting
            elif kind is mapping_start or kind is sequence_start:
                if marked and (event.tag is not None or event.anchor is not None):
                    return _REFUSED
                count += 1
                if len(stack) >= MAX_DEPTH - 1 or count > MAX_NODES:
                    return _REFUSED
                opened: Any = {} if kind is mapping_start else []
                if node is not None:
                    if key is awaiting:
                        return _REFUSED  # a mapping or list as a key
                    if key is None:
                        node.append(opened)
                    else:
                        node[key] = opened
                        key = awaiting
                    stack.append((node, key))
                elif kind is mapping_start:
                    root = opened
                else:
                    return _REFUSED  # a list at the top level
                node, key = opened, awaiting if kind is mapping_start else None
            elif kind in ends:
                node, key = stack.pop() if stack else (None, None)
            elif kind is yaml.AliasEvent:
                return _REFUSED
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return _REFUSED
    except yaml.YAMLError:
        return _REFUSED
    finally:
        loader.dispose()
    return root if count <= MAX_NODES else _REFUSED


_typed: dict[str, Any] = {}
"""``core_value`` of plain scalars already seen (a bookings folder repeats a few thousand
texts, dates and small numbers, hundreds of thousands of times)."""
_TYPED_MAX = 200_000
"""Texts ``_typed`` holds at most (it starts again when full)."""


def _typed_anew(text: str) -> Any:
    """``core_value(text)``, remembered in ``_typed``."""
    if len(_typed) >= _TYPED_MAX:
        _typed.clear()
    value = _typed[text] = core_value(text)
    return value


def _loader(text: str) -> Any:
    """A parser of ``text`` whose ``get_event`` gives each event, then None."""
    return yaml.CSafeLoader(text) if _USE_LIBYAML else yaml.SafeLoader(text)


def load_file(path: Path, display: str | None = None, *, like: Document | None = None) -> Document:
    """Read and parse one YAML file; raises ``InputError`` with every located problem.
    ``like``: as ``load_text``'s."""
    name = str(path) if display is None else display
    return load_text(_file_bytes(path, name), name, like=like)


def _file_bytes(path: Path, name: str) -> bytes:
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise _too_big(name, size)
            return handle.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        message = f"cannot read: {reason}; check the path and its permissions"
        raise InputError([Problem(name, 1, 1, message)]) from None


FILES_PER_JOB = 500
"""``load_files`` forks a worker per this many files (up to the cores): fewer would spend
more on starting processes than they save."""
CHUNK = 100
"""Files a worker of ``load_files`` reads per batch it sends back."""


def load_files(paths: Sequence[Path]) -> Iterator[Document | InputError]:
    """``load_file`` of each path, in order, an ``InputError`` in place of a file with
    problems (the same answers, in the same order).

    A large folder is read by forked workers, one per ``FILES_PER_JOB`` files up to the
    cores: each reads and parses a batch of files, and sends back the text and data of
    each file that reads without a problem in ``marshal``'s format (plain data, a tenth of
    the parse's time to read back). Any other file is read here, with its problems.
    """
    jobs = _jobs(len(paths))
    if jobs <= 1:
        yield from map(_loaded, paths)
        return
    from feasibility.forked import forked_map

    batches = [paths[k : k + CHUNK] for k in range(0, len(paths), CHUNK)]
    for batch, read in zip(batches, forked_map(_read_batch, batches, jobs), strict=True):
        for path, quick in zip(batch, marshal.loads(read), strict=True):
            yield _loaded(path) if quick is None else Document(str(path), quick[1], text=quick[0])


def _jobs(files: int) -> int:
    """The workers ``load_files`` forks for ``files`` files (1: none)."""
    if files < 2 * FILES_PER_JOB:
        return 1  # known without importing multiprocessing (every command's start-up)
    from feasibility.forked import can_fork, default_jobs

    return min(default_jobs(), files // FILES_PER_JOB) if can_fork() else 1


def _loaded(path: Path) -> Document | InputError:
    try:
        return load_file(path)
    except InputError as error:
        return error


def _read_batch(paths: Sequence[Path]) -> bytes:
    """Per path, the text and data of a file that reads without a problem, else None,
    in ``marshal``'s format."""
    out: list[tuple[str, Any] | None] = []
    for path in paths:
        try:
            text = _checked_text(_file_bytes(path, str(path)), str(path), _Problems(str(path)))
        except InputError:
            out.append(None)
            continue
        quick = _quick_data(text)
        out.append(None if quick is _REFUSED else (text, quick))
    return marshal.dumps(out)


def control_character(text: str) -> str | None:
    """The first control character ``load_text`` refuses in text (tab, line breaks are fine)."""
    bad = _CONTROL.search(text)
    return None if bad is None else bad.group()


class _Dumper(yaml.SafeDumper):
    """Safe dumper: str subclasses (e.g. enums) as text, multi-line text as ``|`` blocks,
    never an anchor or alias (a value used twice, such as one date, is written twice)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _UNICODE_BREAK.search(value) else "|" if "\n" in value else None
    if style is None and not isinstance(core_value(value), str):
        style = "'"  # text YAML 1.2 would read as a number, boolean or null (`0o17`, `1e3`)
    return dumper.represent_scalar("tag:yaml.org,2002:str", str.__str__(value), style=style)


_Dumper.add_representer(str, _text)
_Dumper.add_multi_representer(str, _text)
_Dumper.add_representer(tuple, lambda d, v: d.represent_list(list(v)))


class Flow(dict[Any, Any]):
    """A mapping ``dump`` writes on one line, in flow style (``{a: 1, b: 2}``)."""


_Dumper.add_representer(
    Flow,
    lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", dict(v), flow_style=True),
)

MAX_WIDTH = 10_000
"""Columns ``dump`` lets a line grow to before folding it (a ``Flow`` mapping stays whole)."""


def dump(data: Any) -> str:
    """Serialise plain data as block-style YAML, keys in insertion order."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=MAX_WIDTH,
    )
