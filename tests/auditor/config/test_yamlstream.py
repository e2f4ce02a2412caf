"""The streaming construction builds what the node-based one built, and fails where it failed.

Oracle: ``testkit.yaml_oracle.old_load``, the node-based construction it replaced (issue #13).
Every value is compared with its type, its ``line``/``key_lines``/``item_lines`` at every level,
its key order and which containers are one shared object (aliases); every error by its message
and line.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.config import yamlstream
from auditor.config.yamlfile import LineDict, LineList, _LineLoader, load_yaml
from auditor.config.yamlstream import MAX_DEPTH, build
from auditor.errors import ProfileError
from testkit.yaml_oracle import PyLineLoader, old_load

ROOT = Path(__file__).resolve().parents[3]


def new_load(text: str) -> Any:
    return build(_LineLoader, text)


def outcome(load: Any, text: str) -> tuple[str, Any, Any]:
    """("ok", value, None) or ("error", problem, line) as load_yaml would report them."""
    try:
        return ("ok", load(text), None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return ("error", exc.problem, mark.line + 1 if mark else None)
    except yaml.YAMLError as exc:  # the reader's errors (control characters) have a position, no line
        return ("error", str(exc), None)


def assert_same(old: Any, new: Any, where: str = "$", shared: dict[int, Any] | None = None) -> None:
    """Equal values, types, lines and key order; a container shared in ``old`` is shared alike in ``new``."""
    shared = {} if shared is None else shared
    assert type(old) is type(new), f"{where}: {type(old).__name__} != {type(new).__name__}"
    if isinstance(old, (LineDict, LineList)):
        if id(old) in shared:
            assert shared[id(old)] is new, f"{where}: an alias built a different object"
            return
        shared[id(old)] = new
    if isinstance(old, LineDict):
        assert old.line == new.line, f"{where}: line"
        assert list(old) == list(new), f"{where}: keys"
        assert list(old.key_lines.items()) == list(new.key_lines.items()), f"{where}: key_lines"
        for key in old:
            assert_same(old[key], new[key], f"{where}.{key}", shared)
    elif isinstance(old, LineList):
        assert (old.line, old.item_lines) == (new.line, new.item_lines), f"{where}: lines"
        assert len(old) == len(new), f"{where}: length"
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            assert_same(a, b, f"{where}[{index}]", shared)
    elif isinstance(old, float) and math.isnan(old):
        assert math.isnan(new), where
    else:
        assert old == new, f"{where}: {old!r} != {new!r}"


def assert_differential(text: str, pure_python: bool = False) -> None:
    if pure_python:  # PyYAML's own parser and composer, where libyaml is missing
        old = outcome(lambda text: old_load(text, pure_python=True), text)
        new = outcome(lambda text: build(PyLineLoader, text), text)
    else:
        old, new = outcome(old_load, text), outcome(new_load, text)
    assert old[0] == new[0], f"old {old}, new {new}"
    if old[0] == "ok":
        assert_same(old[1], new[1])
    else:
        assert old[1:] == new[1:]


def corpus_files() -> list[Path]:
    skip = {".venv", ".git", "node_modules"}
    return sorted(path for pattern in ("*.yaml", "*.yml") for path in ROOT.rglob(pattern)
                  if not skip & set(path.relative_to(ROOT).parts))


def test_the_corpus_is_the_repository_yaml():
    names = {str(path.relative_to(ROOT)) for path in corpus_files()}
    assert {"profiles/baseline.yaml", "profiles/frameworks/eu-rifi-cyber.yaml", "checks/web/catalogue.yaml"} <= names
    assert any(name.startswith("tests/") for name in names)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_repository_yaml_file_loads_alike(path):
    assert_differential(path.read_text())


GOOD = {
    "scalars": "a: 0x1f\nb: 0o17\nc: 1_000\nd: 1.5e3\ne: .inf\nf: -.Inf\ng: .nan\nh: yes\ni: No\nj: on\n"
               "k: ~\nl: null\nm:\nn: 2027-01-31\no: 2027-01-31 10:00:00+02:00\np: !!str 12\nq: !!float 1\n"
               "r: '0x1f'\ns: \"yes\"\nt: !!binary aGVsbG8=\nu: 0b101\nv: 1:20\nw: +12\nx: !!null ''\n",
    "block and flow": "hosts:\n  - {name: h1, address: 127.1.0.1, ports: [2222, 8443]}\n  - name: h2\n"
                      "    ports:\n    - 1\n    -\n      - 2\n",
    "multi-line scalars": "a: |\n  one\n  two\nb: >\n  folded\n  text\nc: 'x\n\n  y'\nd: after\n",
    "complex keys": "? a\n: 1\n? 2027-01-01\n: date\n7: int\n1.5: float\ntrue: bool\n~: null\n",
    "value key": "= : 1\nb: 2\n",
    "anchors": "base: &b {x: 1, l: &l [1, 2]}\nuse: *b\nlist: *l\nagain: [*b, *l]\nscalar: &s 5\nkey: {*s : v}\n",
    "merge one": "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  z: 3\n",
    "merge inline": "d:\n  z: 3\n  <<: {x: 1}\n  w: 4\n",
    "merge list": "a: &a {x: 1, y: 2}\nb: &b {z: 3}\nd: {<<: [*a, *b], w: 1}\n",
    "merge list inline": "d:\n  <<:\n    - {p: 1}\n    - {q: 2}\n  r: 3\n",
    "merge same node twice": "a: &a {xy: 1}\nd: {<<: [*a, *a]}\ne:\n  <<: *a\n  <<: *a\n",
    "merge single-char keys twice": "a: &a {x: 1}\nb: &b {x: 2}\nd: {<<: [*a, *b]}\n",
    "merge nested": "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nd: {<<: *b, z: 3}\n",
    "merge shares values": "a: &a {sub: {deep: [1]}}\nd: {<<: *a}\ne: {<<: [*a]}\n",
    "quoted merge key is a string": "'<<': 1\n",
    "empty collections": "a: {}\nb: []\nc: [{}, []]\n",
    "root list": "- 1\n- [2, 3]\n- {a: b}\n",
    "root scalar": "just text\n",
    "explicit document": "---\na: 1\n...\n",
    "comments and blank lines": "# head\n\na: 1 # one\n\n# mid\nb:\n  # inside\n  c: 2\n",
    "unicode": "name: \"\\u00e9t\\u00e9\"\nclé: vålue\nemoji: \"\\U0001F600\"\n",
    "tabs in flow": "a: [1,\t2]\n",
    "odd binary": "x: !!binary '@@@'\n",
    "sets and ordered maps": "s: !!set {a, b, ? c}\no: !!omap [a: 1, b: [2], c: {d: 3}]\np: !!pairs [a: 1, a: 2]\n"
                             "q: !!set {a: 1, a: 2}\nr: &r {k: v}\nt: !!omap [*r, '<<': x]\nu: !!set {<<: *r, z}\n",
    "deep": "a:\n" + "".join("  " * depth + f"k{depth}:\n" for depth in range(1, 60)) + "  " * 60 + "end\n",
}

BAD = {
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "duplicate after nested": "a:\n  x: 1\n  x: 2\nb: 1\nb: 2\n",
    "duplicate equal keys": "1: a\ntrue: b\n",
    "duplicate float and int": "1: a\n1.0: b\n",
    "list key": "? [a]\n: 1\n",
    "mapping key": "? {a: 1}\n: 1\n",
    "alias to list key": "l: &l [1]\n*l : 2\n",
    "impossible date": "a: 1\nwhen: 2027-02-30\n",
    "impossible month": "when: 2027-13-01\n",
    "unknown tag": "a: !custom 1\n",
    "unknown collection tag": "a: !custom [1]\n",
    "python tag": "a: !!python/object:os.system {}\n",
    "scalar tag on list": "x: !!str [1]\n",
    "merge of scalar": "a: &a 1\nd: {<<: *a}\n",
    "merge of scalar inline": "d:\n  x: 1\n  <<: 2\n",
    "merge list of scalar": "a: &a {x: 1}\nd:\n  <<: [*a, 3]\n",
    "merge list of list": "d:\n  <<:\n    - {x: 1}\n    - [1]\n",
    "merge conflicts with explicit": "a: &a {x: 1}\nd:\n  x: 2\n  <<: *a\n",
    "explicit after merge conflicts": "a: &a {x: 1}\nd:\n  <<: *a\n  x: 2\n",
    "merge conflicts between mappings": "a: &a {xx: 1}\nb: &b {xx: 2}\nd: {<<: [*a, *b]}\n",
    "merge key as value": "a: <<\n",
    "value key as value": "a: =\n",
    "recursive list": "&a [*a]\n",
    "recursive mapping": "&a {x: [*a]}\n",
    "undefined alias": "a: 1\nb: *nope\n",
    "duplicate anchor": "a: &x 1\nb: &x 2\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "two documents bad second": "a: 1\n--- [\n",
    "two bare documents": "--- 1\n--- 2\n",
    "unclosed flow": "a: 1\nb: [1, 2\nc: 3\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "tab indentation": "a:\n\tb: 1\n",
    "syntax error after construction error": "a: 1\na: 2\nb: [\n",
    "duplicate anchor after construction error": "a: 2027-02-30\nb: &x 1\nc: &x 2\n",
    "undefined alias after construction error": "a: 1\na: 2\nb: *x\n",
    "second document after construction error": "a: !!str [1]\n---\nb: 1\n",
    "earlier key error wins": "a: 1\na: 2\nb: 2027-02-30\n",
    "earlier value error wins": "a: 2027-02-30\nb: 1\nb: 2\n",
    "merge error before pair errors": "d:\n  a: 2027-02-30\n  <<: 5\n",
    "merge conflict before later pair error": "m: &m {x: 1}\nd:\n  x: 2\n  y: 2027-02-30\n  <<: *m\n",
    "nested error before outer duplicate": "a: {b: 2027-02-30}\nc: 1\nc: 2\n",
    "set on a list": "x: !!set [a]\n",
    "omap on a mapping": "x: !!omap {a: 1}\n",
    "omap item of two pairs": "x: !!omap\n  - a: 1\n  - b: 2\n    c: 3\n",
    "omap scalar item": "x: !!pairs [a: 1, b]\n",
    "omap merge item": "x: !!omap [<<: {a: 1}]\n",
    "set unhashable key": "x: !!set\n  ? [a]\n",
    "control character": "a: \"\\x00\"\nb: \x07\n",
}


@pytest.mark.parametrize("pure_python", [False, True], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize("text", GOOD.values(), ids=GOOD.keys())
def test_accepted_inputs_build_alike(text, pure_python):
    assert outcome(old_load, text)[0] == "ok"
    assert_differential(text, pure_python)


@pytest.mark.parametrize("pure_python", [False, True], ids=["libyaml", "pure-python"])
@pytest.mark.parametrize("text", BAD.values(), ids=BAD.keys())
def test_rejected_inputs_fail_alike(text, pure_python):
    assert outcome(old_load, text)[0] == "error"
    assert_differential(text, pure_python)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "~\n", "null\n", "--- !!null ''\n"])
def test_empty_documents_alike(text):
    assert old_load(text) is None
    assert new_load(text) is None


@pytest.mark.parametrize(("text", "problem", "line"), [
    # SafeLoader let these escape as a ValueError/KeyError/AttributeError traceback.
    ("a: 1\nb: !!int x\n", "'x' is not a valid int", 2),
    ("b: !!float abc\n", "'abc' is not a valid float", 1),
    ("b: !!bool maybe\n", "'maybe' is not a valid bool", 1),
    ("b: !!timestamp soon\n", "'soon' is not a valid timestamp", 1),
    ("x: !!map [1]\n", "expected a mapping node, but found sequence", 1),
    ("x: !!map text\n", "expected a mapping node, but found scalar", 1),
    ("x: !!seq text\n", "expected a sequence node, but found scalar", 1),
    ("x: !!seq {a: 1}\n", "expected a sequence node, but found mapping", 1),
    # A mapping merging itself: the node-based loader gave {} or a duplicate key.
    ("&a {<<: *a}\n", "found unconstructable recursive node", 1),
    ("&a {x: 1, <<: *a}\n", "found unconstructable recursive node", 1),
    # SafeLoader merged a set's keys with null values.
    ("s: &s !!set {a}\nm: {<<: *s}\n", "a !!set cannot be merged; write a mapping", 1),
    ("s: &s !!set {a}\nm: {<<: [*s]}\n", "a !!set cannot be merged; write a mapping", 1),
])
def test_where_the_node_based_loader_crashed_or_misbuilt_the_error_has_a_line(text, problem, line):
    assert outcome(new_load, text) == ("error", problem, line)


def test_a_very_long_rejected_scalar_is_quoted_bounded():
    assert outcome(new_load, f"x: !!int {'9' * 50}z{'9' * 5000}\n")[1].endswith("...' is not a valid int")


def test_nesting_is_bounded_at_its_line_without_recursion(monkeypatch):
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    # libyaml refuses this depth itself; the pure-Python parser would not, the bound would.
    assert outcome(new_load, deep)[::2] == ("error", 1)
    monkeypatch.setattr(yamlstream, "MAX_DEPTH", 10)
    assert outcome(new_load, "a:\n" + "- " * 9 + "[x]\n") == ("error", "nested too deeply (more than 10 levels)", 2)
    assert outcome(new_load, "a:\n" + "- " * 8 + "[x]\n")[0] == "ok"
    monkeypatch.undo()
    allowed = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    value = new_load(allowed)
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []
    # The node-based loader already gave up far sooner.
    with pytest.raises(RecursionError):
        old_load("[" * 400 + "]" * 400)


def test_load_yaml_reports_file_line_and_message(tmp_path):
    path = tmp_path / "inventory.yaml"
    path.write_text("hosts:\n  - {name: a}\n  - {name: b, name: c}\n")
    with pytest.raises(ProfileError, match="duplicate key 'name'") as error:
        load_yaml(path, ProfileError)
    assert error.value.line == 3
    path.write_text("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    with pytest.raises(ProfileError, match="invalid YAML: ") as error:
        load_yaml(path, ProfileError)
    assert error.value.line == 1


# Property-style: random documents, dumped by PyYAML in block and flow styles.
SCALARS: list[Any] = ["x", "yes", "No", "0x1f", "1_000", "~", "", "2027-01-31", "a: b", "- x", "#", "'q'", "<<",
                      "=", "multi\nline", "tab\tin", "ünï", 0, -7, 2**70, 1.5, -0.0, float("inf"), True, False, None,
                      dt.date(2027, 1, 31), dt.datetime(2027, 1, 31, 10, 0, 0)]
KEYS: list[Any] = ["a", "b", "k", "xy", "name", "address", "0x10", "true", "", 1, 2, 3.5, False, None,
                   dt.date(2027, 2, 1)]


def random_value(rng: random.Random, depth: int, pool: list[Any]) -> Any:
    roll = rng.random()
    if depth > 4 or roll < 0.4:
        return rng.choice(SCALARS)
    if pool and roll < 0.5:
        return rng.choice(pool)  # shared: PyYAML dumps it once with an anchor, then aliases
    value: Any
    if roll < 0.75:
        value = [random_value(rng, depth + 1, pool) for _ in range(rng.randrange(0, 5))]
    else:
        value = {rng.choice(KEYS): random_value(rng, depth + 1, pool) for _ in range(rng.randrange(0, 5))}
    pool.append(value)
    return value


@pytest.mark.parametrize("style", [False, True, None], ids=["block", "flow", "mixed"])
def test_random_documents_build_alike(style):
    rng = random.Random(f"yamlstream-{style}")
    for _ in range(150):
        data = {rng.choice(KEYS): random_value(rng, 0, []) for _ in range(rng.randrange(1, 6))}
        text = yaml.safe_dump(data, default_flow_style=style, sort_keys=False, allow_unicode=rng.random() < 0.5)
        assert outcome(old_load, text)[0] == "ok", text
        assert_differential(text)


# Property-style, with errors: random flow documents mixing duplicate keys, collection keys,
# impossible dates, wrong tags, anchors, aliases (some to open collections) and merges.
BAD_SCALARS = ["1", "x", "xy", "yes", "~", "2027-02-30", "!!str [1]", "!!int z"]
BAD_KEYS = ["x", "y", "xy", "zz", "1", "true", "[k]"]


def random_flow(rng: random.Random, depth: int, anchors: list[int], merges: bool) -> str:
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        if anchors and rng.random() < 0.2:
            return f"*a{rng.choice(anchors)}"
        return rng.choice(BAD_SCALARS)
    anchor = ""
    if rng.random() < 0.4:
        anchors.append(len(anchors))
        anchor = f"&a{anchors[-1]} "
    if roll < 0.6:
        items = [random_flow(rng, depth + 1, anchors, merges) for _ in range(rng.randrange(0, 4))]
        return anchor + "[\n" + ",\n".join(items) + "\n]"
    pairs = []
    for _ in range(rng.randrange(0, 5)):
        if merges and anchors and rng.random() < 0.25:
            value = rng.choice([f"*a{rng.choice(anchors)}", f"[*a{rng.choice(anchors)}, *a{rng.choice(anchors)}]",
                                "{xy: 1}", "5"])
            pairs.append(f"<<: {value}")
        else:
            pairs.append(f"{rng.choice(BAD_KEYS)}: {random_flow(rng, depth + 1, anchors, merges)}")
    return anchor + "{\n" + ",\n".join(pairs) + "\n}"


def old_outcome(text: str) -> tuple[str, Any, Any] | None:
    """The node-based outcome, or None where it crashed (a ValueError from ``!!int z``)."""
    try:
        return outcome(old_load, text)
    except (ValueError, TypeError, AttributeError, KeyError):
        return None


def compare_outcomes(text: str, kinds: set[str]) -> None:
    """The new loader's outcome is the node-based one's (adding the kind to ``kinds``); where that crashed, an error with a line."""
    old = old_outcome(text)
    new = outcome(new_load, text)
    if old is None:
        assert new[0] == "error" and new[2] is not None, text
        return
    kinds.add(old[1] if old[0] == "error" else "ok")
    assert old[0] == new[0], text
    if old[0] == "ok":
        assert_same(old[1], new[1])
    else:
        assert old[1:] == new[1:], text


def test_random_documents_without_merges_fail_alike():
    """Without merges the node-based construction order is document order: every outcome is identical."""
    rng = random.Random("yamlstream-errors")
    kinds: set[str] = set()
    for _ in range(600):
        text = random_flow(rng, 0, [], merges=False) + "\n"
        compare_outcomes(text, kinds)
    assert {"ok", "a list or a mapping cannot be a key", "found unconstructable recursive node"} <= kinds


def random_merging(rng: random.Random, defined: int, anchors: list[int]) -> str:
    """A mapping whose merges name only anchors closed before it (``defined`` of them)."""
    pairs = []
    for _ in range(rng.randrange(1, 5)):
        if rng.random() < 0.4:
            named = [f"*a{rng.randrange(defined)}" for _ in range(rng.randrange(1, 3))]
            pairs.append(f"<<: {rng.choice([named[0], '[' + ', '.join(named) + ']', '{xy: 1}', '5'])}")
        else:
            pairs.append(f"{rng.choice(BAD_KEYS)}: {random_flow(rng, 2, anchors, merges=False)}")
    return "{\n" + ",\n".join(pairs) + "\n}"


def test_random_documents_merging_closed_anchors_fail_alike():
    """Merges of anchors closed before the merging mapping: every outcome is identical."""
    rng = random.Random("yamlstream-merges")
    kinds: set[str] = set()
    for _ in range(600):
        anchors: list[int] = []
        definitions = [random_flow(rng, 1, anchors, merges=False) for _ in range(3)]
        if not anchors:
            continue
        defined = len(anchors)
        uses = [random_merging(rng, defined, anchors) for _ in range(3)]
        text = "defs: [\n" + ",\n".join(definitions) + "\n]\nuse: [\n" + ",\n".join(uses) + "\n]\n"
        compare_outcomes(text, kinds)
    assert "expected a mapping or list of mappings for merging, but found scalar" in kinds
    assert any(kind.startswith("duplicate key") for kind in kinds)


def test_random_documents_with_any_merges_build_alike_and_fail_alike():
    """Merges anywhere: a document that builds builds alike, one that fails fails with a line.
    Which of several errors is reported may differ where a mapping merges an anchor defined inside
    its own values, or merges a collection still open (see yamlstream's docstring)."""
    rng = random.Random("yamlstream-any-merges")
    built = 0
    for _ in range(600):
        text = random_flow(rng, 0, [], merges=True) + "\n"
        old = old_outcome(text)
        new = outcome(new_load, text)
        if old is None or old[0] == "error":
            assert new[0] == "error" and new[2] is not None, text
            continue
        if new[0] == "error":  # only a merge of a collection still open may fail where it did not
            assert new[1] == "found unconstructable recursive node", text
            continue
        assert_same(old[1], new[1])
        built += 1
    assert built > 100
