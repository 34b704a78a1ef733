"""What a learner does on the site (issue 18), each as a check that reports what is wrong: the
docked video from the keyboard, ▶ links that never leave the course, the dock coming back only
when the video was playing, its layouts, its keys, links to a moment, "continue where you left
off", the study-notes line in the dock, the picture viewer on a phone, search, underscores under
a link's underline, formulas that are not Tab stops.

Each check runs on the real site (test_learner) and on the site with the defect it is there for
planted (test_planted_defect_is_caught): one of the site's own files served with a line broken,
by `Watched.plant` (conftest.py). A planted defect must be reported, in the words given."""
import io
import re
from urllib.parse import urlsplit

import pytest
from conftest import ARTIFACTS
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_site import API, FAKE_API, heading_link, typeset

PAGE = "notebooks/03-value-object.html"
AT, SECTION, SECTION_TITLE = 1700, "one-layer-deeper-f-and-l", "One layer deeper"  # 00:28:20 is in it
LINK_SECTION, LINK_AT = "visualizing-the-expression-graph", "00:24:54"  # a heading's ▶ link
DESKTOP, PHONE = {"width": 1366, "height": 768}, {"width": 390, "height": 844}
KEYS = {"k": "play or pause", "j": "back 10 s", "l": "forward 10 s", "<": "slower", ">": "faster"}


def waits(page, condition, timeout=3000):
    """True once `condition` (JavaScript) holds, False if it does not within `timeout` ms."""
    try:
        page.wait_for_function(condition, timeout=timeout)
        return True
    except PlaywrightTimeout:
        return False


def docked(watched, path=PAGE):
    """The page with the lecture docked from the keyboard (the stand-in player), or None."""
    watched.fakes[API] = FAKE_API
    page = watched.open(path)
    page.focus("#watch-toggle")
    page.keyboard.press("Enter")
    return page if waits(page, "window.__fake && __fake.ready", 5000) else None


def play(page, t=AT):
    page.evaluate("t => { __fake.time = t; __fake.state = 1; }", t)
    page.wait_for_timeout(700)  # the dock looks at the player twice a second


def said(page):
    box = page.locator("#watch-dock .watch-status")
    return box.inner_text() if box.count() else ""


def screenshot(watched, page, name):
    """For a person to look at (build/site-test/): the real site only, not a planted defect."""
    if watched.planted:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


# The docked video ----------------------------------------------------------------------------

def dock_keyboard(watched):
    """Enter on "Watch alongside" docks the video and moves focus into it; its controls are the
    next Tab stops; what it says is in a live region; Escape closes it and gives focus back."""
    page = docked(watched)
    if page is None:
        return ["the video did not dock from the keyboard"]
    found = []
    if not page.evaluate("document.getElementById('watch-dock').contains(document.activeElement)"):
        found.append("focus stays outside the dock")
    live = page.locator("#watch-dock :is([role=status], [role=alert], [aria-live=polite], [aria-live=assertive])")
    if not live.count() or "docked" not in live.first.inner_text():
        found.append("what the dock says is not in a live region")
    page.focus("#watch-toggle")
    reached = []
    for _ in range(6):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.className || document.activeElement.tagName"))
    if not {"watch-follow", "watch-layout", "watch-share", "watch-close"} <= set(reached):
        found.append(f"the dock's controls are not the next Tab stops after Watch alongside: {reached}")
    page.focus("#watch-dock .watch-follow")
    page.keyboard.press("Escape")
    if page.locator("#watch-dock").count():
        found.append("Escape does not close the dock")
    elif page.evaluate("document.activeElement.id") != "watch-toggle":
        found.append("focus did not return to Watch alongside when the dock closed")
    return found


