// SPDX-License-Identifier: Apache-2.0
/**
 * What `porta-calling-acs.js` adds to Porta's objects so that code written against the ACS calling SDK
 * that wraps them in `Proxy`s — Microsoft's UI Library (`@azure/communication-react`) does — runs on them.
 *
 * Porta's classes keep their state in `#private` fields. A `Proxy` whose `get` trap hands out the target's
 * methods makes `proxy.method()` run with the proxy as `this`, and `#private` access then throws
 * ("Cannot read private member"). `adopt()` gives an object own, non-enumerable copies of its methods and
 * accessors, bound to the object itself, so they work whatever `this` they are called with; objects keep
 * their identity (the same Porta object is adopted in place, once).
 * @module acs-compat
 */
import { Emitter } from './emitter.js';
import { CallingError, LocalError } from './errors.js';
import { Features as PortaFeatures } from './features.js';
import { parseToken } from './token-credential.js';

const adopted = new WeakSet();

/**
 * Makes `object` proxy-safe in place: every method and accessor of its prototype chain (and `overrides`,
 * which win) becomes an own property that ignores `this`. Idempotent.
 * @template T
 * @param {T} object
 * @param {Record<string | symbol, PropertyDescriptor>} [overrides] descriptors of properties to replace
 * @returns {T}
 */
export function adopt(object, overrides = {}) {
  if (!object || typeof object !== 'object' || adopted.has(object)) return object;
  adopted.add(object);
  const done = new Set();
  for (const key of Reflect.ownKeys(overrides)) {
    Object.defineProperty(object, key, { configurable: true, enumerable: false, ...overrides[key] });
    done.add(key);
  }
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor' || done.has(key) || Object.prototype.hasOwnProperty.call(object, key)) continue;
      done.add(key);
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (typeof d.value === 'function') {
        Object.defineProperty(object, key, { configurable: true, enumerable: false, writable: true, value: d.value.bind(object) });
      } else if (d.get || d.set) {
        Object.defineProperty(object, key, {
          configurable: true,
          enumerable: false,
          get: d.get ? () => d.get.call(object) : undefined,
          set: d.set ? (v) => d.set.call(object, v) : undefined,
        });
      }
    }
  }
  return object;
}

/** A read-only property descriptor for `adopt` overrides. */
export const getter = (get) => ({ get });
/** A method descriptor for `adopt` overrides. */
export const method = (value) => ({ value, writable: true });

/**
 * The ACS feature names, each a distinct value (the UI Library compares features by identity). Where
 * Porta's feature has ACS's shape the name keeps Porta's value, so `call.feature(Features.RaiseHand)` is
 * Porta's feature; where the shapes differ (breakout rooms, together mode) the ACS name is a new value and
 * Porta's call keeps using its own internally.
 */
export const Features = Object.freeze({
  AudioEffects: 'AudioEffects',
  /** ACS's breakout rooms (a Call per room); Porta's own stay reachable as `'BreakoutRooms'`. */
  BreakoutRooms: 'acs:BreakoutRooms',
  CallSurvey: 'CallSurvey',
  Capabilities: PortaFeatures.Capabilities,
  Captions: 'Captions',
  DebugInfo: 'DebugInfo',
  DominantSpeakers: PortaFeatures.DominantSpeakers,
  MediaAccess: 'MediaAccess',
  OptimalVideoCount: 'OptimalVideoCount',
  PPTLive: 'PPTLive',
  RaiseHand: PortaFeatures.RaiseHand,
  Reaction: PortaFeatures.Reaction,
  RealTimeText: 'RealTimeText',
  Recording: PortaFeatures.Recording,
  Spotlight: 'Spotlight',
  TeamsMeetingAudioConferencing: 'TeamsMeetingAudioConferencing',
  /** ACS's together mode (a scene stream); Porta's seating stays reachable as `'TogetherMode'`. */
  TogetherMode: 'acs:TogetherMode',
  Transcription: PortaFeatures.Transcription,
  Transfer: 'Transfer',
  UserFacingDiagnostics: 'UserFacingDiagnostics',
  VideoEffects: 'VideoEffects',
  /** Porta extension: meeting chat on the call's connection. */
  Chat: PortaFeatures.Chat,
});

