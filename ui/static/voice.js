// The practice page's voice channel: microphone -> WebSocket -> customer's voice.
//
// window.CoachVoice.start({sessionId, handsFree = true, wiring = 'live' | 'naive', audio}), stop(),
// pushToTalk(down), mute(muted). Everything that happens is a DOM event:
//   document.addEventListener('coach-voice', (e) => e.detail.type ...)
// with detail.type one of state, partial, heard, revised, customer, turn_done, error, ended
// (see coach/api/voice.py for the wire protocol). Needs nothing but the app: the worklet is
// served next to this file, and the socket goes to the same host.
(function () {
  'use strict';

  const SCRIPT_URL = (document.currentScript && document.currentScript.src) || '/static/voice.js';
  const WORKLET_URL = new URL('voice-worklet.js', SCRIPT_URL).href;
  const LOUD_RMS = 0.01; // about -40 dBFS: the rep is speaking (for the page's own timing)
  const BARGE_IN_RMS = 0.08; // clearly loud speech over the customer stops the customer
  const BARGE_IN_FRAMES = 3; // ... for about 100 ms
  const RETRY_MS = [500, 1000, 2000, 4000, 5000];

  let call = null; // the current call's state, null when stopped

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
    });
    return scheme + '//' + location.host + '/ws/voice/' + encodeURIComponent(current.sessionId) + '?' + query;
  }

  function connect(current) {
    const ws = new WebSocket(socketUrl(current));
    ws.binaryType = 'arraybuffer';
    current.ws = ws;
    ws.onopen = () => {
      current.retries = 0;
    };
    ws.onmessage = (event) => onMessage(current, event.data);
    ws.onclose = (event) => {
      if (current.ws === ws) current.ws = null;
      if (current.stopped || call !== current) return;
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
    if (ws && ws.readyState === WebSocket.OPEN && current.serverState !== 'connecting') ws.send(data.pcm);
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
        current.serverState = message.state;
        shownState();
        break;
      case 'partial':
        emit({ type: 'partial', text: message.text });
        break;
      case 'heard':
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
        emit({ type: 'error', code: message.code, message: message.message });
        break;
      case 'ended':
        current.serverState = 'ended';
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
    if (!current) return;
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
