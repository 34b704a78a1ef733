"""Every page of the built site, in Chromium with the network blocked; search; watch alongside
(with a stand-in for YouTube's player API); print."""
import json
import re
import sys
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ARTIFACTS, ROOT, SITE

sys.path.insert(0, str(ROOT / "tools"))
from search import words  # noqa: E402

PAGES = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html") if "_static" not in p.parts)
CONTENT = [p for p in PAGES if p.startswith(("notebooks/", "transcript/"))]
QUERIES = ["tanh", "topological sort", "chain rule", "zero grad", "learning rate", "radd", "PyTorch",
           "recursion limit"]
API = "https://www.youtube.com/iframe_api"

# A stand-in for YouTube's iframe API: records seekTo, reports the time the test sets.
FAKE_API = """
window.__fake = {seeks: [], time: 0, state: -1, ready: false};
window.YT = {PlayerState: {PLAYING: 1, PAUSED: 2}, Player: function (id, options) {
  const box = document.getElementById(id);
  box.textContent = "stand-in player";
  box.style.cssText += "background: #222; color: #eee; display: flex; align-items: center; justify-content: center";
  this.seekTo = function (t) { __fake.seeks.push(t); __fake.time = t; };
  this.playVideo = function () { __fake.state = 1; };
  this.pauseVideo = function () { __fake.state = 2; };
  __fake.rate = 1;
  this.setPlaybackRate = function (r) { __fake.rate = r; };
  this.getPlaybackRate = function () { return __fake.rate; };
  this.getCurrentTime = function () { return __fake.time; };
  this.getPlayerState = function () { return __fake.state; };
  this.destroy = function () {};
  const self = this;
  setTimeout(function () { __fake.ready = true; options.events.onReady({target: self}); }, 10);
}};
if (window.onYouTubeIframeAPIReady) window.onYouTubeIframeAPIReady();
"""


def typeset(page):
    """Wait until MathJax has typeset the page (when it has formulas)."""
    if page.evaluate("document.querySelector('.math') !== null"):
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")


@pytest.mark.parametrize("path", PAGES)
def test_page(watched, path):
    page = watched.open(path)
    typeset(page)
    report = page.evaluate("""() => {
      const article = document.querySelector('article.bd-article') || document.body;
      const box = article.getBoundingClientRect();
      const text = article.cloneNode(true);
      text.querySelectorAll('pre, code, mjx-container, script, .highlight').forEach(e => e.remove());
      return {
        width: box.width,
        maths: [...document.querySelectorAll('.math')].length,
        untypeset: [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60)),
        raw: (text.textContent.match(/.{0,30}(\\$|\\\\\\(|\\\\frac).{0,30}/g) || []),
        images: [...article.querySelectorAll('img')].map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0,
                 width: i.getBoundingClientRect().width, right: i.getBoundingClientRect().right - box.right})),
        open: [...article.querySelectorAll('details')].filter(d => d.open).length,
        details: [...article.querySelectorAll('details')].length,
        summaries: [...article.querySelectorAll('details > summary')].length,
      };
    }""")
    assert not watched.errors, f"console errors on {path}: {watched.errors}"
    assert not watched.external, f"{path} asked the internet for {watched.external}"
    assert not watched.failed, f"{path}: requests failed: {watched.failed}"
    assert not report["untypeset"], f"{path}: formulas left untypeset: {report['untypeset']}"
    assert not report["raw"], f"{path}: raw TeX in the text: {report['raw']}"
    for image in report["images"]:
        assert image["ok"], f"{path}: image {image['src']} did not load"
        assert image["width"] <= report["width"] + 1 and image["right"] <= 1, f"{path}: {image} wider than the page"
    assert report["open"] == 0, f"{path}: {report['open']} answers shown unfolded"
    assert report["summaries"] == report["details"]
    if path.startswith("notebooks/"):
        assert report["details"] >= 1, f"{path}: no folded answers"
        assert any(".svg" in i["src"] or ".png" in i["src"] for i in report["images"]) or path.startswith(("notebooks/01", "notebooks/09", "notebooks/13")), \
            f"{path}: no graph or plot"


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links, self.fetched = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("src", "href"):
            if tag in ("script", "link", "img", "iframe", "source") and (attrs.get(name) or "").startswith(("http:", "https:", "//")):
                self.fetched.append(attrs[name])