def time_link(watched):
    """A ▶ link never takes the learner off the course: without the dock (on a page, and among the
    search page's moments) it opens YouTube in a new tab; with the dock while the player loads, it
    starts the video there once it is ready; where the player cannot play (here: offline), it
    opens a new tab; the dock says which."""
    found = []

    def click(page, where, link=None):
        path = urlsplit(page.url).path
        before = len(watched.context.pages)
        (link or heading_link(page, LINK_SECTION)).click()
        page.wait_for_timeout(600)
        tabs = watched.context.pages[before:]
        if urlsplit(page.url).path != path:
            found.append(f"{where}: a ▶ link replaced the course page ({page.url})")
        if not tabs:
            found.append(f"{where}: a ▶ link opened no new tab")
        for tab in tabs:
            tab.close()

    click(watched.open(PAGE), "without the dock")
    page = watched.open("search.html?q=tanh")
    if waits(page, "document.querySelector('#course-moments .moment-time')", 10000):
        click(page, "search", page.locator("#course-moments .moment-time").first)
    else:
        found.append("search: no moments listed for “tanh”")
    watched.fakes[API] = FAKE_API.replace("}, 10);", "}, 1500);")  # a player slow to load
    page = watched.open(PAGE)
    page.click("#watch-toggle")
    heading_link(page, LINK_SECTION).click()
    if urlsplit(page.url).path != "/" + PAGE or len(watched.context.pages) > 1:
        found.append("docked, loading: a ▶ link left the page")
    elif LINK_AT not in said(page):
        found.append(f"docked, loading: the dock does not say the video will start at {LINK_AT}: {said(page)!r}")
    if not waits(page, "window.__fake && __fake.ready", 5000) or page.evaluate("__fake.seeks") != [1494]:
        found.append(f"docked, loading: the video did not start at {LINK_AT} once ready")
    watched.fakes.pop(API)
    page.evaluate("sessionStorage.clear()")  # the video played: the dock would come back by itself
    page = watched.open(PAGE)
    page.click("#watch-toggle")  # the network is blocked: YouTube's player cannot be had
    if not waits(page, "/internet/.test(document.querySelector('#watch-dock .watch-message')?.textContent || '')", 20000):
        return found + ["the dock does not say the video needs the internet"]
    asked = len(watched.external)
    click(page, "docked, offline")
    if not any("youtube.com/watch" in u and "t=1494s" in u for u in watched.external[asked:]):
        found.append("docked, offline: YouTube was not asked for the moment (t=1494s)")
    if not ("new tab" in said(page) and LINK_AT in said(page)):
        found.append(f"docked, offline: the dock does not say the video opened in a new tab at {LINK_AT}: {said(page)!r}")
    return found


def dock_returns(watched):
    """The dock comes back on the next page only when the video was playing there."""
    found = []
    if docked(watched) is None:
        return ["the video did not dock"]
    page = watched.open("notebooks/04-manual-backprop-expression.html")
    page.wait_for_timeout(700)
    if page.locator("#watch-dock").count():
        found.append("the dock came back on the next page though the video was not playing")
    else:
        page.click("#watch-toggle")
    if not waits(page, "window.__fake && __fake.ready", 5000):
        return found + ["the video did not dock"]
    play(page, 2000)
    page = watched.open("notebooks/05-manual-backprop-neuron.html")
    if not waits(page, "window.__fake && __fake.ready && document.getElementById('watch-dock')", 5000):
        found.append("the dock did not come back on the next page though the video was playing")
    return found


LOOK = """() => {
  const dock = document.getElementById('watch-dock'), box = dock.getBoundingClientRect();
  const frame = dock.querySelector('.watch-frame').getBoundingClientRect();
  const button = dock.querySelector('.watch-layout'), text = document.querySelector('.bd-article-container');
  const above = box.left < 2 && box.width >= document.documentElement.clientWidth - 2;
  return {above, bottom: box.bottom, left: box.left, frame: [frame.width, frame.height],
          button: button && button.offsetParent !== null ? button.textContent : null,
          text: text.getBoundingClientRect().top,
          textRight: text.getBoundingClientRect().right, width: window.innerWidth};
}"""


