// SPDX-License-Identifier: Apache-2.0
/**
 * Porta's calling library with the surface of `@azure/communication-calling` that Microsoft's UI Library
 * (`@azure/communication-react`) relies on, for apps that alias the ACS package to Porta:
 *
 *   esbuild --alias:@azure/communication-calling=/path/to/porta-calling-acs.js
 *
 * Differences from `porta-calling.js` (see porta-web/docs/migrating-from-acs.md § The UI Library):
 * - objects are proxy-safe: methods and accessors work with any `this` (the UI Library calls them through
 *   `Proxy`s), and keep their identity;
 * - `Features` has every name the UI Library uses, each distinct; features Porta lacks are objects of
 *   ACS's shape whose events never fire and whose actions reject with 501/46109 `featureNotAvailable`;
 * - `callClient.feature(Features.DebugInfo).getEnvironmentInfo()`; `DiagnosticQuality`;
 *   `call.feature(Features.UserFacingDiagnostics)` follows the connection (`networkReconnect`, `noNetwork`);
 * - `callAgent.kind === 'CallAgent'` and `call.kind === 'Call'` (ACS's names for a guest's call to a Teams
 *   meeting; `porta-calling.js` says `TeamsCall`);
 * - identifiers of yourself are your ACS identity (`8:` + the token's `skypeid`), also where Porta would name
 *   you by a meeting-scoped id;
 * - `LocalVideoStream.feature(Features.VideoEffects | Features.AudioEffects)` (no effects on Porta).
 * @module porta-calling-acs
 */
import { CallClient as PortaCallClient } from './call-client.js';
import { LocalVideoStream as PortaLocalVideoStream } from './streams.js';
import { VideoStreamRenderer as PortaVideoStreamRenderer } from './renderer.js';
import { adopt, adoptCall, adoptLocalStream, debugInfo, Features, getter, identityOfToken, method } from './acs-compat.js';

export { Features, DiagnosticQuality, notOnPorta } from './acs-compat.js';
export { SIGNALING_PATH } from './call-client.js';
export { CallAgent } from './call-agent.js';
export { Call } from './call.js';
export { CallState } from './call-state.js';
export { DeviceManager } from './device-manager.js';
export { CallingError } from './errors.js';
export { Lobby } from './lobby.js';
export { RemoteParticipant } from './participants.js';
export { VideoStreamRendererView } from './renderer.js';
export { MediaStreamType, RemoteVideoStream } from './streams.js';
export { AzureCommunicationTokenCredential } from './token-credential.js';
export { VERSION } from './porta-calling.js';

/** @type {import('./call-client.js').CallClientOptions} */
let defaults = {};

/**
 * Porta: options every `CallClient` of this module starts from, for code that creates the client itself
 * (the UI Library's `createAzureCommunicationCallAdapter` does, without options). A bundle that includes this
 * module is loaded from the application's origin, not Porta's, so it must say where Porta is:
 *
 *   configure({ signalingUrl: 'https://porta.example/calling/v1' });
 *
 * Options passed to `new CallClient(options)` win. Call it before the client is created.
 * @param {import('./call-client.js').CallClientOptions} options
 */
export function configure(options) {
  if (!options || typeof options !== 'object') throw new TypeError('configure needs options such as { signalingUrl }');
  defaults = { ...options };
}

/** `CallClient` whose agents, calls, devices and features have the ACS surface (see the module). */
export class CallClient extends PortaCallClient {
  /** @param {import('./call-client.js').CallClientOptions} [options] */
  constructor(options = {}) {
    super({ ...defaults, ...withoutUndefined(options) });
    const debug = debugInfo(globalThis.navigator);
    adopt(this, {
      feature: method((name) => {
        if (name === Features.DebugInfo) return debug;
        throw new TypeError(`A CallClient has no feature ${String(name)}; use Features.DebugInfo`);
      }),
    });
  }

  /** As Porta's, plus the agent's `kind` and ACS surface of every call it makes. */
  async createCallAgent(credential, options = {}) {
    const agent = await super.createCallAgent(credential, options);
    let identity;
    try { identity = identityOfToken((await credential.getToken()).token); } catch { identity = undefined; }
    const env = { identity, navigator: globalThis.navigator, window: globalThis.window };
    const proto = Object.getPrototypeOf(agent);
    adopt(agent, {
      kind: getter(() => 'CallAgent'),
      calls: getter(() => Reflect.get(proto, 'calls', agent).map((c) => adoptCall(c, env))),
      join: method((locator, joinOptions) => adoptCall(proto.join.call(agent, locator, joinOptions), env)),
    });
    // Before any application listener: the calls an event carries are adopted when it sees them.
    agent.on('callsUpdated', ({ added, removed }) => {
      for (const call of [...added, ...removed]) adoptCall(call, env);
    });
    return agent;
  }

  /** As Porta's; the DeviceManager is proxy-safe. */
  async getDeviceManager() {
    return adopt(await super.getDeviceManager());
  }
}

/** ACS callers pass options Porta does not know (e.g. `diagnostics`); undefined ones must not hide defaults. */
function withoutUndefined(options) {
  return Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
}

/** `LocalVideoStream`, proxy-safe, with ACS's `feature()` for effects (none on Porta). */
export class LocalVideoStream extends PortaLocalVideoStream {
  /** @param {import('./device-manager.js').VideoDeviceInfo | MediaStream} source */
  constructor(source) {
    super(source);
    adoptLocalStream(this);
  }
}

/** `VideoStreamRenderer` whose renderer and views are proxy-safe. */
export class VideoStreamRenderer extends PortaVideoStreamRenderer {
  /** @param {object} stream a LocalVideoStream or RemoteVideoStream */
  constructor(stream) {
    super(stream);
    adopt(this);
  }

  /** @param {{scalingMode?: 'Crop'|'Fit', isMirrored?: boolean}} [options] */
  async createView(options) {
    return adopt(await super.createView(options));
  }
}
