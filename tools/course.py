"""The course's one model of course.toml, shared by every tool and test.

    python tools/course.py        print the notebooks the manifest lists, with their video ranges

What each tool does with it: tools/sync.py (generated parts), tools/execute.py (store outputs,
bench), tools/lab.py (JupyterLab), tools/mutants.py (planted defects), tools/student.py (the
students' versions of the exercises).
"""
import ast
import hashlib
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
MANIFEST = tomllib.loads((ROOT / "course.toml").read_text())
VIDEO = MANIFEST["video"]
REPO, BRANCH = MANIFEST["course"]["repository"], MANIFEST["course"]["branch"]


def seconds(hms):
    h, m, s = (int(part) for part in hms.split(":"))
    return 3600 * h + 60 * m + s


def hms(total):
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def video_url(t):
    return f"https://youtube.com/watch?v={VIDEO['id']}&t={t}s"


NBSP = "\u00a0"  # a no-break space: "▶" and its time never part at the end of a line


def timecode(t):
    """The link every lecture section's heading carries: `[▶ 00:24:58](https://...&t=1498s)`, where the
    space after ▶ is a no-break space (NBSP), so that JupyterLab, GitHub and the site never wrap
    the ▶ away from its time. Contributors may type a plain space: `make sync` rewrites it."""
    return f"[▶{NBSP}{hms(t)}]({video_url(t)})"


TIMECODE = re.compile(r"\[▶\u00a0(\d\d:\d\d:\d\d)\]\(https://youtube\.com/watch\?v=([\w-]+)&t=(\d+)s\)")
# The same link typed with a plain space (or spaces, or `&nbsp;`) between ▶ and the time: `make sync`
# rewrites it into the form above (canonical()).
LOOSE_TIMECODE = re.compile(r"\[▶(?:[ \t]+|&nbsp;|&#160;|&#xa0;|\u00a0[ \t]+)(\d\d:\d\d:\d\d)\]\((https://youtube\.com/watch\?v=[\w-]+&t=\d+s)\)")
ANY_VIDEO_LINK = re.compile(r"\]\([^)]*(?:youtube\.com|youtu\.be)[^)]*\)")
ANCHOR = re.compile(r'<a id="([^"]*)"></a>')
# Code lines stay within 88 columns: what a 1366 px screen shows beside JupyterLab's prompts
# and the site's sidebar without scrolling sideways, and what an A4 handout prints.
CODE_WIDTH = 88


def canonical(text):
    """`text` with every ▶ link typed with a plain space written with the no-break space."""
    return LOOSE_TIMECODE.sub(lambda m: f"[▶{NBSP}{m[1]}]({m[2]})", text)


def timecodes(text):
    """The seconds of every video link in `text`; ValueError naming the first malformed one."""
    found = TIMECODE.findall(text)
    if len(found) != len(ANY_VIDEO_LINK.findall(text)):
        if canonical(text) != text:
            raise ValueError("a ▶ link has a plain space before its time; run `make sync`, which writes "
                             "the no-break space that keeps ▶ and the time on one line")
        raise ValueError(f"a video link is not of the form {timecode(1498)} (▶, a no-break space, the time)")
    for shown, video, t in found:
        if video != VIDEO["id"] or seconds(shown) != int(t):
            raise ValueError(f"[▶ {shown}] links to video {video} at {t} s")
    return [int(t) for _, _, t in found]


def headings(text):
    """Markdown heading lines of `text` (outside code blocks)."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            lines.append(line)
    return lines


def heading_title(line):
    """`## <a id="x"></a>Drawing the graph [▶ 00:24:58](...)` -> `Drawing the graph`."""
    return TIMECODE.sub("", LOOSE_TIMECODE.sub("", ANCHOR.sub("", line))).strip("# ").strip()


GOING_FURTHER = "Going further: "
NOT_LECTURE = ("Recap", "Questions")  # the closing sections: lecture headings, but no lecture prose


def heading_level(line):
    return len(line) - len(line.lstrip("#"))


def heading_kinds(lines):
    """(line, kind) for each heading line, in order: kind is "further" for a section beyond the lecture,
    a heading whose title starts with `Going further: ` and every deeper heading under it (until a
    heading of its level or higher), and "lecture" for every other one."""
    kinds, further_level = [], None
    for line in lines:
        level = heading_level(line)
        if further_level is not None and level > further_level:
            kinds.append((line, "further"))
            continue
        further_level = level if heading_title(line).startswith(GOING_FURTHER) else None
        kinds.append((line, "lecture" if further_level is None else "further"))
    return kinds


def slug(title):
    """The anchor of a section: `Drawing the graph` -> `drawing-the-graph`."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


@dataclass
class Notebook:
    number: int
    file: str
    title: str
    notes: str
    chapters: list  # [(start in seconds, title)]
    end: int  # where the next notebook starts, or the end of the video

    @property
    def path(self):
        return NOTEBOOKS / self.file

    @property
    def start(self):
        return self.chapters[0][0]

    @property
    def name(self):
        return f"{self.number:02d} · {self.title}"

    def exists(self):
        return self.path.exists()


