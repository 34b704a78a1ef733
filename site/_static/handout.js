// Printing a page as a handout (the browser's Print, and `make pdf`, tools/pdf.py):
// - short code blocks and every picture stay whole on one page; a long block may break;
// - the folded answers move to an appendix at the end ("Answers"), each under its question's
//   number, so the questions can be handed out first.
// window.courseHandout() does it (tools/pdf.py calls it); the browser's Print does it just before
// printing and puts the page back afterwards.
(function () {
  "use strict";
  const SHORT = 560;  // px: a block shorter than this (about half an A4 page) is kept whole

  function article() { return document.querySelector("article.bd-article") || document.body; }

  function keepShortWhole() {
    article().querySelectorAll("div.cell, .cell_input, div.highlight, .cell_output, pre, .output").forEach(function (el) {
      el.classList.toggle("print-keep-whole", el.getBoundingClientRect().height < SHORT);
    });
  }

  function answers() {
    return [...article().querySelectorAll("details")].filter(function (d) {
      const s = d.querySelector(":scope > summary");
      return s && /^\s*Answer\b/.test(s.textContent);
    });
  }

  let undo = [];

  function moveAnswers() {
    const found = answers();
    if (!found.length || document.getElementById("handout-answers")) return;
    const questions = found[0].closest("section");
    const appendix = document.createElement("section");
    appendix.id = "handout-answers";
    appendix.className = "handout-answers";
    const heading = document.createElement("h2");
    heading.textContent = "Answers";
    appendix.appendChild(heading);
    found.forEach(function (d, i) {
      // The question's number: its place in the numbered list of questions, else the count.
      const item = d.closest("li"), list = item && item.parentElement;
      let n = i + 1;
      if (list && list.tagName === "OL") n = (Number(list.getAttribute("start")) || 1) + [...list.children].indexOf(item);
      const title = "Answer to question " + n;
      const part = document.createElement("div");
      part.className = "handout-answer";
      const h = document.createElement("h3");
      h.textContent = title;
      part.appendChild(h);
      [...d.childNodes].forEach(function (n) {
        if (n.nodeName !== "SUMMARY") part.appendChild(n.cloneNode(true));
      });
      appendix.appendChild(part);
      const place = document.createComment("answer");
      d.replaceWith(place);
      undo.push(function () { place.replaceWith(d); });
    });
    article().appendChild(appendix);
    undo.push(function () { appendix.remove(); });
    // One line under the questions' heading says where the answers went.
    const title = questions && questions.querySelector("h2, h3");
    if (title) {
      const note = document.createElement("p");
      note.className = "handout-answer-note";
      note.textContent = "The answers are in the appendix at the end of this handout: try the questions first.";
      title.after(note);
      undo.push(function () { note.remove(); });
    }
  }

  // The notebook's own navigation lines (Colab/Binder links, previous | Contents | next) mean
  // nothing on paper; left alone, the last one can make a page of its own.
  function hideNavigation() {
    article().querySelectorAll("p").forEach(function (p) {
      const text = p.textContent;
      if (/Open in Colab|Launch on Binder/.test(text) || (/\|\s*Contents\s*\|/.test(text) && p.querySelector("a"))) {
        p.classList.add("print-hide");
        undo.push(function () { p.classList.remove("print-hide"); });
      }
    });
  }

  function handout() {
    hideNavigation();
    keepShortWhole();
    moveAnswers();
    document.documentElement.classList.add("handout");
  }

  function restore() {
    undo.reverse().forEach(function (f) { f(); });
    undo = [];
    document.documentElement.classList.remove("handout");
  }

  window.courseHandout = handout;
  window.addEventListener("beforeprint", function () { if (!document.documentElement.classList.contains("handout")) handout(); });
  window.addEventListener("afterprint", function () { if (!window.__courseKeepHandout) restore(); });
})();