def dock_layout(watched):
    """The dock beside and above the page at 1366 × 768, and on a phone (390 × 844, docked beside
    on the desktop first): the layout button names the other layout, never the one shown (and
    there is none where the dock is always above); the video keeps 16:9; the page's text starts
    below (or left of) the dock."""
    watched.page.set_viewport_size(DESKTOP)
    page = docked(watched)
    if page is None:
        return ["the video did not dock"]
    play(page)
    found = []
    for where in ("beside", "above", "phone"):
        if where == "above" and page.locator(".watch-layout").is_visible():
            page.click(".watch-layout")
        if where == "phone":
            if page.evaluate("document.body.classList.contains('watch-above')"):
                page.click(".watch-layout")  # docked beside on the desktop, then the phone
            page.set_viewport_size(PHONE)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        screenshot(watched, page, f"dock-{where}")
        look = page.evaluate(LOOK)
        shown = "above" if look["above"] else "beside"
        wanted = "Put it beside" if look["above"] else "Put it above"
        if look["button"] is not None and look["button"].strip() != wanted:
            found.append(f"{where}: the dock is {shown} and the layout button says {look['button']!r}")
        if look["button"] is None and look["width"] > 960:
            found.append(f"{where}: no layout button")
        w, h = look["frame"]
        if not h or abs(w / h - 16 / 9) > 0.1:
            found.append(f"{where}: the video is {w:.0f} × {h:.0f}, not 16:9")
        if look["above"] and look["text"] < look["bottom"] - 1:
            found.append(f"{where}: the page's text starts under the dock ({look['text']:.0f} px < {look['bottom']:.0f} px)")
        if not look["above"] and look["textRight"] > look["left"] + 1:
            found.append(f"{where}: the page's text runs under the dock")
    return found


def keys(watched):
    """The keys are listed in the dock, beside and above the page, and work: k pauses and plays,
    j and l jump 10 s back and forward, > and < change the speed; the dock says what they did."""
    watched.page.set_viewport_size(DESKTOP)
    page = docked(watched)
    if page is None:
        return ["the video did not dock"]
    found = []
    for where in ("beside", "above"):
        if where == "above":
            page.click(".watch-layout")
        listed = page.locator("#watch-dock .watch-keys")
        text = " ".join(listed.inner_text().split()) if listed.count() and listed.is_visible() else ""
        missing = [f"{k} {what}" for k, what in KEYS.items() if f"{k} {what}" not in text]
        if missing:
            found.append(f"{where}: keys not listed in the dock: {missing}")
    play(page)
    page.evaluate("document.activeElement.blur()")  # keys pressed on the page, not in a field

    def press(key, expression, wanted, what):
        page.keyboard.press(key)
        got = page.evaluate(expression)
        if got != wanted:
            found.append(f"{key} does not {what} ({got!r}, not {wanted!r})")

    press("k", "__fake.state", 2, "pause")
    press("k", "__fake.state", 1, "play")
    press("j", "__fake.seeks.slice(-1)[0]", AT - 10, "jump back 10 s")
    press("l", "__fake.seeks.slice(-1)[0]", AT, "jump forward 10 s")
    press(">", "__fake.rate", 1.25, "speed up")
    if "Speed 1.25" not in said(page):
        found.append(f"the dock does not say the new speed: {said(page)!r}")
    press("<", "__fake.rate", 1, "slow down")
    return found


def moment_link(watched):
    """"Link to this moment" gives this page's address with the time and the section the video
    is in; opened anew, it shows that section with the video docked and playing there."""
    page = docked(watched)
    if page is None:
        return ["the video did not dock"]
    play(page)
    page.click("#watch-dock .watch-share")
    waits(page, "/\\?t=/.test(document.querySelector('#watch-dock .watch-status').textContent)")
    url = re.search(r"https?://\S+", said(page))
    url = url[0].rstrip(".") if url else None
    wanted = f"{PAGE}?t={AT}#{SECTION}"
    found = []
    if not url or not url.endswith(wanted):
        found.append(f"the link to this moment is {url!r}, not …/{wanted}")
    fresh = watched.context.new_page()
    fresh.goto(f"{watched.server}/{wanted}")
    if not waits(fresh, "window.__fake && __fake.ready && document.getElementById('watch-dock')", 5000):
        found.append("a link to a moment opens the page without the video docked")
    elif fresh.evaluate("__fake.seeks") != [AT]:
        found.append(f"a link to a moment does not start the video there: {fresh.evaluate('__fake.seeks')}")
    fresh.wait_for_timeout(300)
    top = fresh.evaluate(f"document.getElementById('{SECTION}').getBoundingClientRect().top")
    if not 0 <= top < 300:
        found.append(f"a link to a moment does not open the page at the section (its top at {top:.0f} px)")
    fresh.close()
    return found