/** ACS's quality scale of a UserFacingDiagnostics value. */
export const DiagnosticQuality = Object.freeze({ Good: 1, Poor: 2, Bad: 3 });

/**
 * Capability names ACS reports that Porta has no feature for: always absent, with ACS's reason. Porta's own
 * names (from `capabilitiesOf`) keep the server's answer.
 */
const ABSENT_CAPABILITIES = Object.freeze([
  'addCommunicationUser', 'addPhoneNumber', 'addTeamsUser', 'blockVideo', 'forbidOthersAudio', 'forbidOthersVideo',
  'muteOthers', 'removeParticipantsSpotlight', 'setCaptionLanguage', 'spotlightParticipant', 'startLiveCaptions',
  'stopLiveCaptions', 'viewRealTimeTranscription', 'startRealTimeText', 'shareWhiteboard',
]);
const NOT_SUPPORTED = Object.freeze({ isPresent: false, reason: 'FeatureNotSupported' });
/** Porta shows every participant's name (the UI Library hides them when this says `MeetingRestricted`). */
const VIEW_ATTENDEE_NAMES = Object.freeze({ isPresent: true, reason: 'Capable' });

/** Porta's capability map widened to every name the ACS SDK reports. */
export function acsCapabilities(portaMap) {
  const result = { viewAttendeeNames: VIEW_ATTENDEE_NAMES };
  for (const name of ABSENT_CAPABILITIES) result[name] = NOT_SUPPORTED;
  return Object.freeze(Object.assign(result, portaMap));
}

/** The error of an ACS feature Porta does not have (the UI Library shows it in its error bar). */
export function notOnPorta(what) {
  return new CallingError(501, 46109, `${what} is not available on Porta. The meeting goes on without it.`, { reason: 'featureNotAvailable' });
}

function unsupported(what) {
  return Promise.reject(notOnPorta(what));
}

/** A feature object with the ACS shape whose events never fire: Porta has no such feature. */
class InertFeature extends Emitter {
  constructor(shape) {
    super();
    adopt(this);
    Object.assign(this, shape);
  }
}

/**
 * UserFacingDiagnostics driven by the call's connection: `networkReconnect` is `Bad` while Porta restores a
 * dropped connection and `Good` once media flows again; `noNetwork` follows the browser's online state.
 * `media` reports nothing (Porta reports device failures through the call's `error` event).
 */
