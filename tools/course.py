"""Keep the course consistent with course.toml, and run its notebooks.

    python tools/course.py sync [NOTEBOOK ...]     rewrite the generated parts: each notebook's header,
                                                   footer and inherited-code cell, and the README table
    python tools/course.py check                   list generated parts that are stale (exit 1 if any)
    python tools/course.py execute [NOTEBOOK ...]  re-run notebooks top to bottom and store their outputs
    python tools/course.py bench                   time every notebook, then the whole validation
    python tools/course.py lab                     open JupyterLab at the first notebook

Generated cells are found by their tags: `course-header`, `course-footer`, `course-inherited`.
A code cell tagged `keep:NAME` hands its code on to every later notebook: the inherited cell of
a notebook is the latest `keep:NAME` block of each NAME from the notebooks before it, in the
order the names first appeared.
"""
import hashlib
import os
import re
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
MANIFEST = tomllib.loads((ROOT / "course.toml").read_text())
VIDEO = MANIFEST["video"]
REPO, BRANCH = MANIFEST["course"]["repository"], MANIFEST["course"]["branch"]
TABLE_START, TABLE_END = "<!-- chapters:start -->", "<!-- chapters:end -->"
SYNC_HINT = "run `make sync` to regenerate it"


def seconds(hms):
    h, m, s = (int(part) for part in hms.split(":"))
    return 3600 * h + 60 * m + s


def hms(total):
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def video_url(t):
    return f"https://youtube.com/watch?v={VIDEO['id']}&t={t}s"


def timecode(t):
    """The link every section heading carries: `[▶ 00:24:58](https://...&t=1498s)`."""
    return f"[▶ {hms(t)}]({video_url(t)})"


TIMECODE = re.compile(r"\[▶ (\d\d:\d\d:\d\d)\]\(https://youtube\.com/watch\?v=([\w-]+)&t=(\d+)s\)")
ANY_VIDEO_LINK = re.compile(r"\]\([^)]*(?:youtube\.com|youtu\.be)[^)]*\)")


def timecodes(text):
    """The seconds of every video link in `text`; ValueError naming the first malformed one."""
    found = TIMECODE.findall(text)
    if len(found) != len(ANY_VIDEO_LINK.findall(text)):
        raise ValueError(f"a video link is not of the form {timecode(1498)}")
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


def read(nb):
    return nbformat.read(nb.path, as_version=4)


def python_ast(source):
    """A code cell's source parsed as Python, IPython magics (`%config ...`) left out."""
    import ast
    return ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%")))


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def source_hash(cell):
    return hashlib.sha1(cell.source.encode()).hexdigest()[:12]


# ---------------------------------------------------------------- generated parts

def navigation(nb, notebooks):
    existing = [n for n in notebooks if n.exists()]
    i = existing.index(nb)
    parts = []
    if i > 0:
        parts.append(f"[◀ {existing[i - 1].name}]({existing[i - 1].file})")
    parts.append("[Contents](../README.md#chapters)")
    if i + 1 < len(existing):
        parts.append(f"[{existing[i + 1].name} ▶]({existing[i + 1].file})")
    return " | ".join(parts)


def header(nb, notebooks):
    path = f"notebooks/{nb.file}"
    colab = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/{path}"
    binder = f"https://mybinder.org/v2/gh/{REPO}/{BRANCH}?labpath={path.replace('/', '%2F')}"
    chapters = "\n".join(f"- {timecode(t)} {title}" for t, title in nb.chapters)
    return (
        "<!-- Generated from course.toml by `make sync`: edit there, not here. -->\n"
        f"[Open in Colab]({colab}) · [Launch on Binder]({binder}) · "
        f"[Study notes](../{nb.notes}) · [Contents](../README.md#chapters)\n\n"
        f"# {nb.name} {timecode(nb.start)}\n\n"
        f"*{VIDEO['title']}*, the parts of the lecture this notebook follows:\n\n"
        f"{chapters}\n\n"
        f"{navigation(nb, notebooks)}"
    )


def footer(nb, notebooks):
    return (
        "<!-- Generated from course.toml by `make sync`. -->\n"
        f"{navigation(nb, notebooks)}"
    )


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


def inherited(nb, notebooks):
    blocks = kept_blocks(notebooks, nb)
    if not blocks:
        return None
    before = [n for n in notebooks if n.number < nb.number and n.exists()]
    span = f"{before[0].number:02d}" if len(before) == 1 else f"{before[0].number:02d}–{before[-1].number:02d}"
    intro = (f"# Code carried over from notebook{'s' if len(before) > 1 else ''} {span}: run this cell first.\n"
             "# (Generated by `make sync` from the cells tagged keep:… in earlier notebooks.)\n")
    return intro + "\n\n\n".join(blocks.values())


def expected_cells(nb, notebooks):
    return {
        "course-header": header(nb, notebooks),
        "course-footer": footer(nb, notebooks),
        "course-inherited": inherited(nb, notebooks),
    }


def chapter_table(notebooks):
    rows = ["| time | chapter | notebook | study notes |", "| --- | --- | --- | --- |"]
    for nb in notebooks:
        for t, title in nb.chapters:
            where = f"[{nb.name}](notebooks/{nb.file})" if nb.exists() else f"{nb.name} *(coming)*"
            notes = f"[notes]({nb.notes})" if (ROOT / nb.notes).exists() else "–"
            rows.append(f"| {timecode(t)} | {title} | {where} | {notes} |")
    return "\n".join(rows)


