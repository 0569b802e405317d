// Glue between the Gradio pages and the browser: the call timer, playing turn audio, jumping
// from a key point to its turn, starting the hands-free voice channel (voice.js) for an open
// call, and asking the server to redraw the call after a voice turn. Identity and every
// decision stay on the server; this file only moves the page along.
(function () {
  "use strict";
  let player = null;
  let lastSpoken = {};
  let voiceSession = null;

  function messages() {
    const node = document.getElementById("coach-messages");
    try { return node ? JSON.parse(node.getAttribute("data-messages")) : {}; } catch (e) { return {}; }
  }

  window.coachPlay = function (button) {
    const src = button.getAttribute("data-src");
    if (!src) return false;
    if (player) { player.pause(); }
    player = new Audio(src);
    player.play().catch(function () {});
    return false;
  };

  window.coachJump = function (turn) {
    const card = document.getElementById("scorecard-transcript") || document;
    const bubble = card.querySelector("#turn-" + turn) || document.getElementById("turn-" + turn);
    if (!bubble) return false;
    bubble.scrollIntoView({ behavior: "smooth", block: "center" });
    bubble.classList.add("flash");
    setTimeout(function () { bubble.classList.remove("flash"); }, 1600);
    const play = bubble.querySelector("button.play");
    if (play) window.coachPlay(play);
    return false;
  };

  function clickHidden(id) {
    const node = document.getElementById(id);
    const button = node && (node.tagName === "BUTTON" ? node : node.querySelector("button"));
    if (button) button.click();
  }
  window.coachClick = clickHidden;

  function setState(state) {
    const node = document.getElementById("call-state");
    if (!node) return;
    node.setAttribute("data-state", state);
    const text = messages()["state." + state];
    if (text) node.textContent = text;
  }

  function showError(code, fallback) {
    const node = document.getElementById("voice-notice");
    if (!node) return;
    const text = messages()["err." + code] || fallback || code;
    node.innerHTML = "";
    const div = document.createElement("div");
    div.className = "coach-notice error";
    div.setAttribute("role", "alert");
    div.textContent = text;
    node.appendChild(div);
  }

  function handsFree() {
    const box = document.querySelector("#hands-free input[type=checkbox]");
    return box ? box.checked : true;
  }

  // ?wiring=naive switches to the naive wiring (the benchmark's baseline).
  function wiring() {
    return new URLSearchParams(window.location.search).get("wiring") === "naive" ? "naive" : "live";
  }

  // Switching hands-free on or off restarts the channel in the other way of listening.
  document.addEventListener("change", function (event) {
    const box = event.target;
    if (!box || !box.closest || !box.closest("#hands-free")) return;
    if (voiceSession && voiceReady()) {
      const id = voiceSession;
      window.CoachVoice.stop();
      window.CoachVoice.start({ sessionId: id, handsFree: handsFree(), wiring: wiring() });
    }
  });

  function voiceReady() { return typeof window.CoachVoice === "object" && window.CoachVoice; }

  // Start or stop the voice channel to match the open call.
  function syncVoice() {
    const call = document.getElementById("coach-call");
    const active = call && call.getAttribute("data-status") === "active";
    const id = active ? call.getAttribute("data-session") : null;
    const wanted = id;
    if (wanted && wanted !== voiceSession && voiceReady()) {
      if (voiceSession) window.CoachVoice.stop();
      voiceSession = wanted;
      window.CoachVoice.start({ sessionId: wanted, handsFree: handsFree(), wiring: wiring() });
    } else if (!wanted && voiceSession && voiceReady()) {
      window.CoachVoice.stop();
      voiceSession = null;
    }
  }
  window.coachSyncVoice = syncVoice;
  window.coachVoiceSession = function () { return voiceSession; };

  // Customer turns that arrive without the voice channel (typed or uploaded turns) are
  // spoken here, once each.
  function speakNewCustomerTurns() {
    const call = document.getElementById("coach-call");
    const chat = document.getElementById("coach-chat");
    if (!call || !chat) return;
    const id = call.getAttribute("data-session");
    const bubbles = chat.querySelectorAll(".bubble.customer");
    if (!bubbles.length) return;
    const last = bubbles[bubbles.length - 1];
    const turn = parseInt(last.getAttribute("data-turn"), 10);
    if (lastSpoken[id] === undefined) { lastSpoken[id] = -1; }
    if (turn > lastSpoken[id]) {
      lastSpoken[id] = turn;
      const voiceOn = voiceSession === id && voiceReady() && window.CoachVoice.connected && window.CoachVoice.connected();
      if (!voiceOn) {
        const play = last.querySelector("button.play");
        if (play) window.coachPlay(play);
      }
    }
  }

  function tick() {
    const call = document.getElementById("coach-call");
    const timer = document.getElementById("call-timer");
    if (call && timer) {
      const started = parseInt(call.getAttribute("data-started"), 10);
      if (call.getAttribute("data-status") === "active" && started) {
        const s = Math.max(0, Math.floor((Date.now() - started) / 1000));
        timer.textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
      }
    }
  }
  setInterval(tick, 500);

  document.addEventListener("coach-voice", function (event) {
    const d = event.detail || {};
    if (d.type === "state") setState(d.state);
    else if (d.type === "partial") {
      const node = document.getElementById("live-partial");
      if (node) node.textContent = d.text || "";
    } else if (d.type === "turn_done" || d.type === "ended" || d.type === "revised") {
      const node = document.getElementById("live-partial");
      if (node) node.textContent = "";
      clickHidden("coach-refresh");
    } else if (d.type === "error") {
      showError(d.code, d.message);
      if (d.code === "session_ended") clickHidden("coach-refresh");
    }
  });

  // Keep the newest turn in view as the call grows.
  let chatLength = 0;
  function followChat() {
    const chat = document.getElementById("coach-chat");
    if (!chat) return;
    const length = chat.children.length;
    if (length !== chatLength) { chatLength = length; chat.scrollTop = chat.scrollHeight; }
  }

  const observer = new MutationObserver(function () {
    syncVoice();
    speakNewCustomerTurns();
    followChat();
  });
  function watch() {
    if (!document.body) { setTimeout(watch, 50); return; }
    observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-status", "data-session"] });
  }
  watch();
})();
