"""The course site in a real browser: the system's Chromium driven by Playwright, the network
blocked (only the site's own local server answers). Run by `make site-test` and .ci/run, not by
`make test`. Needs a built site (`make site`)."""
import functools
import http.server
import mimetypes
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
ARTIFACTS = ROOT / "build" / "site-test"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_configure(config):
    if not (SITE / "index.html").exists():
        pytest.exit("No site to test: run `make site` first (make site-test does).", returncode=2)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.exit(f"No Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM=...)", returncode=2)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Watched:
    """A browser page whose every request outside the local site is blocked and recorded, with
    its console errors and failed requests. `plant` serves one of the site's files with a defect
    in it (the self-tests that prove a check catches what it is there for)."""

    def __init__(self, context, page, server):
        self.context, self.page, self.server = context, page, server
        self.external, self.errors, self.failed = [], [], []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        context.route("**/*", self._route)
        self.fakes, self.planted = {}, {}

    def plant(self, path, old, new):
        """Serve the site's file `path` (e.g. "_static/watch.js") with `old` replaced by `new`,
        or, when `old` is None, with `new` added at its end. `old` must be in it exactly once: a
        defect that can no longer be planted fails loudly rather than planting nothing."""
        text = self.planted.get(path) or (SITE / path).read_text()
        if old is None:
            self.planted[path] = text + "\n" + new
            return
        assert text.count(old) == 1, f"cannot plant the defect: {old!r} is not once in {path}"
        self.planted[path] = text.replace(old, new)

    def _route(self, route):
        url = route.request.url
        if url in self.fakes:
            return route.fulfill(status=200, content_type="text/javascript", body=self.fakes[url])
        path = urlsplit(url).path.lstrip("/") if url.startswith(self.server) else None
        if path in self.planted:
            kind = mimetypes.guess_type(path)[0] or "text/plain"
            return route.fulfill(status=200, content_type=kind, body=self.planted[path])
        if url.startswith(self.server) or url.startswith("file:") or url.startswith("data:") or url.startswith("blob:"):
            return route.continue_()
        self.external.append(url)
        return route.abort()

    def open(self, path):
        url = path if path.startswith("file:") else f"{self.server}/{path}"
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.page


@pytest.fixture
def watched(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Watched(context, page, server)
    context.close()


@pytest.fixture
def phone(browser, server):
    """The same on a phone's screen (390 × 844, touch)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield Watched(context, page, server)
    context.close()
