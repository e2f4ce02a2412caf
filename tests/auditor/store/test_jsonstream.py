"""Reading a JSON document a member, an item at a time gives what ``json.loads`` gives, at any window size."""

import io
import json
import random

import pytest

from auditor.errors import SnapshotError
from auditor.store.jsonstream import JsonStream

STREAMED = {"results": "items", "findings": "items", "facts": "entries"}


def read_all(text: str, chunk: int) -> dict:
    """The document rebuilt from the stream: the streamed members item by item, the rest whole."""
    stream = JsonStream(io.StringIO(text), "doc.json", chunk)
    document = {}
    for key in stream.members():
        how = STREAMED.get(key)
        if how == "items":
            document[key] = list(stream.items())
        elif how == "entries":
            document[key] = dict(stream.entries())
        else:
            document[key] = stream.value()
    return document


def random_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(8 if depth < 4 else 5)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, -1, 7, 12345678901234567890, -2**63, 1.5, -0.25, 6.02e23, 1e-7])
    if kind in (2, 3, 4):
        alphabet = 'ab "\\/\n\t\u00e9\u4e2d\U0001f512,:{}[]0'
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
    if kind in (5, 6):
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    return {f"k{n}\u00e9": random_value(rng, depth + 1) for n in range(rng.randrange(5))}


@pytest.mark.parametrize("seed", range(40))
def test_random_documents_read_as_json_loads_reads_them(seed: int) -> None:
    rng = random.Random(seed)
    document = {"schema_version": 2, "tool": random_value(rng),
                "results": [random_value(rng) for _ in range(rng.randrange(6))],
                "findings": [], "facts": {f"host {n}": random_value(rng) for n in range(rng.randrange(4))},
                "summary": random_value(rng)}
    for indent in (None, 1):
        text = json.dumps(document, indent=indent, ensure_ascii=rng.random() < 0.5)
        for chunk in (1, 2, 3, 7, 64, 1 << 16):
            assert read_all(text, chunk) == json.loads(text)


def test_an_empty_object_and_empty_members() -> None:
    assert read_all(" { } ", 1) == {}
    assert read_all('{"results": [], "facts": {}, "x": {}}', 2) == {"results": [], "facts": {}, "x": {}}


@pytest.mark.parametrize(("text", "line", "message"), [
    ('{\n "results": [\n  1,\n  2\n  3\n ]\n}', 5, "expected ',' or ']'"),
    ('{\n "a": 1,\n "b": tru\n}', 3, "Expecting value"),
    ('{\n "a": "unterminated', 2, "Unterminated string"),
    ('{\n "a": "raw\nnewline"}', 2, "Invalid control character"),
    ('{\n "a": 1\n}\n{}', 4, "extra data"),
    ('[1, 2]', 1, "expected '{'"),
    ('{\n "a": 1', 2, "expected ',' or '}'"),
    ('{"facts": {"h": 1, 2: 3}}', 1, "expected a member name"),
    ('', 1, "expected '{'"),
])
def test_malformed_documents_name_their_line(text: str, line: int, message: str) -> None:
    for chunk in (1, 4, 1 << 16):
        with pytest.raises(SnapshotError, match=message) as caught:
            read_all(text, chunk)
        assert caught.value.line == line
        assert str(caught.value).startswith("doc.json")


def test_a_long_string_is_read_across_many_windows() -> None:
    value = "x" * 100_000 + "\\u00e9" + "\\\\" * 10
    text = '{"a": "' + value + '", "b": 12345}'
    assert read_all(text, 5) == json.loads(text)
