"""The spools' compact index: a row of integers per target name, in columns."""

import pytest

from auditor.store.spool_index import SpoolIndex


def test_rows_are_read_back_by_name_in_the_order_added() -> None:
    index = SpoolIndex(3)
    index.add("web-01", (0, 120, 7))
    index.add("db 01", (120, 2**40, 0))  # offsets beyond 32 bits: a spool of a large fleet
    assert index.row("db 01") == (120, 2**40, 0)
    assert index.row("web-01") == (0, 120, 7)
    assert list(index) == ["web-01", "db 01"] and len(index) == 2
    assert "web-01" in index and "web-02" not in index


def test_a_target_is_added_once_and_rows_have_the_index_width() -> None:
    index = SpoolIndex(2)
    index.add("web-01", (1, 2))
    with pytest.raises(ValueError, match="spooled twice"):
        index.add("web-01", (3, 4))
    with pytest.raises(ValueError, match="a row of 3 integers"):
        index.add("web-02", (1, 2, 3))
    assert index.row("web-01") == (1, 2)  # a refused row changes nothing
    with pytest.raises(KeyError):
        index.row("web-02")


def test_clear_forgets_every_row() -> None:
    index = SpoolIndex(1)
    index.add("a", (5,))
    index.clear()
    assert len(index) == 0 and "a" not in index
    index.add("a", (6,))
    assert index.row("a") == (6,)
