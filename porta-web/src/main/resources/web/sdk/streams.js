// SPDX-License-Identifier: Apache-2.0
/**
 * Video streams: `LocalVideoStream` (a camera, or any MediaStream) and `RemoteVideoStream` (a remote
 * participant's camera or screen share).
 * @module streams
 */
import { Emitter } from './emitter.js';
import { LocalError } from './errors.js';

/** `MediaStreamType` strings as in ACS. */
export const MediaStreamType = Object.freeze({ Video: 'Video', ScreenSharing: 'ScreenSharing' });

function mediaDevices() {
  const devices = globalThis.navigator?.mediaDevices;
  if (!devices?.getUserMedia) throw LocalError.unsupported('Camera access');
  return devices;
}

async function openCamera(device) {
  try {
    return await mediaDevices().getUserMedia({ video: device?.id ? { deviceId: { exact: device.id } } : true, audio: false });
  } catch (error) {
    if (error?.name === 'NotAllowedError' || error?.name === 'SecurityError') throw LocalError.permissionDenied('camera', error);
    throw LocalError.deviceUnavailable('camera', error);
  }
}

/**
 * A local video source: `new LocalVideoStream(videoDeviceInfo)` for a camera, or
 * `new LocalVideoStream(mediaStream)` for any video (a canvas, a processed stream…).
 * The camera opens on first use (rendering it or starting it in a call).
 */
export class LocalVideoStream extends Emitter {
  #source;
  /** @type {MediaStream | null} */
  #stream = null;
  #opening = null;
  #mediaStreamType;
  #ownsStream = false;

  /** @param {import('./device-manager.js').VideoDeviceInfo | MediaStream} source */
  constructor(source, /** @internal */ mediaStreamType = MediaStreamType.Video) {
    super();
    if (!source || typeof source !== 'object') throw new TypeError('LocalVideoStream needs a camera (VideoDeviceInfo) or a MediaStream');
    this.#mediaStreamType = mediaStreamType;
    if (typeof source.getVideoTracks === 'function') {
      this.#stream = source;
      this.#source = { id: source.id, name: 'Custom stream', deviceType: 'Unknown' };
    } else {
      this.#source = source;
    }
  }

  /** The camera (VideoDeviceInfo) or a description of the custom stream. */
  get source() { return this.#source; }
  /** `Video`, or `ScreenSharing` for the stream of the local screen share. */
  get mediaStreamType() { return this.#mediaStreamType; }

  /** The MediaStream this stream sends (opens the camera if needed). */
  async getMediaStream() {
    if (this.#stream) return this.#stream;
    if (!this.#opening) {
      this.#opening = openCamera(this.#source).then((stream) => {
        this.#stream = stream;
        this.#ownsStream = true;
        return stream;
      }).finally(() => { this.#opening = null; });
    }
    return this.#opening;
  }

  /**
   * Switches to another camera (or stream). A call sending this stream switches with it.
   * @param {import('./device-manager.js').VideoDeviceInfo | MediaStream} source
   */
  async switchSource(source) {
    const wasOpen = this.#stream !== null;
    this.#release();
    if (typeof source?.getVideoTracks === 'function') {
      this.#stream = source;
      this.#source = { id: source.id, name: 'Custom stream', deviceType: 'Unknown' };
    } else {
      this.#source = source;
      if (wasOpen) await this.getMediaStream();
    }
    this._emit('sourceChanged', {});
  }

  /** @internal the current video track, opening the camera if needed */
  async _videoTrack() {
    const stream = await this.getMediaStream();
    const track = stream.getVideoTracks()[0];
    if (!track) throw LocalError.deviceUnavailable('camera');
    return track;
  }

  /** @internal stops the camera the stream opened itself (a caller's MediaStream is left alone) */
  _stop() { this.#release(); }

  #release() {
    if (this.#stream && this.#ownsStream) for (const track of this.#stream.getTracks()) track.stop();
    if (this.#ownsStream) this.#stream = null;
    this.#ownsStream = false;
  }
}

/** @internal the event a RemoteVideoStream emits when the media server's track for it changes; renderers follow it */
export const TRACK_REPLACED = '_trackReplaced';

/**
 * A remote participant's video: `Video` (camera) or `ScreenSharing`.
 * `isAvailable`: the sender has it on (you may render it); `isReceiving`: media is arriving.
 * Events: `isAvailableChanged`, `isReceivingChanged`, `sizeChanged`.
 */
export class RemoteVideoStream extends Emitter {
  #id;
  #mediaStreamType;
  #participantId;
  #isAvailable = false;
  #isReceiving = false;
  /** @type {MediaStreamTrack | null} */
  #track = null;
  #waiters = [];
  #size = { width: 0, height: 0 };
  #onTrackMute = () => this.#setReceiving(false);
  #onTrackUnmute = () => this.#setReceiving(true);

  /** @internal */
  constructor(id, mediaStreamType, participantId) {
    super();
    this.#id = id;
    this.#mediaStreamType = mediaStreamType;
    this.#participantId = participantId;
  }

  /** A number unique within the call. */
  get id() { return this.#id; }
  get mediaStreamType() { return this.#mediaStreamType; }
  get isAvailable() { return this.#isAvailable; }
  get isReceiving() { return this.#isReceiving; }
  get size() { return { ...this.#size }; }
  /** Porta extension: the participant id the stream belongs to. */
  get participantId() { return this.#participantId; }
  /** Porta: the protocol source name (`camera` or `screen`). */
  get source() { return this.#mediaStreamType === MediaStreamType.ScreenSharing ? 'screen' : 'camera'; }

  /**
   * The MediaStream to play; waits until the media server sends the track.
   * @returns {Promise<MediaStream>}
   */
  getMediaStream() {
    if (this.#track) return Promise.resolve(new globalThis.MediaStream([this.#track]));
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** @internal */
  _setAvailable(available) {
    if (this.#isAvailable === available) return;
    this.#isAvailable = available;
    this._emit('isAvailableChanged', {});
  }

  /** @internal */
  _setTrack(track) {
    if (this.#track === track) return;
    if (this.#track) {
      this.#track.removeEventListener?.('mute', this.#onTrackMute);
      this.#track.removeEventListener?.('unmute', this.#onTrackUnmute);
    }
    this.#track = track;
    if (track) {
      track.addEventListener?.('mute', this.#onTrackMute);
      track.addEventListener?.('unmute', this.#onTrackUnmute);
      const settings = track.getSettings?.() ?? {};
      if (settings.width && settings.height) this._setSize(settings.width, settings.height);
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w.resolve(new globalThis.MediaStream([track]));
      // views made earlier play the new track (new peer connections after a re-home: docs/cluster.md)
      this._emit(TRACK_REPLACED, { track });
    }
    this.#setReceiving(Boolean(track) && !track.muted);
  }

  /** @internal */
  _setSize(width, height) {
    if (this.#size.width === width && this.#size.height === height) return;
    this.#size = { width, height };
    this._emit('sizeChanged', {});
  }

  /** @internal the stream is gone for good */
  _dispose() {
    this._setTrack(null);
    this._setAvailable(false);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(LocalError.invalidArgument('The remote video stream is no longer available'));
  }

  #setReceiving(receiving) {
    if (this.#isReceiving === receiving) return;
    this.#isReceiving = receiving;
    this._emit('isReceivingChanged', {});
  }
}
