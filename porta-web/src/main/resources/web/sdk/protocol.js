// SPDX-License-Identifier: Apache-2.0
/**
 * The calling protocol, version 1 (docs/calling-protocol.md): building client frames and
 * checking server frames before anything acts on them.
 * @module protocol
 */

export const PROTOCOL_VERSION = 1;
/** The server's default largest frame (§1); the library refuses to send larger ones. */
export const MAX_FRAME_CHARS = 65_536;

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Control characters (Cc) and the line/paragraph separators a display name may not contain (§5). */
const FORBIDDEN_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
export const SOURCES = Object.freeze(['microphone', 'camera', 'screen']);
export const REACTIONS = Object.freeze(['like', 'heart', 'applause', 'laugh', 'surprised']);

/**
 * Checks and normalises a join locator. Meeting IDs may be typed with spaces ("878 728 042 6").
 * @returns {{ok: true, locator: object} | {ok: false, message: string}}
 */
export function normaliseLocator(locator) {
  if (locator && typeof locator === 'object' && 'meetingLink' in locator) {
    const link = locator.meetingLink;
    if (typeof link !== 'string' || link.length === 0 || link.length > 2048) {
      return { ok: false, message: 'The meeting link must be a text of 1 to 2048 characters' };
    }
    let url;
    try { url = new URL(link.trim()); } catch { return { ok: false, message: 'The meeting link is not a valid web address' }; }
    if (url.protocol !== 'https:') return { ok: false, message: 'The meeting link must start with https://' };
    return { ok: true, locator: { meetingLink: link.trim() } };
  }
  if (locator && typeof locator === 'object' && 'meetingId' in locator) {
    const id = typeof locator.meetingId === 'string' ? locator.meetingId.replace(/\s+/g, '') : '';
    if (!/^[0-9]{6,20}$/.test(id)) return { ok: false, message: 'The meeting ID must be 6 to 20 digits' };
    const passcode = typeof locator.passcode === 'string' ? locator.passcode.trim() : '';
    if (passcode.length < 1 || passcode.length > 64) {
      return { ok: false, message: 'The passcode must be 1 to 64 characters' };
    }
    return { ok: true, locator: { meetingId: id, passcode } };
  }
  return { ok: false, message: 'Join with { meetingLink } or { meetingId, passcode }; other locators (group calls, rooms) are not supported by Porta' };
}

/**
 * Checks a guest display name as the server will (§5).
 * @returns {{ok: true, displayName: string} | {ok: false, message: string}}
 */
export function normaliseDisplayName(name, maxChars = 100) {
  if (typeof name !== 'string') return { ok: false, message: 'A display name is required to join as a guest' };
  const trimmed = name.trim();
  const length = [...trimmed].length;
  if (length < 1 || length > maxChars) return { ok: false, message: `The display name must be 1 to ${maxChars} characters` };
  if (FORBIDDEN_NAME_CHARS.test(trimmed)) return { ok: false, message: 'The display name may not contain control characters or line breaks' };
  return { ok: true, displayName: trimmed };
}

export function isValidRequestId(id) {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/**
 * Builds a client frame. Only the fields given are set; `v` is always 1.
 * @param {string} type
 * @param {object} [fields]
 */
export function clientFrame(type, fields = {}) {
  return { v: PROTOCOL_VERSION, type, ...fields };
}

/** Serialises a client frame, refusing one that is too large for the server (§1). */
export function encodeFrame(frame) {
  const text = JSON.stringify(frame);
  if (text.length > MAX_FRAME_CHARS) {
    throw new RangeError(`A ${frame.type} message of ${text.length} characters is larger than the server accepts (${MAX_FRAME_CHARS})`);
  }
  return text;
}

const isString = (x) => typeof x === 'string';
const isBool = (x) => typeof x === 'boolean';
const isInt = (x) => Number.isInteger(x);
const isArray = (x) => Array.isArray(x);
const isObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);
const optional = (check) => (x) => x === undefined || x === null || check(x);

const ROSTER_PARTICIPANT = {
  id: isString,
  kind: (x) => x === 'member' || x === 'guest',
  displayName: isString,
  role: isString,
  state: isString,
  muted: isBool,
  speaking: isBool,
  handRaised: isBool,
  streams: (x) => isArray(x) && x.every(isString),
  breakoutRoomId: optional(isString),
};
const LOBBY_PARTICIPANT = { id: isString, kind: (x) => x === 'member' || x === 'guest', displayName: isString };

function checkFields(object, schema, where) {
  if (!isObject(object)) return `${where} is not an object`;
  for (const [field, check] of Object.entries(schema)) {
    if (!check(object[field])) return `${where}.${field} is missing or has the wrong type`;
  }
  return null;
}

const ROSTER_OPS = ['added', 'updated', 'removed'];
/** One change of a roster delta: `removed` names only the id, the others carry the whole entry. */
const rosterChange = (op, participant) => ROSTER_OPS.includes(op)
  && (op === 'removed' ? idOnly(participant) : rosterParticipant(participant));
