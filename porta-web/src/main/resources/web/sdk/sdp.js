// SPDX-License-Identifier: Apache-2.0
/**
 * SDP bookkeeping for the two peer connections: which `mid` carries which of our sources (publish),
 * and which remote participant and source each `mid` of the server's offer carries (subscribe), read
 * from `a=msid:<participantId> <source>`.
 * @module sdp
 */
import { SOURCES } from './protocol.js';

/** The protocol's limit on entries in a publishOffer's `sources` map (§3). */
export const MAX_PUBLISH_SOURCES = 16;

/**
 * @typedef {object} MediaSection
 * @property {string} kind `audio` | `video` | …
 * @property {string | null} mid
 * @property {string} direction `sendrecv` | `sendonly` | `recvonly` | `inactive`
 * @property {boolean} rejected port 0
 * @property {{streamId: string, trackId: string} | null} msid
 */

/**
 * Splits an SDP into its media sections.
 * @param {string} sdp
 * @returns {MediaSection[]}
 */
export function parseMediaSections(sdp) {
  const sections = [];
  let current = null;
  let sessionDirection = 'sendrecv';
  for (const rawLine of String(sdp).split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('m=')) {
      const [kind, port] = line.slice(2).split(' ');
      current = { kind, mid: null, direction: sessionDirection, rejected: port === '0', msid: null };
      sections.push(current);
      continue;
    }
    const direction = /^a=(sendrecv|sendonly|recvonly|inactive)$/.exec(line);
    if (direction) {
      if (current) current.direction = direction[1];
      else sessionDirection = direction[1];
      continue;
    }
    if (!current) continue;
    if (line.startsWith('a=mid:')) current.mid = line.slice(6).trim();
    else if (line.startsWith('a=msid:')) {
      const [streamId, trackId = ''] = line.slice(7).trim().split(/\s+/);
      current.msid = { streamId, trackId };
    }
  }
  return sections;
}

/**
 * Reads a subscribe offer: for each m-section that sends us media, the participant (msid stream id)
 * and source (msid track id). Sections without msid, with an unknown source, rejected or inactive
 * carry nothing.
 * @param {string} sdp the server's offer
 * @returns {Map<string, {participantId: string, source: 'microphone'|'camera'|'screen', kind: string}>}
 */
export function remoteTracksByMid(sdp) {
  const map = new Map();
  for (const section of parseMediaSections(sdp)) {
    if (section.mid === null || section.rejected || !section.msid) continue;
    if (section.direction !== 'sendonly' && section.direction !== 'sendrecv') continue;
    const { streamId, trackId } = section.msid;
    if (!streamId || streamId === '-' || !SOURCES.includes(trackId)) continue;
    map.set(section.mid, { participantId: streamId, source: /** @type {any} */ (trackId), kind: section.kind });
  }
  return map;
}

/**
 * Builds the `sources` map of a publishOffer from our sending transceivers (after
 * setLocalDescription, when each has its `mid`).
 * @param {Iterable<{mid: string | null, source: string}>} senders
 * @returns {Record<string, 'microphone'|'camera'|'screen'>}
 * @throws {Error} for a transceiver without a mid, an unknown source, a source twice, or too many entries
 */
export function publishSourcesByMid(senders) {
  const map = {};
  const seen = new Set();
  for (const { mid, source } of senders) {
    if (!mid) throw new Error(`the ${source} transceiver has no mid yet (set the local description first)`);
    if (!SOURCES.includes(source)) throw new Error(`unknown source ${source}`);
    if (seen.has(source)) throw new Error(`source ${source} is sent twice`);
    if (Object.hasOwn(map, mid)) throw new Error(`mid ${mid} is used twice`);
    seen.add(source);
    map[mid] = source;
  }
  if (Object.keys(map).length > MAX_PUBLISH_SOURCES) throw new Error(`at most ${MAX_PUBLISH_SOURCES} sources may be published`);
  return map;
}

/** The roster's stream names (§4.2) for a source. */
export function rosterStreamOf(source) {
  return source === 'microphone' ? 'audio' : source === 'camera' ? 'video' : 'screenShare';
}