def parsed(path):
    parser = Links()
    parser.feed(path.read_text())
    return parser


def script_links():
    """The addresses the site's scripts open, relative to its root (where index.html is): each
    section and each study-notes line in _static/sections.js (the dock, search, continue)."""
    text = (SITE / "_static" / "sections.js").read_text()
    return [entry["u"] for name in ("COURSE_SECTIONS", "COURSE_NOTES")
            for entry in json.loads(re.search(rf"^window\.{name} = (.*);$", text, re.M)[1])]


def test_internal_links_resolve():
    pages = {p: parsed(SITE / p) for p in PAGES}
    for path, parser in pages.items():
        assert not parser.fetched, f"{path} loads from the internet: {parser.fetched}"
    links = [(path, href) for path, parser in pages.items() for href in parser.links]
    broken = broken_links(links + [("index.html", href) for href in script_links()], pages)
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_planted_notes_line_to_a_missing_section_is_caught():
    page, _, section = script_links()[-1].partition("#")
    assert broken_links([("index.html", f"{page}#no-{section}")], {}), "a link to no section passes"


def broken_links(links, pages):
    """The (page, href) links that lead nowhere: no such file, or no such anchor in it."""
    broken = []
    for path, href in links:
        parts = urlsplit(href)
        if parts.scheme or href.startswith(("mailto:", "javascript:")):
            continue
        target = (SITE / path).parent / unquote(parts.path) if parts.path else SITE / path
        target = target.resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            broken.append(f"{path}: {href}")
        elif parts.fragment and target.suffix == ".html":
            rel = target.relative_to(SITE.resolve()).as_posix()
            ids = pages[rel].ids if rel in pages else parsed(target).ids
            if parts.fragment not in ids:
                broken.append(f"{path}: {href} (no such anchor)")
        if parts.path.endswith((".ipynb", ".md")) and "_sources" not in parts.path:
            broken.append(f"{path}: {href} (a source file, not a page)")
    return broken


def test_every_notebook_and_notes_file_has_a_page():
    from course import course
    for nb in course():
        if nb.exists():
            assert f"notebooks/{nb.path.stem}.html" in PAGES
        if (ROOT / nb.notes).exists():
            assert nb.notes.replace(".md", ".html") in PAGES


@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_the_moment(watched, query):
    page = watched.open(f"search.html?q={query}")
    page.wait_for_selector("#course-moments li", timeout=10000)
    first = page.locator("#course-moments li").first
    assert re.search(r"▶\s\d\d:\d\d:\d\d", first.inner_text())
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0", timeout=15000)
    first.locator("a:not(.moment-time)").click()
    page.wait_for_load_state("load")
    anchor = urlsplit(page.url).fragment
    section = page.locator(f"[id='{anchor}']")
    assert section.count() == 1, f"the hit for {query!r} leads to no section ({page.url})"
    heading = section.locator("h1, h2, h3").first
    further = section.evaluate("s => s.closest('section.going-further') !== null")
    assert further or re.search(r"▶\s\d\d:\d\d:\d\d", heading.inner_text()), (
        "the section's heading shows no video time, and it is not marked as going beyond the lecture")
    said = words(section.inner_text())
    for term in words(query).split():
        assert re.search(r"\b" + term, said), f"the section found for {query!r} does not say {term!r}"
    assert not watched.external and not watched.errors


# Issue 16: sections beyond the lecture ("Going further: ...") carry no ▶ and are marked as such.
HEADINGS = """() => [...document.querySelectorAll('article.bd-article section > h2, article.bd-article section > h3')]
  .map(h => {
    const label = h.querySelector('.going-further-label');
    return {text: h.innerText, timed: h.querySelector("a[href*='youtube.com/watch']") !== null,
            further: h.parentElement.closest('section.going-further') !== null,
            own: h.parentElement.classList.contains('going-further'),
            label: label ? {text: label.innerText, shown: label.getBoundingClientRect().width > 0,
                            hidden: label.closest('[aria-hidden=true]') !== null} : null};
  })"""