class UserFacingDiagnostics {
  #network = new DiagnosticChannel();
  #media = new DiagnosticChannel();
  /** @param {object} call a Porta Call @param {EventTarget | undefined} windowTarget */
  constructor(call, windowTarget) {
    adopt(this);
    call.on('isReconnectingChanged', () => {
      this.#network._set('networkReconnect', call.isReconnecting ? DiagnosticQuality.Bad : DiagnosticQuality.Good, 'DiagnosticQuality');
    });
    if (call.isReconnecting) this.#network._set('networkReconnect', DiagnosticQuality.Bad, 'DiagnosticQuality');
    if (windowTarget && typeof windowTarget.addEventListener === 'function') {
      const offline = () => this.#network._set('noNetwork', true, 'DiagnosticFlag');
      const online = () => this.#network._set('noNetwork', false, 'DiagnosticFlag');
      windowTarget.addEventListener('offline', offline);
      windowTarget.addEventListener('online', online);
      call.on('stateChanged', () => {
        if (call.state !== 'Disconnected') return;
        windowTarget.removeEventListener('offline', offline);
        windowTarget.removeEventListener('online', online);
      });
    }
  }
  get network() { return this.#network; }
  get media() { return this.#media; }
}

/** One half of UserFacingDiagnostics. Event `diagnosticChanged` ({ diagnostic, value, valueType }). */
class DiagnosticChannel extends Emitter {
  #latest = {};
  constructor() { super(); adopt(this); }
  /** @returns {Record<string, {value: number | boolean, valueType: string}>} the latest value of each diagnostic that changed */
  getLatest() { return { ...this.#latest }; }
  /** @internal */
  _set(diagnostic, value, valueType) {
    if (this.#latest[diagnostic]?.value === value) return;
    this.#latest[diagnostic] = Object.freeze({ value, valueType });
    this._emit('diagnosticChanged', { diagnostic, value, valueType });
  }
}

/**
 * The browser and platform in ACS's lowercase names, from the user agent; Porta supports what its
 * library runs on (a browser with WebRTC).
 * @param {{userAgent?: string} | undefined} navigator
 */
export function environmentInfo(navigator) {
  const ua = String(navigator?.userAgent ?? '');
  const browser = /Edg\//.test(ua) ? 'edge'
    : /Firefox\//.test(ua) ? 'firefox'
      : /(Chrome|Chromium|HeadlessChrome|CriOS)\//.test(ua) ? 'chrome'
        : /Safari\//.test(ua) ? 'safari' : 'unknown';
  const platform = /iPhone|iPad|iPod/.test(ua) ? 'ios'
    : /Android/.test(ua) ? 'android'
      : /Mac OS X|Macintosh/.test(ua) ? 'mac'
        : /Windows/.test(ua) ? 'windows'
          : /CrOS/.test(ua) ? 'chromeos'
            : /Linux/.test(ua) ? 'linux' : 'unknown';
  const version = /(?:Edg|Firefox|Chrome|Chromium|HeadlessChrome|CriOS|Version)\/([\d.]+)/.exec(ua)?.[1] ?? '';
  const hasWebRtc = typeof globalThis.RTCPeerConnection === 'function';
  return Object.freeze({
    environment: Object.freeze({ platform, browser, browserVersion: version }),
    isSupportedPlatform: true,
    isSupportedBrowser: browser !== 'unknown',
    isSupportedBrowserVersion: true,
    isSupportedEnvironment: hasWebRtc || browser !== 'unknown',
  });
}

/** `callClient.feature(Features.DebugInfo)`. */
export function debugInfo(navigator) {
  return new InertFeature({
    getEnvironmentInfo: async () => environmentInfo(navigator),
  });
}

/** The optimal number of remote videos ACS asks the UI to show; Porta's SFU forwards up to this many at once. */
export const OPTIMAL_VIDEO_COUNT = 9;

/** A stream's effects feature (`what`: 'Video effects' or 'Audio effects'): Porta has none; starting one rejects. */
function noEffects(what, activeEffects) {
  return new InertFeature({
    activeEffects,
    isSupported: async () => false,
    startEffects: () => unsupported(what),
    stopEffects: async () => {},
    dispose: () => {},
  });
}

/** `stream.feature(Features.VideoEffects)`. */
export const videoEffects = () => noEffects('Video effects', []);

/** `stream.feature(Features.AudioEffects)`. */
export const audioEffects = () => noEffects('Audio effects', { noiseSuppression: undefined, echoCancellation: undefined });

/**
 * ACS's identifier of the person a token is for: `8:<skypeid>` (a communication user) when the token carries
 * ACS's `skypeid` claim, else undefined.
 * @param {string} token
 */
export function identityOfToken(token) {
  try {
    const claims = parseToken(token);
    if (typeof claims.skypeid !== 'string' || !claims.skypeid) return undefined;
    const rawId = claims.skypeid.startsWith('8:') ? claims.skypeid : `8:${claims.skypeid}`;
    return Object.freeze({ kind: 'communicationUser', communicationUserId: rawId, rawId });
  } catch {
    return undefined;
  }
}

/**
 * Adopts a Call and gives it the ACS surface the UI Library reads: `kind: 'Call'` (a guest's call to a
 * Teams meeting, as ACS names it), every ACS feature, proxy-safe participants and streams, and identifiers
 * of yourself as ACS gives them (your identity, not a meeting-scoped id).
 * @param {object} call a Porta Call
 * @param {{identity?: object, navigator?: object, window?: EventTarget}} env
 */
export function adoptCall(call, env) {
  if (adopted.has(call)) return call;
  const proto = Object.getPrototypeOf(call);
  const base = {
    feature: proto.feature.bind(call),
    remoteParticipants: () => Reflect.get(proto, 'remoteParticipants', call),
    localVideoStreams: () => Reflect.get(proto, 'localVideoStreams', call),
  };
  const features = new Map();
  const self = (identifier) => selfAware(call, env.identity, identifier);
  adopt(call, {
    kind: getter(() => 'Call'),
    remoteParticipants: getter(() => base.remoteParticipants().map(adoptParticipant)),
    localVideoStreams: getter(() => base.localVideoStreams().map(adoptLocalStream)),
    feature: method((name) => {
      let feature = features.get(name);
      if (!feature) {
        feature = acsFeature(call, name, base.feature, self, env);
        features.set(name, feature);
      }
      return feature;
    }),
  });
  // Registered before any application listener, so objects an event carries are adopted when it sees them.
  call.on('remoteParticipantsUpdated', ({ added, removed }) => { added.forEach(adoptParticipant); removed.forEach(adoptParticipant); });
  call.on('localVideoStreamsUpdated', ({ added, removed }) => { added.forEach(adoptLocalStream); removed.forEach(adoptLocalStream); });
  return call;
}

/** Your own identifier when Porta names you by a meeting-scoped id (identities hidden), else the identifier. */
function selfAware(call, identity, identifier) {
  if (!identifier || identifier.kind !== 'unknown' || !identity) return identifier;
  return identifier.rawId === call.participantId ? identity : identifier;
}

function acsFeature(call, name, portaFeature, self, env) {
  switch (name) {
    case Features.Capabilities: {
      const feature = portaFeature(name);
      const proto = Object.getPrototypeOf(feature);
      return adopt(feature, { capabilities: getter(() => acsCapabilities(Reflect.get(proto, 'capabilities', feature))) });
    }
    case Features.RaiseHand: {
      const feature = portaFeature(name);
      const proto = Object.getPrototypeOf(feature);
      return adopt(feature, {
        getRaisedHands: method(() => proto.getRaisedHands.call(feature).map((h) => ({ ...h, identifier: self(h.identifier) }))),
        ...translatedEvents(feature, (payload) => ({ ...payload, identifier: self(payload.identifier) })),
      });
    }
    case Features.Reaction: {
      const feature = portaFeature(name);
      return adopt(feature, translatedEvents(feature, (payload) => ({ ...payload, identifier: self(payload.identifier) })));
    }
    case Features.DominantSpeakers: {
      const feature = portaFeature(name);
      const proto = Object.getPrototypeOf(feature);
      return adopt(feature, {
        dominantSpeakers: getter(() => {
          const { speakersList, timestamp } = Reflect.get(proto, 'dominantSpeakers', feature);
          return { speakersList: speakersList.map(self), timestamp };
        }),
      });
    }
    case Features.Recording:
    case Features.Transcription:
    case Features.Chat:
      return adopt(portaFeature(name));
    case Features.BreakoutRooms:
      // Porta moves media inside the same call; ACS hands the app a new Call per room. The UI Library would
      // take Porta's room descriptions for Calls, so it is told nothing (the room's media still arrives).
      return new InertFeature({ breakoutRooms: undefined, assignedBreakoutRoom: undefined, breakoutRoomsSettings: undefined });
    case Features.TogetherMode:
      // Porta's together mode is a seating order, not ACS's rendered scene stream the UI Library draws.
      return new InertFeature({
        togetherModeStream: [], togetherModeSeatingMap: new Map(), isActive: false,
        start: () => unsupported('Together mode in the UI Library'), setTogetherModeSceneSize: () => {},
      });
    case Features.UserFacingDiagnostics:
      return new UserFacingDiagnostics(call, env.window);
    case Features.OptimalVideoCount:
      return new InertFeature({ optimalVideoCount: OPTIMAL_VIDEO_COUNT });
    case Features.Captions:
      return new InertFeature({
        captions: new InertFeature({
          kind: 'Captions', isCaptionsFeatureActive: false, supportedSpokenLanguages: [], supportedCaptionLanguages: [],
          activeSpokenLanguage: '', activeCaptionLanguage: '', captionsType: 'Captions',
          startCaptions: () => unsupported('Captions'), stopCaptions: async () => {},
          setSpokenLanguage: () => unsupported('Captions'), setCaptionLanguage: () => unsupported('Captions'),
        }),
      });
    case Features.Spotlight:
      return new InertFeature({
        maxParticipantsToSpotlight: 0, getSpotlightedParticipants: () => [],
        startSpotlight: () => unsupported('Spotlight'), stopSpotlight: () => unsupported('Spotlight'),
        stopAllSpotlight: () => unsupported('Spotlight'),
      });
    case Features.MediaAccess:
      return new InertFeature({
        getAllOthersMediaAccess: () => [], getMeetingMediaAccess: () => ({ isAudioPermitted: true, isVideoPermitted: true }),
        permitAudio: () => unsupported('Media access'), forbidAudio: () => unsupported('Media access'),
        permitOthersAudio: () => unsupported('Media access'), forbidOthersAudio: () => unsupported('Media access'),
        permitVideo: () => unsupported('Media access'), forbidVideo: () => unsupported('Media access'),
        permitOthersVideo: () => unsupported('Media access'), forbidOthersVideo: () => unsupported('Media access'),
      });
    case Features.RealTimeText:
      return new InertFeature({ sendRealTimeText: () => unsupported('Real-time text') });
    case Features.Transfer:
      return new InertFeature({ transfer: () => { throw notOnPorta('Transfer'); } });
    case Features.PPTLive:
      return new InertFeature({ isActive: false, activePresenterId: undefined, target: undefined });
    case Features.TeamsMeetingAudioConferencing:
      // Porta has no dial-in: the conference has no phone numbers.
      return new InertFeature({ getTeamsMeetingAudioConferencingDetails: async () => ({ phoneConferenceId: '', phoneNumbers: [] }) });
    case Features.CallSurvey:
      return new InertFeature({ submitSurvey: () => unsupported('Call surveys') });
    default:
      // Anything else (DebugInfo is the client's; the effects are the stream's) is Porta's answer: an error.
      return portaFeature(name);
  }
}

/**
 * `on`/`off` overrides that hand listeners a translated payload; `off` finds the wrapper of a listener.
 * @returns {Record<string, PropertyDescriptor>}
 */
function translatedEvents(emitter, translate) {
  const proto = Object.getPrototypeOf(emitter);
  const on = (proto.on ?? Emitter.prototype.on);
  const off = (proto.off ?? Emitter.prototype.off);
  /** @type {Map<string, Map<Function, Function>>} */
  const wrappers = new Map();
  return {
    on: method((event, listener) => {
      if (typeof listener !== 'function') return on.call(emitter, event, listener); // Porta's error
      let byListener = wrappers.get(event);
      if (!byListener) wrappers.set(event, (byListener = new Map()));
      if (byListener.has(listener)) return undefined;
      const wrapper = (payload) => listener(translate(payload));
      byListener.set(listener, wrapper);
      return on.call(emitter, event, wrapper);
    }),
    off: method((event, listener) => {
      const wrapper = wrappers.get(event)?.get(listener);
      if (!wrapper) return undefined;
      wrappers.get(event).delete(listener);
      return off.call(emitter, event, wrapper);
    }),
  };
}

/** Adopts a RemoteParticipant and the video streams it has and gains. */
export function adoptParticipant(participant) {
  if (adopted.has(participant)) return participant;
  const proto = Object.getPrototypeOf(participant);
  adopt(participant, { videoStreams: getter(() => Reflect.get(proto, 'videoStreams', participant).map((s) => adopt(s))) });
  participant.on('videoStreamsUpdated', ({ added, removed }) => { added.forEach((s) => adopt(s)); removed.forEach((s) => adopt(s)); });
  return participant;
}

/** Adopts a LocalVideoStream and gives it ACS's `feature()` (video and audio effects, both absent). */
export function adoptLocalStream(stream) {
  if (adopted.has(stream)) return stream;
  const effects = new Map();
  return adopt(stream, {
    feature: method((name) => {
      if (name !== Features.VideoEffects && name !== Features.AudioEffects) {
        throw LocalError.invalidArgument(`A local video stream has no feature ${String(name)}`);
      }
      if (!effects.has(name)) effects.set(name, name === Features.VideoEffects ? videoEffects() : audioEffects());
      return effects.get(name);
    }),
  });
}
