// SPDX-License-Identifier: Apache-2.0
/**
 * `DeviceManager`: cameras, microphones and speakers, permission, and the selected microphone and
 * speaker that calls use. Browsers hide device names until permission is granted; Firefox and Safari
 * may list no speakers (`isSpeakerSelectionAvailable` tells).
 *
 * Events: `videoDevicesUpdated`, `audioDevicesUpdated` ({ added, removed }), `selectedMicrophoneChanged`,
 * `selectedSpeakerChanged`.
 * @module device-manager
 */
import { Emitter } from './emitter.js';
import { LocalError } from './errors.js';

/**
 * @typedef {object} VideoDeviceInfo
 * @property {string} id
 * @property {string} name
 * @property {'UsbCamera'|'Unknown'} deviceType
 * @property {'Front'|'Back'|'Unknown'} [cameraFacing]
 */
/**
 * @typedef {object} AudioDeviceInfo
 * @property {string} id
 * @property {string} name
 * @property {'Microphone'|'Speaker'} deviceType
 * @property {boolean} isSystemDefault
 */

function facingOf(label) {
  if (/front|user|facetime/i.test(label)) return 'Front';
  if (/back|rear|environment/i.test(label)) return 'Back';
  return 'Unknown';
}

export class DeviceManager extends Emitter {
  #mediaDevices;
  /** @type {{cameras: VideoDeviceInfo[], microphones: AudioDeviceInfo[], speakers: AudioDeviceInfo[]}} */
  #known = { cameras: [], microphones: [], speakers: [] };
  #selectedMicrophone = null;
  #selectedSpeaker = null;
  #onDeviceChange = () => { this.#refresh().catch(() => {}); };

  /** @internal created by CallClient.getDeviceManager() */
  constructor(mediaDevices = globalThis.navigator?.mediaDevices) {
    super();
    this.#mediaDevices = mediaDevices ?? null;
    this.#mediaDevices?.addEventListener?.('devicechange', this.#onDeviceChange);
  }

  /** True where the browser lets a page choose the audio output (setSinkId). */
  get isSpeakerSelectionAvailable() {
    return typeof globalThis.HTMLMediaElement?.prototype?.setSinkId === 'function' && this.#known.speakers.length > 0;
  }

