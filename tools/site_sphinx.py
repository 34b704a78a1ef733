"""The course site's own Sphinx extension (loaded by site/conf.py).

- drops the `<a id="slug"></a>` that `make sync` puts in headings: on the site the section itself
  carries that id, first (myst's heading anchors, with the slug function of tools/search.py), so
  the notes' links `...ipynb#the-chain-rule` resolve, permalinks and the page's contents use it,
  and no id is there twice;
- copies MathJax (from the sphinx-mathjax-offline package: the TeX input, the HTML output and its
  fonts) into `_static/mathjax`, so formulas are typeset offline;
- gives every picture a text alternative that says what it shows (never its file name): the
  SVG's own `aria-label`, `<desc>` or `<title>` when the notebook wrote one, otherwise one read
  from the picture: a graph's values and operations in order ("a times b gives e, ..."), a plot's
  title, axes and series;
- marks every section beyond the lecture (a heading `Going further: ...`, and the sections under it):
  the section gets the class `going-further` and its heading's first words become a label, the
  words themselves kept (so screen readers say them), styled as a badge by site/_static/course.css;
- writes `_static/sections.js`, every section of the course with its video time, for the search
  page's "moments" (site/_static/moments.js) and for `make find` (tools/search.py).
"""
import json
import re
import shutil
import xml.etree.ElementTree as ET
from importlib.metadata import distribution
from pathlib import Path

from docutils import nodes

from course import ANCHOR, GOING_FURTHER, ROOT, TIMECODE, VIDEO, course, heading_title, slug
from search import sections

OPENING = re.compile(r'<a id="[^"]*">')
MATHJAX_PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2"]


def drop_heading_anchors(app, doctree):
    for title in list(doctree.findall(nodes.title)):
        raws = list(title.findall(nodes.raw))
        for opening, closing in zip(raws, raws[1:] + [None]):
            text = opening.astext().strip()
            if ANCHOR.fullmatch(text):  # `<a id="x"></a>` as one piece
                opening.parent.remove(opening)
            elif OPENING.fullmatch(text) and closing is not None and closing.astext().strip() == "</a>":
                opening.parent.remove(opening)  # or as two: `<a id="x">`, `</a>`
                closing.parent.remove(closing)
    for section in doctree.findall(nodes.section):  # the slug first: permalinks and contents use it
        if section.get("slug") in section["ids"]:
            section["ids"].remove(section["slug"])
            section["ids"].insert(0, section["slug"])


def mark_going_further(app, doctree):
    """A section whose title starts with `Going further: `: class `going-further` on the section, and
    `Going further` as a label in its heading (the colon kept for screen readers, hidden on screen)."""
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is None or title.parent is not section or not title.astext().startswith(GOING_FURTHER):
            continue
        section["classes"].append("going-further")
        text = next((t for t in title.findall(nodes.Text) if t.astext().strip()), None)
        if text is None or not text.astext().lstrip().startswith(GOING_FURTHER.strip()):
            continue
        rest = text.astext().lstrip()[len(GOING_FURTHER):]
        rest = rest[:1].upper() + rest[1:]  # after the label, the title starts a phrase of its own
        label = nodes.inline("", GOING_FURTHER.split(":")[0], classes=["going-further-label"])
        colon = nodes.inline("", ": ", classes=["going-further-colon"])
        text.parent.replace(text, [label, colon, nodes.Text(rest)])


SVG = "{http://www.w3.org/2000/svg}"
OPS = {"*": "times", "+": "plus", "-": "minus", "/": "divided by", "**-1": "to the power -1"}
DEFAULT_TITLES = {"", "graph", "g", "%3", "order"}


def words_of(element):
    return " ".join("".join(element.itertext()).split())


def own_text(root):
    """The text alternative the drawing code gave the SVG itself, if any."""
    label = (root.get("aria-label") or "").strip()
    if label:
        return label
    for tag in ("desc", "title"):
        for where in (root, root.find(f"{SVG}g")):
            found = where.find(f"{SVG}{tag}") if where is not None else None
            if found is not None and words_of(found).lower() not in DEFAULT_TITLES and " " in words_of(found):
                return words_of(found)
    return None


def value_text(texts):
    """A value node's record (label | data ... | grad ...) in words: `a = 2.0000 (grad 0.0000)`;
    a value without a label is said by its data: `-6.0000 (grad 0.0000)`."""
    label = next((t for t in texts if not t.startswith(("data ", "grad "))), "")
    data = next((t[5:] for t in texts if t.startswith("data ")), None)
    grad = next((t[5:] for t in texts if t.startswith("grad ")), None)
    said = label if label else (data if data is not None else "a value")
    if label and data is not None:
        said += f" = {data}"
    if grad is not None:
        said += f" (grad {grad})"
    return said


