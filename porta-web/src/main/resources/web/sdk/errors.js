// SPDX-License-Identifier: Apache-2.0
/**
 * Errors and end reasons. Every refusal the library surfaces carries ACS-style numbers
 * (`code`, `subCode`) and a `message` made of two sentences: what happened, and what to do.
 * @module errors
 */

/**
 * What to do, by subCode, for the end reasons of the calling protocol (§6) and the library's own.
 * The server's message says what happened; this says what the person can do about it.
 */
const END_ADVICE = new Map([
  [0, ''],
  [4097, 'The meeting is over; join again only if the organizer starts it again.'],
  [5000, 'Ask the organizer if you should join again.'],
  [5854, 'Ask the organizer to let you in, then join again.'],
  [4507, 'Sign in again or ask the application for a new access token.'],
  [4508, 'Get a fresh access token (give the credential a tokenRefresher) and join again.'],
  [4509, 'This access was withdrawn; ask the application for a new identity and token.'],
  [4510, 'Ask the application for a token with the "voip" scope.'],
  [5221, 'Your organization does not let guests join meetings; ask the organizer to invite you differently.'],
  [5222, "The organizer's policy does not let guests join; ask the organizer to change it."],
  [5250, 'Check the meeting link or meeting ID you were given.'],
  [5251, 'Check the passcode you were given and try again.'],
  [5252, 'Wait a few minutes before trying again.'],
  [5253, 'Join again closer to the meeting start time.'],
  [5254, 'The meeting has ended; ask the organizer for a new meeting.'],
  [5260, 'Try again later, or ask the organizer to make room.'],
  [5270, 'Join the meeting again.'],
  [6001, 'Reload the page; if it happens again, report it to the application owner.'],
  [6002, 'Send a shorter message.'],
  [6003, 'Slow down and join again.'],
  [6010, 'Choose a display name of 1 to 100 characters without control characters.'],
  [6011, 'Check the meeting link, meeting ID and passcode, then join again.'],
  [7100, 'Join again; another server will take over.'],
  [7101, 'Join again; this library version cannot follow the meeting to the server that hosts it.'],
  [7102, 'Join again in a moment; the meeting is moving to another server.'],
  [7103, 'Join again; the meeting moved to another server.'],
  [7500, 'Join again; if it keeps happening, tell the meeting organizer.'],
  [301005, 'Check your network connection and join again.'],
  [46100, 'Check your network connection and the server address, then join again.'],
  [5271, 'Check your network connection and join again.'],
  [46102, 'Join again; if it keeps happening, tell the meeting organizer.'],
]);

/** Default sentences for end reasons the server sends without a message. */
const END_DEFAULT_MESSAGE = new Map([
  [0, 'You left the meeting.'],
  [4097, 'The organizer ended the meeting for everyone.'],
  [5000, 'You were removed from the meeting.'],
  [5854, 'You were not admitted from the lobby.'],
  [4507, 'The access token is not valid.'],
  [4508, 'The access token has expired.'],
  [4509, 'The access token was revoked.'],
  [4510, 'The access token does not allow joining meetings.'],
  [5221, 'Guests may not join meetings in this organization.'],
  [5222, "The organizer's policy does not allow guests to join."],
  [5250, 'No meeting was found with that link or ID.'],
  [5251, 'The passcode is wrong.'],
  [5252, 'Too many attempts to join with a meeting ID.'],
  [5253, 'The meeting has not started yet.'],
  [5254, 'The meeting has ended.'],
  [5260, 'The meeting is full.'],
  [5270, 'The connection to the meeting could not be resumed.'],
  [301005, 'The media connection to the meeting was lost.'],
  [46100, 'The meeting server could not be reached.'],
  [5271, 'The connection to the meeting server was lost and could not be restored in time.'],
  [46102, 'The meeting server did not answer in time.'],
]);

/**
 * An error with ACS-style numbers. `reason` is the calling protocol's name for it (for action errors,
 * the `error.code`, e.g. `capabilityDisabled`), useful for switching in code.
 */
export class CallingError extends Error {
  /**
   * @param {number} code
   * @param {number} subCode
   * @param {string} message what happened and what to do
   * @param {{reason?: string, serverMessage?: string, cause?: unknown}} [details]
   */
  constructor(code, subCode, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'CallingError';
    this.code = code;
    this.subCode = subCode;
    this.reason = details.reason ?? '';
    this.serverMessage = details.serverMessage ?? '';
  }
}

function sentence(text) {
  const t = String(text ?? '').trim();
  if (!t) return '';
  const capitalised = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : capitalised + '.';
}

