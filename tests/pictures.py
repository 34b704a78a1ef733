"""The pictures a notebook stores are the ones its code makes, and they show what the Values hold.

tests/test_replay.py hands `look_at(nb, book)` to the replay (tests/replay.py), which runs every
cell in this process and gives it the objects each cell displayed. For each stored picture:

- a graph of Values (draw_dot's) must show the Values it was drawn from, as they were when draw_dot was
  called: each value's label, data and grad, each operation, each edge. This is read from the
  stored SVG and from the Values themselves, not from draw_dot;
- every edge of a graph must start at its tail node and point at its head node (this holds on any
  graphviz version, so a hand-moved line fails everywhere);
- where this machine's graphviz is the version that stored the graph, and always for matplotlib
  (pinned), the picture is drawn again from what the cell displayed and compared with the stored
  SVG (its text, and its geometry to half a point) and PNG copy (its pixels). Another graphviz
  lays graphs out differently, so there the two checks above are what holds.
"""
import base64
import functools
import html
import io
import re
import subprocess
import xml.etree.ElementTree as ET

from replay import graph, is_value

SVG_NS = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
CLOSE_PT = 0.5        # geometry agrees to half a point: what the eye can see
TOUCH_PT = 3.0        # an edge ends this close to its node
PIXELS_OFF = 0.0002   # a redrawn PNG may differ in this share of its pixels (anti-aliasing)


def look_at(nb, book):
    """A `look` callback for replay(): checks each cell's stored pictures against what it displayed."""
    stored = {number: [o for o in cell.get("outputs", []) if {"image/svg+xml", "image/png"} & set(o.get("data", {}))]
              for number, cell in enumerate(c for c in book.cells if c.cell_type == "code")}
    drawn = {}  # id(drawing) -> (drawing, what its Values held when draw_dot was called)

    def look(number, cell, shown, namespace):
        watch_draw_dot(namespace, drawn)
        made = [obj for obj in shown if kind_of(obj)]
        kept = stored.get(number, [])
        if len(made) != len(kept):
            return [f"shows {len(made)} pictures but stores {len(kept)}; re-run the notebook (make execute)"]
        problems = []
        for obj, output in zip(made, kept):
            if "image/svg+xml" not in output["data"]:
                return [f"picture {kept.index(output) + 1} is stored as a bitmap only: draw it as SVG"]
            check = check_graph if kind_of(obj) == "graph" else check_figure
            problems += [f"picture {kept.index(output) + 1}: {p}" for p in check(obj, output, drawn, namespace)]
        return problems[:1]
    return look


def kind_of(obj):
    if hasattr(obj, "source") and hasattr(obj, "pipe"):
        return "graph"
    if type(obj).__name__ == "Figure" and hasattr(obj, "savefig"):
        return "figure"
    return None


def watch_draw_dot(namespace, drawn):
    """Put a watcher around the notebook's draw_dot that notes what each drawing's Values hold."""
    draw_dot = namespace.get("draw_dot")
    if not callable(draw_dot) or getattr(draw_dot, "watched", False):
        return

    @functools.wraps(draw_dot)
    def watched(root, *args, **kwargs):
        held = described_values(root)
        drawing = draw_dot(root, *args, **kwargs)
        if drawing is not None:
            drawn[id(drawing)] = (drawing, held)
        return drawing
    watched.watched = True
    namespace["draw_dot"] = watched


# What a drawing shows, and what the Values hold, in one comparable form: a sorted list of
# (value, operation, [the values it was made from]), each value as (label, data, grad).

def row(label, data, grad):
    return (label, round(data, 4) + 0.0, None if grad is None else round(grad, 4) + 0.0)


def described_values(root):
    def value(v):
        return row(getattr(v, "label", "") or "", v.data, getattr(v, "grad", None))
    return sorted(((value(v), (v._op or "?") if v._prev else "", sorted(map(value, v._prev), key=repr))
                   for v in graph(root)), key=repr)


def read_svg(svg):
    """(nodes, edges) of a graphviz SVG: {name: [texts]}, [(tail, head)], plus each node's box."""
    root = ET.fromstring(svg.encode())
    nodes, boxes, edges = {}, {}, []
    for g in root.iter(f"{SVG_NS}g"):
        title = html.unescape(g.findtext(f"{SVG_NS}title") or "")
        if g.get("class") == "node":
            nodes[title] = [html.unescape(t.text or "").strip() for t in g.iter(f"{SVG_NS}text")]
            boxes[title] = box(g)
        elif g.get("class") == "edge":
            path = g.find(f"{SVG_NS}path")
            head = g.find(f"{SVG_NS}polygon")
            edges.append((*title.split("->"), points(path.get("d"))[0],
                          points(head.get("points")) if head is not None else points(path.get("d"))[-1:]))
    return nodes, boxes, edges


def points(text):
    numbers = [float(n) for n in NUMBER.findall(text)]
    return list(zip(numbers[::2], numbers[1::2]))


def box(node):
    corners = []
    for shape in node:
        if shape.tag == f"{SVG_NS}ellipse":
            cx, cy, rx, ry = (float(shape.get(k)) for k in ("cx", "cy", "rx", "ry"))
            corners += [(cx - rx, cy - ry), (cx + rx, cy + ry)]
        elif shape.tag in (f"{SVG_NS}polygon", f"{SVG_NS}path"):
            corners += points(shape.get("points") or shape.get("d"))
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def distance(point, bounds):
    (x, y), (left, top, right, bottom) = point, bounds
    return max(left - x, 0, x - right) + max(top - y, 0, y - bottom)