def stale(notebooks=None, fix=False):
    """Generated parts that differ from what course.toml and the keep: cells say; fix them if asked."""
    everything = course()
    problems = []
    for nb in notebooks or [n for n in everything if n.exists()]:
        book = read(nb)
        want = expected_cells(nb, everything)
        changed = False
        for tag, text in want.items():
            cells = [c for c in book.cells if tag in tags(c)]
            if text is None and not cells:
                continue
            if len(cells) != 1 or cells[0].source != text:
                problems.append(f"notebooks/{nb.file}: the {tag} cell is missing or stale; {SYNC_HINT}")
                if fix:
                    install(book, tag, text)
                    changed = True
        if changed:
            nbformat.write(book, nb.path)
    table = chapter_table(everything)
    text = README.read_text() if README.exists() else ""
    if TABLE_START not in text or text.split(TABLE_START)[1].split(TABLE_END)[0].strip() != table:
        problems.append(f"README.md: the chapter table is stale; {SYNC_HINT}")
        if fix and TABLE_START in text:
            head, rest = text.split(TABLE_START)
            README.write_text(f"{head}{TABLE_START}\n{table}\n{TABLE_END}{rest.split(TABLE_END)[1]}")
    return problems


def install(book, tag, text):
    cells = [c for c in book.cells if tag in tags(c)]
    for extra in cells[1:]:
        book.cells.remove(extra)
    if text is None:
        if cells:
            book.cells.remove(cells[0])
        return
    if cells:
        cells[0].source = text
        return
    if tag == "course-inherited":
        # after the introduction: before the first code cell or section heading, whichever is first
        cell = nbformat.v4.new_code_cell(text, metadata={"tags": [tag]})
        first = next((i for i, c in enumerate(book.cells) if c.cell_type == "code" or (
            headings(c.source) and "course-header" not in tags(c))), len(book.cells))
        book.cells.insert(first, cell)
    else:
        cell = nbformat.v4.new_markdown_cell(text, metadata={"tags": [tag]})
        book.cells.insert(0 if tag == "course-header" else len(book.cells), cell)
    cell["id"] = tag


def pick(args):
    everything = course()
    if not args:
        return [n for n in everything if n.exists()]
    wanted = {Path(a).name for a in args}
    unknown = wanted - {n.file for n in everything}
    if unknown:
        sys.exit(f"not in course.toml: {', '.join(sorted(unknown))}")
    return [n for n in everything if n.file in wanted]


# ---------------------------------------------------------------- execution

def run(path, save=True):
    """Execute one notebook in a fresh kernel, as nbval will; return seconds taken and the slowest cell."""
    from datetime import datetime
    from nbclient import NotebookClient
    book = nbformat.read(path, as_version=4)
    began = time.perf_counter()
    NotebookClient(book, timeout=600, kernel_name="python3", record_timing=not save,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    took = time.perf_counter() - began
    slowest = (0.0, "")
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata["source_hash"] = source_hash(cell)
        stamps = cell.metadata.pop("execution", {})
        if "shell.execute_reply" in stamps:
            spent = (datetime.fromisoformat(stamps["shell.execute_reply"].rstrip("Z"))
                     - datetime.fromisoformat(stamps["iopub.execute_input"].rstrip("Z"))).total_seconds()
            first = next((l for l in cell.source.splitlines() if l.strip() and not l.startswith("#")), "")
            where = "inherited cell" if "course-inherited" in tags(cell) else first[:50]
            slowest = max(slowest, (spent, where))
    if save:
        nbformat.write(book, path)
    return took, slowest


def kernel_environment():
    # The kernel must be this environment's Python: put it first on PATH for jupyter_client.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    # A fixed date in matplotlib's SVG metadata, so that re-executing changes no stored byte.
    os.environ["SOURCE_DATE_EPOCH"] = "0"


def execute(notebooks, save=True):
    kernel_environment()
    paths = [nb.path for nb in notebooks]
    with ProcessPoolExecutor(max_workers=2 if save else 1) as pool:
        for path, (took, _) in zip(paths, pool.map(run, paths, [save] * len(paths))):
            print(f"{took:6.1f} s  notebooks/{path.name}", flush=True)


def bench():
    notebooks = pick([])
    kernel_environment()
    print("Executing each notebook alone, one at a time (nothing is saved):")
    times = {nb.file: run(nb.path, save=False) for nb in notebooks}
    for file, (took, (spent, line)) in sorted(times.items(), key=lambda kv: -kv[1][0]):
        print(f"{took:6.1f} s  {file:45} slowest cell {spent:4.1f} s: {line}")
    print(f"{sum(t for t, _ in times.values()):6.1f} s  all notebooks, one after another "
          "(each also pays about 1 s to start its kernel)")
    print("\nThe whole validation, as `make test` runs it (target: 60 s warm on 2 cores):")
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadscope",
                    "--durations=5"], cwd=ROOT, check=False)
    print(f"{time.perf_counter() - began:6.1f} s  make test (wall clock)")


def lab():
    first = course()[0].path.relative_to(ROOT)
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    os.execvp("jupyter", ["jupyter", "lab", *root, str(first)])


def main(argv):
    command, args = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "sync":
        for line in stale(pick(args), fix=True):
            print("updated", line.split(";")[0])
    elif command == "check":
        problems = stale()
        print("\n".join(problems) or "all generated parts are up to date")
        return 1 if problems else 0
    elif command == "execute":
        execute(pick(args))
    elif command == "bench":
        bench()
    elif command == "lab":
        lab()
    else:
        print(__doc__)
        return 0 if command == "help" else 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
