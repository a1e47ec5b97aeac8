// chime.js — the call's chime: two soft tones, "ding-dong", from Web Audio (no sound file), on
// the hall display and on a ticket's phone. Browsers start audio only after a user gesture (or a
// kiosk browser launched to allow it): the caller resumes its AudioContext first.

/** Plays the chime on a running AudioContext; how long it lasts (ms). */
export function chime(audio) {
  const now = audio.currentTime;
  [[880, 0], [659.25, 0.38]].forEach(([freq, at]) => {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, now + at);
    gain.gain.exponentialRampToValueAtTime(0.35, now + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.9);
    osc.connect(gain).connect(audio.destination);
    osc.start(now + at);
    osc.stop(now + at + 0.95);
  });
  return 1300;
}
