"""Build the course site: one page per notebook (its stored outputs, nothing re-executed) and per
study-notes file, an index with the chapter table, search, the video docked alongside, print styles.

    python tools/site.py            build it in build/site/ (make site)
    python tools/site.py serve      serve it at http://localhost:8000/ (make site-serve)

It stages what Sphinx reads in build/site-src/: the index (site/index.md with the chapter table
from course.toml), the notebooks and notes that exist, img/. The changes to them: the link
"Contents" (`../README.md#chapters`) leads to the index's table, and the link to notes not yet
written says *(coming)*. Files are rewritten only when
they change, so a second build redoes only what changed. Sphinx's settings: site/conf.py; the
site's own Sphinx extension: tools/site_sphinx.py; the sections for search: tools/search.py.
"""
import hashlib
import subprocess
import sys
import time
from pathlib import Path

from course import ROOT, course
from sync import chapter_table  # the README's table, on the index page too

SITE = ROOT / "site"
BUILD = ROOT / "build"
SOURCE, OUTPUT, DOCTREES = BUILD / "site-src", BUILD / "site", BUILD / "site-doctrees"
CONTENTS_LINK = ("../README.md#chapters", "../index.md#chapters")
PORT = 8000
CODE = ["course.py", "search.py", "site.py", "site_sphinx.py", "sync.py"]


def index_page(notebooks):
    def toctree(caption, docs):
        return "```{toctree}\n:hidden:\n:caption: " + caption + "\n\n" + "\n".join(docs) + "\n```\n"

    written = [nb for nb in notebooks if nb.exists()]
    notes = [nb.notes for nb in notebooks if (ROOT / nb.notes).exists()]
    text = (SITE / "index.md").read_text().replace("<!-- chapters -->", chapter_table(notebooks))
    return (text + "\n" + toctree("Notebooks", [f"notebooks/{Path(nb.file).stem}" for nb in written])
            + "\n" + toctree("Study notes", [str(Path(n).with_suffix("")) for n in notes]))


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
            wanted[SOURCE / "notebooks" / nb.file] = text
        if notes.exists():
            wanted[SOURCE / nb.notes] = notes.read_text().replace(*CONTENTS_LINK)
    for figure in sorted((ROOT / "img").glob("*")):
        wanted[SOURCE / "img" / figure.name] = figure.read_bytes()
    for old in SOURCE.rglob("*") if SOURCE.exists() else []:
        if old.is_file() and old not in wanted:
            old.unlink()
    return sum(put(path, content) for path, content in wanted.items()), len(wanted)


def fingerprint():
    """What the site's own code looks like: a change to it rebuilds every page."""
    parts = sorted(SITE.rglob("*")) + [ROOT / "tools" / name for name in CODE]
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
