// The scan station's sounds (station.js plays one per result): generated with WebAudio, no files.
// Distinct by pitch and by rhythm, not only by one of them: applied one short high beep, a look-up a
// shorter lower one, already two soft mid beeps, refused a long low buzz falling.

const SOUNDS = { // kind → [frequency Hz, start s, length s, wave]
  applied: [[1046, 0, 0.09, "sine"]],
  found: [[784, 0, 0.07, "sine"]],
  already: [[523, 0, 0.06, "triangle"], [523, 0.1, 0.06, "triangle"]],
  refused: [[196, 0, 0.32, "square"], [147, 0.12, 0.3, "square"]],
};
let audio = null;

export function beep(kind) {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
    const start = audio.currentTime + 0.01;
    for (const [hz, at, length, wave] of SOUNDS[kind] || []) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = wave;
      tone.frequency.value = hz;
      gain.gain.setValueAtTime(0.18, start + at);
      gain.gain.exponentialRampToValueAtTime(0.001, start + at + length);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + at);
      tone.stop(start + at + length + 0.02);
    }
  } catch {
    // no sound in this browser: the panel and the log still say it
  }
}
