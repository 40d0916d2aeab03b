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
