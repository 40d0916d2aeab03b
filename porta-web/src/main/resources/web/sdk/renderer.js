// SPDX-License-Identifier: Apache-2.0
/**
 * `VideoStreamRenderer`: renders a LocalVideoStream or RemoteVideoStream into an HTML element.
 * `createView()` returns a view whose `target` is a `<div>` holding a muted, inline `<video>` (inline
 * and muted so it autoplays in Chromium, Firefox and Safari, including iOS).
 * @module renderer
 */
import { LocalError } from './errors.js';
import { TRACK_REPLACED } from './streams.js';

const SCALING = { Crop: 'cover', Fit: 'contain' };

/** What `createView()` returns. */
export class VideoStreamRendererView {
  #target;
  #video;
  #scalingMode;
  #isMirrored;
  #onDispose;
  #disposed = false;

  /** @internal */
  constructor(target, video, scalingMode, isMirrored, onDispose) {
    this.#target = target;
    this.#video = video;
    this.#scalingMode = scalingMode;
    this.#isMirrored = isMirrored;
    this.#onDispose = onDispose;
  }

  /** The element to append to the page. */
  get target() { return this.#target; }
  get scalingMode() { return this.#scalingMode; }
  get isMirrored() { return this.#isMirrored; }

  /** @param {'Crop'|'Fit'} scalingMode */
  async updateScalingMode(scalingMode) {
    if (!(scalingMode in SCALING)) throw LocalError.invalidArgument(`The scaling mode must be 'Crop' or 'Fit', not ${scalingMode}`);
    this.#scalingMode = scalingMode;
    this.#video.style.objectFit = SCALING[scalingMode];
  }

  /** Removes the video from the page and stops playing it. */
  dispose() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#video.pause?.();
    this.#video.srcObject = null;
    this.#target.remove?.();
    this.#onDispose(this);
  }
}

export class VideoStreamRenderer {
  #stream;
  #views = new Set();
  #disposed = false;

  /** @param {import('./streams.js').LocalVideoStream | import('./streams.js').RemoteVideoStream} stream */
  constructor(stream) {
    if (!stream || typeof stream.getMediaStream !== 'function') throw new TypeError('VideoStreamRenderer needs a LocalVideoStream or RemoteVideoStream');
    this.#stream = stream;
  }

  /**
   * Creates a view of the stream. For a remote stream, resolves once its video arrives.
   * @param {{scalingMode?: 'Crop'|'Fit', isMirrored?: boolean}} [options]
   * @returns {Promise<VideoStreamRendererView>}
   */
  async createView(options = {}) {
    if (this.#disposed) throw LocalError.disposed('renderer');
    const doc = globalThis.document;
    if (!doc) throw LocalError.unsupported('Rendering video outside a web page');
    const scalingMode = options.scalingMode ?? 'Crop';
    if (!(scalingMode in SCALING)) throw LocalError.invalidArgument(`The scaling mode must be 'Crop' or 'Fit', not ${scalingMode}`);
    if ('isAvailable' in this.#stream && !this.#stream.isAvailable) {
      throw LocalError.invalidArgument('This remote video is not available; wait for isAvailableChanged before creating a view');
    }
    const mediaStream = await this.#stream.getMediaStream();
    if (this.#disposed) throw LocalError.disposed('renderer');
    const target = doc.createElement('div');
    target.className = 'porta-video';
    target.style.cssText = 'position:relative;width:100%;height:100%;overflow:hidden;background:#000';
    const video = doc.createElement('video');
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    video.setAttribute('playsinline', '');
    video.style.cssText = 'width:100%;height:100%;display:block';
    video.style.objectFit = SCALING[scalingMode];
    if (options.isMirrored) video.style.transform = 'scaleX(-1)';
    video.srcObject = mediaStream;
    video.addEventListener('loadedmetadata', () => {
      this.#stream._setSize?.(video.videoWidth, video.videoHeight);
      video.play?.().catch(() => { /* autoplay blocked; muted video normally plays */ });
    });
    video.addEventListener('resize', () => this.#stream._setSize?.(video.videoWidth, video.videoHeight));
    target.appendChild(video);
    // a remote video whose track changes (new peer connections after the meeting moved to another node)
    // keeps playing in this view: the app does nothing
    const follow = ({ track }) => {
      if (video.srcObject?.getTracks?.()[0] !== track) video.srcObject = new globalThis.MediaStream([track]);
    };
    this.#stream.on(TRACK_REPLACED, follow);
    const view = new VideoStreamRendererView(target, video, scalingMode, options.isMirrored === true, (v) => {
      this.#stream.off(TRACK_REPLACED, follow);
      this.#views.delete(v);
    });
    this.#views.add(view);
    return view;
  }

  /** Disposes of every view. */
  dispose() {
    this.#disposed = true;
    for (const view of [...this.#views]) view.dispose();
  }
}
