// SPDX-License-Identifier: Apache-2.0
/**
 * Media after the meeting moved to another node (docs/cluster.md, "A node dies").
 *
 * A resume normally lands on the node that holds the participant's SFU session: the peer connections
 * stay and only restart ICE. When the meeting's home died, the resume is taken by the node that took
 * the meeting over, whose SFU has never seen this participant: it says so with a new
 * `stateChanged.mediaSession` (protocol §2, "Resume"). The old peer connections lead to a dead SFU (its
 * ICE credentials and DTLS fingerprint are gone with it), so the call drops them and negotiates new ones
 * with the new home, publishing again what the participant sent: the same microphone, camera and screen
 * tracks (no new device prompt), with its mute state.
 * @module media-rehome
 */

/** Frames of the old peer connections, still queued: their SDP belongs to the dead SFU and must not reach the new home. */
export const OLD_MEDIA_FRAMES = new Set(['publishOffer', 'subscribeAnswer', 'restartIce']);

/** Which SFU session the server holds for this participant, from each `Connected` stateChanged. */
export class MediaSessionTracker {
  /** @type {string | null} */
  #current = null;

  /**
   * Notes the session a `Connected` stateChanged names.
   * @param {{mediaSession?: unknown}} frame
   * @returns {boolean} whether it names another session than before (the peer connections are stale); false
   *   the first time, and for a server that does not name sessions
   */
  changed(frame) {
    const next = typeof frame.mediaSession === 'string' && frame.mediaSession !== '' ? frame.mediaSession : null;
    const before = this.#current;
    if (next !== null) this.#current = next;
    return before !== null && next !== null && next !== before;
  }
}

/**
 * @typedef {object} Published what the participant sent on the old media session
 * @property {boolean} muted its microphone muted (the new home starts it unmuted unless the meeting says otherwise)
 * @property {MediaStreamTrack | null} microphone
 * @property {(() => Promise<MediaStreamTrack>) | null} camera the camera track, when video was on
 * @property {(() => Promise<MediaStreamTrack>) | null} screen the shared screen's track, when sharing
 */

/**
 * Tells the new home the participant's mute state, then publishes its sources again on `media`, one at a
 * time in the order microphone, camera, screen (each `publish` before its track, as at a first entry).
 * A source the new home refuses (e.g. someone else shares a screen there already) is reported, not thrown,
 * so the others still come back.
 * @param {(type: string, fields?: object) => Promise<any>} request
 * @param {import('./media.js').MediaSession} media the new session
 * @param {Published} published
 * @returns {Promise<{muted: boolean, failed: {source: 'mute'|'microphone'|'camera'|'screen', error: any}[]}>}
 */
export async function republish(request, media, published) {
  const failed = [];
  let muted = published.muted;
  try {
    await request('mute', { muted });
  } catch (error) {
    // the new home does not let this participant unmute (its role there has no audio): muted it stays
    muted = true;
    failed.push({ source: 'mute', error });
  }
  const microphone = published.microphone;
  const sources = [
    ['microphone', microphone && microphone.readyState !== 'ended' ? async () => microphone : null],
    ['camera', published.camera],
    ['screen', published.screen],
  ];
  for (const [source, trackOf] of sources) {
    if (!trackOf) continue;
    try {
      await request('publish', { source });
      await media.setSource(source, await trackOf());
    } catch (error) {
      request('unpublish', { source }).catch(() => { /* the call may be ending */ });
      failed.push({ source, error });
    }
  }
  return { muted, failed };
}

/**
 * @typedef {object} RehomingCall what of the call a move reads and changes (call.js `#rehoming`)
 * @property {import('./signaling.js').Signaling} signaling
 * @property {import('./media.js').MediaSession | null} media the call's current session (read and set)
 * @property {() => import('./media.js').MediaSession | null} openSession a new session with the call's
 *   listeners on it; null (already reported) when WebRTC is missing
 * @property {(recovering: boolean) => void} setRecovering the media is being restored (isReconnecting)
 * @property {boolean} restoringSelf (set only) while true the roster's view of our mute state is not ours yet
 * @property {boolean} isMuted
 * @property {MediaStreamTrack | null} microphone
 * @property {import('./streams.js').LocalVideoStream | null} camera
 * @property {import('./streams.js').LocalVideoStream | null} screen
 * @property {(type: string, fields?: object) => Promise<any>} request
 * @property {(muted: boolean) => void} setMuted
 * @property {(source: 'mute'|'microphone'|'camera'|'screen', stream: any) => void} drop stops a source the
 *   new home would not take back (`stream`: the camera or screen sent before the move)
 * @property {(error: any) => void} reportError
 */

/**
 * The resume landed on a node whose SFU does not know us (the meeting's home died): drops the old peer
 * connections and makes new ones there, publishing what the participant sent before. The call is
 * reconnecting until the new media carries (the session's `connected`), or at once when nothing is sent.
 * @param {RehomingCall} call
 */
export async function moveMedia(call) {
  // still queued: the old connections' offers and answers (an ICE restart while the socket was down)
  call.signaling.discardQueued((type) => OLD_MEDIA_FRAMES.has(type));
  const old = call.media;
  call.media = null;
  old?.close(); // its remote tracks end: views and audio follow the new ones
  const media = call.openSession();
  if (!media) return;
  call.media = media;
  call.setRecovering(true);
  const { camera, screen, microphone } = call;
  call.restoringSelf = true;
  let outcome;
  try {
    outcome = await republish(call.request, media, {
      muted: call.isMuted,
      microphone,
      camera: camera && (() => camera._videoTrack()),
      screen: screen && (async () => (await screen.getMediaStream()).getVideoTracks()[0]),
    });
  } finally {
    if (media === call.media) call.restoringSelf = false;
  }
  if (media !== call.media) return; // ended, or moved again, meanwhile
  if (outcome.muted && !call.isMuted && call.microphone) call.microphone.enabled = false;
  call.setMuted(outcome.muted);
  for (const { source, error } of outcome.failed) {
    call.drop(source, source === 'screen' ? screen : camera);
    call.reportError(error);
  }
  // nothing to send and nothing sent to us yet: no connection will report 'connected'
  if (media.publishedSources.length === 0) call.setRecovering(false);
}
