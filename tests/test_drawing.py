"""draw_dot, as the notebooks hand it on: stable output, and a clear word where it cannot draw."""
import io
from contextlib import redirect_stdout

import pytest

import course

BLOCKS = course.kept_blocks(course.course())


@pytest.fixture
def ns():
    if "draw" not in BLOCKS:
        pytest.skip("no notebook hands on draw_dot yet")
    namespace = {}
    exec(BLOCKS["value"] + "\n" + BLOCKS["draw"], namespace)
    return namespace


def chain(ns, length):
    total = ns["Value"](0.0, label="x0")
    for i in range(1, length):
        total = total + ns["Value"](float(i), label=f"x{i}")
    return total


def test_the_same_graph_is_described_the_same_way_every_time(ns):
    first, second = (ns["draw_dot"](chain(ns, 4)).source for _ in range(2))
    assert first == second
    assert "0x" not in first and "v0" in first


def test_a_missing_dot_program_gives_one_clear_line(ns, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    out = io.StringIO()
    with redirect_stdout(out):
        assert ns["draw_dot"](chain(ns, 3)) is None
    message = out.getvalue()
    assert message.count("\n") == 1 and "apt-get install graphviz" in message and "brew" in message and "conda" in message


def test_a_graph_too_large_to_draw_is_refused_in_one_line(ns):
    out = io.StringIO()
    with redirect_stdout(out):
        assert ns["draw_dot"](chain(ns, 300)) is None
    assert out.getvalue().count("\n") == 1 and "599 values" in out.getvalue()