def described_drawing(nodes, edges):
    def value(name):
        label, data, grad = [], None, None
        for text in nodes[name]:
            if m := re.fullmatch(r"data\s+(\S+)", text):
                data = float(m[1])
            elif m := re.fullmatch(r"grad\s+(\S+)", text):
                grad = float(m[1])
            elif text:
                label.append(text)
        return row(" ".join(label), data if data is not None else float("nan"), grad)
    made_from = {}
    for tail, head, *_ in edges:
        made_from.setdefault(head, []).append(tail)
    return sorted(((value(v), " ".join(nodes.get(v + "_op", [])),
                    sorted(map(value, made_from.get(v + "_op", [])), key=repr))
                   for v in nodes if not v.endswith("_op")), key=repr)


def first_difference(shown, held):
    extra = [entry for entry in shown if entry not in held]
    missing = [entry for entry in held if entry not in shown]
    if extra or missing:
        return (f"it shows {describe(extra[0]) if extra else 'nothing more'}, where the Values hold "
                f"{describe(missing[0]) if missing else 'nothing more'}")
    return None


def describe(entry):
    (label, data, grad), op, kids = entry
    made = f" = {op} of {len(kids)} values" if op else ""
    return f"{label or 'a value'} (data {data:.4f}" + ("" if grad is None else f", grad {grad:.4f}") + f"){made}"


def check_graph(drawing, output, drawn, namespace):
    svg = output["data"]["image/svg+xml"]
    nodes, boxes, edges = read_svg(svg)
    shown = described_drawing(nodes, edges)
    shows_values = any(re.fullmatch(r"data\s+\S+", text) for texts in nodes.values() for text in texts)
    held = drawn[id(drawing)][1] if id(drawing) in drawn else held_by_some_value(namespace, shown)
    if shows_values and held is None:
        return ["a graph of Values not drawn by draw_dot: the checks cannot tell which Values it shows"]
    if shows_values and (difference := first_difference(shown, held)):
        return [f"the stored graph does not show its Values: {difference}"]
    for tail, head, start, arrow in edges:
        if distance(start, boxes[tail]) > TOUCH_PT or min(distance(p, boxes[head]) for p in arrow) > TOUCH_PT:
            return [f"the edge {tail} -> {head} is not drawn between its two nodes (a hand-edited picture?)"]
    stored_version = re.search(r"Generated by graphviz version (\S+)", svg)
    if stored_version and stored_version[1] == graphviz_version():
        import graphviz
        fresh = graphviz.Source(drawing.source)
        return compare_drawn(svg, fresh.pipe("svg", encoding="utf-8")) or compare_png(output, fresh.pipe("png"))
    return []  # another graphviz lays out and rasterises differently: the checks above are what holds


def held_by_some_value(namespace, shown):
    for obj in namespace.values():
        if is_value(obj) and described_values(obj) == shown:
            return shown
    return None


@functools.cache
def graphviz_version():
    run = subprocess.run(["dot", "-V"], capture_output=True, text=True)
    found = re.search(r"version (\S+)", run.stderr + run.stdout)
    return found[1] if found else None


def check_figure(figure, output, drawn, namespace):
    from IPython.core.pylabtools import print_figure  # as Jupyter's inline back end draws it
    return (compare_drawn(output["data"]["image/svg+xml"], print_figure(figure, "svg", bbox_inches="tight"))
            or compare_png(output, print_figure(figure, "png", bbox_inches="tight")))


def skeleton(svg):
    """An SVG without comments and metadata, its ids named in order of appearance, as (its text
    with every number blanked, its numbers): matplotlib's ids are random unless salted."""
    svg = re.sub(r"(?s)<!--.*?-->|<metadata>.*?</metadata>", "", svg)
    names = {name: f"id{n}" for n, name in enumerate(dict.fromkeys(re.findall(r'\bid="([^"]+)"', svg)))}
    svg = re.sub(r'(?<=id=")[^"]+|(?<=#)[^"\s)]+', lambda m: names.get(m[0], m[0]), svg)
    svg = re.sub(r">\s+<", "><", svg)
    return NUMBER.sub("#", svg), [float(n) for n in NUMBER.findall(svg)]


def compare_drawn(stored_svg, fresh_svg):
    (stored_text, stored_numbers), (fresh_text, fresh_numbers) = skeleton(stored_svg), skeleton(fresh_svg)
    if stored_text != fresh_text:
        at = next(i for i, (a, b) in enumerate(zip(stored_text, fresh_text + "\0")) if a != b)
        return [f"the stored SVG is not what the cell draws: {stored_text[max(at - 40, 0):at + 40]!r}"]
    moved = [(a, b) for a, b in zip(stored_numbers, fresh_numbers) if abs(a - b) > CLOSE_PT]
    if moved:
        return [f"the stored SVG's geometry is not what the cell draws ({len(moved)} numbers differ, "
                f"e.g. {moved[0][0]} where the cell draws {moved[0][1]})"]
    return []


def compare_png(output, fresh_png):
    """The stored PNG copy (for viewers that show no SVG) against the same picture drawn again."""
    from PIL import Image, ImageChops
    if "image/png" not in output["data"]:
        return []  # a picture without its copy fails in tests/test_outputs.py
    stored = Image.open(io.BytesIO(base64.b64decode(output["data"]["image/png"]))).convert("RGB")
    fresh = Image.open(io.BytesIO(fresh_png)).convert("RGB")
    if stored.size != fresh.size:
        return [f"the stored PNG is {stored.size} px, the cell draws {fresh.size}: not this picture"]
    difference = ImageChops.difference(stored, fresh).convert("L")
    off = sum(difference.point(lambda level: 255 if level > 48 else 0).histogram()[255:])
    if off > PIXELS_OFF * stored.size[0] * stored.size[1]:
        return [f"the stored PNG is not what the cell draws ({off} pixels differ)"]
    return []