def heading_faults(path, report):
    """What is wrong with a page's headings: a lecture heading without its ▶, a Going further one with
    one, or a Going further section whose label is not shown, or not read out."""
    faults = []
    for h in report:
        if h["timed"] == h["further"]:
            faults.append(f"{path}: heading {h['text']!r} " + ("goes further but links the video" if h["timed"]
                                                              else "has no ▶ time and is not marked Going further"))
        if h["own"] and not (h["label"] and h["label"]["shown"] and not h["label"]["hidden"]
                             and h["label"]["text"].strip().lower() == "going further"):
            faults.append(f"{path}: the Going further heading {h['text']!r} shows no label a screen reader reads")
    return faults


def test_every_heading_has_its_moment_or_says_it_goes_further(watched):
    marked = 0
    for path in [p for p in PAGES if p.startswith("notebooks/")]:
        report = watched.open(path).evaluate(HEADINGS)
        assert not heading_faults(path, report), "\n".join(heading_faults(path, report))
        marked += sum(h["own"] for h in report)
    assert marked, "no notebook page has a Going further section: the check saw nothing"


def test_planted_heading_defects_are_caught(watched):
    """A lecture heading that lost its ▶, a Going further heading given one, a label hidden from
    screen readers: each, planted in the page, is reported."""
    page = watched.open("notebooks/07-backward-whole-graph.html")
    assert not heading_faults("07", page.evaluate(HEADINGS))
    plants = {
        "has no ▶ time": "document.querySelector(\"section > h3 a[href*='youtube.com/watch']\").remove()",
        "goes further but links the video": "document.querySelector('section.going-further > h3').append("
                                            "Object.assign(document.createElement('a'), {href: "
                                            "'https://youtube.com/watch?v=VMj-3S1tku0&t=4942s', textContent: 'x'}))",
        "no label a screen reader reads": "document.querySelector('.going-further-label').setAttribute('aria-hidden', 'true')",
    }
    for expected, plant in plants.items():
        page = watched.open("notebooks/07-backward-whole-graph.html")
        page.evaluate(plant)
        found = heading_faults("07", page.evaluate(HEADINGS))
        assert any(expected in f for f in found), f"planted {expected!r} not caught: {found}"


def heading_link(page, anchor):
    return page.locator(f"section[id='{anchor}'] > h2 a[href*='youtube.com/watch']").first


def test_watch_alongside_seeks_and_follows(watched):
    watched.fakes[API] = FAKE_API
    page = watched.open("notebooks/03-value-object.html")
    typeset(page)
    assert not watched.external, "the page asked the internet before the video was docked"
    page.click("#watch-toggle")
    page.wait_for_function("window.__fake && __fake.ready")
    assert page.locator("#watch-dock").is_visible()

    link = heading_link(page, "visualizing-the-expression-graph")
    link.click()
    assert page.evaluate("__fake.seeks") == [1494], "clicking ▶ 00:24:58 did not seek the docked player"
    assert len(watched.context.pages) == 1 and "03-value-object" in page.url, "the ▶ link left the page"

    # The video plays on at 00:28:20: the section that starts at 00:28:11 is the one highlighted.
    page.evaluate("__fake.time = 1700; __fake.state = 1")
    page.wait_for_selector("section.watch-now[id='one-layer-deeper-f-and-l']", timeout=3000)
    assert page.locator("section.watch-now").count() == 1
    page.evaluate("__fake.time = 1150")
    page.wait_for_selector("section.watch-now[id='from-derivatives-to-a-data-structure']", timeout=3000)

    # Follow: the page scrolls to the section the video reaches.
    page.check(".watch-follow")
    page.evaluate("__fake.time = 1860")
    page.wait_for_selector("section.watch-now[id='a-slot-for-the-gradient-grad']", timeout=3000)
    page.wait_for_function("Math.abs(document.querySelector(\"section[id='a-slot-for-the-gradient-grad'] h2\")"
                           ".getBoundingClientRect().top) < 200", timeout=5000)

    # Above instead of beside; and the dock comes back on the next page.
    page.click(".watch-layout")
    assert page.evaluate("document.body.classList.contains('watch-above')")
    page.click(".watch-layout")
    page.uncheck(".watch-follow")
    page.evaluate("__fake.time = 1700")
    page.wait_for_selector("section.watch-now[id='one-layer-deeper-f-and-l']", timeout=3000)
    page.evaluate("document.querySelector(\"section[id='labels-giving-each-value-a-name'] h2\").scrollIntoView()")
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "watch-alongside.png"))
    watched.open("notebooks/04-manual-backprop-expression.html")
    page.wait_for_function("window.__fake && __fake.ready")
    assert not watched.errors and watched.external == []


