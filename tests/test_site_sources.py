"""The course site loads nothing from outside: every script, stylesheet, font and image its pages
use comes with the site, so it works offline (YouTube's player and the video's links aside).

A fast, static look at the site's sources (site/conf.py, site/index.md, site/_static/*, and
tools/site*.py, which write pages and scripts); `make site-test` checks the built pages in a
browser with the network blocked, but is not part of `make test`.
"""
import io
import re
import runpy
import tokenize

import pytest

import course

ROOT = course.ROOT
SITE = ROOT / "site"
# The only outside hosts a site source may name: YouTube (its player's script, loaded when the
# learner docks the video, and links to moments of the video), the machine itself (`make
# site-serve`'s address, in messages), and w3.org (XML namespaces in SVG, never fetched).
ALLOWED = {"youtube.com", "www.youtube.com", "localhost", "127.0.0.1", "www.w3.org"}
TEXT = {".py", ".js", ".css", ".md", ".html", ".svg", ".json", ".txt"}
URL = re.compile(r"(?P<scheme>\b(?:https?|wss?):)?//(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+|localhost)(?P<rest>[^\s\"'`<>)]*)",
                 re.I)
# In markdown only what a page loads counts: an image, a tag that fetches, a style's url() or @import.
LOADS_IN_MARKDOWN = re.compile(r"!\[[^\]]*\]\(\s*<?$|<(?:img|script|link|iframe|source|video|audio|embed|object|track|image)\b[^>]*$"
                               r"|url\(\s*[\"']?$|@import\s+(?:url\(\s*)?[\"']?$", re.I)


def sources():
    files = [SITE / "conf.py", SITE / "index.md", *sorted((SITE / "_static").rglob("*")),
             *sorted((ROOT / "tools").glob("site*.py"))]
    return [p for p in files if p.is_file() and p.suffix in TEXT]


def without_comments(path):
    """The file's lines with comments blanked (a comment may cite a page; code cannot load it)."""
    text = path.read_text(errors="replace")
    if path.suffix == ".py":
        lines = text.splitlines()
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                (row, col), _ = token.start, token.end
                lines[row - 1] = lines[row - 1][:col]
        return lines
    if path.suffix in {".js", ".css"}:
        text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m[0].count("\n"), text, flags=re.S)
        if path.suffix == ".js":
            text = re.sub(r"(^|\s)//.*", r"\1", text, flags=re.M)
    return text.splitlines()


def outside_loads(path, root=ROOT):
    found = []
    for number, line in enumerate(without_comments(path), 1):
        for m in URL.finditer(line):
            before = line[:m.start()]
            if not m["scheme"] and not re.search(r"[\"'(=]\s*$", before):
                continue  # `a//b.c` in code, not a protocol-relative address
            if m["host"].lower() in ALLOWED:
                continue
            if path.suffix == ".md" and not LOADS_IN_MARKDOWN.search(before):
                continue  # a link the reader may follow, not something the page loads
            found.append(f"{path.relative_to(root)} line {number}: {m[0]}")
    return found


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_site_source_loads_nothing_from_outside(path):
    found = outside_loads(path)
    assert not found, ("the course site would load this from outside, and so not work offline (ship a copy in "
                       "site/_static/ and refer to it there; only YouTube's player may come from outside):\n"
                       + "\n".join(found))


def test_sphinx_settings_keep_mathjax_and_assets_on_the_site():
    """Some settings fetch from a CDN when left out: Sphinx's MathJax is one (its default `mathjax_path`
    is an outside address), so it must be set, to a file of the site's own."""
    conf = runpy.run_path(str(SITE / "conf.py"))
    outside = re.compile(r"^(?:[a-z]+:)?//", re.I)
    assert conf.get("mathjax_path") and not outside.match(conf["mathjax_path"]), (
        f"site/conf.py: mathjax_path is {conf.get('mathjax_path')!r}; without a path of the site's own, "
        "Sphinx loads MathJax from a CDN (keep `mathjax_path = \"mathjax/tex-chtml.js\"`)")
    assets = [a[0] if isinstance(a, (tuple, list)) else a
              for a in [*conf.get("html_js_files", []), *conf.get("html_css_files", [])]]
    assets += [conf[k] for k in ("html_logo", "html_favicon") if conf.get(k)]
    remote = [a for a in assets if outside.match(str(a))]
    assert not remote, f"site/conf.py loads {remote} from outside; ship them in site/_static/"
    assert "analytics" not in conf.get("html_theme_options", {}), "site/conf.py: the theme's analytics load an outside script"


def test_the_check_sees_a_script_from_a_cdn(tmp_path):
    """The check itself: what each kind of source would load from outside is found, links and comments are not."""
    samples = {
        "a.js": 's.src = "https://cdn.jsdelivr.net/npm/x.js";  // see https://developer.mozilla.org/\n'
                'import y from "//unpkg.com/y";\nlink.href = "https://youtube.com/watch?v=1";\n',
        "b.css": '/* https://example.org/ */\n@import url("https://fonts.googleapis.com/css2?family=Inter");\n',
        "c.md": "[a link](https://github.com/x)\n![a picture](https://example.org/p.png)\n"
                '<img src="https://example.org/q.png">\n',
        "d.py": '# https://example.org/\nJS = "<script src=\'https://cdn.example.org/m.js\'></script>"\n',
    }
    for name, text in samples.items():
        (tmp_path / name).write_text(text)
    found = [f for name in samples for f in outside_loads(tmp_path / name, root=tmp_path)]
    assert [f.split(": ", 1)[1] for f in found] == [
        "https://cdn.jsdelivr.net/npm/x.js", "//unpkg.com/y", "https://fonts.googleapis.com/css2?family=Inter",
        "https://example.org/p.png", "https://example.org/q.png", "https://cdn.example.org/m.js"], found
