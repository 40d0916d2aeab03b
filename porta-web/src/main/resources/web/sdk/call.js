// SPDX-License-Identifier: Apache-2.0
/**
 * `Call`: one participant in one meeting. Created by `callAgent.join()`; reports progress through
 * `stateChanged` and ends with `callEndReason` set.
 *
 * Events (ACS): `stateChanged`, `idChanged`, `isMutedChanged`, `isLocalVideoStartedChanged`,
 * `isScreenSharingOnChanged`, `isIncomingAudioMutedChanged`, `remoteParticipantsUpdated`,
 * `localVideoStreamsUpdated`, `roleChanged`, `totalParticipantCountChanged`, `mutedByOthers`.
 * Porta: `isReconnectingChanged`, `error` (a CallingError for a failure no promise reports).
 * @module call
 */
import { AudioOutput } from './audio-output.js';
import { CallState, CallStateMachine } from './call-state.js';
import { Emitter } from './emitter.js';
import { CallingError, LocalEndReason, LocalError, fromActionError, toCallEndReason } from './errors.js';
import {
  BreakoutRoomsFeature, CapabilitiesFeature, ChatFeature, DominantSpeakersFeature, Features, RaiseHandFeature,
  ReactionFeature, RecordingFeature, TogetherModeFeature, TranscriptionFeature,
} from './features.js';
import { Lobby } from './lobby.js';
import { MediaSessionTracker, moveMedia } from './media-rehome.js';
import { clientFrame, normaliseDisplayName, normaliseLocator } from './protocol.js';
import { identifierOf, participantIdsOf, RemoteParticipant, roleOf } from './participants.js';
import { ROSTER_VERSION, Roster } from './roster.js';
import { Signaling } from './signaling.js';
import { LocalVideoStream, MediaStreamType } from './streams.js';

const LEAVE_TIMEOUT_MS = 3000;
/** People who left whose identifiers a call remembers (for chat senders and hands); the oldest go first. */
const MAX_DEPARTED = 2000;

/**
 * @typedef {object} CallContext internal: what the agent gives each call
 * @property {() => Promise<string>} getToken
 * @property {string | undefined} displayName
 * @property {(locator: object) => string} signalingUrlFor
 * @property {import('./scheduler.js').Scheduler} scheduler
 * @property {import('./device-manager.js').DeviceManager} deviceManager
 * @property {(url: string) => WebSocket} [createWebSocket]
 * @property {(options: {signaling: object, iceServers?: RTCIceServer[], iceTransportPolicy?: 'all'|'relay'}) => import('./media.js').MediaSession} createMediaSession
 * @property {'all'|'relay'} [iceTransportPolicy]
 * @property {number} joinTimeoutMs
 * @property {number} resumeGraceMs
 * @property {(call: Call) => void} onEnded
 */

let callCounter = 0;

export class Call extends Emitter {
  #ctx;
  #id;
  #machine;
  #callEndReason = undefined;
  /** @type {Signaling | null} */
  #signaling = null;
  /** @type {import('./media.js').MediaSession | null} */
  #media = null;
  /** @type {RTCIceServer[]} TURN servers from the server's latest `iceServers` frame */
  #iceServers = [];
  #roster = new Roster();
  /** @type {Map<string, RemoteParticipant>} */
  #remote = new Map();
  #selfId = null;
  #info = { meetingId: '', subject: '', startDateTime: null, endDateTime: null, participantId: '' };
  #role = 'Unknown';
  #isMuted;
  #isIncomingAudioMuted = false;
  #isReconnecting = false;
  #signalingDown = false;
  #mediaRecovering = false;
  /** The signaling connection was just resumed: its stateChanged decides what the media does. */
  #resumePending = false;
  #mediaSessions = new MediaSessionTracker();
  /** Publishing again on a new home (media-rehome.js): the roster's view of our mute state is not ours yet. */
  #restoringSelf = false;
  /** @type {LocalVideoStream | null} */
  #camera = null;
  /** @type {LocalVideoStream | null} */
  #screen = null;
  /** @type {MediaStreamTrack | null} */
  #microphone = null;
  #nextStreamId = 1;
  #joinTimer = null;
  #everConnected = false;
  #ending = false;
  #leaveWaiter = null;
  #audio = new AudioOutput();
  #features = new Map();
  /** @type {Map<string, object>} participant id → identifier of people who left (MAX_DEPARTED at most) */
  #departed = new Map();
  #lobby;
  #featureCtx;
  #onCameraSourceChanged = () => { this.#replaceCameraTrack().catch((e) => this.#reportError(e)); };
  #onMicrophoneChanged = () => { this.#replaceMicrophone().catch((e) => this.#reportError(e)); };
  #onSpeakerChanged = () => { this.#audio.setSink(this.#ctx.deviceManager.selectedSpeaker?.id ?? ''); };