def test_watch_alongside_offline(watched):
    page = watched.open("notebooks/03-value-object.html")
    page.click("#watch-toggle")
    page.wait_for_selector(".watch-message:has-text('internet')", timeout=20000)
    assert watched.external == [API]
    typeset(page)  # everything else still works
    assert page.locator("details").count() >= 1


def test_watch_alongside_from_a_file(watched):
    page = watched.open((SITE / "notebooks" / "03-value-object.html").as_uri())
    page.click("#watch-toggle")
    page.wait_for_selector(".watch-message:has-text('make site-serve')")
    assert not watched.external


def test_print(watched):
    page = watched.open("notebooks/05-manual-backprop-neuron.html")
    typeset(page)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    shown = page.evaluate("""() => ['.bd-sidebar-primary', '.bd-sidebar-secondary', '.bd-header', '.watch-bar']
      .filter(s => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== 'none'; })""")
    assert not shown, f"printed too: {shown}"
    too_wide = page.evaluate("""() => [...document.querySelectorAll('article img')]
      .filter(i => i.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(i => i.src)""")
    assert not too_wide, f"wider than the page: {too_wide}"
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "05-manual-backprop-neuron.pdf"), format="A4")



# Issue 18: pictures described. What a learner does with the dock, on a phone and in search is in
# test_learner.py.

class Pictures(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def graph_labels(svg):
    """The name of each value a graph shows: the first line of each record node (not an operation)."""
    labels = []
    for node in re.findall(r'<g id="node\d+" class="node">(.*?)</g>', svg, re.S):
        title = re.search(r"<title>(.*?)</title>", node)[1]
        texts = [unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", node)]
        if title.endswith("_op") or not texts or texts[0].startswith(("data ", "grad ")):
            continue
        labels.append(texts[0].split(": ", 1)[-1].split(" = ")[0])
    return labels


def picture_problems(page_path, images):
    """What is wrong with the text alternatives of a page's pictures."""
    found = []
    for image in images:
        alt, src = (image.get("alt") or "").strip(), image.get("src", "")
        if not alt:
            found.append(f"{src}: no text alternative")
            continue
        if re.search(r"(\.svg|\.png|\.jpe?g)\b|_images/|^\.\./", alt):
            found.append(f"{src}: the text alternative is a file path: {alt[:60]}")
        target = (SITE / page_path).parent / src
        if src.endswith(".svg") and target.exists():
            svg = target.read_text()
            if 'class="graph"' in svg:
                missing = [label for label in graph_labels(svg) if not re.search(r"(?<![\w])" + re.escape(label) + r"(?![\w])", alt)]
                if missing:
                    found.append(f"{src}: the text alternative does not name {missing}")
    return found


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith(("notebooks/", "transcript/", "exercises/"))])
def test_pictures_say_what_they_show(path):
    parser = Pictures()
    parser.feed((SITE / path).read_text())
    assert not picture_problems(path, parser.images), picture_problems(path, parser.images)


def test_planted_picture_defects_are_caught():
    parser = Pictures()
    parser.feed((SITE / "notebooks/04-manual-backprop-expression.html").read_text())
    graph = next(i for i in parser.images if i["src"].endswith(".svg"))
    path = "notebooks/04-manual-backprop-expression.html"
    assert picture_problems(path, [{**graph, "alt": graph["src"]}]), "an alt that is the path passes"
    assert picture_problems(path, [{**graph, "alt": ""}]), "a missing alt passes"
    label = graph_labels((SITE / "notebooks" / graph["src"]).read_text())[0]
    without = re.sub(r"(?<![\w])" + re.escape(label) + r"(?![\w])", "it", graph["alt"])
    assert picture_problems(path, [{**graph, "alt": without}]), f"an alt without {label!r} passes"
