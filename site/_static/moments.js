// The search page's "moments": the sections whose words match the query, each with its time in
// the video, ranked as tools/search.py ranks them for `make find` (keep the two in step).
(function () {
  "use strict";
  const STOPWORDS = new Set(["a", "an", "the", "of", "to", "in", "and", "or", "is", "how", "what", "why", "do", "does"]);
  const esc = function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); };
  const count = function (re, text) { return (text.match(re) || []).length; };

  function rank(query, found, most) {
    const all = query.toLowerCase().match(/[a-z0-9]+/g) || [];
    let terms = all.filter(function (w) { return !STOPWORDS.has(w); });
    if (!terms.length) terms = all;
    if (!terms.length) return [];
    const phrase = new RegExp("\\b" + terms.map(esc).join(" "), "g");
    const scored = [];
    found.forEach(function (s) {
      const cut = s.words.indexOf(" | ");
      const title = s.words.slice(0, cut), body = s.words.slice(cut + 3);
      const hits = terms.map(function (t) { return count(new RegExp("\\b" + esc(t), "g"), s.words); });
      const matched = hits.filter(function (h) { return h > 0; }).length;
      if (!matched) return;
      let score = hits.reduce(function (a, h) { return a + Math.min(h, 10); }, 0);
      terms.forEach(function (t) { if (new RegExp("\\b" + esc(t)).test(title)) score += 10; });
      if (terms.length > 1) score += 20 * count(phrase, title) + 5 * Math.min(count(phrase, body), 4);
      scored.push([matched, score, -s.t, s]);
    });
    scored.sort(function (a, b) { return (b[0] - a[0]) || (b[1] - a[1]) || (b[2] - a[2]); });
    return scored.slice(0, most || 8).map(function (x) { return x[3]; });
  }

  function hms(t) {
    const p = function (n) { return String(n).padStart(2, "0"); };
    return p(Math.floor(t / 3600)) + ":" + p(Math.floor(t % 3600 / 60)) + ":" + p(t % 60);
  }

  function show() {
    const results = document.getElementById("search-results");
    const query = new URLSearchParams(location.search).get("q");
    if (!results || !query || !window.COURSE_SECTIONS) return;
    const root = document.documentElement.dataset.content_root || "";
    // One line per moment: a notebook's section and its notes' section share the time and title.
    const seen = new Set();
    const hits = rank(query, window.COURSE_SECTIONS, 30).filter(function (s) {
      const key = s.t + "|" + s.title;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }).slice(0, 8);
    const box = document.createElement("section");
    box.id = "course-moments";
    const title = document.createElement("h2");
    title.textContent = hits.length ? "Moments in the lecture" : "No section of the course matches “" + query + "”";
    box.appendChild(title);
    const list = document.createElement("ol");
    hits.forEach(function (s) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = root + s.u;
      link.textContent = s.title.replace(/`/g, "");
      const video = document.createElement("a");
      video.href = "https://youtube.com/watch?v=" + (window.COURSE_VIDEO || "") + "&t=" + s.t + "s";
      video.className = "moment-time";
      video.target = "_blank";  // as every ▶ link without the dock: YouTube in a new tab, the course stays
      video.rel = "noopener";
      video.textContent = "▶\u00a0" + hms(s.t);
      const where = document.createElement("span");
      where.className = "moment-page";
      where.textContent = " · " + s.page;
      item.append(video, " ", link);
      // A section beyond the lecture: its title says so; the mark makes it seen at a glance.
      if (s.further) {
        const mark = document.createElement("span");
        mark.className = "moment-further";
        mark.textContent = "beyond the lecture";
        item.append(" ", mark);
      }
      item.append(where);
      list.appendChild(item);
    });
    box.appendChild(list);
    results.parentNode.insertBefore(box, results);
  }

  // Sphinx's excerpts: the article's own text, not the theme's buttons and contents around it.
  function articleText(htmlString, anchor) {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".headerlink, script, style, .watch-bar, #jb-print-docs-body, .bd-header-article, " +
      ".header-article, .prev-next-area, .bd-footer-article, .theme-switch-button").forEach(function (e) { e.remove(); });
    const main = doc.querySelector("article.bd-article") || doc.querySelector('[role="main"]');
    if (!main) return "";
    const part = anchor ? main.querySelector(anchor) : null;
    return (part || main).textContent.replace(/\s+/g, " ");
  }

  // Sphinx highlights a word inside another ("grad" inside "micrograd"): keep only the
  // highlights that start a word, as the moments are ranked.
  function unwrapMidWord(rootEl) {
    (rootEl || document).querySelectorAll("span.highlighted").forEach(function (span) {
      const before = span.previousSibling && span.previousSibling.nodeType === 3 ? span.previousSibling.textContent : "";
      if (/[A-Za-z0-9]$/.test(before)) span.replaceWith(document.createTextNode(span.textContent));
    });
    (rootEl || document).normalize();
  }
  function watchResults() {
    /* global Search */
    if (typeof Search !== "undefined" && Search.htmlToText) Search.htmlToText = articleText;
    unwrapMidWord(document.querySelector("article") || document.body);
    const results = document.getElementById("search-results");
    if (results) new MutationObserver(function () { unwrapMidWord(results); }).observe(results, { childList: true, subtree: true });
  }

  window.courseRank = rank;
  window.courseArticleText = articleText;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watchResults);
  else watchResults();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", show);
  else show();
})();
