// Watch alongside: dock the lecture beside (or above) the page; every ▶ time link then seeks the
// docked player instead of opening YouTube, and while the video plays the section it is at is
// highlighted (and, with "Follow", scrolled to). Uses YouTube's iframe API, loaded only when the
// learner docks the video: without the internet the page says so and everything else works.
(function () {
  "use strict";
  const VIDEO = window.COURSE_VIDEO || "VMj-3S1tku0";
  const TIME = new RegExp("youtube\\.com/watch\\?v=" + VIDEO + "&t=(\\d+)s");
  const API = "https://www.youtube.com/iframe_api";
  const KEY = "course-watch";
  let player = null, ready = false, pending = null, current = null, dock = null, failTimer = null;
  let failed = false;  // the player cannot be had here (offline, or a page opened from a file)
  let state = load();

  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function secondsOf(link) {
    const m = TIME.exec(link.getAttribute("href") || "");
    return m ? Number(m[1]) : null;
  }
  function article() { return document.querySelector("article.bd-article") || document.body; }

  // The page's sections with their times: each heading that carries a ▶ link, in page order.
  function sections() {
    const found = [];
    article().querySelectorAll("h1, h2, h3").forEach(function (h) {
      const link = h.querySelector("a[href*='youtube.com/watch']");
      const t = link ? secondsOf(link) : null;
      if (t !== null) found.push({ t: t, heading: h, section: h.closest("section") || h });
    });
    return found;
  }

  // Highlight the section the video is in: the last heading whose time has come.
  function highlight(now) {
    let at = null;
    sections().forEach(function (s) { if (s.t <= now) at = s; });
    const el = at ? at.section : null;
    if (el === current) return;
    if (current) current.classList.remove("watch-now");
    current = el;
    if (!el) return;
    el.classList.add("watch-now");
    const label = dock && dock.querySelector(".watch-now-title");
    if (label) label.textContent = "Now: " + at.heading.textContent.replace("#", "").trim();
    if (state.follow) at.heading.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function message(text) {
    const box = dock && dock.querySelector(".watch-frame");
    if (box) box.innerHTML = '<p class="watch-message">' + text + "</p>";
    ready = false; player = null; failed = true; clearTimeout(failTimer);
  }

  function offline() {
    const t = Math.floor(state.time || 0);
    message("The video needs the internet, and it could not be loaded here. Everything else on " +
      'this page works offline. (<a href="https://youtube.com/watch?v=' + VIDEO + "&t=" + t +
      's" target="_blank" rel="noopener">Open it on YouTube</a> when you are online.)');
  }

  function createPlayer() {
    clearTimeout(failTimer);
    failed = false;
    const box = dock.querySelector(".watch-frame");
    box.innerHTML = '<div id="watch-player"></div>';
    player = new window.YT.Player("watch-player", {
      videoId: VIDEO,
      width: "100%", height: "100%",
      playerVars: { rel: 0, playsinline: 1, start: Math.floor(state.time || 0) },
      events: {
        onReady: function () {
          ready = true;
          if (pending !== null) { seek(pending); pending = null; }
        },
        onError: function (event) {
          if (event && (event.data === 153 || event.data === 152)) {
            message("YouTube refuses to play the video on a page opened from a file. Open the site " +
              "through a web address: <code>make site-serve</code>, then http://localhost:8000/.");
          }
        },
      },
    });
  }

  function loadApi() {
    if (location.protocol === "file:") {
      // YouTube's embed needs the page's web address (it answers "Error 153" without one).
      message("The video plays only when the site is opened through a web address, not from a " +
        "file: run <code>make site-serve</code> and open http://localhost:8000/. Everything else " +
        "works from the file too.");
      return;
    }
    if (window.YT && window.YT.Player) { createPlayer(); return; }
    const previous = window.onYouTubeIframeAPIReady;
    window.onYouTubeIframeAPIReady = function () {
      if (previous) previous();
      if (dock) createPlayer();
    };
    if (!document.querySelector('script[src="' + API + '"]')) {
      const script = document.createElement("script");
      script.src = API;
      script.onerror = offline;
      document.head.appendChild(script);
    }
    failTimer = setTimeout(function () { if (!ready) offline(); }, 15000);
  }

  function seek(t) {
    state.time = t; save();
    if (player && ready) {
      player.seekTo(t, true);
      player.playVideo();
      highlight(t);
    } else {
      pending = t;
    }
  }

  function layout(where) {
    state.layout = where; save();
    document.body.classList.toggle("watch-beside", where === "beside");
    document.body.classList.toggle("watch-above", where === "above");
    if (dock) dock.querySelector(".watch-layout").textContent = where === "beside" ? "Put it above" : "Put it beside";
  }

  function open() {
    if (dock) return;
    state.docked = true; save();
    dock = document.createElement("aside");
    dock.id = "watch-dock";
    dock.setAttribute("aria-label", "The lecture video");
    dock.innerHTML =
      '<div class="watch-controls">' +
      '<span class="watch-title">The lecture</span>' +
      '<label><input type="checkbox" class="watch-follow"> Follow</label>' +
      '<button type="button" class="watch-layout"></button>' +
      '<button type="button" class="watch-close" title="Close the video">✕</button>' +
      "</div>" +
      '<div class="watch-frame"><p class="watch-message">Loading the video…</p></div>' +
      '<div class="watch-now-title" aria-live="polite"></div>';
    document.body.appendChild(dock);
    dock.querySelector(".watch-follow").checked = !!state.follow;
    dock.querySelector(".watch-follow").addEventListener("change", function (e) {
      state.follow = e.target.checked; save();
    });
    dock.querySelector(".watch-layout").addEventListener("click", function () {
      layout(state.layout === "beside" ? "above" : "beside");
    });
    dock.querySelector(".watch-close").addEventListener("click", close);
    layout(state.layout || (window.innerWidth >= 1000 ? "beside" : "above"));
    document.body.classList.add("watch-docked");
    toggleButton();
    loadApi();
  }

  function close() {
    if (player && ready && player.destroy) player.destroy();
    if (dock) dock.remove();
    dock = null; player = null; ready = false; pending = null; failed = false;
    clearTimeout(failTimer);
    state.docked = false; save();
    document.body.classList.remove("watch-docked", "watch-beside", "watch-above");
    if (current) current.classList.remove("watch-now");
    current = null;
    toggleButton();
  }

  function toggleButton() {
    const button = document.getElementById("watch-toggle");
    if (button) button.textContent = dock ? "✕ Close the video" : "▶ Watch alongside";
  }

  function init() {
    if (!article().querySelector("a[href*='youtube.com/watch']")) return;
    const bar = document.createElement("div");
    bar.className = "watch-bar";
    bar.innerHTML = '<button type="button" id="watch-toggle"></button>' +
      '<span class="watch-hint">dock the lecture here; the ▶ links then play it at that moment</span>';
    article().prepend(bar);
    bar.querySelector("button").addEventListener("click", function () { dock ? close() : open(); });
    toggleButton();

    // A ▶ link seeks the docked player (when the player is there); otherwise it opens YouTube.
    document.addEventListener("click", function (event) {
      const link = event.target.closest && event.target.closest("a[href*='youtube.com/watch']");
      const t = link ? secondsOf(link) : null;
      if (t === null || !dock || failed) return;
      event.preventDefault();
      seek(t);
    });

    setInterval(function () {
      if (!player || !ready || !player.getPlayerState) return;
      if (player.getPlayerState() === 1) {  // playing
        const now = player.getCurrentTime();
        state.time = now; save();
        highlight(now);
      }
    }, 500);

    if (state.docked) open();  // it was docked on the page before: keep it, at the same moment
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
