// Watch alongside: dock the lecture beside (or above) the page. With the video docked, a ▶ time
// link plays it at that moment; while it plays, the section it is at is highlighted (and, with
// "Follow", scrolled to), and the dock shows the study-notes line for the moment. Uses YouTube's
// iframe API, loaded only when the learner docks the video.
//
// A ▶ link never takes the learner off the course: without the dock, or where the player cannot
// play (offline, a page opened from a file), it opens YouTube in a new tab; while the player is
// still loading, the video starts there once it is ready. The dock says which, in a live region.
// Keys while docked: k play/pause, j and l back and forward 10 s, < and > speed, Escape closes.
// A link to a moment, page.html?t=SECONDS#section, opens that section with the video docked there.
// The index offers to continue where the learner left off (the last moment played, kept in the
// browser's local storage).
(function () {
  "use strict";
  const VIDEO = window.COURSE_VIDEO || "VMj-3S1tku0";
  const TIME = new RegExp("youtube\\.com/watch\\?v=" + VIDEO + "&t=(\\d+)s");
  const API = "https://www.youtube.com/iframe_api";
  const KEY = "course-watch", LAST = "course-last";
  const RATES = [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
  const NARROW = 960;  // px: at or below this the dock is always above the text
  let player = null, ready = false, pending = null, current = null, dock = null, failTimer = null;
  let failed = false;  // the player cannot be had here (offline, or a page opened from a file)
  let noteShown = null, sizer = null;
  let state = load(sessionStorage, KEY);

  function load(store, key) {
    try { return JSON.parse(store.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function secondsOf(link) {
    const m = TIME.exec(link.getAttribute("href") || "");
    return m ? Number(m[1]) : null;
  }
  function hms(t) {
    t = Math.max(0, Math.floor(t));
    const p = function (n) { return String(n).padStart(2, "0"); };
    return p(Math.floor(t / 3600)) + ":" + p(Math.floor(t % 3600 / 60)) + ":" + p(t % 60);
  }
  function article() { return document.querySelector("article.bd-article") || document.body; }
  function root() { return document.documentElement.dataset.content_root || ""; }
  function pagename() {  /* global DOCUMENTATION_OPTIONS: Sphinx's, a `const`, not on window */
    return (typeof DOCUMENTATION_OPTIONS !== "undefined" && DOCUMENTATION_OPTIONS.pagename) || "";
  }
  function videoLink(t) { return "https://youtube.com/watch?v=" + VIDEO + "&t=" + Math.floor(t) + "s"; }

  // The page's sections with their times: each heading that carries a ▶ link, in page order. A section
  // beyond the lecture ("Going further: ...") has none in its heading: it is no moment of the video,
  // and while the video plays on, the lecture section before it stays the one highlighted.
  function sections() {
    const found = [];
    article().querySelectorAll("h1, h2, h3").forEach(function (h) {
      const link = h.querySelector("a[href*='youtube.com/watch']");
      const t = link ? secondsOf(link) : null;
      if (t !== null) found.push({ t: t, heading: h, section: h.closest("section") || h });
    });
    return found;
  }
  function sectionAt(now) {
    let at = null;
    sections().forEach(function (s) { if (s.t <= now) at = s; });
    return at;
  }
  function headingText(h) { return h.textContent.replace(/#/g, "").replace(/▶\s*\d\d:\d\d:\d\d/, "").trim(); }

  // Tell the learner what happened, in the dock's live region (read out by screen readers).
  function say(text) {
    const status = dock && dock.querySelector(".watch-status");
    if (status) status.textContent = text;
  }

  // Highlight the section the video is in: the last heading whose time has come.
  function highlight(now) {
    showNote(now);
    const at = sectionAt(now);
    const el = at ? at.section : null;
    if (el === current) return;
    if (current) current.classList.remove("watch-now");
    current = el;
    if (!el) return;
    el.classList.add("watch-now");
    const label = dock && dock.querySelector(".watch-now-title");
    if (label) label.textContent = "Now: " + headingText(at.heading);
    if (state.follow) at.heading.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  // The study-notes line for the moment: the last one whose time has come (within 2 minutes).
  function showNote(now) {
    const notes = window.COURSE_NOTES || [];
    let at = null;
    for (let i = 0; i < notes.length && notes[i].t <= now; i++) at = notes[i];
    if (at && now - at.t > 120) at = null;
    if (at === noteShown || !dock) return;
    noteShown = at;
    const box = dock.querySelector(".watch-note");
    box.hidden = !at;
    if (!at) return;
    const link = box.querySelector("a");
    link.href = root() + at.u;
    link.textContent = "Notes ▶\u00a0" + hms(at.t);
    box.querySelector(".watch-note-text").textContent = " " + at.text;
  }

  function message(html, plain) {
    const box = dock && dock.querySelector(".watch-frame");
    if (box) box.innerHTML = '<p class="watch-message">' + html + "</p>";
    say(plain);
    ready = false; player = null; failed = true; clearTimeout(failTimer);
  }

  function offline() {
    const t = Math.floor(pending !== null ? pending : state.time || 0);
    message("The video needs the internet, and it could not be loaded here. Everything else on " +
      'this page works offline. (<a href="' + videoLink(t) + '" target="_blank" rel="noopener">Open it ' +
      "on YouTube</a> when you are online.) The ▶ links now open YouTube in a new tab.",
      "The video could not be loaded here: it needs the internet. The ▶ links open YouTube in a new tab.");
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
          const frame = dock && dock.querySelector("iframe");
          if (frame) frame.title = "The lecture video (YouTube)";
          if (state.rate && player.setPlaybackRate) player.setPlaybackRate(state.rate);
          if (pending !== null) { seek(pending); pending = null; }
          else say("The video is docked and ready: the ▶ links play it here.");
        },
        onError: function (event) {
          if (event && (event.data === 153 || event.data === 152)) {
            message("YouTube refuses to play the video on a page opened from a file. Open the site " +
              "through a web address: <code>make site-serve</code>, then http://localhost:8000/.",
              "YouTube refuses to play the video on a page opened from a file. The ▶ links open YouTube in a new tab.");
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
        "works from the file too. The ▶ links open YouTube in a new tab.",
        "The video plays only when the site is opened through a web address. The ▶ links open YouTube in a new tab.");
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
      say("Playing from " + hms(t) + " in the docked video.");
    } else {
      pending = t;
    }
  }

  // The dock's height, when it is above the page (else 0): the page starts below it (course.css).
  function measure() {
    const style = document.documentElement.style;
    if (!dock) { style.removeProperty("--watch-h"); return; }
    const box = dock.getBoundingClientRect();
    style.setProperty("--watch-h", (box.left < 2 ? Math.ceil(box.height) : 0) + "px");
  }

  function layout(where) {
    state.layout = where; save();
    render();
  }

  // The layout shown: the learner's, except that on a narrow screen the dock is always above.
  function render() {
    const above = state.layout === "above" || window.innerWidth <= NARROW;
    document.body.classList.toggle("watch-beside", !above);
    document.body.classList.toggle("watch-above", above);
    layoutButton();
  }

  // The layout button names the other layout; on a narrow screen the dock is always above, so
  // there is no button.
  function layoutButton() {
    const button = dock && dock.querySelector(".watch-layout");
    if (!button) return;
    button.hidden = window.innerWidth <= NARROW;
    button.textContent = state.layout === "beside" ? "Put it above" : "Put it beside";
  }

  function keys(event) {
    if (!dock || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (event.key === "Escape" && dock.contains(target)) { event.preventDefault(); close(true); return; }
    if (target.closest && target.closest("input, textarea, select, [contenteditable], dialog")) return;
    const key = event.key;
    if (!["k", "j", "l", "<", ">"].includes(key)) return;
    event.preventDefault();
    if (!player || !ready) { say("The video is not playing here, so the keys do nothing yet."); return; }
    const now = player.getCurrentTime();
    if (key === "k") {
      if (player.getPlayerState() === 1) { player.pauseVideo(); say("Paused at " + hms(now) + "."); }
      else { player.playVideo(); say("Playing from " + hms(now) + "."); }
    } else if (key === "j" || key === "l") {
      const t = Math.max(0, now + (key === "j" ? -10 : 10));
      player.seekTo(t, true);
      state.time = t; save();
      highlight(t);
      say((key === "j" ? "Back" : "Forward") + " 10 s: " + hms(t) + ".");
    } else {
      const rate = player.getPlaybackRate ? player.getPlaybackRate() : 1;
      const i = RATES.indexOf(rate) < 0 ? 2 : RATES.indexOf(rate);
      const next = RATES[Math.max(0, Math.min(RATES.length - 1, i + (key === ">" ? 1 : -1)))];
      player.setPlaybackRate(next);
      state.rate = next; save();
      say("Speed " + next + "×.");
    }
  }

  // A link to this moment: this page, the time, and the section the video is in.
  function shareLink() {
    const t = Math.floor(player && ready ? player.getCurrentTime() : state.time || 0);
    const at = sectionAt(t);
    const id = at && at.section.id ? "#" + at.section.id : "";
    return location.origin + location.pathname + "?t=" + t + id;
  }

  function share() {
    const url = shareLink();
    const done = function (copied) {
      say((copied ? "Copied a link to this moment: " : "A link to this moment: ") + url);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { done(true); }, function () { done(false); });
    } else {
      done(false);
    }
  }

  function open(focus) {
    if (dock) return;
    state.docked = true; save();
    dock = document.createElement("aside");
    dock.id = "watch-dock";
    dock.tabIndex = -1;
    dock.setAttribute("aria-label", "The lecture video");
    dock.innerHTML =
      '<div class="watch-controls">' +
      '<span class="watch-title">The lecture</span>' +
      '<label><input type="checkbox" class="watch-follow"> Follow</label>' +
      '<button type="button" class="watch-layout"></button>' +
      '<button type="button" class="watch-share">Link to this moment</button>' +
      '<button type="button" class="watch-close" aria-label="Close the video">✕</button>' +
      "</div>" +
      '<div class="watch-frame"><p class="watch-message">Loading the video…</p></div>' +
      '<p class="watch-status" role="status" aria-live="polite"></p>' +
      '<div class="watch-now-title"></div>' +
      '<p class="watch-note" hidden><a></a><span class="watch-note-text"></span></p>' +
      '<p class="watch-keys">Keys: <kbd>k</kbd> play or pause · <kbd>j</kbd> back 10 s · ' +
      "<kbd>l</kbd> forward 10 s · <kbd>&lt;</kbd> slower · <kbd>&gt;</kbd> faster · " +
      "<kbd>Esc</kbd> (in here) closes</p>";
    // Right after the Watch alongside button, so the keyboard reaches it next.
    const bar = document.querySelector(".watch-bar");
    if (bar) bar.after(dock); else document.body.appendChild(dock);
    dock.querySelector(".watch-follow").checked = !!state.follow;
    dock.querySelector(".watch-follow").addEventListener("change", function (e) {
      state.follow = e.target.checked; save();
    });
    dock.querySelector(".watch-layout").addEventListener("click", function () {
      layout(state.layout === "beside" ? "above" : "beside");
    });
    dock.querySelector(".watch-share").addEventListener("click", share);
    dock.querySelector(".watch-close").addEventListener("click", function () { close(true); });
    layout(state.layout || (window.innerWidth >= 1000 ? "beside" : "above"));
    document.body.classList.add("watch-docked");
    measure();
    if (window.ResizeObserver) { sizer = new ResizeObserver(measure); sizer.observe(dock); }
    toggleButton();
    say("The lecture video is docked. The ▶ links now play it here.");
    if (focus) dock.focus();
    loadApi();
  }

  function close(returnFocus) {
    if (player && ready && player.destroy) player.destroy();
    if (dock) dock.remove();
    if (sizer) sizer.disconnect();
    dock = null; sizer = null; player = null; ready = false; pending = null; failed = false; noteShown = null;
    clearTimeout(failTimer);
    state.docked = false; state.playing = false; save();
    document.body.classList.remove("watch-docked", "watch-beside", "watch-above");
    measure();
    if (current) current.classList.remove("watch-now");
    current = null;
    toggleButton();
    if (returnFocus) {
      const button = document.getElementById("watch-toggle");
      if (button) button.focus();
    }
  }

  function toggleButton() {
    const button = document.getElementById("watch-toggle");
    if (button) {
      button.textContent = dock ? "✕ Close the video" : "▶ Watch alongside";
      button.setAttribute("aria-expanded", dock ? "true" : "false");
    }
  }

  // While the video plays: remember the moment (this session: the dock comes back on the next
  // page; and for good: "continue where you left off" on the index).
  function remember(now) {
    state.time = now; state.playing = true; save();
    const at = sectionAt(now);
    const last = { page: pagename() + ".html", title: document.title.split(" — ")[0].replace(/▶\s*\d\d:\d\d:\d\d/, "").trim(), t: Math.floor(now),
                   section: at ? headingText(at.heading) : "", anchor: at && at.section.id ? at.section.id : "" };
    try { localStorage.setItem(LAST, JSON.stringify(last)); } catch (e) { /* private mode */ }
  }

  function continueBox() {
    const last = load(localStorage, LAST);
    if (!last.page || pagename() !== "index") return;
    const box = document.createElement("p");
    box.className = "watch-continue";
    const link = document.createElement("a");
    link.href = root() + last.page + "?t=" + last.t + (last.anchor ? "#" + last.anchor : "");
    link.textContent = last.title + (last.section ? " · " + last.section : "") + " · ▶\u00a0" + hms(last.t);
    box.append("Continue where you left off: ", link);
    article().prepend(box);
  }

  function init() {
    continueBox();
    const links = article().querySelectorAll("a[href*='youtube.com/watch']");
    links.forEach(function (link) {  // without the dock, YouTube opens in a new tab
      link.target = "_blank";
      link.rel = "noopener";
    });
    if (!links.length || pagename() === "index") return;
    const bar = document.createElement("div");
    bar.className = "watch-bar";
    bar.innerHTML = '<button type="button" id="watch-toggle" aria-controls="watch-dock"></button>' +
      '<span class="watch-hint">dock the lecture here; the ▶ links then play it at that moment ' +
      "(without it they open YouTube in a new tab)</span>";
    article().prepend(bar);
    bar.querySelector("button").addEventListener("click", function () { dock ? close(true) : open(true); });
    toggleButton();

    // A ▶ link plays the docked video; where it cannot, YouTube opens in a new tab, and the dock says which.
    document.addEventListener("click", function (event) {
      const link = event.target.closest && event.target.closest("a[href*='youtube.com/watch']");
      const t = link ? secondsOf(link) : null;
      if (t === null || !dock || dock.querySelector(".watch-message a") === link) return;
      event.preventDefault();
      if (player && ready) {
        seek(t);
      } else if (!failed) {
        pending = t; state.time = t; save();
        say("The video is still loading: it will start at " + hms(t) + " once it is ready.");
      } else {
        window.open(link.href, "_blank", "noopener");
        say("The video cannot play here, so it opened on YouTube in a new tab, at " + hms(t) + ".");
      }
    });
    document.addEventListener("keydown", keys);
    window.addEventListener("resize", function () { if (dock) render(); measure(); });

    setInterval(function () {
      if (!player || !ready || !player.getPlayerState) return;
      const playing = player.getPlayerState() === 1;
      if (playing) {
        const now = player.getCurrentTime();
        remember(now);
        highlight(now);
      } else if (state.playing) {
        state.playing = false; save();
      }
    }, 500);

    // A link to a moment (?t=SECONDS): dock the video there. Otherwise the dock comes back only
    // if the video was playing when the learner left the last page.
    const asked = new URLSearchParams(location.search).get("t");
    if (asked !== null && /^\d+$/.test(asked)) {
      state.time = Number(asked); save();
      open(false);
      seek(Number(asked));
      if (!location.hash) {
        const at = sectionAt(Number(asked));
        if (at) at.heading.scrollIntoView({ block: "start" });
      }
    } else if (state.docked && state.playing) {
      open(false);
    } else if (state.docked) {
      state.docked = false; save();
    }
  }

  window.courseWatch = { hms: hms, shareLink: shareLink };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
