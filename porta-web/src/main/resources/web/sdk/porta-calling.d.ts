// SPDX-License-Identifier: Apache-2.0
// Type declarations for Porta's calling client library (porta-calling.js), shaped like
// @azure/communication-calling and AzureCommunicationTokenCredential from @azure/communication-common.

export type CallState = 'None' | 'Connecting' | 'InLobby' | 'Connected' | 'Disconnecting' | 'Disconnected';
export declare const CallState: { readonly [K in CallState]: K };
export type ParticipantRole = 'Unknown' | 'Attendee' | 'Presenter' | 'Organizer';
export type RemoteParticipantState = 'Connected' | 'Reconnecting' | 'InLobby' | 'Disconnected';
export type MediaStreamType = 'Video' | 'ScreenSharing';
export declare const MediaStreamType: { readonly Video: 'Video'; readonly ScreenSharing: 'ScreenSharing' };
export type ScalingMode = 'Crop' | 'Fit';
export type ReactionType = 'like' | 'heart' | 'applause' | 'laugh' | 'surprised';
export type PortaCapability = 'audio' | 'video' | 'screenShare' | 'chat' | 'reactions' | 'raiseHand' | 'togetherMode'
  | 'breakoutRooms' | 'admitFromLobby' | 'manageParticipants' | 'endMeeting' | 'manageRecording';

export interface CollectionUpdatedEvent<T> { added: T[]; removed: T[] }
type Listener<E> = (event: E) => void;

/**
 * Participant identifiers, as in @azure/communication-common: guests by the communication identity the
 * Identity API issued (`8:acs:…`), members as Teams users (`rawId` `8:orgid:<member object id>`). `unknown`
 * (the meeting-scoped `p-…` id) when the meeting policy hides a guest's identity from you.
 */
export type CommunicationIdentifier =
  | { kind: 'communicationUser'; communicationUserId: string; rawId: string }
  | { kind: 'microsoftTeamsUser'; microsoftTeamsUserId: string; rawId: string; isAnonymous: false; cloud: 'public' }
  | { kind: 'unknown'; id: string; rawId: string };
/** What methods that name a participant accept: an identifier (also ACS's, without rawId), a raw id, or a `p-…` participant id. */
export type ParticipantReference =
  | CommunicationIdentifier
  | { communicationUserId: string; rawId?: string; kind?: 'communicationUser' }
  | { microsoftTeamsUserId: string; rawId?: string; kind?: 'microsoftTeamsUser'; cloud?: 'public'; isAnonymous?: boolean }
  | string;

export interface CallEndReason {
  code: number;
  subCode: number;
  /** What happened and what to do, as sentences. */
  message: string;
  resultCategories: ReadonlyArray<'Success' | 'ExpectedError' | 'UnexpectedServerError' | string>;
  /** Porta: true when joining again right away can work (server restart, lost connection). */
  canRejoin: boolean;
}

export declare class CallingError extends Error {
  readonly name: 'CallingError';
  readonly code: number;
  readonly subCode: number;
  /**
   * The protocol's name for the refusal, e.g. 'capabilityDisabled', 'roleRequired', 'notConnected', or
   * the library's own, e.g. 'meetingOriginNotAllowed' (403/46108: `CallAgent.join` with a meeting link
   * on another origin than the signaling server and not in `allowedMeetingOrigins`; nothing was sent).
   */
  readonly reason: string;
  readonly serverMessage: string;
}