def course():
    entries = MANIFEST["notebook"]
    starts = [seconds(e["chapters"][0][0]) for e in entries] + [seconds(VIDEO["length"])]
    return [
        Notebook(i + 1, e["file"], e["title"], e["notes"],
                 [(seconds(t), title) for t, title in e["chapters"]], starts[i + 1])
        for i, e in enumerate(entries)
    ]


EXERCISES = ROOT / "exercises"  # the students' versions, what learners open (generated: tools/student.py)
TEACHERS = ROOT / "teachers"    # an nbgrader course folder: source/ID/ID.ipynb are the teacher's versions


@dataclass
class Exercise:
    """An exercise notebook: the teacher's version, solutions included, in nbgrader's source folder
    (teachers/source/ID/ID.ipynb), and the students' version made from it (exercises/ID.ipynb)."""
    number: int
    file: str
    title: str
    practises: list  # the Notebooks whose chapters it builds on, in course order

    @property
    def id(self):
        """nbgrader's name for the assignment (and for its one notebook)."""
        return Path(self.file).stem

    @property
    def path(self):
        return TEACHERS / "source" / self.id / self.file

    @property
    def student_path(self):
        return EXERCISES / self.file

    @property
    def name(self):
        return f"Exercises {self.number} · {self.title}"

    @property
    def chapters(self):
        return [chapter for nb in self.practises for chapter in nb.chapters]

    @property
    def start(self):
        return self.practises[0].start

    @property
    def end(self):
        return self.practises[-1].end

    def exists(self):
        return self.path.exists()


def exercises():
    """The exercise notebooks course.toml lists, in order, each with the notebooks it practises."""
    by_file = {nb.file: nb for nb in course()}
    return [Exercise(i + 1, e["file"], e["title"], [by_file[f] for f in e["practises"]])
            for i, e in enumerate(MANIFEST.get("exercise", []))]


def written():
    """The notebooks that exist so far, in course order."""
    return [nb for nb in course() if nb.exists()]


def pick(args, with_exercises=False):
    """The notebooks named on a command line (paths or file names), or all written ones
    (and the exercise notebooks too, if asked)."""
    everything = course() + (exercises() if with_exercises else [])
    if not args:
        return [n for n in everything if n.exists()]
    wanted = {Path(a).name for a in args}
    unknown = wanted - {n.file for n in everything}
    if unknown:
        sys.exit(f"not in course.toml: {', '.join(sorted(unknown))}")
    return [n for n in everything if n.file in wanted]


def read(nb):
    return nbformat.read(nb.path, as_version=4)


def python_ast(source):
    """A code cell's source parsed as Python, IPython magics (`%config ...`) left out."""
    return ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%")))


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def source_hash(cell):
    return hashlib.sha1(cell.source.encode()).hexdigest()[:12]


def code_cells(book):
    """(nbval's number, cell) for each code cell: nbval numbers code cells from 0, skipping markdown."""
    return list(enumerate(c for c in book.cells if c.cell_type == "code"))


def where(nb, book, index):
    """A cell named for a message, code cells numbered as nbval numbers them (`Cell 3`)."""
    code_before = sum(1 for c in book.cells[:index] if c.cell_type == "code")
    if book.cells[index].cell_type == "code":
        return f"notebooks/{nb.file} Cell {code_before}"
    return f"notebooks/{nb.file} markdown " + (f"after Cell {code_before - 1}" if code_before else "before Cell 0")


def kept_blocks(notebooks, upto=None):
    """The `keep:NAME` blocks handed on by the existing notebooks before `upto` (or by all)."""
    blocks = {}
    for nb in notebooks:
        if upto is not None and nb.number >= upto.number:
            break
        if not nb.exists():
            continue
        for cell in read(nb).cells:
            for tag in tags(cell):
                if tag.startswith("keep:") and cell.cell_type == "code":
                    blocks[tag[5:]] = cell.source.strip()
    return blocks


def used_blocks(notebooks, nb):
    """What `nb` inherits: the kept blocks handed to it, leaving out each `import x` line that
    neither those blocks nor `nb`'s own cells use (only what the carried-over code needs)."""
    blocks = kept_blocks(notebooks, nb)
    own = [c.source for c in read(nb).cells if c.cell_type == "code" and "course-inherited" not in tags(c)]
    names = {n.id for source in [*blocks.values(), *own] for n in ast.walk(python_ast(source))
             if isinstance(n, ast.Name)}

    def needed(line):
        imported = re.fullmatch(r"import (\w+)(?: as (\w+))?", line.strip())
        return not imported or (imported[2] or imported[1]) in names
    kept = {name: "\n".join(line for line in block.splitlines() if needed(line)).strip()
            for name, block in blocks.items()}
    return {name: block for name, block in kept.items() if block}


if __name__ == "__main__":
    if sys.argv[1:2] in (["sync"], ["execute"], ["bench"], ["lab"]):  # the commands' own modules
        import importlib
        sys.exit(importlib.import_module({"sync": "sync", "lab": "lab"}.get(sys.argv[1], "execute"))
                 .main(sys.argv[1:] if sys.argv[1] == "bench" else sys.argv[2:]))
    for nb in course():
        state = "" if nb.exists() else "  (coming)"
        print(f"{hms(nb.start)}-{hms(nb.end)}  {nb.file}{state}")