def describe_graph(root):
    """A graphviz graph in words: for drawings of Values, the inputs, then each operation in the
    order the graph is drawn ("a times b gives e = -6.0000"); for any other graph, its nodes in order
    and what each leads to."""
    nodes_, edges = {}, []
    for g in root.iter(f"{SVG}g"):
        kind, title = g.get("class"), g.find(f"{SVG}title")
        if title is None:
            continue
        name = "".join(title.itertext())
        if kind == "node":
            nodes_[name] = [words_of(t) for t in g.iter(f"{SVG}text")]
        elif kind == "edge" and "->" in name:
            edges.append(tuple(name.split("->", 1)))
    inputs_of = {}
    for tail, head in edges:
        inputs_of.setdefault(head, []).append(tail)
    if any(name.endswith("_op") for name in nodes_):
        values = [n for n in nodes_ if not n.endswith("_op")]
        said = {n: value_text(nodes_[n]) for n in values}
        short = {n: (value_text(nodes_[n][:1]) if nodes_[n] and not nodes_[n][0].startswith("data ")
                     else value_text([t for t in nodes_[n] if t.startswith("data ")])) for n in values}
        leaves = [said[n] for n in values if n + "_op" not in nodes_]
        steps = []
        for n in values:
            op = n + "_op"
            if op not in nodes_:
                continue
            symbol = " ".join(nodes_[op])
            ins = [short[i] for i in inputs_of.get(op, []) if i in short]
            if len(ins) == 2:
                steps.append(f"{ins[0]} {OPS.get(symbol, symbol)} {ins[1]} gives {said[n]}")
            elif len(ins) == 1 and symbol in OPS:  # a value used twice, or a power
                steps.append(f"{ins[0]} {OPS[symbol]} {ins[0] if symbol in '*+' else ''}".strip() + f" gives {said[n]}")
            else:
                steps.append(f"{symbol} of {' and '.join(ins) or 'nothing'} gives {said[n]}")
        text = f"A graph of {len(values)} values. "
        if leaves:
            text += "It starts from " + ", ".join(leaves) + ". "
        return text + ("; ".join(steps) + "." if steps else "")
    names = list(nodes_)
    text = f"A graph of {len(names)} nodes, in order: " + "; ".join(" ".join(nodes_[n]) or n for n in names) + "."
    links = [f"{' '.join(nodes_.get(t, [t]))} to {' '.join(nodes_.get(h, [h]))}" for t, h in edges]
    return text + (" Arrows: " + ", ".join(links) + "." if links else "")


def describe_plot(root):
    """A matplotlib plot in words: for each pair of axes its title, axis labels, and its series
    (the legend's names, or how many lines and point sets it draws)."""
    said = []
    for axes in [g for g in root.iter(f"{SVG}g") if re.fullmatch(r"axes_\d+", g.get("id") or "")]:
        direct = {c.get("id") or "": c for c in axes}
        title = " ".join(words_of(c) for i, c in direct.items() if i.startswith("text_"))
        labels = []
        for axis in ("matplotlib.axis_1", "matplotlib.axis_2"):
            box = direct.get(axis)
            texts = [c for c in box if (c.get("id") or "").startswith("text_")] if box is not None else []
            labels.append(words_of(texts[-1]) if texts else "")
        legend = direct.get("legend_1")
        series = [words_of(c) for c in legend.iter(f"{SVG}g") if (c.get("id") or "").startswith("text_")] if legend is not None else []
        lines = sum(1 for i in direct if i.startswith("line2d_"))
        dots = sum(1 for i in direct if i.startswith("PathCollection_") or i.startswith("path_collection"))
        part = "A plot" + (f" titled “{title}”" if title else "")
        part += f", {labels[0] or 'unlabelled'} across and {labels[1] or 'unlabelled'} up"
        if series:
            part += ", with " + ("the series " if len(series) > 1 else "the series ") + ", ".join(f"“{s}”" for s in series)
        else:
            drawn = [f"{lines} line{'s' * (lines != 1)}" if lines else "", f"{dots} set{'s' * (dots != 1)} of dots" if dots else ""]
            if any(drawn):
                part += ", drawing " + " and ".join(d for d in drawn if d)
        said.append(part + ".")
    return " ".join(said) or None