def continue_box(watched):
    """After watching, the index offers to continue where the learner left off: the notebook, the
    section and the time, leading back there with the video docked."""
    page = docked(watched)
    if page is None:
        return ["the video did not dock"]
    play(page)
    page = watched.open("index.html")
    link = page.locator(".watch-continue a")
    if link.count() != 1:
        return ["no “continue where you left off” on the index"]
    found = []
    text, href = link.inner_text(), link.get_attribute("href")
    for part, what in (("03", "the notebook"), (SECTION_TITLE, "the section"), ("00:28:20", "the time")):
        if part not in text:
            found.append(f"“continue where you left off” does not say {what}: {text!r}")
    if f"t={AT}" not in href or SECTION not in href:
        found.append(f"“continue where you left off” leads to {href}")
    with page.expect_navigation():
        link.click()
    if not waits(page, "window.__fake && __fake.ready && __fake.seeks.length", 5000) or page.evaluate("__fake.seeks") != [AT]:
        found.append("“continue where you left off” does not start the video at the moment")
    return found


def notes_line(watched):
    """At 00:28:20 the dock shows that moment's study-notes line, where it can be seen: beside and
    above the page at 1366 × 768, and on a phone (docked above); its Notes link opens the notes at the
    section that holds the line."""
    watched.page.set_viewport_size(DESKTOP)
    page = docked(watched)
    if page is None:
        return ["the video did not dock"]
    play(page)
    line = [n for n in page.evaluate("COURSE_NOTES") if n["t"] <= AT][-1]["text"]
    found = []
    for where in ("beside", "above", "on a phone"):
        if where == "above":
            page.click(".watch-layout")
        if where == "on a phone":
            page.set_viewport_size(PHONE)
        page.wait_for_timeout(300)
        seen = page.evaluate("""() => {
          const note = document.querySelector('#watch-dock .watch-note'), dock = document.getElementById('watch-dock');
          if (!note) return null;
          const r = note.getBoundingClientRect(), d = dock.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + 8, r.top + Math.min(r.height / 2, 10));
          return {text: note.innerText, shown: r.height >= 12 && r.top >= d.top - 1 && r.bottom <= d.bottom + 1
                  && r.bottom <= window.innerHeight && !!hit && note.contains(hit)};
        }""")
        if not seen or not seen["shown"]:
            found.append(f"{where}: no study-notes line can be seen in the dock")
        elif line[:30] not in " ".join(seen["text"].split()):
            found.append(f"{where}: the dock shows {seen['text'][:60]!r}, not the notes line {line[:40]!r}")
    if found:
        return found
    page.set_viewport_size(DESKTOP)
    page.click("#watch-dock .watch-note a")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    landed = page.evaluate("""(line) => {
      const section = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (!section) return 'lands on no section (' + location.href + ')';
      if (!section.textContent.replace(/\\s+/g, ' ').includes(line)) return 'lands on a section without the line';
      const top = section.getBoundingClientRect().top;
      return top > -5 && top < innerHeight / 2 ? '' : 'lands with the section out of view';
    }""", line[:30])
    return found + ([f"its Notes link {landed}"] if landed else [])


# A phone, search, links, formulas ---------------------------------------------------------------

def picture_viewer(watched):
    """On a phone, a tap on a graph opens it full size, in a viewer that scrolls and zooms, and
    that the keyboard closes (Escape, or Tab to ✕ and Enter)."""
    page = watched.open("notebooks/05-manual-backprop-neuron.html")
    image = page.locator("article .cell_output img").first
    image.scroll_into_view_if_needed()
    shown = image.bounding_box()["width"]
    width = "document.querySelector('dialog.picture-viewer img').getBoundingClientRect().width"

    def opens():
        try:
            image.tap(timeout=3000)
        except PlaywrightTimeout:
            return False
        return waits(page, "document.querySelector('dialog.picture-viewer[open]')", 2000)

    if not opens():
        return ["a tap on a picture does not open it"]
    found = []
    big = page.evaluate(width)
    if big < shown * 1.3:
        found.append(f"the picture opens at {big:.0f} px, not full size (on the page: {shown:.0f} px)")
    screenshot(watched, page, "phone-picture")
    scroller = page.locator(".picture-viewer-scroll").bounding_box()
    page.mouse.move(scroller["x"] + scroller["width"] / 2, scroller["y"] + scroller["height"] / 2)
    page.mouse.wheel(120, 120)
    page.wait_for_timeout(200)
    if not page.evaluate("(s => s.scrollLeft > 0 && s.scrollTop >= 0)(document.querySelector('.picture-viewer-scroll'))"):
        found.append("the picture cannot be scrolled")
    try:
        page.click(".picture-zoom-in", timeout=3000)
    except PlaywrightTimeout:
        found.append("+ cannot be pressed (something covers it)")
    if not page.evaluate(width) > big * 1.2:
        found.append("+ does not zoom in")
    page.keyboard.press("Escape")
    if page.locator("dialog.picture-viewer[open]").count():
        found.append("Escape does not close the picture")
        page.evaluate("document.querySelector('dialog.picture-viewer').close()")
    if opens():
        on_close = "document.activeElement.classList.contains('picture-close')"
        for _ in range(4):
            if page.evaluate(on_close):
                break
            page.keyboard.press("Tab")
        if page.evaluate(on_close):
            page.keyboard.press("Enter")
        if page.locator("dialog.picture-viewer[open]").count():
            found.append("✕ cannot be reached and pressed from the keyboard")
    return found