function joinSentences(...parts) {
  return parts.map(sentence).filter(Boolean).join(' ');
}

/**
 * Turns a protocol `callEndReason` (or a library-made one) into the `call.callEndReason` object:
 * `{ code, subCode, message, resultCategories, canRejoin }`, the message ending with what to do.
 * Missing or malformed fields never throw; they fall back to a generic server failure.
 * @param {any} raw
 */
export function toCallEndReason(raw) {
  const code = Number.isInteger(raw?.code) ? raw.code : 500;
  const subCode = Number.isInteger(raw?.subCode) ? raw.subCode : 7500;
  const what = (typeof raw?.message === 'string' && raw.message.trim()) || END_DEFAULT_MESSAGE.get(subCode)
    || (code === 0 ? 'The call ended.' : `The meeting server ended the call (${code}/${subCode}).`);
  const advice = END_ADVICE.get(subCode) ?? (code === 0 ? '' : 'Join again; if it keeps happening, tell the meeting organizer.');
  const resultCategories = Array.isArray(raw?.resultCategories)
    ? raw.resultCategories.filter((c) => typeof c === 'string')
    : [code === 0 ? 'Success' : code >= 500 ? 'UnexpectedServerError' : 'ExpectedError'];
  return Object.freeze({
    code,
    subCode,
    message: joinSentences(what, advice),
    resultCategories: Object.freeze(resultCategories),
    canRejoin: raw?.canRejoin === true,
  });
}

/** End reasons the library itself produces (never sent by the server). */
export const LocalEndReason = Object.freeze({
  left: () => toCallEndReason({ code: 0, subCode: 0, resultCategories: ['Success'] }),
  connectionFailed: (detail) => toCallEndReason({ code: 503, subCode: 46100, message: detail, resultCategories: ['ExpectedError'], canRejoin: true }),
  connectionLost: () => toCallEndReason({ code: 410, subCode: 5271, resultCategories: ['ExpectedError'], canRejoin: true }),
  serverTimeout: () => toCallEndReason({ code: 408, subCode: 46102, resultCategories: ['UnexpectedServerError'], canRejoin: true }),
  mediaLost: () => toCallEndReason({ code: 410, subCode: 301005, resultCategories: ['ExpectedError'], canRejoin: true }),
  tokenExpired: (detail) => toCallEndReason({ code: 495, subCode: 4508, message: detail, resultCategories: ['ExpectedError'] }),
  tokenInvalid: (detail) => toCallEndReason({ code: 495, subCode: 4507, message: detail, resultCategories: ['ExpectedError'] }),
  invalidJoin: (detail) => toCallEndReason({ code: 400, subCode: 6011, message: detail, resultCategories: ['ExpectedError'] }),
  invalidDisplayName: (detail) => toCallEndReason({ code: 400, subCode: 6010, message: detail, resultCategories: ['ExpectedError'] }),
});

/** Action errors of the calling protocol (§7): numbers for ACS-style handling and what to do. */
const ACTION_ERRORS = new Map([
  ['invalidMessage', [400, 46000, 'This is a bug in the application; report it to its owner.']],
  ['notConnected', [412, 46001, 'Wait until you are in the meeting, then try again.']],
  ['alreadyJoined', [409, 46002, 'Use the call you already have.']],
  ['roleRequired', [403, 46003, 'Ask the organizer to make you a presenter.']],
  ['capabilityDisabled', [403, 46004, 'The meeting settings do not allow this; ask the organizer.']],
  ['participantNotFound', [404, 46005, 'That person is no longer there; refresh the list.']],
  ['participantNotEligible', [403, 46006, 'Choose someone else.']],
  ['screenShareBusy', [409, 46007, 'Wait until the current presenter stops sharing.']],
  ['cannotTargetOrganizer', [403, 46008, 'The organizer cannot be muted or removed by others.']],
  ['breakoutState', [409, 46009, 'Check the breakout rooms and try again.']],
  ['sdpRejected', [488, 46010, 'Try another browser or device; if it keeps happening, report it.']],
  ['chatDisabled', [403, 46011, 'Chat is turned off for this meeting.']],
  ['meetingBusy', [503, 46012, 'Nothing changed; wait a moment and try again.']],
]);