  /**
   * @internal created by CallAgent.join()
   * @param {CallContext} ctx
   * @param {object} locator
   * @param {{audioOptions?: {muted?: boolean}, videoOptions?: {localVideoStreams?: LocalVideoStream[]}}} [options]
   */
  constructor(ctx, locator, options = {}) {
    super();
    this.#ctx = ctx;
    this.#id = globalThis.crypto?.randomUUID?.() ?? `call-${Date.now()}-${++callCounter}`;
    this.#isMuted = options.audioOptions?.muted === true;
    this.#camera = options.videoOptions?.localVideoStreams?.[0] ?? null;
    this.#machine = new CallStateMachine(() => this._emit('stateChanged', {}));
    this.#featureCtx = {
      request: (type, fields) => this.#request(type, fields),
      identifierOf: (participantId) => this.#identifierOf(participantId),
      participantIdsOf: (identifier) => participantIdsOf(identifier, this.#remote.values()),
      selfId: () => this.#selfId,
    };
    this.#lobby = new Lobby((type, fields) => this.#request(type, fields));
    ctx.deviceManager.on('selectedMicrophoneChanged', this.#onMicrophoneChanged);
    ctx.deviceManager.on('selectedSpeakerChanged', this.#onSpeakerChanged);
    this.#audio.setSink(ctx.deviceManager.selectedSpeaker?.id ?? '');
    // Start after the caller had a chance to subscribe to stateChanged.
    queueMicrotask(() => this.#start(locator));
  }

  // ------------------------------------------------------------------ properties
  get id() { return this.#id; }
  /** `None`, `Connecting`, `InLobby`, `Connected`, `Disconnecting` or `Disconnected`. */
  get state() { return this.#machine.state; }
  /** Set once the call is Disconnected: `{ code, subCode, message, resultCategories, canRejoin }`. */
  get callEndReason() { return this.#callEndReason; }
  get direction() { return 'Outgoing'; }
  get kind() { return 'TeamsCall'; }
  /** Meeting details once known; `getServerCallId()` resolves to the meeting ID. */
  get info() {
    const info = { ...this.#info };
    return Object.freeze({ ...info, getServerCallId: async () => info.meetingId });
  }
  get role() { return this.#role; }
  get isMuted() { return this.#isMuted; }
  get isIncomingAudioMuted() { return this.#isIncomingAudioMuted; }
  get isLocalVideoStarted() { return this.#camera !== null; }
  get isScreenSharingOn() { return this.#screen !== null; }
  /** @returns {LocalVideoStream[]} the camera stream and, while sharing, the screen stream */
  get localVideoStreams() { return [this.#camera, this.#screen].filter(Boolean); }
  /** @returns {RemoteParticipant[]} the other participants in the meeting (not the lobby) */
  get remoteParticipants() { return [...this.#remote.values()]; }
  /**
   * Everyone in the meeting including you (0 until Connected); in a large meeting also those outside
   * the page of participants this call holds (see `showParticipants`).
   */
  get totalParticipantCount() { return this.#roster.total; }
  /**
   * Porta: hold (and get events for) `limit` participants from `offset` in join order instead of the
   * first page, for a large meeting's participant list (docs/calling-protocol.md §4.4). The server
   * bounds `limit` (`calling.roster-page-size`, default 100); `remoteParticipants` becomes that page.
   * @param {{offset: number, limit: number}} page
   */
  async showParticipants({ offset, limit }) {
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1) {
      throw LocalError.invalidArgument('showParticipants needs a whole offset from 0 and a whole limit from 1');
    }
    if (this.state !== CallState.Connected) throw LocalError.notConnected('show participants');
    await this.#request('rosterPage', { offset, limit });
  }
  get lobby() { return this.#lobby; }
  /** Porta: true while the connection to the server is being restored (the call stays Connected). */
  get isReconnecting() { return this.#isReconnecting; }
  /** Porta: your participant id in this meeting. */
  get participantId() { return this.#selfId ?? undefined; }
  /**
   * Porta: your own identifier as the others see it (`8:acs:…` guest or Teams user), once the server
   * has named you in the roster; undefined before.
   */
  get identifier() { return this.#selfId && this.#roster.get(this.#selfId) ? this.#identifierOf(this.#selfId) : undefined; }

  /**
   * A call feature, e.g. `call.feature(Features.RaiseHand)`.
   * @param {string} name one of `Features`
   */
  feature(name) {
    let feature = this.#features.get(name);
    if (feature) return feature;
    const ctx = this.#featureCtx;
    switch (name) {
      case Features.Capabilities: feature = new CapabilitiesFeature(); break;
      case Features.RaiseHand: feature = new RaiseHandFeature(ctx); break;
      case Features.Reaction: feature = new ReactionFeature(ctx); break;
      case Features.Recording: feature = new RecordingFeature(ctx); break;
      case Features.Transcription: feature = new TranscriptionFeature(ctx); break;
      case Features.DominantSpeakers: feature = new DominantSpeakersFeature(ctx); break;
      case Features.TogetherMode: feature = new TogetherModeFeature(ctx); break;
      case Features.BreakoutRooms: feature = new BreakoutRoomsFeature(ctx); break;
      case Features.Chat: feature = new ChatFeature(ctx); break;
      default: throw LocalError.invalidArgument(`Porta has no call feature ${String(name)}; see Features`);
    }
    this.#features.set(name, feature);
    return feature;
  }

  // ------------------------------------------------------------------ actions
  /** Mutes your microphone for everyone (locally at once, then on the server). */
  async mute() {
    this.#requireConnected('mute');
    if (this.#microphone) this.#microphone.enabled = false;
    this.#setMuted(true);
    await this.#request('mute', { muted: true });
  }

  /** Unmutes your microphone, if the meeting lets you. */
  async unmute() {
    this.#requireConnected('unmute');
    await this.#ensureMicrophone();
    await this.#request('mute', { muted: false });
    if (this.#microphone) this.#microphone.enabled = true;
    this.#setMuted(false);
  }

  /** Stops playing other people's audio on this device (only here; they are not muted). */
  async muteIncomingAudio() { this.#setIncomingMuted(true); }
  async unmuteIncomingAudio() { this.#setIncomingMuted(false); }

  /**
   * Starts sending your camera. Before you are admitted it is remembered and starts on entry.
   * @param {LocalVideoStream} localVideoStream
   */
  async startVideo(localVideoStream) {
    if (!(localVideoStream instanceof LocalVideoStream)) throw LocalError.invalidArgument('startVideo needs a LocalVideoStream');
    if (this.#machine.isTerminal || this.state === CallState.Disconnecting) throw LocalError.callEnded();
    if (this.#camera) throw LocalError.invalidArgument('Video is already started; call stopVideo first or use switchSource on the stream');
    this.#setCamera(localVideoStream);
    if (this.state !== CallState.Connected) return;
    try {
      await this.#publishCamera();
    } catch (error) {
      this.#setCamera(null);
      throw error;
    }
  }

  /** Stops sending your camera. @param {LocalVideoStream} [localVideoStream] */
  async stopVideo(localVideoStream) {
    const camera = this.#camera;
    if (!camera || (localVideoStream && localVideoStream !== camera)) throw LocalError.invalidArgument('That video stream is not started in this call');
    this.#setCamera(null);
    camera._stop();
    if (this.state !== CallState.Connected) return;
    await this.#media?.setSource('camera', null);
    await this.#request('unpublish', { source: 'camera' });
  }

  /**
   * Shares a screen, window or tab the person picks. Call it straight from a click handler: Safari
   * only shows the picker inside a user gesture.
   */
  startScreenSharing() {
    if (this.state !== CallState.Connected) return Promise.reject(LocalError.notConnected('share your screen'));
    if (this.#screen) return Promise.reject(LocalError.screenShareAlreadyOn());
    const caps = this.feature(Features.Capabilities);
    if (!caps.isAllowed('screenShare')) {
      return Promise.reject(fromActionError({ code: 'capabilityDisabled', message: 'The meeting does not let you share your screen' }));
    }
    const picking = this.#ctx.deviceManager._openScreen(); // synchronously, inside the gesture
    return (async () => {
      const stream = await picking;
      const track = stream.getVideoTracks()[0];
      try {
        if (this.state !== CallState.Connected) throw LocalError.notConnected('share your screen');
        await this.#request('publish', { source: 'screen' });
        await this.#media.setSource('screen', track);
      } catch (error) {
        for (const t of stream.getTracks()) t.stop();
        if (error instanceof CallingError && error.reason !== 'screenShareBusy') this.#request('unpublish', { source: 'screen' }).catch(() => {});
        throw error;
      }
      this.#screen = new LocalVideoStream(stream, MediaStreamType.ScreenSharing);
      track.addEventListener?.('ended', () => { if (this.#screen) this.stopScreenSharing().catch(() => {}); });
      this._emit('localVideoStreamsUpdated', { added: [this.#screen], removed: [] });
      this._emit('isScreenSharingOnChanged', {});
    })();
  }

  /** Stops sharing your screen. */
  async stopScreenSharing() {
    const screen = this.#screen;
    if (!screen) return;
    this.#screen = null;
    const stream = await screen.getMediaStream();
    for (const t of stream.getTracks()) t.stop();
    this._emit('localVideoStreamsUpdated', { added: [], removed: [screen] });
    this._emit('isScreenSharingOnChanged', {});
    if (this.state !== CallState.Connected) return;
    await this.#media?.setSource('screen', null);
    await this.#request('unpublish', { source: 'screen' });
  }

  /**
   * Leaves the meeting; with `forEveryone: true` the organizer ends it for everyone.
   * @param {{forEveryone?: boolean}} [options]
   */
  async hangUp(options = {}) {
    if (this.#machine.isTerminal) return;
    if (this.state === CallState.Disconnecting) return this.#leaveWaiter?.promise;
    if (options.forEveryone) {
      if (this.state !== CallState.Connected) throw LocalError.notConnected('end the meeting for everyone');
      await this.#request('endMeeting');
      // The server ends everyone, this participant included, with 0/4097.
      this.#machine.transition(CallState.Disconnecting);
      return this.#waitForEnd(toCallEndReason({ code: 0, subCode: 4097 }));
    }
    if (this.state === CallState.None) {
      this.#end(LocalEndReason.left());
      return;
    }
    this.#machine.transition(CallState.Disconnecting);
    if (!this.#signaling || !this.#signaling.isOpen) {
      this.#end(LocalEndReason.left());
      return;
    }
    try { this.#signaling.send('leave'); } catch { /* queue full: the timeout ends it */ }
    return this.#waitForEnd(LocalEndReason.left());
  }

  /** Mutes another participant (organizers and presenters). */
  async muteAllRemoteParticipants() {
    for (const p of this.#remote.values()) {
      if (!p.isMuted && p.role !== 'Organizer') await this.#request('muteParticipant', { participantId: p.participantId });
    }
  }

  /**
   * Removes a participant from the meeting (organizers and presenters).
   * @param {object | string} identifier
   */
  async removeParticipant(identifier) {
    const participantIds = participantIdsOf(identifier, this.#remote.values());
    if (participantIds.length === 0) {
      throw LocalError.invalidArgument('removeParticipant needs the identifier of someone in call.remoteParticipants');
    }
    // A member on several devices is several participants: ACS removes the identity, so remove each.
    for (const participantId of participantIds) await this.#request('removeParticipant', { participantId });
  }

  /**
   * Porta: asks for at most `maxHeight` pixels of a remote video (0 pauses it) to save bandwidth.
   * @param {import('./streams.js').RemoteVideoStream} stream
   * @param {number} maxHeight
   */
  async setVideoPreference(stream, maxHeight) {
    await this.#request('videoPreference', { participantId: stream.participantId, source: stream.source, maxHeight });
  }

  // ------------------------------------------------------------------ joining and the wire
  async #start(locator) {
    if (this.#machine.isTerminal) return;
    this.#machine.transition(CallState.Connecting);
    const checked = normaliseLocator(locator);
    if (!checked.ok) return this.#end(LocalEndReason.invalidJoin(checked.message));
    let displayName;
    if (this.#ctx.displayName !== undefined) {
      const name = normaliseDisplayName(this.#ctx.displayName);
      if (!name.ok) return this.#end(LocalEndReason.invalidDisplayName(name.message));
      displayName = name.displayName;
    }
    let token;
    try {
      token = await this.#ctx.getToken();
    } catch (error) {
      if (this.#machine.isTerminal) return undefined;
      return this.#end(error?.subCode === 4508 ? LocalEndReason.tokenExpired(error.message) : LocalEndReason.tokenInvalid(error?.message));
    }
    if (this.#machine.isTerminal) return;
    let url;
    try {
      url = this.#ctx.signalingUrlFor(checked.locator);
    } catch (error) {
      return this.#end(LocalEndReason.connectionFailed(error.message));
    }
    const signaling = new Signaling({
      url,
      resumeFields: { rosterVersion: ROSTER_VERSION },
      getToken: this.#ctx.getToken,
      createWebSocket: this.#ctx.createWebSocket,
      scheduler: this.#ctx.scheduler,
      resumeGraceMs: this.#ctx.resumeGraceMs,
    });
    this.#signaling = signaling;
    signaling.on('frame', (frame) => this.#onFrame(frame));
    signaling.on('reconnecting', () => { this.#signalingDown = true; this.#updateReconnecting(); });
    // the resume's stateChanged follows at once: it says whether the media restarts ICE or moves (#onStateChanged)
    signaling.on('resumed', () => { this.#resumePending = true; });
    signaling.on('invalidFrame', ({ reason }) => this.#reportError(new CallingError(500, 46098, `The server sent ${reason}; it was ignored.`, { reason: 'invalidFrame' })));
    signaling.on('closed', ({ reason }) => this.#onSignalingClosed(reason));
    const join = { token, locator: checked.locator, muted: this.#isMuted, rosterVersion: ROSTER_VERSION };
    if (displayName !== undefined) join.displayName = displayName;
    this.#joinTimer = this.#ctx.scheduler.setTimeout(() => {
      this.#joinTimer = null;
      if (this.state === CallState.Connecting) this.#end(LocalEndReason.serverTimeout());
    }, this.#ctx.joinTimeoutMs);
    signaling.open(clientFrame('join', join));
  }

  #onSignalingClosed(reason) {
    if (this.#ending) return;
    if (reason === 'connectionFailed') this.#end(LocalEndReason.connectionFailed());
    else if (reason === 'connectionLost') this.#end(LocalEndReason.connectionLost());
    else if (this.state === CallState.Disconnecting) this.#end(LocalEndReason.left());
    else this.#end(LocalEndReason.connectionLost());
  }

  #onFrame(frame) {
    switch (frame.type) {
      case 'stateChanged': return this.#onStateChanged(frame);
      case 'roster': {
        const total = this.#roster.total;
        const { changes, gap } = this.#roster.applySnapshot(frame);
        for (const change of changes) this.#applyRosterChange(change);
        this.#noteTotal(total);
        if (gap) this.#signaling.forceResume();
        return;
      }
      case 'rosterDelta': {
        const total = this.#roster.total;
        const result = this.#roster.applyDelta(frame);
        if (result.kind === 'applied') this.#applyRosterChange(result.change);
        else if (result.kind === 'gap' || result.kind === 'overflow') this.#signaling.forceResume();
        this.#noteTotal(total);
        return;
      }
      case 'lobby': return this.#lobby._replace(frame.participants);
      case 'lobbyDelta': return this.#lobby._delta(frame.op, frame.participant);
      case 'chatHistory': return this.feature(Features.Chat)._history(frame.messages);
      case 'chatMessage': return this.feature(Features.Chat)._received(frame);
      case 'chatMessageEdited': return this.feature(Features.Chat)._edited(frame);
      case 'chatMessageDeleted': return this.feature(Features.Chat)._deleted(frame);
      case 'typingIndicator': return this.feature(Features.Chat)._typing(frame);
      case 'reaction': return this.feature(Features.Reaction)._received(frame);
      case 'mutedByOthers':
        if (this.#microphone) this.#microphone.enabled = false;
        this.#setMuted(true);
        this._emit('mutedByOthers', { by: frame.by ? this.#identifierOf(frame.by) : undefined });
        return;
      case 'subscribeOffer':
        this.#media?.acceptSubscribeOffer(frame.sdp).catch(() => { /* reported through the media 'error' event */ });
        return;
      case 'activeSpeaker': return this.feature(Features.DominantSpeakers)._set(frame.participantId);
      case 'breakoutRooms': return this.feature(Features.BreakoutRooms)._rooms(frame.rooms);
      case 'breakoutJoined':
        this.feature(Features.BreakoutRooms)._joined(frame);
        this.#media?.renegotiate().catch((e) => this.#reportError(e));
        return;
      case 'breakoutLeft':
        this.feature(Features.BreakoutRooms)._left();
        this.#media?.renegotiate().catch((e) => this.#reportError(e));
        return;
      case 'togetherMode': return this.feature(Features.TogetherMode)._set(frame);
      case 'recordingState':
        this.feature(Features.Recording)._set(frame.recording);
        this.feature(Features.Transcription)._set(frame.transcription);
        this.feature(Features.Recording)._setConsentRequired(frame.consentRequired === true);
        return;
      case 'recordingFailed': return this.feature(Features.Recording)._failed(frame.reason);
      case 'error': return this.#reportError(fromActionError(frame));
      case 'iceServers':
        // TURN credentials: kept for the peer connections made on Connected, handed to live ones on renewal
        this.#iceServers = frame.iceServers.map((s) => ({ urls: [...s.urls], username: s.username, credential: s.credential }));
        this.#media?.setIceServers?.(this.#iceServers)?.catch((e) => this.#reportError(e));
        return undefined;
      default: return undefined;
    }
  }

  #onStateChanged(frame) {
    if (this.#joinTimer !== null) {
      this.#ctx.scheduler.clearTimeout(this.#joinTimer);
      this.#joinTimer = null;
    }
    if (frame.state === 'Disconnected') {
      this.#end(toCallEndReason(frame.callEndReason));
      return;
    }
    if (this.#machine.isTerminal || this.state === CallState.Disconnecting) return;
    const resume = this.#resumePending;
    this.#resumePending = false;
    this.#selfId = frame.participantId ?? this.#selfId;
    if (frame.meeting) {
      const m = frame.meeting;
      this.#info = {
        meetingId: String(m.meetingId ?? ''), subject: String(m.subject ?? ''),
        startDateTime: m.startDateTime ?? null, endDateTime: m.endDateTime ?? null, participantId: this.#selfId ?? '',
      };
    }
    if (frame.state === 'InLobby') {
      this.#machine.transition(CallState.InLobby);
      if (resume) this.#signalingResumed();
      return;
    }
    // Connected: first entry, or a resume.
    const role = roleOf(frame.role);
    if (role !== this.#role) {
      this.#role = role;
      this._emit('roleChanged', {});
    }
    this.feature(Features.Capabilities)._set(frame.capabilities ?? []);
    this.feature(Features.Recording)._set(frame.recording === true);
    this.feature(Features.Transcription)._set(frame.transcription === true);
    const resumed = this.#everConnected;
    this.#everConnected = true;
    const moved = this.#mediaSessions.changed(frame);
    this.#machine.transition(CallState.Connected);
    if (!resumed) {
      this.#startMedia().catch((e) => this.#reportError(e));
    } else if (moved) {
      moveMedia(this.#rehoming()).catch((e) => this.#reportError(e));
    } else if (resume) {
      this.#media?.restartIce(); // the network may have changed under the media too
    }
    // the media's restart or move begins before the signaling one ends, so isReconnecting stays true throughout
    if (resume) this.#signalingResumed();
  }

  #signalingResumed() {
    this.#signalingDown = false;
    this.#updateReconnecting();
  }

  #applyRosterChange(change) {
    const added = [];
    const removed = [];
    const hands = this.feature(Features.RaiseHand);
    for (const entry of change.added) {
      if (entry.id === this.#selfId) { this.#applySelf(entry); continue; }
      const p = new RemoteParticipant(entry, entry.state, (participantId) => this.#request('muteParticipant', { participantId }).then(() => {}));
      p._apply(entry, () => this.#nextStreamId++);
      this.#remote.set(entry.id, p);
      this.#attachTracks(p);
      added.push(p);
    }
    for (const { after } of change.updated) {
      if (after.id === this.#selfId) { this.#applySelf(after); continue; }
      const p = this.#remote.get(after.id);
      if (!p) continue;
      p._apply(after, () => this.#nextStreamId++);
      this.#attachTracks(p);
    }
    for (const entry of change.removed) {
      this.#rememberDeparted(entry);
      const p = this.#remote.get(entry.id);
      if (!p) continue;
      this.#remote.delete(entry.id);
      this.#audio.stop(`${entry.id}/microphone`);
      p._disconnect(undefined);
      removed.push(p);
    }
    if (added.length || removed.length) {
      this._emit('remoteParticipantsUpdated', { added, removed });
    }
    for (const entry of change.removed) hands._set(entry.id, false);
    for (const entry of change.added) hands._set(entry.id, entry.handRaised);
    for (const { after } of change.updated) hands._set(after.id, after.handRaised);
  }

  /**
   * totalParticipantCountChanged when the roster's total moved: in a large meeting, joins outside the page
   * held change it alone, and a new page (showParticipants) changes who is held but not the count.
   */
  #noteTotal(before) {
    if (this.#roster.total !== before) this._emit('totalParticipantCountChanged', {});
  }

  #applySelf(entry) {
    // The server's view of our own mute state wins (e.g. muted by an organizer), except on a new home that
    // has not been told ours yet.
    if (this.#restoringSelf) return;
    if (entry.muted !== this.#isMuted) {
      if (entry.muted && this.#microphone) this.#microphone.enabled = false;
      this.#setMuted(entry.muted);
    }
  }

  // ------------------------------------------------------------------ media
  /** A new media session, its events wired; null (reported) when WebRTC is missing. */
  #openMediaSession() {
    let media;
    try {
      media = this.#ctx.createMediaSession({
        signaling: this.#signaling,
        iceServers: this.#iceServers,
        iceTransportPolicy: this.#ctx.iceTransportPolicy,
        scheduler: this.#ctx.scheduler,
      });
    } catch (error) {
      this.#reportError(error);
      return null;
    }
    // a session the call dropped (the meeting moved to another node) is not news any more
    const current = () => media === this.#media;
    media.on('remoteTrackAdded', (t) => { if (current()) this.#onRemoteTrack(t, true); });
    media.on('remoteTrackRemoved', (t) => this.#onRemoteTrack(t, false));
    media.on('error', (e) => { if (current()) this.#reportError(e); });
    // a broken media path restarts ICE: the call stays Connected, isReconnecting meanwhile
    media.on('reconnecting', () => { if (current()) { this.#mediaRecovering = true; this.#updateReconnecting(); } });
    media.on('recovered', () => { if (current()) { this.#mediaRecovering = false; this.#updateReconnecting(); } });
    media.on('connected', () => { if (current()) { this.#mediaRecovering = false; this.#updateReconnecting(); } });
    media.on('failed', () => {
      if (!current()) return;
      this.#mediaRecovering = false;
      if (this.state === CallState.Connected && !this.#signalingDown) this.#end(LocalEndReason.mediaLost());
      else this.#updateReconnecting();
    });
    return media;
  }

  async #startMedia() {
    this.#media = this.#openMediaSession();
    if (!this.#media) return;
    const caps = this.feature(Features.Capabilities);
    if (caps.isAllowed('audio')) {
      try {
        await this.#ensureMicrophone();
      } catch (error) {
        this.#setMuted(true);
        this.#reportError(error);
      }
    } else {
      this.#setMuted(true);
    }
    if (this.#camera && this.state === CallState.Connected) {
      try {
        await this.#publishCamera();
      } catch (error) {
        this.#setCamera(null);
        this.#reportError(error);
      }
    }
  }

  /**
   * What the media move after a re-home (media-rehome.js `moveMedia`) reads and changes of this call:
   * isReconnecting until the new media carries.
   */
  #rehoming() {
    const call = this;
    return {
      signaling: this.#signaling,
      get media() { return call.#media; },
      set media(media) { call.#media = media; },
      openSession: () => this.#openMediaSession(),
      setRecovering: (recovering) => { this.#mediaRecovering = recovering; this.#updateReconnecting(); },
      set restoringSelf(restoring) { call.#restoringSelf = restoring; },
      get isMuted() { return call.#isMuted; },
      get microphone() { return call.#microphone; },
      get camera() { return call.#camera; },
      get screen() { return call.#screen; },
      request: (type, fields) => this.#request(type, fields),
      setMuted: (muted) => this.#setMuted(muted),
      drop: (source, stream) => this.#dropSource(source, stream),
      reportError: (error) => this.#reportError(error),
    };
  }

  /** A source the new home would not take back stops here (`stream`: the one sent before the move). */
  #dropSource(source, stream) {
    if (source === 'microphone') {
      this.#microphone?.stop();
      this.#microphone = null;
      this.#setMuted(true);
    } else if (source === 'camera' && this.#camera === stream) {
      this.#setCamera(null);
      stream._stop();
    } else if (source === 'screen' && this.#screen === stream) {
      this.stopScreenSharing().catch(() => {});
    }
  }

  async #ensureMicrophone() {
    if (this.#microphone || !this.#media) return;
    const track = await this.#ctx.deviceManager._openMicrophone();
    if (this.#machine.isTerminal) { track.stop(); return; }
    track.enabled = !this.#isMuted;
    try {
      await this.#request('publish', { source: 'microphone' });
      await this.#media.setSource('microphone', track);
    } catch (error) {
      track.stop();
      throw error;
    }
    this.#microphone = track;
  }

  async #replaceMicrophone() {
    if (!this.#microphone || !this.#media) return;
    const track = await this.#ctx.deviceManager._openMicrophone();
    track.enabled = !this.#isMuted;
    const old = this.#microphone;
    this.#microphone = track;
    await this.#media.setSource('microphone', track);
    old.stop();
  }

  async #publishCamera() {
    const camera = this.#camera;
    await this.#request('publish', { source: 'camera' });
    try {
      const track = await camera._videoTrack();
      await this.#media.setSource('camera', track);
    } catch (error) {
      this.#request('unpublish', { source: 'camera' }).catch(() => {});
      throw error;
    }
  }

  async #replaceCameraTrack() {
    if (!this.#camera || this.state !== CallState.Connected || !this.#media) return;
    const track = await this.#camera._videoTrack();
    await this.#media.setSource('camera', track);
  }

  #setCamera(stream) {
    const before = this.#camera;
    if (before === stream) return;
    before?.off('sourceChanged', this.#onCameraSourceChanged);
    this.#camera = stream;
    stream?.on('sourceChanged', this.#onCameraSourceChanged);
    this._emit('localVideoStreamsUpdated', { added: stream ? [stream] : [], removed: before ? [before] : [] });
    this._emit('isLocalVideoStartedChanged', {});
  }

  #onRemoteTrack({ participantId, source, track }, added) {
    if (source === 'microphone') {
      if (added) this.#audio.play(`${participantId}/microphone`, track);
      else this.#audio.stop(`${participantId}/microphone`);
      return;
    }
    const stream = this.#remote.get(participantId)?._videoStream(source);
    if (stream) stream._setTrack(added ? track : null);
  }

  #attachTracks(participant) {
    if (!this.#media) return;
    for (const stream of participant.videoStreams) {
      const track = this.#media.remoteTrack(participant.participantId, stream.source);
      if (track) stream._setTrack(track);
    }
  }

  // ------------------------------------------------------------------ helpers
  #request(type, fields) {
    if (this.#machine.isTerminal || !this.#signaling) return Promise.reject(LocalError.callEnded());
    return this.#signaling.request(type, fields);
  }

  #requireConnected(what) {
    if (this.state !== CallState.Connected) throw LocalError.notConnected(what);
  }

  /** The ACS identifier of a participant id: from the roster, else from when we last saw them. */
  #identifierOf(participantId) {
    const entry = this.#roster.get(participantId);
    if (entry) return identifierOf(entry);
    return this.#departed.get(participantId) ?? this.#lobby._identifierOf(participantId) ?? identifierOf({ id: participantId });
  }

  /** Remembers who left, so their chat messages and hands still name them; bounded. */
  #rememberDeparted(entry) {
    this.#departed.delete(entry.id);
    this.#departed.set(entry.id, identifierOf(entry));
    if (this.#departed.size > MAX_DEPARTED) this.#departed.delete(this.#departed.keys().next().value);
  }

  #setMuted(muted) {
    if (this.#isMuted === muted) return;
    this.#isMuted = muted;
    this._emit('isMutedChanged', {});
  }

  #setIncomingMuted(muted) {
    if (this.#isIncomingAudioMuted === muted) return;
    this.#isIncomingAudioMuted = muted;
    this.#audio.setMuted(muted);
    this._emit('isIncomingAudioMutedChanged', {});
  }

  /** Reconnecting while the signaling connection is being resumed or a media path is being restarted. */
  #updateReconnecting() {
    this.#setReconnecting(this.#signalingDown || this.#mediaRecovering);
  }

  #setReconnecting(value) {
    if (this.#isReconnecting === value) return;
    this.#isReconnecting = value;
    this._emit('isReconnectingChanged', {});
  }

  #reportError(error) {
    this._emit('error', error instanceof CallingError ? error : new CallingError(500, 46097, `${error?.message ?? error}. Try again; if it keeps happening, report it.`, { cause: error }));
  }

  #waitForEnd(fallbackReason) {
    if (!this.#leaveWaiter) {
      let resolve;
      const promise = new Promise((r) => { resolve = r; });
      const timer = this.#ctx.scheduler.setTimeout(() => this.#end(fallbackReason), LEAVE_TIMEOUT_MS);
      this.#leaveWaiter = { promise, resolve, timer };
    }
    return this.#leaveWaiter.promise;
  }

  #end(reason) {
    if (this.#ending) return;
    this.#ending = true;
    if (this.#joinTimer !== null) this.#ctx.scheduler.clearTimeout(this.#joinTimer);
    this.#joinTimer = null;
    this.#callEndReason = reason;
    this.#setReconnecting(false);
    this.#media?.close();
    this.#media = null;
    this.#signaling?.dispose();
    this.#audio.stopAll();
    this.#microphone?.stop();
    this.#microphone = null;
    if (this.#screen) {
      this.#screen.getMediaStream().then((s) => s.getTracks().forEach((t) => t.stop())).catch(() => {});
    }
    this.#camera?.off('sourceChanged', this.#onCameraSourceChanged);
    this.#camera?._stop();
    this.#ctx.deviceManager.off('selectedMicrophoneChanged', this.#onMicrophoneChanged);
    this.#ctx.deviceManager.off('selectedSpeakerChanged', this.#onSpeakerChanged);
    const removed = [...this.#remote.values()];
    this.#remote.clear();
    for (const p of removed) p._disconnect(undefined);
    if (removed.length) this._emit('remoteParticipantsUpdated', { added: [], removed });
    this.#lobby._clear();
    this.#roster.clear();
    this.#machine.transition(CallState.Disconnected);
    if (this.#leaveWaiter) {
      this.#ctx.scheduler.clearTimeout(this.#leaveWaiter.timer);
      this.#leaveWaiter.resolve();
    }
    this.#ctx.onEnded(this);
  }

  /** @internal the agent hands a refreshed token to the server */
  _updateToken(token) {
    if (this.state !== CallState.Connected && this.state !== CallState.InLobby) return;
    try { this.#signaling?.send('updateToken', { token }); } catch (error) { this.#reportError(error); }
  }
}
