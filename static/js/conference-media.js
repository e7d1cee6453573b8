/**
 * WebRTC for the conference room: the camera and microphone, publishing to the hub and
 * receiving a site from it. Offers are sent whole (ICE gathered first); answers come back
 * in the Socket.IO ack. The hub forwards VP8 and Opus, so those are preferred.
 */

export const SIZES = {
  thumb: { width: 320, height: 240, frameRate: 15, maxBitrate: 300_000 },
  floor: { width: 640, height: 360, frameRate: 15, maxBitrate: 800_000 },
};
const GATHER_MS = 3000;

/** Camera + microphone; throws an Error whose `kind` is denied | noDevice | busy | failed. */
export async function openMedia(size) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw Object.assign(new Error('no mediaDevices'), { kind: 'noDevice' });
  }
  const video = { width: { ideal: size.width }, height: { ideal: size.height }, frameRate: { max: size.frameRate } };
  try {
    return await navigator.mediaDevices.getUserMedia({ video, audio: { echoCancellation: true, noiseSuppression: true } });
  } catch (err) {
    const kinds = { NotAllowedError: 'denied', SecurityError: 'denied', NotFoundError: 'noDevice',
      OverconstrainedError: 'noDevice', NotReadableError: 'busy', AbortError: 'busy' };
    throw Object.assign(err, { kind: kinds[err.name] || 'failed' });
  }
}

function preferForwardedCodecs(transceiver, kind) {
  if (!transceiver.setCodecPreferences || !window.RTCRtpReceiver.getCapabilities) return;
  const caps = window.RTCRtpReceiver.getCapabilities(kind);
  if (!caps) return;
  const wanted = kind === 'video' ? ['video/vp8', 'video/rtx'] : ['audio/opus'];
  const codecs = caps.codecs.filter((c) => wanted.includes(c.mimeType.toLowerCase()));
  if (codecs.length) transceiver.setCodecPreferences(codecs);
}

function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === 'complete') resolve(); };
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, GATHER_MS);
  });
}

async function offerTo(pc, send) {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const answer = await send(pc.localDescription.sdp);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
  return pc;
}

/** Publish the stream at a capped size and bitrate; `send(sdp)` returns the ack. */
export async function publishTo(stream, size, iceServers, send) {
  const pc = new RTCPeerConnection({ iceServers });
  for (const track of stream.getTracks()) {
    const encodings = track.kind === 'video' ? [{ maxBitrate: size.maxBitrate, maxFramerate: size.frameRate }] : [];
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly', streams: [stream], sendEncodings: encodings });
    preferForwardedCodecs(transceiver, track.kind);
  }
  return offerTo(pc, send);
}

/** Change the published size and bitrate (thumbnail ↔ floor) without renegotiating. */
export async function resize(pc, stream, size) {
  const track = stream && stream.getVideoTracks()[0];
  if (!pc || !track) return;
  try { await track.applyConstraints({ width: { ideal: size.width }, height: { ideal: size.height } }); } catch (_) { /* keep */ }
  const sender = pc.getSenders().find((s) => s.track && s.track.kind === 'video');
  if (!sender) return;
  const params = sender.getParameters();
  if (!params.encodings || !params.encodings.length) params.encodings = [{}];
  params.encodings[0].maxBitrate = size.maxBitrate;
  try { await sender.setParameters(params); } catch (_) { /* older browsers */ }
}

/** Receive one site; `onStream` gets its MediaStream. */
export async function receiveFrom(iceServers, send, onStream) {
  const pc = new RTCPeerConnection({ iceServers });
  for (const kind of ['video', 'audio']) {
    preferForwardedCodecs(pc.addTransceiver(kind, { direction: 'recvonly' }), kind);
  }
  const stream = new MediaStream();
  pc.addEventListener('track', (event) => { stream.addTrack(event.track); onStream(stream); });
  return offerTo(pc, send);
}

/** Decoded video frames and packet counts of a receiving connection (getStats). */
export async function receivedVideo(pc) {
  let frames = 0;
  const report = await pc.getStats();
  report.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0; });
  return frames;
}
