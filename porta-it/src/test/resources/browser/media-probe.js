// SPDX-License-Identifier: Apache-2.0
// Injected by the browser tests before any page script (Playwright addInitScript). It watches the
// page's RTCPeerConnections so a test can ask, like a person looking and listening would: whose
// video do I see in which colour, whose voice do I hear at which pitch. It changes nothing the page does.
(() => {
  const Native = window.RTCPeerConnection;
  if (!Native || window.__probe) return;
  const pcs = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);

  // Signaling sockets, so a test can cut them as a network drop would.
  const NativeWs = window.WebSocket;
  const sockets = [];
  window.WebSocket = function (...args) {
    const ws = new NativeWs(...args);
    sockets.push(ws);
    return ws;
  };
  window.WebSocket.prototype = NativeWs.prototype;
  Object.setPrototypeOf(window.WebSocket, NativeWs);

  let ctx;
  // track -> {analyser, el}; keyed by the track itself, not its id: the id comes from the sender's msid,
  // and Porta names every participant's microphone track "microphone", so with two others in a call
  // their tracks share an id and would share (the first one's) analyser
  const analysers = new Map();

  // mid -> {participantId, source} from the SFU's offer (a=msid:<participantId> <source>)
  function msidByMid(sdp) {
    const out = {};
    let mid = null;
    for (const line of (sdp || '').split(/\r?\n/)) {
      if (line.startsWith('m=')) mid = null;
      else if (line.startsWith('a=mid:')) mid = line.slice(6).trim();
      else if (line.startsWith('a=msid:') && mid !== null) {
        const [participantId, source] = line.slice(7).trim().split(/\s+/);
        out[mid] = { participantId, source };
      }
    }
    return out;
  }

  function remoteTracks() {
    const out = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed' || !pc.remoteDescription || pc.remoteDescription.type !== 'offer') continue;
      const map = msidByMid(pc.remoteDescription.sdp);
      for (const t of pc.getTransceivers()) {
        const info = t.mid !== null ? map[t.mid] : undefined;
        if (!info || !t.receiver.track || t.receiver.track.readyState !== 'live') continue;
        if (t.currentDirection !== 'recvonly' && t.currentDirection !== 'sendrecv') continue;
        out.push({ ...info, mid: t.mid, kind: t.receiver.track.kind, track: t.receiver.track, receiver: t.receiver, pc });
      }
    }
    return out;
  }

  window.__probe = {
    /** How many WebSockets of the page are open. */
    socketsOpen() {
      return sockets.filter((ws) => ws.readyState === NativeWs.OPEN).length;
    },
    /** Closes every open WebSocket of the page; returns how many. */
    dropSockets() {
      let n = 0;
      for (const ws of sockets) if (ws.readyState === NativeWs.OPEN) { ws.close(4999, 'test drop'); n++; }
      return n;
    },
    /**
     * The candidate pair each connected peer connection uses, from getStats(): [{local: {type, protocol},
     * remote: {type, protocol, port}}], so a test can tell which path carried the media.
     */
    /** For failure messages: each peer connection's states and every candidate pair it tried. */
    async paths() {
      const out = [];
      for (const pc of pcs) {
        const stats = await pc.getStats();
        const byId = new Map();
        stats.forEach((s) => byId.set(s.id, s));
        const pairs = [];
        for (const s of byId.values()) {
          if (s.type !== 'candidate-pair') continue;
          const l = byId.get(s.localCandidateId);
          const r = byId.get(s.remoteCandidateId);
          pairs.push(`${l && l.candidateType} ${l && l.protocol} ${l && l.address}:${l && l.port} -> `
            + `${r && r.candidateType} ${r && r.address}:${r && r.port} ${s.state} req ${s.requestsSent} resp ${s.responsesReceived}`);
        }
        out.push({ connection: pc.connectionState, ice: pc.iceConnectionState, pairs });
      }
      return out;
    },
    async selectedPairs() {
      const out = [];
      for (const pc of pcs) {
        if (pc.connectionState !== 'connected') continue;
        const stats = await pc.getStats();
        const byId = new Map();
        stats.forEach((s) => byId.set(s.id, s));
        for (const s of byId.values()) {
          if (s.type !== 'transport' || !s.selectedCandidatePairId) continue;
          const pair = byId.get(s.selectedCandidatePairId);
          const l = pair && byId.get(pair.localCandidateId);
          const r = pair && byId.get(pair.remoteCandidateId);
          if (!l || !r) continue;
          out.push({ local: { type: l.candidateType, protocol: l.protocol, relayProtocol: l.relayProtocol || null, address: l.address },
            remote: { type: r.candidateType, protocol: r.protocol, port: r.port, address: r.address } });
        }
      }
      return out;
    },
    /** How many peer connections the page has made so far (a connection's number is its place in that order). */
    connections() {
      return pcs.length;
    },
    /**
     * Every remote track of an open peer connection with its counters: [{participantId, source, kind, packets,
     * frames, connection}] (connection: see connections(), so a test can tell new connections from old ones).
     */
    async inbound() {
      const out = [];
      for (const r of remoteTracks()) {
        const stats = await r.receiver.getStats();
        let packets = 0, frames = 0;
        stats.forEach((s) => { if (s.type === 'inbound-rtp') { packets = s.packetsReceived || 0; frames = s.framesDecoded || 0; } });
        out.push({ participantId: r.participantId, source: r.source, kind: r.kind, packets, frames, connection: pcs.indexOf(r.pc) });
      }
      return out;
    },
    /** Strongest frequency of each remote microphone: {participantId: hz}. */
    audioPeaks() {
      ctx = ctx || new AudioContext();
      ctx.resume();
      const out = {};
      for (const r of remoteTracks()) {
        if (r.kind !== 'audio') continue;
        let a = analysers.get(r.track);
        if (!a) {
          const stream = new MediaStream([r.track]);
          // Chrome feeds remote WebRTC audio to WebAudio only while a media element plays it.
          const el = new Audio(); el.muted = true; el.srcObject = stream; el.play().catch(() => {});
          const analyser = ctx.createAnalyser(); analyser.fftSize = 4096;
          ctx.createMediaStreamSource(stream).connect(analyser);
          a = { analyser, el };
          analysers.set(r.track, a);
        }
        const bins = new Float32Array(a.analyser.frequencyBinCount);
        a.analyser.getFloatFrequencyData(bins);
        let best = 1;
        for (let i = 2; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
        out[r.participantId] = bins[best] > -100 ? Math.round(best * ctx.sampleRate / a.analyser.fftSize) : 0;
      }
      return out;
    },
    /** Average colour of every playing <video> on the page with the label of its tile. */
    videoColors() {
      const c = document.createElement('canvas'); c.width = 32; c.height = 24;
      const g = c.getContext('2d', { willReadFrequently: true });
      const out = [];
      for (const v of document.querySelectorAll('video')) {
        if (!v.videoWidth || !v.isConnected) continue;
        g.drawImage(v, 0, 0, 32, 24);
        const d = g.getImageData(0, 0, 32, 24).data;
        let R = 0, G = 0, B = 0;
        for (let i = 0; i < d.length; i += 4) { R += d[i]; G += d[i + 1]; B += d[i + 2]; }
        const n = d.length / 4;
        const tile = v.closest('[data-label]');
        out.push({ label: tile ? tile.dataset.label : '', width: v.videoWidth, height: v.videoHeight,
          rgb: [Math.round(R / n), Math.round(G / n), Math.round(B / n)] });
      }
      return out;
    },
  };
})();
