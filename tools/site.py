"""Build the course site: one page per notebook (its stored outputs, nothing re-executed) and per
study-notes file, an index with the chapter table, search, the video docked alongside, print styles.

    python tools/site.py            build it in build/site/ (make site)
    python tools/site.py serve      serve it at http://localhost:8000/ (make site-serve)

It stages what Sphinx reads in build/site-src/: the index (site/index.md with the chapter table
from course.toml, and the exercises table), the notebooks and notes that exist, the students'
versions of the exercises (exercises/: never the teacher's; the one link to the worked solutions,
at the end of each, leads to the teacher's version on GitHub), img/. The changes to them: the link
"Contents" (`../README.md#chapters`) leads to the index's table, the link to notes not yet
written says *(coming)*, and the first code cell (tag `course-inherited`, the code carried over
from the earlier notebooks) is folded behind one line, and left out of print with one line saying
where it is. Files are rewritten only when
they change, so a second build redoes only what changed. Sphinx's settings: site/conf.py; the
site's own Sphinx extension: tools/site_sphinx.py; the sections for search: tools/search.py.
"""
import hashlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from course import ROOT, course, exercises
from sync import REPOSITORY_URL, chapter_table, exercise_table, solutions_path  # the README's tables, on the index page too

SITE = ROOT / "site"
BUILD = ROOT / "build"
SOURCE, OUTPUT, DOCTREES = BUILD / "site-src", BUILD / "site", BUILD / "site-doctrees"
CONTENTS_LINK = ("../README.md#chapters", "../index.md#chapters")
EXERCISES_LINK = ("../README.md#exercises", "../index.md#exercises")
EXERCISES_SECTION = """
(exercises)=
## Exercises

Exercises to do in code, one notebook for each part of the course, each exercise with a check
that says whether your answer is right and, if not, gives a hint. Download a notebook (the button
top right) or open it in Colab or Binder from its first line, and work through it. The worked
solutions are linked only at the very end of each exercise notebook: try every exercise first.

"""
PORT = 8000
CODE = ["course.py", "search.py", "site.py", "site_run.py", "site_sphinx.py", "sync.py"]


def index_page(notebooks):
    def toctree(caption, docs):
        return "```{toctree}\n:hidden:\n:caption: " + caption + "\n\n" + "\n".join(docs) + "\n```\n"

    written = [nb for nb in notebooks if nb.exists()]
    notes = [nb.notes for nb in notebooks if (ROOT / nb.notes).exists()]
    text = (SITE / "index.md").read_text().replace("<!-- chapters -->", chapter_table(notebooks))
    practice = [ex for ex in exercises() if ex.exists()]
    return (text + "\n" + EXERCISES_SECTION + exercise_table() + "\n\n"
            + toctree("Notebooks", [f"notebooks/{Path(nb.file).stem}" for nb in written])
            + "\n" + toctree("Study notes", [str(Path(n).with_suffix("")) for n in notes])
            + "\n" + toctree("Exercises", [f"exercises/{ex.id}" for ex in practice]))


def fold_inherited(text):
    """The notebook's JSON with its inherited-code cell folded behind one line (myst-nb's
    `hide-input`, with our own words) and, before it, a line shown only in print."""
    book = json.loads(text)
    for i, cell in enumerate(book["cells"]):
        if "course-inherited" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            first = source.splitlines()[0] if source else ""
            earlier = re.search(r"notebooks? ([\d–-]+)", first)
            whence = f"notebook{'s' if '–' in earlier[1] else ''} {earlier[1]}" if earlier else "the earlier notebooks"
            lines = len(source.splitlines())
            cell["metadata"]["tags"] = cell["metadata"]["tags"] + ["hide-input"]
            cell["metadata"]["mystnb"] = {
                "code_prompt_show": f"Code carried over from {whence} ({lines} lines): show it",
                "code_prompt_hide": f"Code carried over from {whence}: hide it"}
            note = {"cell_type": "markdown", "id": f"print-{cell.get('id', i)}", "metadata": {},
                    "source": [f'<p class="course-print-only course-inherited-note">The code carried over from '
                               f"{whence} ({lines} lines) is the notebook's first code cell: open the notebook "
                               "in Jupyter, Colab or Binder and run that cell first.</p>"]}
            book["cells"].insert(i, note)
            break
    return json.dumps(book, ensure_ascii=False, indent=1)


def put(path, content):
    """Write `content` (str or bytes) to `path` unless it is there already; True if written."""
    data = content.encode() if isinstance(content, str) else content
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def stage():
    notebooks = course()
    wanted = {SOURCE / "index.md": index_page(notebooks)}
    for nb in notebooks:
        notes = ROOT / nb.notes
        if nb.exists():
            text = nb.path.read_text().replace(*CONTENTS_LINK)
            if not notes.exists():  # notes not written yet: say so rather than link nowhere
                text = text.replace(f"[Study notes](../{nb.notes})", "Study notes *(coming)*")
            wanted[SOURCE / "notebooks" / nb.file] = fold_inherited(text)
        if notes.exists():
            wanted[SOURCE / nb.notes] = notes.read_text().replace(*CONTENTS_LINK)
    for ex in exercises():  # the students' versions; their last link, to the worked solutions, leads to GitHub
        if ex.exists() and ex.student_path.exists():
            wanted[SOURCE / "exercises" / ex.file] = (ex.student_path.read_text().replace(*EXERCISES_LINK)
                                                      .replace(f"](../{solutions_path(ex)})",
                                                               f"]({REPOSITORY_URL}{solutions_path(ex)})"))
    for figure in sorted((ROOT / "img").glob("*")):
        wanted[SOURCE / "img" / figure.name] = figure.read_bytes()
    for old in SOURCE.rglob("*") if SOURCE.exists() else []:
        if old.is_file() and old not in wanted:
            old.unlink()
    return sum(put(path, content) for path, content in wanted.items()), len(wanted)


def fingerprint():
    """What the site's own code looks like: a change to it rebuilds every page."""
    parts = sorted(p for p in SITE.rglob("*") if "node_modules" not in p.parts) + [ROOT / "tools" / name for name in CODE]
    return hashlib.sha1(b"".join(p.read_bytes() for p in parts if p.is_file())).hexdigest()


def build():
    started = time.monotonic()
    changed, total = stage()
    stamp, now = DOCTREES / "code-fingerprint", fingerprint()
    fresh = not stamp.exists() or stamp.read_text() != now
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "2", "-c", str(SITE),
               "-d", str(DOCTREES), str(SOURCE), str(OUTPUT)] + (["-E"] if fresh else [])
    if subprocess.run(command).returncode:
        sys.exit("The site did not build (Sphinx's message above).")
    stamp.write_text(now)
    print(f"Site built in {time.monotonic() - started:.1f} s ({changed} of {total} sources changed): "
          f"{(OUTPUT / 'index.html').relative_to(ROOT)}\n"
          f"Open it with `make site-serve`, at http://localhost:{PORT}/ (the video plays only over http).")


def serve():
    if not (OUTPUT / "index.html").exists():
        build()
    print(f"Serving the course site at http://localhost:{PORT}/  (Ctrl-C stops it)")
    try:
        subprocess.run([sys.executable, "-m", "http.server", str(PORT), "--bind", "127.0.0.1",
                        "--directory", str(OUTPUT)])
    except KeyboardInterrupt:
        pass


def main(args):
    if args[:1] == ["serve"]:
        serve()
    elif args:
        sys.exit("usage: python tools/site.py [serve]")
    else:
        build()


if __name__ == "__main__":
    main(sys.argv[1:])
