// SPDX-License-Identifier: Apache-2.0
/**
 * Porta's calling client library: the shape of `@azure/communication-calling` (plus
 * `AzureCommunicationTokenCredential` from `@azure/communication-common`), talking to Porta's calling
 * service and SFU. Load it as an ES module:
 *
 *   import { CallClient, AzureCommunicationTokenCredential } from '/sdk/porta-calling.js';
 *
 * @module porta-calling
 */
export { CallClient, SIGNALING_PATH } from './call-client.js';
export { CallAgent } from './call-agent.js';
export { Call } from './call.js';
export { CallState } from './call-state.js';
export { DeviceManager } from './device-manager.js';
export { CallingError } from './errors.js';
export { Features } from './features.js';
export { Lobby } from './lobby.js';
export { RemoteParticipant } from './participants.js';
export { VideoStreamRenderer, VideoStreamRendererView } from './renderer.js';
export { LocalVideoStream, MediaStreamType, RemoteVideoStream } from './streams.js';
export { AzureCommunicationTokenCredential } from './token-credential.js';

/** The library's version. */
export const VERSION = '0.1.0';
