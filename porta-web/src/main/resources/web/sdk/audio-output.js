// SPDX-License-Identifier: Apache-2.0
/**
 * Plays remote participants' audio: one detached `<audio>` element per remote microphone track,
 * routed to the selected speaker where the browser supports it.
 * @module audio-output
 */

export class AudioOutput {
  /** @type {Map<string, HTMLAudioElement>} */
  #elements = new Map();
  #sinkId = '';
  #muted = false;

  /** @param {string} key @param {MediaStreamTrack} track */
  play(key, track) {
    const doc = globalThis.document;
    if (!doc || typeof globalThis.MediaStream !== 'function') return;
    this.stop(key);
    const audio = doc.createElement('audio');
    audio.autoplay = true;
    audio.muted = this.#muted;
    audio.srcObject = new globalThis.MediaStream([track]);
    if (this.#sinkId && typeof audio.setSinkId === 'function') audio.setSinkId(this.#sinkId).catch(() => {});
    audio.play?.().catch(() => { /* autoplay blocked until the next user gesture; the join click usually counts */ });
    this.#elements.set(key, audio);
  }

  stop(key) {
    const audio = this.#elements.get(key);
    if (!audio) return;
    audio.pause?.();
    audio.srcObject = null;
    this.#elements.delete(key);
  }

  /** @param {string} sinkId */
  setSink(sinkId) {
    this.#sinkId = sinkId ?? '';
    for (const audio of this.#elements.values()) {
      if (typeof audio.setSinkId === 'function') audio.setSinkId(this.#sinkId).catch(() => {});
    }
  }

  setMuted(muted) {
    this.#muted = muted;
    for (const audio of this.#elements.values()) audio.muted = muted;
  }

  stopAll() {
    for (const key of [...this.#elements.keys()]) this.stop(key);
  }
}
