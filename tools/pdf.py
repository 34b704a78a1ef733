"""Print the course as A4 handouts, from the built site, with headless Chromium.

    python tools/pdf.py             every notebook and study-notes file (make pdf)
    python tools/pdf.py 05 07       only those chapters: notebook and notes (make pdf NB="05 07")

writes build/pdf/NN-name.pdf for each notebook, build/pdf/NN-name-notes.pdf for its study notes,
and, when every chapter was printed, build/pdf/course.pdf: the whole course in one file
(notebook then notes, chapter by chapter; joined with poppler's pdfunite).

A handout is the page as the site prints it (site/_static/print.css and handout.js): no sidebars
or buttons, the first code cell left out with one line saying where it is, short code blocks and
pictures kept whole on a page, the answers to the questions in an appendix at the end, and a
footer with the title and page number. Needs `make site` first (make pdf does it) and Chromium
(/usr/bin/chromium, or CHROMIUM=...). tests/browser/test_pdf.py reads the PDFs.
"""
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from course import ROOT, course

SITE = ROOT / "build" / "site"
PDF = ROOT / "build" / "pdf"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
A4 = {"width": 794, "height": 1123}  # px at 96 dpi
FOOTER = ('<div style="font-size:8px;width:100%;margin:0 14mm;display:flex;justify-content:space-between;'
          'color:#555;font-family:sans-serif"><span>{title}</span>'
          '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


def handouts(chosen=()):
    """(page of the site, PDF to write, short title) for each chapter asked for, in course order."""
    found = []
    for nb in course():
        if chosen and not any(nb.file.startswith(c) for c in chosen):
            continue
        stem = Path(nb.file).stem
        if nb.exists() and (SITE / "notebooks" / f"{stem}.html").exists():
            found.append((f"notebooks/{stem}.html", PDF / f"{stem}.pdf", f"{nb.number:02d} · {nb.title}"))
        notes = Path(nb.notes).with_suffix(".html")
        if (SITE / notes).exists():
            found.append((notes.as_posix(), PDF / f"{Path(nb.notes).stem}-notes.pdf",
                          f"{nb.number:02d} · {nb.title}: study notes"))
    return found


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def pages_in(path):
    """How many pages a PDF has."""
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        found = re.search(r"^Pages:\s+(\d+)", info, re.M)
        if found:
            return int(found[1])
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes()))


def print_page(browser, base, page_path, target, title, plant=None):
    """Print one page of the site to `target`. `plant` (for the tests' planted defects): {"css": ...}
    to add last, {"js": ...} to run last, {"handout": False} to print without handout.js."""
    context = browser.new_context(viewport=A4)
    # Only the local site: a handout never waits for the internet.
    plant = plant or {}
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                  else route.abort())
    if not plant.get("handout", True):  # a planted defect: the page as printed without handout.js
        context.route("**/_static/handout.js*", lambda route: route.fulfill(body="", content_type="text/javascript"))
    page = context.new_page()
    page.goto(f"{base}/{page_path}")
    page.wait_for_load_state("load")
    if page.evaluate("document.querySelector('.math') !== null"):
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")
    page.emulate_media(media="print")
    if plant.get("handout", True):
        page.evaluate("window.__courseKeepHandout = true; window.courseHandout && courseHandout()")
    if plant.get("css"):
        page.add_style_tag(content=plant["css"])
    if plant.get("js"):
        page.evaluate(plant["js"])
    safe = title.replace("&", "&amp;").replace("<", "&lt;")
    page.pdf(path=str(target), format="A4", print_background=True, display_header_footer=True,
             header_template="<span></span>", footer_template=FOOTER.format(title=safe),
             margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
    context.close()


def main(args):
    if not (SITE / "index.html").exists():
        sys.exit("No site to print: run `make site` first (make pdf does).")
    if not Path(CHROMIUM).exists():
        sys.exit(f"No Chromium at {CHROMIUM}: apt-get install chromium (or set CHROMIUM=...).")
    from playwright.sync_api import sync_playwright
    started = time.monotonic()
    chosen = handouts(args)
    if not chosen:
        sys.exit(f"No chapter matches {' '.join(args)!r}: give notebook numbers such as 05.")
    PDF.mkdir(parents=True, exist_ok=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            for page_path, target, title in chosen:
                print_page(browser, base, page_path, target, title)
                print(f"{target.relative_to(ROOT)}: {pages_in(target)} pages", flush=True)
            browser.close()
    finally:
        httpd.shutdown()
    if not args:
        whole = PDF / "course.pdf"
        if shutil.which("pdfunite"):
            subprocess.run(["pdfunite", *[str(t) for _, t, _ in chosen], str(whole)], check=True)
            print(f"{whole.relative_to(ROOT)}: the whole course, {pages_in(whole)} pages")
        else:
            print("(pdfunite not found, so no course.pdf: apt-get install poppler-utils)")
    print(f"Printed {len(chosen)} handouts in {time.monotonic() - started:.0f} s: {PDF.relative_to(ROOT)}/")


if __name__ == "__main__":
    main(sys.argv[1:])