THEME_TEXT = re.compile(r"Light\s*Dark|Contents\s*\n|\bttings\b|Ctrl\s*\+\s*K|Skip to main")


def search(watched):
    """Searching: each moment listed once ("chain rule" and "grad": the notebook's section and its
    notes' share the time and title); excerpts of the page's own text (none of the theme's buttons
    and contents); "grad" highlighted only where a word starts with it (not inside "micrograd");
    one search box."""
    found = []
    for query in ("chain rule", "grad"):
        page = watched.open(f"search.html?q={query}")
        if not waits(page, "document.querySelector('#course-moments li')", 10000):
            return found + [f"no moments listed for {query!r}"]
        moments = page.evaluate("""[...document.querySelectorAll('#course-moments li')].map(li =>
            li.querySelector('.moment-time').textContent + ' ' + li.querySelector('a:not(.moment-time)').textContent)""")
        twice = sorted({m for m in moments if moments.count(m) > 1})
        if twice:
            found.append(f"{query!r}: moments listed twice: {twice}")
    if not waits(page, "document.querySelectorAll('#search-results li p').length > 3", 15000):
        return found + ["no excerpts"]
    page.wait_for_timeout(500)
    theme = THEME_TEXT.search(page.locator("#search-results").inner_text())
    if theme:
        found.append(f"the theme's text in the excerpts: {theme[0]!r}")
    marked = page.evaluate("""[...document.querySelectorAll('#search-results span.highlighted')].map(s =>
        (s.previousSibling && s.previousSibling.textContent || '').slice(-6) + '[' + s.textContent + ']')""")
    inside = [m for m in marked if re.search(r"[A-Za-z0-9]\[", m)]
    if inside:
        found.append(f"highlighted inside a word: {inside[:4]}")
    boxes = page.evaluate("""[...document.querySelectorAll('.search-button-field, input[type=search]')]
        .filter(e => e.offsetParent !== null).length""")
    if boxes != 1:
        found.append(f"{boxes} search boxes on the search page")
    return found


def ink_rows(image, columns, against=None, threshold=50):
    """Rows of `image` (greyscale) with ink in `columns`: pixels far from the background (the most
    common value), or, given `against`, far from that image's pixels."""
    pixels, width = image.load(), image.size[0]
    background = max(range(256), key=image.histogram().__getitem__)
    other = against.load() if against is not None else None
    rows = set()
    for y in range(image.size[1]):
        for x in columns:
            if 0 <= x < width and abs(pixels[x, y] - (other[x, y] if other else background)) > threshold:
                rows.add(y)
                break
    return rows


