// Small things for every page of the course site:
// - a code block or formula too wide for the screen can be scrolled from the keyboard (it becomes
//   a Tab stop), the others are not Tab stops;
// - on a phone, a tap on a graph or plot opens it full size in a viewer that scrolls and zooms
//   (+ and − buttons, or pinch), closed with ✕, Escape or the back gesture.
(function () {
  "use strict";
  const PHONE = 800;  // px: narrower than this, pictures open full size on a tap

  // Checked again whenever the text column changes width (the video docked beside it, a
  // window resized) or a folded block opens.
  // Tables and outputs too: the theme does the same for them, but 300 ms after a resize.
  function scrollableCode() {
    document.querySelectorAll("article pre, article mjx-container[display='true']").forEach(function (pre) {
      if (pre.scrollWidth > pre.clientWidth + 1) pre.tabIndex = 0;
      else if (pre.tabIndex === 0) pre.removeAttribute("tabindex");
    });
    document.querySelectorAll("article .pst-scrollable-table-container, article .cell_output > .output")
      .forEach(function (box) {
        const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
        box.tabIndex = scrolls ? 0 : -1;  // the theme's own rule
      });
  }

  let viewer = null, zoom = 1, opener = null;

  function show(img) {
    if (!viewer) {
      viewer = document.createElement("dialog");
      viewer.className = "picture-viewer";
      viewer.setAttribute("aria-label", "The picture, full size");
      viewer.innerHTML =
        '<div class="picture-viewer-bar">' +
        '<button type="button" class="picture-zoom-out" aria-label="Zoom out">−</button>' +
        '<button type="button" class="picture-zoom-in" aria-label="Zoom in">+</button>' +
        '<button type="button" class="picture-close" aria-label="Close the picture">✕</button></div>' +
        '<div class="picture-viewer-scroll"><img alt=""></div>';
      document.body.appendChild(viewer);
      viewer.querySelector(".picture-close").addEventListener("click", function () { viewer.close(); });
      viewer.querySelector(".picture-zoom-in").addEventListener("click", function () { setZoom(zoom * 1.5); });
      viewer.querySelector(".picture-zoom-out").addEventListener("click", function () { setZoom(zoom / 1.5); });
      viewer.addEventListener("close", function () { if (opener) opener.focus({ preventScroll: true }); });
    }
    opener = img;
    const big = viewer.querySelector("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt;
    zoom = 1;
    big.onload = function () { setZoom(1); };
    viewer.showModal();
    setZoom(1);
  }

  function setZoom(z) {
    const big = viewer.querySelector("img");
    zoom = Math.max(0.5, Math.min(z, 6));
    // full size: the picture's own width (at least the screen's), times the zoom
    const natural = Math.max(big.naturalWidth || 0, window.innerWidth);
    big.style.width = Math.round(natural * zoom) + "px";
  }

  function init() {
    scrollableCode();
    document.addEventListener("toggle", scrollableCode, true);
    const column = document.querySelector("article");
    if (column && window.ResizeObserver) new ResizeObserver(scrollableCode).observe(column);
    // formulas get their width once MathJax has typeset them
    window.addEventListener("load", function () {
      const mathjax = window.MathJax;
      if (mathjax && mathjax.startup && mathjax.startup.promise) mathjax.startup.promise.then(scrollableCode);
    });
    document.addEventListener("click", function (event) {
      const img = event.target.closest && event.target.closest("article img");
      if (!img || window.innerWidth >= PHONE || img.closest("a")) return;
      event.preventDefault();
      show(img);
    });
  }

  window.coursePictureViewer = { show: show };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
