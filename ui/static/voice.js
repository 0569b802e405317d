// The practice page's voice channel: microphone -> WebSocket -> customer's voice.
//
// window.CoachVoice.start({sessionId, handsFree = true, wiring = 'live' | 'naive', audio}), stop(),
// pushToTalk(down), mute(muted). Everything that happens is a DOM event:
//   document.addEventListener('coach-voice', (e) => e.detail.type ...)
// with detail.type one of state, partial, heard, revised, customer, turn_done, error, ended
// (see coach/api/voice.py for the wire protocol). Needs nothing but the app: the worklet is
// served next to this file, and the socket goes to the same host.
//
// Each rep line has an id (sent ahead of it, renewed when a turn starts). The audio of a line
// the server has not confirmed yet is kept, and after a reconnect it is sent again under the
// same id: the server stores a line at most once, and answers one it already stored with the
// stored reply. A call the server refuses as busy (close 4429: every voice slot is taken)
// is not retried: the notice says to type, the text box gets the focus, and the microphone
// button (mute(false)) tries the voice line again.
(function () {
  'use strict';

  const SCRIPT_URL = (document.currentScript && document.currentScript.src) || '/static/voice.js';
  const WORKLET_URL = new URL('voice-worklet.js', SCRIPT_URL).href;
  const LOUD_RMS = 0.01; // about -40 dBFS: the rep is speaking (for the page's own timing)
  const BARGE_IN_RMS = 0.08; // clearly loud speech over the customer stops the customer
  const BARGE_IN_FRAMES = 3; // ... for about 100 ms
  const RETRY_MS = [500, 1000, 2000, 4000, 5000];
  const BUSY = 4429; // every voice slot of the server is taken: type instead
  const RECENT_FRAMES = 19; // ~0.6 s kept before a turn starts: the server's pre-roll and more
  const LINE_FRAMES = 940; // ~30 s of one line kept to send again, at most
  const PENDING_LINES = 4; // unconfirmed lines kept, at most

  let call = null; // the current call's state, null when stopped
  let refused = null; // the options of a call refused as busy, to try again with

  function newLineId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
    return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
  }

  function pageLanguage() {
    const match = /^\/(en|zh)(\/|$)/.exec(location.pathname);
    if (match) return match[1];
    const lang = (document.documentElement.lang || '').toLowerCase();
    return lang.startsWith('zh') ? 'zh' : 'en';
  }

  function emit(detail) {
    document.dispatchEvent(new CustomEvent('coach-voice', { detail }));
  }

  window.__coachVoiceTimes = window.__coachVoiceTimes || [];

  function setState(state) {
    if (!call || call.state === state) return;
    call.state = state;
    emit({ type: 'state', state });
  }

  function shownState() {
    // The server says what it is doing; while the customer's voice plays, that is what shows.
    if (!call) return;
    if (call.serverState === 'ended') return setState('ended');
    if (call.sources.size > 0 && call.serverState !== 'hearing') return setState('speaking');
    setState(call.muted ? 'idle' : call.serverState || 'listening');
  }

  async function start(options) {
    const opts = options || {};
    if (!opts.sessionId) throw new Error('CoachVoice.start needs a sessionId');
    if (call) stop();
    refused = null;
    call = {
      sessionId: String(opts.sessionId),
      handsFree: opts.handsFree !== false,
      wiring: opts.wiring === 'naive' ? 'naive' : 'live',
      state: null,
      serverState: 'connecting',
      ws: null,
      retries: 0,
      greeted: false,
      stopped: false,
      muted: false,
      held: false,
      context: null,
      stream: null,
      node: null,
      source: null,
      sources: new Set(),
      playhead: 0,
      pendingAudio: null,
      replies: new Map(), // reply id -> {turn, done, cancelled, playing}
      lastLoud: 0,
      loudRun: 0,
      speechEnd: null,
      currentReply: null,
      lost: false,
      awaitingFirstAudio: false,
      options: opts,
      nextLine: newLineId(), // the id the next line to start will have
      lines: [], // lines heard but not confirmed: {id, frames, open}
      resending: [], // ids of the lines sent again after a reconnect, not heard again yet
      recent: [], // the last frames sent, the start of the next line
    };
    const current = call;
    setState('connecting');
    try {
      current.context = new (window.AudioContext || window.webkitAudioContext)({ latencyHint: 'interactive' });
      if (current.context.state === 'suspended') await current.context.resume();
      current.stream = await navigator.mediaDevices.getUserMedia({
        audio: opts.audio || { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (err) {
      const name = err && err.name;
      const code = name === 'NotAllowedError' || name === 'SecurityError' ? 'mic_denied' : 'mic_missing';
      emit({ type: 'error', code, message: String((err && err.message) || err) });
      teardown(current);
      return false;
    }
    if (current.stopped) return false;
    try {
      await current.context.audioWorklet.addModule(WORKLET_URL);
    } catch (err) {
      emit({ type: 'error', code: 'server_error', message: 'could not load the audio worklet: ' + err });
      teardown(current);
      return false;
    }
    current.source = current.context.createMediaStreamSource(current.stream);
    current.node = new AudioWorkletNode(current.context, 'coach-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    current.node.port.onmessage = (event) => onFrame(current, event.data);
    current.source.connect(current.node);
    connect(current);
    return true;
  }

  function socketUrl(current) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = new URLSearchParams({
      hands_free: current.handsFree ? '1' : '0',
      wiring: current.wiring,
      greet: current.greeted ? '0' : '1',
      lang: pageLanguage(),
    });
    return scheme + '//' + location.host + '/ws/voice/' + encodeURIComponent(current.sessionId) + '?' + query;
  }

  function connect(current) {
    const ws = new WebSocket(socketUrl(current));
    ws.binaryType = 'arraybuffer';
    current.ws = ws;
    ws.onopen = () => {
      current.retries = 0;
      resendLines(current, ws);
    };
    ws.onmessage = (event) => onMessage(current, event.data);
    ws.onclose = (event) => {
      if (current.ws === ws) current.ws = null;
      if (current.stopped || call !== current) return;
      if (event.code === BUSY) {
        // Every voice slot is taken: the error event (in the rep's language) said so. Type.
        refused = current.options;
        teardown(current);
        setStateFor(current, 'idle');
        call = null;
        toTextBox();
        return;
      }
      if (event.code === 4401 || event.code === 4403 || current.serverState === 'ended') {
        // Refused (the error event came first) or over: nothing to reconnect to.
        teardown(current);
        setStateFor(current, current.serverState === 'ended' ? 'ended' : 'idle');
        return;
      }
      // Lost (network, server restart): every turn is already stored, so just come back.
      if (!current.lost) {
        current.lost = true;
        emit({ type: 'error', code: 'connection_lost', message: 'the connection to the coach was lost; reconnecting' });
      }
      current.serverState = 'connecting';
      setStateFor(current, 'connecting');
      const wait = RETRY_MS[Math.min(current.retries, RETRY_MS.length - 1)];
      current.retries += 1;
      setTimeout(() => {
        if (!current.stopped && call === current) connect(current);
      }, wait);
    };
  }

  function setStateFor(current, state) {
    if (call === current) setState(state);
  }

  function toTextBox() {
    const box = document.querySelector('#turn-text textarea, #turn-text input');
    if (!box) return;
    box.scrollIntoView({ block: 'center' });
    box.focus();
  }

  function sendLine(ws, id) {
    ws.send(JSON.stringify({ type: 'line', id }));
  }

  // After a reconnect: every line not confirmed, with its id and audio, then the next id.
  function resendLines(current, ws) {
    current.resending = [];
    for (const line of current.lines) {
      line.open = false;
      sendLine(ws, line.id);
      for (const frame of line.frames) ws.send(frame);
      current.resending.push(line.id);
    }
    sendLine(ws, current.nextLine);
  }

  function remember(current, pcm) {
    current.recent.push(pcm);
    if (current.recent.length > RECENT_FRAMES) current.recent.shift();
    const last = current.lines[current.lines.length - 1];
    if (last && last.open && last.frames.length < LINE_FRAMES) last.frames.push(pcm);
  }

  // The server started a turn: it took the id sent ahead; the next line gets a new one.
  function lineStarted(current) {
    // A line sent again starting on the server: it has its id and its audio already.
    if (current.resending.length) {
      current.resending.shift();
      return;
    }
    for (const line of current.lines) line.open = false;
    current.lines.push({ id: current.nextLine, frames: current.recent.slice(), open: true });
    if (current.lines.length > PENDING_LINES) current.lines.shift();
    current.nextLine = newLineId();
    if (current.ws && current.ws.readyState === WebSocket.OPEN) sendLine(current.ws, current.nextLine);
  }

  // A line is settled (stored, or refused with an error): nothing to send again for it.
  // Without an id: the oldest line (a turn is confirmed in order) or the newest (dropped).
  function lineSettled(current, id, newest) {
    let index = newest ? current.lines.length - 1 : 0;
    if (id) {
      index = current.lines.findIndex((line) => line.id === id);
      current.resending = current.resending.filter((other) => other !== id);
    }
    if (index >= 0 && index < current.lines.length) current.lines.splice(index, 1);
  }

  function onFrame(current, data) {
    if (current.stopped) return;
    const now = performance.now();
    const loud = data.rms >= LOUD_RMS;
    if (loud) current.lastLoud = now;
    // Barge-in on clearly loud speech while the customer talks (echo cancellation is on).
    current.loudRun = data.rms >= BARGE_IN_RMS ? current.loudRun + 1 : 0;
    if (current.loudRun >= BARGE_IN_FRAMES && current.sources.size > 0) bargeIn(current);
    if (current.muted) return;
    if (!current.handsFree && !current.held) return;
    const ws = current.ws;
    if (ws && ws.readyState === WebSocket.OPEN && current.serverState !== 'connecting') {
      ws.send(data.pcm);
      remember(current, data.pcm);
    }
  }

  function onMessage(current, data) {
    if (data instanceof ArrayBuffer) {
      const header = current.pendingAudio;
      current.pendingAudio = null;
      if (header) play(current, header, data);
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch (err) {
      return;
    }
    switch (message.type) {
      case 'ready':
        // A new connection numbers its replies from 1 again: the old ones are done with.
        if (current.greeted) {
          current.replies = new Map();
          current.currentReply = null;
          current.pendingAudio = null;
        }
        current.greeted = true;
        current.lost = false;
        current.serverState = message.status === 'active' ? 'listening' : 'ended';
        shownState();
        break;
      case 'state':
        if (message.state === 'thinking') {
          current.speechEnd = current.lastLoud || null;
          current.awaitingFirstAudio = true;
        }
        if (message.state === 'hearing' && current.sources.size > 0) bargeIn(current);
        if (message.state === 'hearing') lineStarted(current);
        current.serverState = message.state;
        shownState();
        break;
      case 'partial':
        emit({ type: 'partial', text: message.text });
        break;
      case 'heard':
        // Stored (or stored before, replayed): the line is confirmed.
        lineSettled(current, message.line || null, false);
        emit({ type: 'heard', text: message.text, turn: message.turn });
        break;
      case 'revised':
        emit({ type: 'revised', text: message.text, turn: message.turn });
        break;
      case 'customer': {
        const detail = { type: 'customer', text: message.text };
        for (const key of ['turn', 'notice', 'hint', 'prompt', 'marks', 'ended_by', 'opening']) {
          if (message[key] !== undefined && message[key] !== null) detail[key] = message[key];
        }
        emit(detail);
        break;
      }
      case 'audio':
        current.pendingAudio = message;
        break;
      case 'reply_done': {
        const reply = replyOf(current, message.reply);
        reply.turn = message.turn;
        reply.done = true;
        if (message.cancelled) reply.cancelled = true;
        maybeTurnDone(current, message.reply);
        break;
      }
      case 'error':
        if (message.line) lineSettled(current, message.line, false);
        else if (message.code === 'too_long' || message.code === 'no_speech') lineSettled(current, null, true);
        emit({ type: 'error', code: message.code, message: message.message });
        break;
      case 'ended':
        current.serverState = 'ended';
        current.lines = [];
        emit({ type: 'ended', ended_by: message.ended_by === undefined ? null : message.ended_by });
        stopCapture(current);
        shownState();
        break;
      default:
        break;
    }
  }

  function replyOf(current, id) {
    if (!current.replies.has(id)) current.replies.set(id, { turn: null, done: false, cancelled: false, playing: 0 });
    return current.replies.get(id);
  }

  function play(current, header, buffer) {
    const reply = replyOf(current, header.reply);
    if (reply.cancelled || !current.context) return;
    const pcm = new Int16Array(buffer);
    if (pcm.length === 0) return;
    const context = current.context;
    const audio = context.createBuffer(1, pcm.length, header.sample_rate);
    const channel = audio.getChannelData(0);
    for (let i = 0; i < pcm.length; i++) channel[i] = pcm[i] / 32768;
    const source = context.createBufferSource();
    source.buffer = audio;
    source.connect(context.destination);
    const at = Math.max(context.currentTime + 0.005, current.playhead);
    source.start(at);
    current.playhead = at + audio.duration;
    current.currentReply = header.reply;
    current.sources.add(source);
    reply.playing += 1;
    if (current.awaitingFirstAudio) {
      // The first sound of the answer to a rep turn: when it will come out of the speakers.
      current.awaitingFirstAudio = false;
      const firstAudio = performance.now() + Math.max(0, at - context.currentTime) * 1000;
      window.__coachVoiceTimes.push({ reply: header.reply, speechEnd: current.speechEnd, firstAudio, wiring: current.wiring });
      current.speechEnd = null;
    }
    source.onended = () => {
      current.sources.delete(source);
      reply.playing -= 1;
      maybeTurnDone(current, header.reply);
      shownState();
    };
    shownState();
  }

  function maybeTurnDone(current, id) {
    const reply = replyOf(current, id);
    if (!reply.done || reply.playing > 0 || reply.reported) return;
    reply.reported = true;
    emit({ type: 'turn_done', turn: reply.turn, reply: id, skipped: reply.cancelled });
    shownState();
  }

  function bargeIn(current) {
    const id = current.currentReply;
    if (id === null) return;
    const reply = replyOf(current, id);
    reply.cancelled = true;
    for (const source of Array.from(current.sources)) {
      try {
        source.stop();
      } catch (err) {
        // already stopped
      }
    }
    current.playhead = 0;
    if (current.ws && current.ws.readyState === WebSocket.OPEN) current.ws.send(JSON.stringify({ type: 'barge_in' }));
  }

  function stopCapture(current) {
    if (current.source) current.source.disconnect();
    if (current.node) current.node.port.onmessage = null;
    if (current.stream) current.stream.getTracks().forEach((t) => t.stop());
    current.source = null;
    current.node = null;
    current.stream = null;
  }

  function teardown(current) {
    current.stopped = true;
    stopCapture(current);
    for (const source of Array.from(current.sources)) {
      try {
        source.stop();
      } catch (err) {
        // already stopped
      }
    }
    current.sources.clear();
    if (current.ws) {
      try {
        current.ws.close(1000);
      } catch (err) {
        // already closed
      }
    }
    if (current.context) current.context.close().catch(() => {});
  }

  function stop() {
    const current = call;
    if (!current) return;
    teardown(current);
    setState('idle');
    call = null;
  }

  function pushToTalk(down) {
    const current = call;
    if (!current || current.handsFree) return;
    current.held = Boolean(down);
    if (current.held && current.sources.size > 0) bargeIn(current);
    if (current.ws && current.ws.readyState === WebSocket.OPEN) {
      current.ws.send(JSON.stringify({ type: 'ptt', down: current.held }));
    }
  }

  function mute(muted) {
    const current = call;
    if (!current) {
      // The microphone button after a busy refusal: try the voice line again.
      if (!muted && refused) start(refused);
      return;
    }
    current.muted = Boolean(muted);
    if (current.stream) current.stream.getAudioTracks().forEach((t) => (t.enabled = !current.muted));
    if (current.ws && current.ws.readyState === WebSocket.OPEN) {
      current.ws.send(JSON.stringify({ type: 'mute', muted: current.muted }));
    }
    shownState();
  }

  function end() {
    const current = call;
    if (current && current.ws && current.ws.readyState === WebSocket.OPEN) {
      current.ws.send(JSON.stringify({ type: 'end' }));
    }
  }

  function connected() {
    const current = call;
    return Boolean(current && current.ws && current.ws.readyState === WebSocket.OPEN);
  }

  window.CoachVoice = { start, stop, pushToTalk, mute, end, connected };
})();