const rosterParticipant = (x) => checkFields(x, ROSTER_PARTICIPANT, 'participant') === null;
const lobbyParticipant = (x) => checkFields(x, LOBBY_PARTICIPANT, 'participant') === null;
const idOnly = (x) => isObject(x) && isString(x.id);
/** A TURN server as RTCPeerConnection takes it: turn:/turns: URLs with a username and credential. */
const iceServer = (x) => isObject(x) && isArray(x.urls) && x.urls.length > 0
  && x.urls.every((u) => isString(u) && /^turns?:/.test(u)) && isString(x.username) && isString(x.credential);

/** Per server frame type: field → check. Unknown fields are ignored (§1). */
const SERVER_FRAMES = {
  stateChanged: {
    state: (x) => x === 'InLobby' || x === 'Connected' || x === 'Disconnected',
    participantId: optional(isString),
    resumeToken: optional(isString),
    meeting: optional(isObject),
    role: optional(isString),
    capabilities: optional((x) => isArray(x) && x.every(isString)),
    recording: optional(isBool),
    transcription: optional(isBool),
    callEndReason: optional(isObject),
    mediaSession: optional(isString),
  },
  roster: { seq: isInt, participants: (x) => isArray(x) && x.every(rosterParticipant), offset: optional(isInt), total: optional(isInt) },
  // version 1: op + participant; version 2 (§4.4): prev + total + changes (checked below)
  rosterDelta: { seq: isInt, op: optional((x) => ROSTER_OPS.includes(x)), participant: optional(isObject),
    prev: optional(isInt), total: optional(isInt), changes: optional(isArray) },
  lobby: { participants: (x) => isArray(x) && x.every(lobbyParticipant) },
  lobbyDelta: { op: (x) => x === 'added' || x === 'removed', participant: isObject },
  chatHistory: { messages: isArray, more: optional(isBool) },
  chatMessage: { messageId: isString, senderId: isString, senderName: isString, senderKind: isString, text: isString, sentAt: isString },
  chatMessageEdited: { messageId: isString, text: isString, editedAt: isString },
  chatMessageDeleted: { messageId: isString },
  typingIndicator: { senderId: isString, senderName: isString, receivedOn: isString },
  reaction: { participantId: isString, reaction: isString, at: optional(isString) },
  mutedByOthers: { by: optional(isString) },
  publishAnswer: { sdp: isString },
  subscribeOffer: { sdp: isString },
  activeSpeaker: { participantId: optional(isString) },
  breakoutRooms: { rooms: isArray },
  breakoutJoined: { roomId: isString, name: optional(isString) },
  breakoutLeft: {},
  togetherMode: { active: isBool, seats: optional(isArray) },
  recordingState: { recording: isBool, transcription: isBool, consentRequired: optional(isBool) },
  recordingFailed: { reason: isString },
  ack: { id: isString, count: optional(isInt) },
  error: { id: optional(isString), code: isString, message: optional(isString) },
  pong: {},
  joinElsewhere: { url: isString },
  iceServers: { iceServers: (x) => isArray(x) && x.every(iceServer), expiresAt: optional(isString) },
};

/**
 * Checks a frame from the server.
 * @param {string} text the raw WebSocket message
 * @returns {{kind: 'frame', frame: any} | {kind: 'ignore', reason: string} | {kind: 'invalid', reason: string}}
 *   `ignore` for an unknown `type` (the server may add types within v1); `invalid` for anything the
 *   library cannot trust.
 */
export function parseServerFrame(text) {
  if (typeof text !== 'string') return { kind: 'invalid', reason: 'a binary frame' };
  let frame;
  try { frame = JSON.parse(text); } catch { return { kind: 'invalid', reason: 'a frame that is not JSON' }; }
  if (!isObject(frame)) return { kind: 'invalid', reason: 'a frame that is not a JSON object' };
  if (frame.v !== PROTOCOL_VERSION) return { kind: 'invalid', reason: `a frame of protocol version ${JSON.stringify(frame.v)}` };
  if (!isString(frame.type)) return { kind: 'invalid', reason: 'a frame without a type' };
  const schema = SERVER_FRAMES[frame.type];
  if (!schema) return { kind: 'ignore', reason: `unknown frame type ${frame.type}` };
  const problem = checkFields(frame, schema, frame.type);
  if (problem) return { kind: 'invalid', reason: problem };
  if (frame.type === 'rosterDelta' && frame.changes !== undefined && frame.changes !== null) {
    if (!isInt(frame.prev) || !isInt(frame.total)) return { kind: 'invalid', reason: 'a rosterDelta batch without prev and total' };
    if (!frame.changes.every((c) => isObject(c) && rosterChange(c.op, c.participant))) {
      return { kind: 'invalid', reason: 'a rosterDelta batch with an incomplete change' };
    }
  } else if (frame.type === 'rosterDelta' && !rosterChange(frame.op, frame.participant)) {
    return { kind: 'invalid', reason: 'rosterDelta.participant is incomplete' };
  }
  if (frame.type === 'lobbyDelta') {
    const ok = frame.op === 'removed' ? idOnly(frame.participant) : lobbyParticipant(frame.participant);
    if (!ok) return { kind: 'invalid', reason: 'lobbyDelta.participant is incomplete' };
  }
  if (frame.type === 'stateChanged' && frame.state !== 'Disconnected' && !isString(frame.resumeToken)) {
    return { kind: 'invalid', reason: `stateChanged ${frame.state} without a resumeToken` };
  }
  return { kind: 'frame', frame };
}