def underscores(watched):
    """`__rmul__` in a link (the search page's moments): its underscores stay visible, at rest and
    under the pointer (where the theme thickens the underline). What is drawn decides: the rows of
    the underline (the pixels that change when the underline is made transparent) keep at least
    one clear row between them and the rows of the underscores."""
    from PIL import Image
    page = watched.open("search.html?q=rmul")
    if not waits(page, "document.querySelector('#course-moments li a')", 10000):
        return ["no moments listed for “rmul”"]
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important }")
    link = page.locator("#course-moments li a:not(.moment-time)").filter(has_text="__").first
    found = []
    for state in ("at rest", "under the pointer"):
        if state == "at rest":
            page.mouse.move(0, 0)
        else:
            link.hover()
        page.wait_for_timeout(100)
        box = link.bounding_box()
        clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"] + 12}
        marks = link.evaluate("""(a, clip) => {
          const out = [], walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode())
            for (let i = 0; i < node.data.length; i++) if (node.data[i] === '_') {
              const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
              const b = r.getBoundingClientRect();
              out.push([Math.ceil(b.left - clip.x) + 1, Math.floor(b.right - clip.x) - 1]);
            }
          return out; }""", clip)
        columns = sorted({x for left, right in marks for x in range(left, right + 1)})
        drawn = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
        hidden = page.add_style_tag(content="#course-moments a { text-decoration-color: transparent !important }")
        bare = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
        hidden.evaluate("e => e.remove()")
        line = ink_rows(drawn, range(drawn.size[0]), against=bare, threshold=30)
        ink = ink_rows(bare, columns)
        touching = sorted(y for y in line if {y - 1, y, y + 1} & ink)
        if not columns or not ink:
            found.append(f"{state}: no underscores drawn in the link")
        elif not line:
            found.append(f"{state}: no underline drawn")
        elif touching:
            found.append(f"{state}: the underline (rows {sorted(line)}) runs on the underscores (rows {sorted(ink)}): "
                         "they vanish under it")
    return found


def formulas(watched):
    """Formulas are read out by screen readers, but none of them is a Tab stop."""
    page = watched.open("notebooks/05-manual-backprop-neuron.html")
    typeset(page)
    stops = page.evaluate("[...document.querySelectorAll('mjx-container')].filter(m => m.tabIndex >= 0).length")
    return [f"{stops} formulas are Tab stops"] if stops else []


CHECKS = [dock_keyboard, time_link, dock_returns, dock_layout, keys, moment_link, continue_box, notes_line,
          picture_viewer, search, underscores, formulas]
ON_A_PHONE = {picture_viewer}


def watched_for(request, check):
    return request.getfixturevalue("phone" if check in ON_A_PHONE else "watched")


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_learner(request, check):
    found = check(watched_for(request, check))
    assert not found, f"{check.__name__}: " + "\n".join(found)


WATCH, MOMENTS, COURSE, CSS = "_static/watch.js", "_static/moments.js", "_static/course.js", "_static/course.css"


def planted(check, words, *edits):
    """The check, the words its report must hold, and the defect: (file, text, replacement)
    edits of the built site (text None: the replacement added at the file's end)."""
    return pytest.param(check, words, edits, id=check.__name__ + "-" + re.sub(r"\W+", "-", words).strip("-"))