export interface AccessToken { token: string; expiresOnTimestamp: number }
export interface CommunicationTokenRefreshOptions {
  tokenRefresher: (abortSignal?: AbortSignal) => Promise<string>;
  token?: string;
  refreshProactively?: boolean;
}
export interface Scheduler {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
export declare class AzureCommunicationTokenCredential {
  constructor(tokenOrOptions: string | CommunicationTokenRefreshOptions, portaOptions?: { scheduler?: Scheduler });
  getToken(options?: { abortSignal?: AbortSignal }): Promise<AccessToken>;
  dispose(): void;
  /** Porta extension. Returns an unsubscribe function. */
  onTokenRefreshed(listener: (token: AccessToken) => void): () => void;
  /** Porta extension: when the next refresh is due (ms since epoch), or null. */
  readonly refreshDueAt: number | null;
}

export interface CallClientOptions {
  /**
   * Porta: the calling WebSocket (https:, wss:…); default: the origin the library was loaded from +
   * /calling/v1. Never derived from a meeting link: the access token travels on this socket.
   */
  signalingUrl?: string;
  /**
   * Porta: origins (https://host[:port]) of meeting links that may be joined through the signaling
   * server besides its own origin, e.g. a public host name of the same Porta. A link on any other
   * origin makes `CallAgent.join` throw a CallingError with reason 'meetingOriginNotAllowed'.
   */
  allowedMeetingOrigins?: string[];
  joinTimeoutMs?: number;
  resumeGraceMs?: number;
  /** Porta: 'relay' sends media only through the TURN relay the server hands out (default 'all'). */
  iceTransportPolicy?: 'all' | 'relay';
  /** For tests. */
  scheduler?: Scheduler;
  createWebSocket?: (url: string) => WebSocket;
  mediaDevices?: MediaDevices;
}
export declare class CallClient {
  constructor(options?: CallClientOptions);
  createCallAgent(credential: AzureCommunicationTokenCredential, options?: { displayName?: string }): Promise<CallAgent>;
  getDeviceManager(): Promise<DeviceManager>;
}

export type TeamsMeetingLinkLocator = { meetingLink: string };
export type TeamsMeetingIdLocator = { meetingId: string; passcode: string };
export interface JoinCallOptions {
  audioOptions?: { muted?: boolean };
  videoOptions?: { localVideoStreams?: LocalVideoStream[] };
}

export declare class CallAgent {
  readonly calls: ReadonlyArray<Call>;
  readonly connectionState: 'Connected' | 'Disconnected';
  readonly displayName: string | undefined;
  /** @throws CallingError 'meetingOriginNotAllowed' for a meeting link on a foreign origin (see CallClientOptions). */
  join(locator: TeamsMeetingLinkLocator | TeamsMeetingIdLocator, options?: JoinCallOptions): Call;
  dispose(): Promise<void>;
  on(event: 'callsUpdated', listener: Listener<CollectionUpdatedEvent<Call>>): void;
  on(event: 'connectionStateChanged', listener: Listener<{ oldState: string; newState: string; reason?: 'invalidToken' }>): void;
  off(event: string, listener: (...args: any[]) => void): void;
}

export interface VideoDeviceInfo { id: string; name: string; deviceType: 'UsbCamera' | 'Unknown'; cameraFacing?: 'Front' | 'Back' | 'Unknown' }
export interface AudioDeviceInfo { id: string; name: string; deviceType: 'Microphone' | 'Speaker'; isSystemDefault: boolean }
export declare class DeviceManager {
  readonly isSpeakerSelectionAvailable: boolean;
  readonly selectedMicrophone?: AudioDeviceInfo;
  readonly selectedSpeaker?: AudioDeviceInfo;
  getCameras(): Promise<VideoDeviceInfo[]>;
  getMicrophones(): Promise<AudioDeviceInfo[]>;
  getSpeakers(): Promise<AudioDeviceInfo[]>;
  askDevicePermission(constraints: { audio?: boolean; video?: boolean }): Promise<{ audio: boolean; video: boolean }>;
  selectMicrophone(microphone: AudioDeviceInfo): Promise<void>;
  selectSpeaker(speaker: AudioDeviceInfo): Promise<void>;
  on(event: 'videoDevicesUpdated', listener: Listener<CollectionUpdatedEvent<VideoDeviceInfo>>): void;
  on(event: 'audioDevicesUpdated', listener: Listener<CollectionUpdatedEvent<AudioDeviceInfo>>): void;
  on(event: 'selectedMicrophoneChanged' | 'selectedSpeakerChanged', listener: Listener<{}>): void;
  off(event: string, listener: (...args: any[]) => void): void;
}

export interface CallInfo {
  meetingId: string; subject: string; startDateTime: string | null; endDateTime: string | null; participantId: string;
  getServerCallId(): Promise<string>;
}

export declare class Call {
  readonly id: string;
  readonly state: CallState;
  readonly callEndReason?: CallEndReason;
  readonly direction: 'Outgoing';
  readonly kind: 'TeamsCall';
  readonly info: CallInfo;
  readonly role: ParticipantRole;
  readonly isMuted: boolean;
  readonly isIncomingAudioMuted: boolean;
  readonly isLocalVideoStarted: boolean;
  readonly isScreenSharingOn: boolean;
  readonly localVideoStreams: ReadonlyArray<LocalVideoStream>;
  readonly remoteParticipants: ReadonlyArray<RemoteParticipant>;
  /** Everyone in the meeting including you; in a large meeting also those outside the page held (see showParticipants). */
  readonly totalParticipantCount: number;
  readonly lobby: Lobby;
  /** Porta */ readonly isReconnecting: boolean;
  /** Porta */ readonly participantId?: string;
  /** Porta: your own identifier as the others see it; undefined until the roster names you. */
  readonly identifier?: CommunicationIdentifier;
  feature(name: 'Capabilities'): CapabilitiesFeature;
  feature(name: 'RaiseHand'): RaiseHandFeature;
  feature(name: 'Reaction'): ReactionFeature;
  feature(name: 'Recording'): RecordingFeature;
  feature(name: 'Transcription'): TranscriptionFeature;
  feature(name: 'DominantSpeakers'): DominantSpeakersFeature;
  feature(name: 'TogetherMode'): TogetherModeFeature;
  feature(name: 'BreakoutRooms'): BreakoutRoomsFeature;
  feature(name: 'Chat'): ChatFeature;
  mute(): Promise<void>;
  unmute(): Promise<void>;
  muteIncomingAudio(): Promise<void>;
  unmuteIncomingAudio(): Promise<void>;
  startVideo(localVideoStream: LocalVideoStream): Promise<void>;
  stopVideo(localVideoStream?: LocalVideoStream): Promise<void>;
  startScreenSharing(): Promise<void>;
  stopScreenSharing(): Promise<void>;
  hangUp(options?: { forEveryone?: boolean }): Promise<void>;
  muteAllRemoteParticipants(): Promise<void>;
  removeParticipant(identifier: ParticipantReference): Promise<void>;
  /** Porta */ setVideoPreference(stream: RemoteVideoStream, maxHeight: number): Promise<void>;
  /**
   * Porta: hold (and get events for) `limit` participants from `offset` in join order, for a large meeting's
   * participant list; `remoteParticipants` becomes that page. The server bounds `limit`.
   */
  showParticipants(page: { offset: number; limit: number }): Promise<void>;
  on(event: 'remoteParticipantsUpdated', listener: Listener<CollectionUpdatedEvent<RemoteParticipant>>): void;
  on(event: 'localVideoStreamsUpdated', listener: Listener<CollectionUpdatedEvent<LocalVideoStream>>): void;
  on(event: 'mutedByOthers', listener: Listener<{ by?: CommunicationIdentifier }>): void;
  on(event: 'error', listener: Listener<CallingError>): void;
  on(event: 'stateChanged' | 'idChanged' | 'isMutedChanged' | 'isLocalVideoStartedChanged' | 'isScreenSharingOnChanged'
    | 'isIncomingAudioMutedChanged' | 'roleChanged' | 'totalParticipantCountChanged' | 'isReconnectingChanged', listener: Listener<{}>): void;
  off(event: string, listener: (...args: any[]) => void): void;
}

export declare class RemoteParticipant {
  readonly identifier: CommunicationIdentifier;
  readonly displayName: string;
  readonly state: RemoteParticipantState;
  readonly role: ParticipantRole;
  readonly isMuted: boolean;
  readonly isSpeaking: boolean;
  readonly videoStreams: ReadonlyArray<RemoteVideoStream>;
  readonly callEndReason?: CallEndReason;
  /** Porta */ readonly isGuest: boolean;
  /** Porta: outside the meeting's organization (a guest, or a member of another tenant). */
  readonly isExternal: boolean;
  /** Porta */ readonly participantId: string;
  /** Porta */ readonly isHandRaised: boolean;
  /** Porta */ readonly breakoutRoomId?: string;
  mute(): Promise<void>;
  on(event: 'videoStreamsUpdated', listener: Listener<CollectionUpdatedEvent<RemoteVideoStream>>): void;
  on(event: 'stateChanged' | 'isMutedChanged' | 'isSpeakingChanged' | 'displayNameChanged' | 'roleChanged' | 'isHandRaisedChanged', listener: Listener<{}>): void;
  off(event: string, listener: (...args: any[]) => void): void;
}

export declare class Lobby {
  readonly participants: ReadonlyArray<RemoteParticipant>;
  admit(identifier: ParticipantReference): Promise<void>;
  admitAll(): Promise<{ successfulCount: number; failedCount: number }>;
  reject(identifier: ParticipantReference): Promise<void>;
  on(event: 'lobbyParticipantsUpdated', listener: Listener<CollectionUpdatedEvent<RemoteParticipant>>): void;
  off(event: string, listener: (...args: any[]) => void): void;
}

export declare class LocalVideoStream {
  constructor(source: VideoDeviceInfo | MediaStream);
  readonly source: VideoDeviceInfo;
  readonly mediaStreamType: MediaStreamType;
  getMediaStream(): Promise<MediaStream>;
  switchSource(source: VideoDeviceInfo | MediaStream): Promise<void>;
  on(event: 'sourceChanged', listener: Listener<{}>): void;
  off(event: string, listener: (...args: any[]) => void): void;
}

export declare class RemoteVideoStream {
  readonly id: number;
  readonly mediaStreamType: MediaStreamType;
  readonly isAvailable: boolean;
  readonly isReceiving: boolean;
  readonly size: { width: number; height: number };
  /** Porta */ readonly participantId: string;
  /** Porta */ readonly source: 'camera' | 'screen';
  getMediaStream(): Promise<MediaStream>;
  on(event: 'isAvailableChanged' | 'isReceivingChanged' | 'sizeChanged', listener: Listener<{}>): void;
  off(event: string, listener: (...args: any[]) => void): void;
}

export declare class VideoStreamRendererView {
  readonly target: HTMLElement;
  readonly scalingMode: ScalingMode;
  readonly isMirrored: boolean;
  updateScalingMode(scalingMode: ScalingMode): Promise<void>;
  dispose(): void;
}
export declare class VideoStreamRenderer {
  constructor(stream: LocalVideoStream | RemoteVideoStream);
  createView(options?: { scalingMode?: ScalingMode; isMirrored?: boolean }): Promise<VideoStreamRendererView>;
  dispose(): void;
}

export declare const Features: {
  readonly Capabilities: 'Capabilities'; readonly RaiseHand: 'RaiseHand'; readonly Reaction: 'Reaction';
  readonly Reactions: 'Reaction'; readonly Recording: 'Recording'; readonly Transcription: 'Transcription';
  readonly DominantSpeakers: 'DominantSpeakers'; readonly TogetherMode: 'TogetherMode';
  readonly BreakoutRooms: 'BreakoutRooms'; readonly Chat: 'Chat';
};

interface FeatureEvents { off(event: string, listener: (...args: any[]) => void): void }
export interface CapabilityValue { isPresent: boolean; reason: 'Capable' | 'NotCapable' }
export interface CapabilitiesFeature extends FeatureEvents {
  readonly capabilities: Readonly<Record<'unmuteMic' | 'turnVideoOn' | 'shareScreen' | 'chat' | 'useReactions' | 'raiseHand'
    | 'startTogetherMode' | 'manageBreakoutRooms' | 'manageLobby' | 'removeParticipant' | 'muteOthers' | 'lowerHandsOfOthers'
    | 'hangUpForEveryOne' | 'manageRecording', CapabilityValue>>;
  readonly portaCapabilities: PortaCapability[];
  isAllowed(name: PortaCapability): boolean;
  on(event: 'capabilitiesChanged', listener: Listener<{ oldValue: Record<string, CapabilityValue>; newValue: Record<string, CapabilityValue>; reason: string }>): void;
}
export interface RaiseHandFeature extends FeatureEvents {
  raiseHand(): Promise<void>;
  lowerHand(): Promise<void>;
  lowerHands(identifiers: ParticipantReference[]): Promise<void>;
  lowerAllHands(): Promise<void>;
  getRaisedHands(): { identifier: CommunicationIdentifier; order: number }[];
  on(event: 'raisedHandEvent' | 'loweredHandEvent', listener: Listener<{ identifier: CommunicationIdentifier }>): void;
}
export interface ReactionFeature extends FeatureEvents {
  sendReaction(reactionMessage: { reactionType: ReactionType }): Promise<void>;
  on(event: 'reaction', listener: Listener<{ identifier: CommunicationIdentifier; reactionMessage: { reactionType: ReactionType }; receivedOn: Date }>): void;
}
export interface RecordingFeature extends FeatureEvents {
  readonly isRecordingActive: boolean;
  /** True while recording or transcription runs under explicit consent and you have not consented. */
  readonly isTeamsConsentRequired: boolean;
  /** Consents to being recorded and transcribed in this call. */
  grantTeamsConsent(): Promise<void>;
  /** Porta */ start(): Promise<void>;
  /** Porta */ stop(): Promise<void>;
  on(event: 'isRecordingActiveChanged' | 'isTeamsConsentRequiredChanged', listener: Listener<{}>): void;
  /** Porta: to organizers, when the recorder fails. */
  on(event: 'recordingFailed', listener: Listener<{ reason: string }>): void;
}
export interface TranscriptionFeature extends FeatureEvents {
  readonly isTranscriptionActive: boolean;
  /** Porta */ start(): Promise<void>;
  /** Porta */ stop(): Promise<void>;
  on(event: 'isTranscriptionActiveChanged', listener: Listener<{}>): void;
}
export interface DominantSpeakersFeature extends FeatureEvents {
  readonly dominantSpeakers: { speakersList: CommunicationIdentifier[]; timestamp: Date };
  on(event: 'dominantSpeakersChanged', listener: Listener<{}>): void;
}
export interface TogetherModeFeature extends FeatureEvents {
  readonly isActive: boolean;
  readonly seatingMap: { identifier: CommunicationIdentifier; row: number; column: number }[];
  start(): Promise<void>;
  stop(): Promise<void>;
  on(event: 'isActiveChanged', listener: Listener<{}>): void;
  on(event: 'togetherModeSeatingUpdated', listener: Listener<{ seats: { identifier: CommunicationIdentifier; row: number; column: number }[] }>): void;
}
export interface BreakoutRoom { roomId: string; name: string; open: boolean; participantIds: string[] }
export interface BreakoutRoomsFeature extends FeatureEvents {
  readonly breakoutRooms: BreakoutRoom[];
  readonly assignedBreakoutRoom?: { roomId: string; name: string };
  createRooms(names: string[]): Promise<void>;
  assign(roomId: string, identifiers: ParticipantReference[]): Promise<void>;
  open(): Promise<void>;
  close(): Promise<void>;
  on(event: 'breakoutRoomsUpdated', listener: Listener<{ type: 'breakoutRooms' | 'join' | 'leave'; data: unknown }>): void;
}
export interface ChatMessage {
  messageId: string; sender: CommunicationIdentifier; senderDisplayName: string; isSenderGuest: boolean; content: string; createdOn: Date;
  /** set when the sender edited the message through the ACS Chat API */
  editedOn?: Date;
}
export interface ChatFeature extends FeatureEvents {
  readonly messages: ChatMessage[];
  sendMessage(text: string): Promise<void>;
  on(event: 'chatMessageReceived', listener: Listener<{ message: ChatMessage }>): void;
  on(event: 'chatMessageEdited', listener: Listener<{ message: ChatMessage }>): void;
  on(event: 'chatMessageDeleted', listener: Listener<{ messageId: string }>): void;
  /** another participant sent a typing notification through the ACS Chat API (at most one per sender per 8 s) */
  on(event: 'typingIndicatorReceived', listener: Listener<{ sender: CommunicationIdentifier; senderDisplayName: string; receivedOn: Date }>): void;
}

export declare const SIGNALING_PATH: '/calling/v1';
export declare const VERSION: string;
