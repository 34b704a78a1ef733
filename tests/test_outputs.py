"""Stored outputs: fresh, portable, and pictures that fit, read right and belong together.

nbval compares each stored output with a fresh run (tests/sanitize.cfg says how SVGs compare);
these tests look at what nbval cannot: where an output came from and what is inside a picture.
"""
import base64
import re
import struct
import sys
import zlib

import pytest

import course

NOTEBOOKS = course.written()
per_notebook = pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.file for nb in NOTEBOOKS])
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b| at 0x|object at ")
# An absolute path of two or more components (/usr/bin/dot, C:\Users\x), not a lone "/" in a formula.
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/<>])(?:/[\w.-]+){2,}|\b[A-Z]:\\[\w.-]+\\")
MAX_WIDTH_PT = 432        # 576 px: fits JupyterLab at a 1280 px window, and an A4 page beside the In [ ] prompts
MIN_SCALE = 0.6           # a graph shrunk below this to fit is too small to read
SVG_KEY = re.compile(r"<!-- source ([0-9a-f]{12}) -->")


def outputs(nb):
    for number, cell in course.code_cells(course.read(nb)):
        for output in cell.get("outputs", []):
            yield f"notebooks/{nb.file} Cell {number}", output


def texts(output):
    for key in ("text", "evalue", "ename"):
        if key in output:
            yield output[key]
    yield from output.get("traceback", [])
    for mime, value in output.get("data", {}).items():
        if mime != "image/png":
            yield value if isinstance(value, str) else str(value)


@per_notebook
def test_stored_outputs_come_from_the_current_code(nb):
    """Editing a cell without re-running the notebook is caught here, with the cell named."""
    fix = f"run `make execute NB=notebooks/{nb.file}` to store fresh outputs"
    counts = []
    for number, cell in course.code_cells(course.read(nb)):
        assert cell.metadata.get("source_hash") == course.source_hash(cell), (
            f"notebooks/{nb.file} Cell {number} ({cell.source.splitlines()[0]!r}) was edited after the notebook last ran; {fix}")
        counts.append(cell.execution_count)
    assert counts == list(range(1, len(counts) + 1)), f"notebooks/{nb.file}: cells did not run top to bottom once; {fix}"


def local_places():
    places = {str(course.ROOT), sys.prefix, sys.base_prefix}
    return sorted(p for p in places if len(p) > 1)


def portability_problem(text):
    for place in local_places():
        if place in text:
            return f"a local path ({place})"
    if m := ADDRESS.search(text):
        return f"a memory address ({m[0]!r})"
    if m := ABSOLUTE_PATH.search(re.sub(r"https?://\S+|xmlns(:\w+)?=\"[^\"]*\"|<!DOCTYPE[^>]*>", "", text)):
        return f"an absolute path ({m[0]!r})"
    return None


@per_notebook
def test_stored_outputs_are_portable(nb):
    """No output depends on this machine: no path to a file here, no memory address, in any output type."""
    for where, output in outputs(nb):
        for text in texts(output):
            problem = portability_problem(text)
            assert not problem, f"{where}: {problem} in the output; print something that is the same on every machine"
    assert nb.path.stat().st_size < 2_000_000, f"notebooks/{nb.file} is over 2 MB"


def test_the_portability_check_catches_what_it_should():
    assert portability_problem("/usr/bin/dot") and portability_problem(f"{sys.prefix}/lib")
    assert portability_problem("<Value object at 0x7f3a2b1c>") and portability_problem("C:\\Users\\me")
    assert not portability_problem("a/b = 2, dL/da ≈ 6.0000, 1/2, https://youtube.com/watch?v=x&t=3s")


def png_key(png):
    """The text of the PNG's `source` tEXt chunk (None if it has none)."""
    at = 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        body = png[at + 8:at + 8 + length]
        if kind == b"tEXt" and body.startswith(b"source\0"):
            return body[7:].decode()
        at += 12 + length
    return None


def pictures(nb):
    for where, output in outputs(nb):
        data = output.get("data", {})
        if "image/svg+xml" in data or "image/png" in data:
            yield where, data, output.get("metadata", {})


@per_notebook
def test_every_png_belongs_to_its_svg(nb):
    """Each picture is stored twice (SVG to compare, PNG for viewers without SVG); both carry the key of one source."""
    for where, data, metadata in pictures(nb):
        assert "image/svg+xml" in data and "image/png" in data, f"{where}: a picture needs both an SVG and a PNG"
        svg, png = data["image/svg+xml"], base64.b64decode(data["image/png"], validate=True)
        key = SVG_KEY.search(svg)
        assert key, f"{where}: the SVG carries no `<!-- source KEY -->`; draw it with draw_dot or a plot, then make execute"
        assert png_key(png) == key[1], f"{where}: the PNG is not the SVG's twin (keys {png_key(png)} and {key[1]}); make execute"
        for mime in ("image/svg+xml", "image/png"):
            assert metadata.get(mime, {}).get("source") == key[1], f"{where}: {mime} metadata does not carry the key {key[1]}"


def is_graph(svg):
    return "Generated by graphviz" in svg


@per_notebook
def test_graphs_fit_the_page_and_stay_legible(nb):
    for where, data, _ in pictures(nb):
        svg = data["image/svg+xml"]
        if not is_graph(svg):
            continue
        width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg)[1])
        scale = float(re.search(r'transform="scale\(([\d.]+)', svg)[1])
        assert width <= MAX_WIDTH_PT, (f"{where}: a graph {width:.0f}pt wide; at most {MAX_WIDTH_PT}pt fits JupyterLab "
                                       "at 1280 px and an A4 page (shorter labels, or draw a part of it)")
        assert scale >= MIN_SCALE, f"{where}: a graph shrunk to {scale:.2f} of its size to fit is too small to read"


@per_notebook
def test_graphs_show_operations_not_internal_names(nb):
    for where, data, _ in pictures(nb):
        svg = data["image/svg+xml"]
        if is_graph(svg):
            shown = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
            internal = [t for t in shown if re.fullmatch(r"v\d+(_op)?|\?", t.strip())]
            assert not internal, f"{where}: the graph shows {internal[:3]} where an operation or value belongs"


@per_notebook
def test_plots_are_compared_on_their_data(nb):
    """A plot's text form lists what it shows (points rounded to what the eye sees), so nbval compares the data."""
    for where, data, _ in pictures(nb):
        if not is_graph(data["image/svg+xml"]):
            summary = data.get("text/plain", "")
            assert "<Figure size" not in summary and re.search(r"\d", summary), (
                f"{where}: the plot's text form does not list its data; display plots through the keep:show set-up")


def png_with_key(png, key):
    """Test helper: a PNG with a `source` tEXt chunk (mirrors what the notebooks do)."""
    body = b"source\0" + key.encode()
    chunk = struct.pack(">I4s", len(body), b"tEXt") + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return png[:33] + chunk + png[33:]


def test_the_png_key_reader_reads_a_key():
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I4s", 13, b"IHDR") + bytes(13) + b"\0\0\0\0"
    assert png_key(png) is None and png_key(png_with_key(png, "abc123abc123")) == "abc123abc123"
