"""Sphinx settings of the course site. Built by `make site` (tools/site.py), which stages the
notebooks, study notes and figures beside a generated index page and runs Sphinx on them with
this folder as the configuration directory. Nothing is executed: pages show the stored outputs."""
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent / "tools"
sys.path.insert(0, str(TOOLS))

from course import MANIFEST  # noqa: E402

project = MANIFEST["course"]["title"].split(":")[0]
html_title = project
author = "the course's authors"
copyright = "MIT licence"

extensions = ["myst_nb", "site_sphinx", "site_run"]  # site_run: Run here (tools/site_run.py)
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# Notebooks: stored outputs only, never executed; SVG before PNG.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
myst_heading_slug_func = "search.heading_slug"  # the anchors `make sync` writes: `#the-chain-rule`
suppress_warnings = ["myst.header"]

# Theme: sphinx-book-theme, no repository buttons (the notebooks carry their Colab/Binder links).
html_theme = "sphinx_book_theme"
html_theme_options = {
    "use_download_button": True,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "navbar_persistent": [],  # one search box: the one at the top of the sidebar
}
html_context = {"default_mode": "auto"}  # without it the theme logs an error on every page
html_static_path = ["_static"]
html_css_files = ["course.css", "run.css", ("print.css", {"media": "print"})]
html_js_files = ["sections.js", "watch.js", "moments.js", "handout.js", "course.js", "run.js"]
html_last_updated_fmt = None
html_show_sphinx = False

# Formulas: MathJax from the site itself (site_sphinx copies it from sphinx-mathjax-offline).
mathjax_path = "mathjax/tex-chtml.js"
# A formula is read out by screen readers, but is not a stop of its own for the Tab key (page 05
# alone has 71): its menu stays on right-click.
mathjax3_config = {"options": {"menuOptions": {"settings": {"inTabOrder": False}}}}