/** Default sentences when the server's `error.message` is empty. */
const ACTION_DEFAULT_MESSAGE = new Map([
  ['invalidMessage', 'The server refused a malformed request'],
  ['notConnected', 'You are not in the meeting yet'],
  ['alreadyJoined', 'You already joined this meeting on this connection'],
  ['roleRequired', 'Your role in this meeting does not allow that'],
  ['capabilityDisabled', 'The meeting policy does not allow that for you'],
  ['participantNotFound', 'That participant was not found'],
  ['participantNotEligible', 'That participant cannot take part in this'],
  ['screenShareBusy', 'Someone else is already sharing a screen'],
  ['cannotTargetOrganizer', 'That action cannot target the organizer'],
  ['breakoutState', 'The breakout rooms are not in a state that allows that'],
  ['sdpRejected', 'The media server could not use this browser\'s media description'],
  ['chatDisabled', 'Chat is disabled in this meeting'],
  ['meetingBusy', 'The meeting has too many requests waiting'],
]);

/**
 * Turns a protocol `error` frame into a CallingError.
 * @param {{code?: string, message?: string}} frame
 */
export function fromActionError(frame) {
  const reason = typeof frame?.code === 'string' ? frame.code : 'unknown';
  const [code, subCode, advice] = ACTION_ERRORS.get(reason) ?? [500, 46099, 'Try again; if it keeps happening, report it.'];
  const what = (typeof frame?.message === 'string' && frame.message.trim()) || ACTION_DEFAULT_MESSAGE.get(reason)
    || `The server refused the request (${reason})`;
  return new CallingError(code, subCode, joinSentences(what, advice), { reason, serverMessage: frame?.message ?? '' });
}

/** Errors the library raises before asking the server. */
export const LocalError = Object.freeze({
  notConnected: (what) => new CallingError(412, 41071, joinSentences(`You can ${what} only while connected to the meeting`, 'Wait until you are in the meeting, then try again'), { reason: 'notConnected' }),
  screenShareAlreadyOn: () => new CallingError(400, 41035, joinSentences('Screen sharing is already on', 'Stop it first if you want to share something else'), { reason: 'screenShareAlreadyOn' }),
  callAgentExists: () => new CallingError(409, 40228, joinSentences('A CallAgent already exists for this identity', 'Dispose of the existing CallAgent before creating another'), { reason: 'callAgentExists' }),
  permissionDenied: (device, cause) => new CallingError(400, 40613, joinSentences(`The browser did not allow access to the ${device}`, `Allow the ${device} in the browser's site settings and try again`), { reason: 'permissionDenied', cause }),
  deviceUnavailable: (device, cause) => new CallingError(400, 40614, joinSentences(`No usable ${device} was found`, `Connect a ${device} or choose another one, then try again`), { reason: 'deviceUnavailable', cause }),
  timeout: (what) => new CallingError(408, 46102, joinSentences(`The meeting server did not answer ${what} in time`, 'Check your network connection and try again'), { reason: 'timeout' }),
  connectionLost: (what) => new CallingError(410, 46101, joinSentences(`The connection to the meeting server was lost before ${what} completed`, 'Try again once reconnected'), { reason: 'connectionLost' }),
  queueFull: () => new CallingError(429, 46103, joinSentences('Too many requests are waiting to be sent', 'Wait a moment and try again'), { reason: 'queueFull' }),
  callEnded: () => new CallingError(410, 46104, joinSentences('The call has already ended', 'Join the meeting again'), { reason: 'callEnded' }),
  invalidArgument: (detail) => new CallingError(400, 46105, joinSentences(detail, 'Check the value passed to the method'), { reason: 'invalidArgument' }),
  tokenExpired: (detail) => new CallingError(495, 4508, joinSentences(detail, 'Give the credential a tokenRefresher, or get a fresh token'), { reason: 'tokenExpired' }),
  tokenInvalid: (detail) => new CallingError(495, 4507, joinSentences(detail, 'Pass the access token issued by the Porta Identity API'), { reason: 'tokenInvalid' }),
  tokenRefreshFailed: (cause) => new CallingError(495, 4508, joinSentences('The access token could not be refreshed', 'Check that the tokenRefresher can reach the application\'s server'), { reason: 'tokenRefreshFailed', cause }),
  disposed: (what) => new CallingError(410, 46106, joinSentences(`The ${what} has been disposed`, `Create a new ${what}`), { reason: 'disposed' }),
  meetingOriginNotAllowed: (linkOrigin, serverOrigin) => new CallingError(403, 46108, joinSentences(
    `The meeting link points to ${linkOrigin}, not to this meeting server (${serverOrigin}), so it was not joined and your access token was not sent there`,
    `Open a meeting link of ${serverOrigin}; if ${linkOrigin} is yours, list it in the CallClient's allowedMeetingOrigins`),
  { reason: 'meetingOriginNotAllowed' }),
  unsupported: (what) => new CallingError(501, 46107, joinSentences(`${what} is not supported by this browser`, 'Use a current Chromium, Firefox or Safari'), { reason: 'unsupported' }),
});
