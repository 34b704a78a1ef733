"""Accessibility, checked with axe-core (from npm, pinned in tests/browser/package-lock.json and
injected from disk: never a CDN) on every page of the site, in the light and the dark theme, with
the lecture docked (stand-in player) and every answer unfolded: no violation of any impact.
Also: every picture has a text alternative that says what it shows (not a file path, and naming
each node of a graph), formulas are not each a Tab stop."""
from pathlib import Path

import pytest
from test_site import API, FAKE_API, PAGES, typeset

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page):
    if not AXE.exists():
        pytest.fail(f"no axe-core at {AXE}: run `make site` (it installs it with npm ci)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
      const result = await axe.run(document, {resultTypes: ['violations']});
      return result.violations.map(v => `${v.impact} ${v.id}: ${v.nodes.length} × ` +
        v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
    }""")


def prepare(watched, path, theme):
    watched.fakes[API] = FAKE_API
    page = watched.open(path)
    typeset(page)
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important }")
    page.evaluate("""theme => { document.documentElement.dataset.theme = theme;
                                document.documentElement.dataset.mode = theme; }""", theme)
    if page.locator("#watch-toggle").count():
        page.click("#watch-toggle")
        page.wait_for_function("window.__fake && __fake.ready")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.wait_for_timeout(50)
    return page


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_axe(watched, path, theme):
    page = prepare(watched, path, theme)
    found = axe_violations(page)
    assert not found, f"{path} ({theme}): axe-core finds\n" + "\n".join(found)


@pytest.mark.parametrize("layout", ["above", "phone"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_dock_above_and_on_a_phone(watched, layout, theme):
    """The dock's other layouts (test_axe docks it beside the page): above, at 1366 × 768, and on a
    phone's 390 × 844, with the study-notes line shown."""
    page = prepare(watched, "notebooks/03-value-object.html", theme)
    page.evaluate("__fake.time = 1700; __fake.state = 1")
    if layout == "above":
        page.set_viewport_size({"width": 1366, "height": 768})
        page.click(".watch-layout")
    else:
        page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_selector("#watch-dock .watch-note:not([hidden])", timeout=3000)
    found = axe_violations(page)
    assert not found, f"the dock {layout} ({theme}): axe-core finds\n" + "\n".join(found)


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("notebooks/")])
def test_axe_on_a_phone(watched, path):
    """Every notebook page at a phone's 390 × 844: a code block or formula wider than the screen
    scrolls, so it must be reachable from the keyboard."""
    page = prepare(watched, path, "light")
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    found = axe_violations(page)
    assert not found, f"{path} on a phone: axe-core finds\n" + "\n".join(found)


def test_planted_violations_are_caught(watched):
    """The check itself: the theme's old search button (a name that hides its words) and a
    picture without a text alternative, planted in a page, are both reported."""
    page = prepare(watched, "notebooks/03-value-object.html", "light")
    page.evaluate("""() => {
      const b = document.createElement('button'); b.setAttribute('aria-label', 'Find'); b.textContent = 'Search Ctrl+K';
      const i = document.createElement('img'); i.src = document.querySelector('article img').src;
      document.querySelector('article').append(b, i); }""")
    found = " ".join(axe_violations(page))
    assert "label-content-name-mismatch" in found and "image-alt" in found, found


def test_planted_table_left_to_the_themes_late_check_is_caught(watched):
    """12's table, wider than a phone: course.js makes it a Tab stop as soon as the column
    narrows. Without that (and with the theme's own check, 300 ms after a resize or a change in
    the page, taken away so the result does not depend on the machine's speed), axe-core
    reports it."""
    watched.plant("_static/course.js", '"article .pst-scrollable-table-container, article .cell_output > .output"',
                  '"nothing"')
    watched.plant("_static/scripts/pydata-sphinx-theme.js", 'window.addEventListener("resize",t),new MutationObserver(t)'
                  '.observe(document.getElementById("main-content"),{subtree:!0,childList:!0})', "0")
    with pytest.raises(AssertionError, match="scrollable-region-focusable"):
        test_axe_on_a_phone(watched, "notebooks/12-summary-and-micrograd-code.html")
