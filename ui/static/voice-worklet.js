// Microphone capture for the voice channel, in the audio thread.
//
// Takes the context's input (usually 48 kHz), low-passes and resamples it to 16 kHz mono,
// and posts 512-sample frames (32 ms, what the server's speech detector takes) as int16
// PCM, with each frame's loudness so the page can see speech without the server.
class CoachCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000;
    this.position = 0; // where the next output sample lies, in input samples
    this.previous = 0; // last input sample of the previous block, for interpolation
    this.smoothed = 0;
    // One-pole low-pass at about 7 kHz: keeps the resampler from folding highs into speech.
    this.alpha = 1 - Math.exp((-2 * Math.PI * 7000) / sampleRate);
    this.frame = new Int16Array(512);
    this.filled = 0;
    this.sumSquares = 0;
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0 || input[0].length === 0) return true;
    const channel = input[0];
    const filtered = new Float32Array(channel.length);
    for (let i = 0; i < channel.length; i++) {
      this.smoothed += this.alpha * (channel[i] - this.smoothed);
      filtered[i] = this.ratio > 1 ? this.smoothed : channel[i];
    }
    // Output samples at input positions position, position + ratio, ... inside this block;
    // position may be in [-1, 0): between the previous block's last sample and this one's first.
    while (this.position < filtered.length - 1 || (this.position < filtered.length && this.ratio <= 1)) {
      const index = Math.floor(this.position);
      const fraction = this.position - index;
      const a = index < 0 ? this.previous : filtered[index];
      const b = filtered[Math.min(index + 1, filtered.length - 1)];
      this.push(a + (b - a) * fraction);
      this.position += this.ratio;
    }
    this.position -= filtered.length;
    this.previous = filtered[filtered.length - 1];
    return true;
  }

  push(value) {
    const clipped = Math.max(-1, Math.min(1, value));
    this.frame[this.filled++] = clipped < 0 ? clipped * 32768 : clipped * 32767;
    this.sumSquares += clipped * clipped;
    if (this.filled === this.frame.length) {
      const rms = Math.sqrt(this.sumSquares / this.frame.length);
      const pcm = this.frame.buffer;
      this.port.postMessage({ pcm, rms }, [pcm]);
      this.frame = new Int16Array(512);
      this.filled = 0;
      this.sumSquares = 0;
    }
  }
}

registerProcessor('coach-capture', CoachCapture);