  get selectedMicrophone() { return this.#selectedMicrophone ?? undefined; }
  get selectedSpeaker() { return this.#selectedSpeaker ?? undefined; }

  /** @returns {Promise<VideoDeviceInfo[]>} */
  async getCameras() { await this.#refresh(); return [...this.#known.cameras]; }
  /** @returns {Promise<AudioDeviceInfo[]>} */
  async getMicrophones() { await this.#refresh(); return [...this.#known.microphones]; }
  /** @returns {Promise<AudioDeviceInfo[]>} */
  async getSpeakers() { await this.#refresh(); return [...this.#known.speakers]; }

  /**
   * Asks the browser for camera and/or microphone permission (the prompt shows once); the devices
   * opened for the question are closed again at once.
   * @param {{audio?: boolean, video?: boolean}} constraints
   * @returns {Promise<{audio: boolean, video: boolean}>} what was granted
   */
  async askDevicePermission(constraints) {
    const devices = this.#requireDevices();
    const wanted = { audio: constraints?.audio === true, video: constraints?.video === true };
    const granted = { audio: false, video: false };
    if (!wanted.audio && !wanted.video) return granted;
    try {
      const stream = await devices.getUserMedia(wanted);
      granted.audio = stream.getAudioTracks().length > 0;
      granted.video = stream.getVideoTracks().length > 0;
      for (const track of stream.getTracks()) track.stop();
    } catch (error) {
      // Asking for both fails when one is missing; ask separately to learn what is granted.
      if (wanted.audio && wanted.video) {
        const audio = await this.askDevicePermission({ audio: true });
        const video = await this.askDevicePermission({ video: true });
        return { audio: audio.audio, video: video.video };
      }
      if (error?.name !== 'NotAllowedError' && error?.name !== 'NotFoundError' && error?.name !== 'SecurityError') throw error;
    }
    await this.#refresh();
    return granted;
  }

  /** @param {AudioDeviceInfo} microphone */
  async selectMicrophone(microphone) {
    if (!microphone?.id) throw LocalError.invalidArgument('selectMicrophone needs a microphone from getMicrophones()');
    this.#selectedMicrophone = microphone;
    this._emit('selectedMicrophoneChanged', {});
  }

  /** @param {AudioDeviceInfo} speaker */
  async selectSpeaker(speaker) {
    if (!speaker?.id) throw LocalError.invalidArgument('selectSpeaker needs a speaker from getSpeakers()');
    this.#selectedSpeaker = speaker;
    this._emit('selectedSpeakerChanged', {});
  }

  /** @internal opens the selected (or default) microphone */
  async _openMicrophone() {
    const devices = this.#requireDevices();
    const id = this.#selectedMicrophone?.id;
    const audio = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
    if (id && id !== 'default') audio.deviceId = { exact: id };
    try {
      const stream = await devices.getUserMedia({ audio, video: false });
      return stream.getAudioTracks()[0];
    } catch (error) {
      if (error?.name === 'NotAllowedError' || error?.name === 'SecurityError') throw LocalError.permissionDenied('microphone', error);
      throw LocalError.deviceUnavailable('microphone', error);
    }
  }

  /** @internal opens a screen, window or tab picked by the person; must run inside a user gesture (Safari) */
  _openScreen() {
    const devices = this.#requireDevices();
    if (typeof devices.getDisplayMedia !== 'function') return Promise.reject(LocalError.unsupported('Screen sharing'));
    return devices.getDisplayMedia({ video: true, audio: false }).catch((error) => {
      if (error?.name === 'NotAllowedError') throw LocalError.permissionDenied('screen', error);
      throw LocalError.deviceUnavailable('screen', error);
    });
  }

  /** @internal */
  _dispose() {
    this.#mediaDevices?.removeEventListener?.('devicechange', this.#onDeviceChange);
    this._removeAllListeners();
  }

  #requireDevices() {
    if (!this.#mediaDevices?.getUserMedia) throw LocalError.unsupported('Camera and microphone access (it needs https)');
    return this.#mediaDevices;
  }

  async #refresh() {
    if (!this.#mediaDevices?.enumerateDevices) return;
    const list = await this.#mediaDevices.enumerateDevices();
    const cameras = [];
    const microphones = [];
    const speakers = [];
    let n = 0;
    for (const d of list) {
      n++;
      if (!d.deviceId) continue; // no permission yet: the browser hides ids
      const name = d.label || `${d.kind} ${n}`;
      if (d.kind === 'videoinput') cameras.push({ id: d.deviceId, name, deviceType: /usb/i.test(name) ? 'UsbCamera' : 'Unknown', cameraFacing: facingOf(name) });
      else if (d.kind === 'audioinput') microphones.push({ id: d.deviceId, name, deviceType: 'Microphone', isSystemDefault: d.deviceId === 'default' });
      else if (d.kind === 'audiooutput') speakers.push({ id: d.deviceId, name, deviceType: 'Speaker', isSystemDefault: d.deviceId === 'default' });
    }
    const before = this.#known;
    this.#known = { cameras, microphones, speakers };
    const diff = (a, b) => ({ added: b.filter((x) => !a.some((y) => y.id === x.id)), removed: a.filter((x) => !b.some((y) => y.id === x.id)) });
    const video = diff(before.cameras, cameras);
    if (video.added.length || video.removed.length) this._emit('videoDevicesUpdated', video);
    const audio = diff([...before.microphones, ...before.speakers], [...microphones, ...speakers]);
    if (audio.added.length || audio.removed.length) this._emit('audioDevicesUpdated', audio);
    if (!this.#selectedMicrophone && microphones.length) this.#selectedMicrophone = microphones.find((m) => m.isSystemDefault) ?? microphones[0];
    if (!this.#selectedSpeaker && speakers.length) this.#selectedSpeaker = speakers.find((s) => s.isSystemDefault) ?? speakers[0];
  }
}