PLANTED = [
    planted(dock_keyboard, "focus stays outside", (WATCH, "if (focus) dock.focus();", "")),
    planted(dock_keyboard, "next Tab stops",  # the dock added at the end of the page, as it was
            (WATCH, "if (bar) bar.after(dock); else document.body.appendChild(dock);", "document.body.appendChild(dock);")),
    planted(dock_keyboard, "live region",
            (WATCH, '<p class="watch-status" role="status" aria-live="polite"></p>', '<p class="watch-status"></p>')),
    planted(dock_keyboard, "Escape does not close",
            (WATCH, 'if (event.key === "Escape" && dock.contains(target))', "if (false)")),
    planted(dock_keyboard, "focus did not return", (WATCH, "if (returnFocus) {", "if (false) {")),
    planted(time_link, "without the dock: a ▶ link replaced", (WATCH, 'link.target = "_blank";', "")),
    planted(time_link, "docked, offline: a ▶ link replaced",
            (WATCH, 'window.open(link.href, "_blank", "noopener");', "location.href = link.href;")),
    planted(time_link, "search: a ▶ link replaced", (MOMENTS, 'video.target = "_blank";', "")),
    planted(time_link, "did not start at 00:24:54 once ready",
            (WATCH, "if (pending !== null) { seek(pending); pending = null; }", "if (false) { }")),
    planted(time_link, "does not say the video opened",
            (WATCH, 'say("The video cannot play here, so it opened on YouTube in a new tab, at " + hms(t) + ".");', "")),
    planted(dock_returns, "though the video was not playing",
            (WATCH, "} else if (state.docked && state.playing) {", "} else if (state.docked) {")),
    planted(dock_returns, "though the video was playing",
            (WATCH, "state.time = now; state.playing = true; save();", "state.time = now; save();")),
    planted(dock_layout, "phone: the dock is above and the layout button says 'Put it above'",
            (WATCH, "button.hidden = window.innerWidth <= NARROW;", "button.hidden = false;")),
    planted(dock_layout, "beside: the dock is beside and the layout button says 'Put it beside'",
            (WATCH, 'button.textContent = state.layout === "beside"', 'button.textContent = state.layout === "above"')),
    planted(dock_layout, "not 16:9",  # as it was: a dock of fixed height, the video squeezed by the lines under it
            (CSS, None, "#watch-dock { height: 56vw !important; max-height: none !important }"
                        ".watch-frame { aspect-ratio: auto !important; flex: 1 1 0 !important; min-height: 0; height: auto !important }")),
    planted(dock_layout, "starts under the dock", (CSS, None, "body.watch-docked { padding-top: 0 !important }")),
    planted(keys, "not listed", (WATCH, "<kbd>l</kbd> forward 10 s · ", "")),
    planted(keys, "above: keys not listed",  # as it was: hidden when the dock is above
            (CSS, None, "body.watch-above .watch-keys { display: none; }")),
    planted(keys, "j does not jump back", (WATCH, '(key === "j" ? -10 : 10)', '(key === "j" ? 10 : 10)')),
    planted(keys, "k does not pause", (WATCH, 'document.addEventListener("keydown", keys);', "")),
    planted(moment_link, "the link to this moment is",
            (WATCH, 'const id = at && at.section.id ? "#" + at.section.id : "";', 'const id = "";')),
    planted(moment_link, "without the video docked",
            (WATCH, 'const asked = new URLSearchParams(location.search).get("t");', "const asked = null;")),
    planted(continue_box, "no “continue", (WATCH, "    continueBox();\n", "\n")),
    planted(continue_box, "does not say the section",
            (WATCH, 'section: at ? headingText(at.heading) : ""', 'section: ""')),
    planted(notes_line, "beside: no study-notes line", (WATCH, "    showNote(now);\n", "\n")),
    planted(notes_line, "its Notes link lands on no section",
            (WATCH, "link.href = root() + at.u;", 'link.href = root() + at.u.split("#")[0];')),
    planted(notes_line, "on a phone: no study-notes line",  # as it was: hidden when the dock is above, on a phone
            (CSS, None, "@media (max-width: 960px) { body.watch-above .watch-note { display: none !important } }")),
    planted(picture_viewer, "does not open it", (COURSE, "const PHONE = 800;", "const PHONE = 0;")),
    planted(picture_viewer, "not full size",
            (COURSE, "const natural = Math.max(big.naturalWidth || 0, window.innerWidth);", "const natural = window.innerWidth - 40;")),
    planted(picture_viewer, "cannot be scrolled", (CSS, None, ".picture-viewer-scroll { overflow: hidden !important }")),
    planted(picture_viewer, "does not zoom in", (COURSE, "setZoom(zoom * 1.5)", "setZoom(zoom)")),
    planted(picture_viewer, "Escape does not close", (COURSE, "viewer.showModal();", "viewer.show();")),
    planted(search, "listed twice", (MOMENTS, "if (seen.has(key)) return false;", "")),
    planted(search, "theme's text",
            (MOMENTS, 'if (typeof Search !== "undefined" && Search.htmlToText) Search.htmlToText = articleText;', "")),
    planted(search, "inside a word", (MOMENTS, "function () { unwrapMidWord(results); }", "function () {}")),
    planted(search, "2 search boxes",
            (CSS, "body:has(#search-results) .bd-sidebar-primary .search-button-field { display: none; }", "")),
    planted(underscores, "vanish under it",  # the underline where the font puts it
            (CSS, None, ".bd-article a, #search-results a, #course-moments a { text-underline-offset: auto !important }")),
    planted(formulas, "Tab stops", ("notebooks/05-manual-backprop-neuron.html", '"inTabOrder": false', '"inTabOrder": true')),
]


@pytest.mark.parametrize("check, words, edits", PLANTED)
def test_planted_defect_is_caught(request, check, words, edits):
    watched = watched_for(request, check)
    for edit in edits:
        watched.plant(*edit)
    found = check(watched)
    print(f"{check.__name__} on the planted page reports: {found}")  # pytest -rP shows it
    assert any(words in f for f in found), f"planted {edits}: {check.__name__} reports {found or 'nothing'}"