def describe(path):
    """What the picture at `path` shows, in words; None if it cannot be read."""
    if path is None:
        return None
    try:
        root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", Path(path).read_text(), flags=re.S))
    except (OSError, ET.ParseError):
        return None
    own = own_text(root)
    if own:
        return own
    if root.find(f"{SVG}g[@class='graph']") is not None:
        return describe_graph(root)
    return describe_plot(root)


def svg_twin(png):
    """The SVG drawn with a PNG (the same `source` key: CONTRIBUTING's "Outputs that hold"), if any."""
    try:
        from PIL import Image
        key = Image.open(png).text.get("source")
    except Exception:  # not a picture we can read: no twin
        return None
    if not key:
        return None
    for svg in png.parent.glob("*.svg"):
        if f"<!-- source {key} -->" in svg.read_text():
            return svg
    return None


def describe_pictures(app, doctree):
    """Set each picture's alt: its own words when the Markdown gave them, else what it shows."""
    for image in doctree.findall(nodes.image):
        uri = image.get("uri", "")
        alt = image.get("alt", "")
        if alt and alt != uri and "/" not in alt and not alt.endswith((".svg", ".png")):
            continue
        path = Path(app.srcdir, image.get("candidates", {}).get("*", uri)).resolve()
        if not path.exists():
            path = Path(app.env.relfn2path(uri, app.env.docname)[1])
        text = describe(path) if path.suffix == ".svg" else describe(svg_twin(path))
        image["alt"] = text or "A picture from the notebook (no description could be read from it)."


def mathjax_source():
    return Path(distribution("sphinx-mathjax-offline").locate_file("sphinx-mathjax-offline/static/mathjax"))


# Fixes to the theme's and myst-nb's markup, for screen readers (axe-core's
# label-content-name-mismatch): a name that hides the visible words.
MARKUP_FIXES = [
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    (re.compile(r'(<button class="btn search-button-field[^>]*?)\s+aria-label="Search"'), r"\1"),
    # the sidebar (logo, search, contents) as one landmark, so nothing is outside a region
    (re.compile(r'<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'),
     '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="complementary" aria-label="The course">'),
    # a table's empty corner heading (axe-core's empty-table-header): an ordinary empty cell
    (re.compile(r'<th class="head"></th>'), '<td class="head"></td>'),
    (re.compile(r'<th class="head"><p></p></th>'), '<td class="head"></td>'),
]


def fix_markup(outdir):
    for page in Path(outdir).rglob("*.html"):
        text = page.read_text()
        fixed = text
        for pattern, replacement in MARKUP_FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            page.write_text(fixed)


def notes_lines():
    """Every time-linked line of the study notes, in video order: {t, text, u} (the notes page,
    at the section that holds the line)."""
    found = []
    for nb in course():
        path = ROOT / nb.notes
        if not path.exists():
            continue
        page, section = Path(nb.notes).with_suffix(".html").as_posix(), ""
        for line in path.read_text().splitlines():
            match = TIMECODE.search(line)
            if line.startswith("## ") or line.startswith("### "):
                section = "#" + slug(heading_title(line))
            elif line.startswith("- ") and match:
                text = TIMECODE.sub("", line[2:])
                text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("`", "").strip()
                found.append({"t": int(match[3]), "text": text, "u": page + section})
    return sorted(found, key=lambda x: x["t"])


def finish(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    fix_markup(app.outdir)
    static = Path(app.outdir) / "_static"
    source = mathjax_source()
    for part in MATHJAX_PARTS:
        src, dst = source / part, static / "mathjax" / part
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    found = []
    for s in sections():
        page, _, anchor = s["u"].partition("#")
        found.append({**s, "u": f"{Path(page).with_suffix('.html').as_posix()}#{anchor}"})
    (static / "sections.js").write_text(
        "// Generated by `make site` (tools/site_sphinx.py): every section with its video time.\n"
        f"window.COURSE_VIDEO = {json.dumps(VIDEO['id'])};\n"
        f"window.COURSE_SECTIONS = {json.dumps(found, ensure_ascii=False)};\n"
        f"window.COURSE_NOTES = {json.dumps(notes_lines(), ensure_ascii=False)};\n")


def setup(app):
    app.connect("doctree-read", drop_heading_anchors, priority=400)  # before the contents are collected
    app.connect("doctree-read", describe_pictures)
    app.connect("doctree-read", mark_going_further)
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
