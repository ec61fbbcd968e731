/** Board link, pure parts: CRC-32, SHA-256, framing (encoder, resynchronising decoder, typed errors, fuzz), messages, feature-map packing, program hash. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { crc32 } from '../../src/board/crc32';
import { FrameError, LinkError, MessageError, VersionMismatchError } from '../../src/board/errors';
import { decodeResultStream, encodeResultStream } from '../../src/board/featuremap';
import { packedBytes, packFeatureMap, unpackFeatureMap } from '../../src/backend/featuremap';
import { type DecodeEvent, encodeFrame, forgeFrameHeader, FRAME_OVERHEAD_BYTES, FrameDecoder, HEADER_BYTES, PROTOCOL_VERSION } from '../../src/board/frame';
import { decodeMessage, encodeMessage, type Message, MSG } from '../../src/board/messages';
import { canonicalProgramBytes, programHashHex } from '../../src/board/program-hash';
import { sha256, sha256Int32LE, toHex } from '../../src/board/sha256';
import { demoProgram } from '../../src/board/demo';
import { randomProgram } from '../../src/dhm/random';
import { formatRange, type FixedFormat } from '../../src/dhm/program';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Deterministic PRNG for fuzzing (mulberry32); the seed is printed on failure. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frames(events: DecodeEvent[]): number[] {
  return events.filter((e) => e.kind === 'frame').map((e) => (e.kind === 'frame' ? e.frame.seq : -1));
}
function errors(events: DecodeEvent[]): LinkError[] {
  return events.flatMap((e) => (e.kind === 'error' ? [e.error] : []));
}

describe('checksums', () => {
  it('CRC-32 matches the IEEE check value and zlib', () => {
    assert.equal(crc32(ascii('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });
  it('SHA-256 matches node:crypto on FIPS vectors and random lengths', () => {
    assert.equal(toHex(sha256(ascii('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(toHex(sha256(new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const r = rng(5);
    for (const n of [1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const b = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
      assert.equal(toHex(sha256(b)), createHash('sha256').update(b).digest('hex'), `length ${n}`);
    }
  });
  it('sha256Int32LE hashes little-endian int32 values', () => {
    const v = Int32Array.from([0, -1, 2 ** 31 - 1, -(2 ** 31), 12345]);
    assert.equal(sha256Int32LE(v), createHash('sha256').update(Buffer.from(v.buffer)).digest('hex'));
  });
});

describe('frame encoder/decoder', () => {
  const payloads = [new Uint8Array(0), ascii('hello'), Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff)];
  const stream = (): Uint8Array => Buffer.concat(payloads.map((p, i) => encodeFrame(0x11, i, p)));

  it('round-trips frames whatever the chunking (every split point, byte by byte)', () => {
    const all = stream();
    for (const step of [1, 2, 3, 7, 12, 13, 100, all.length]) {
      const d = new FrameDecoder(4096);
      const ev: DecodeEvent[] = [];
      for (let o = 0; o < all.length; o += step) ev.push(...d.push(all.subarray(o, o + step)));
      assert.deepEqual(frames(ev), [0, 1, 2], `step ${step}`);
      assert.equal(errors(ev).length, 0);
      const last = ev[2]!;
      assert.ok(last.kind === 'frame' && Buffer.from(last.frame.payload).equals(Buffer.from(payloads[2]!)));
      assert.equal(d.bufferedBytes, 0);
    }
  });

  it('resynchronises after garbage (including false sync pairs) and counts skipped bytes', () => {
    const garbage = Uint8Array.from([0x00, 0xa5, 0x5a, 0x01, 0x02, 0xa5, 0xff, 0xa5, 0x5a, 1, 0x11, 0, 0, 9, 0, 0, 0, 0x12, 0x34, 0xa5]);
    const d = new FrameDecoder(4096);
    const ev = [...d.push(garbage), ...d.push(stream())];
    assert.deepEqual(frames(ev), [0, 1, 2]);
    assert.ok(errors(ev).every((e) => e instanceof FrameError), 'only frame errors');
    assert.equal(d.stats.skippedBytes, garbage.length, 'every garbage byte is skipped');
  });

  it('rejects a bad CRC with a typed error naming expected vs got and the byte offset, and recovers the next frame', () => {
    const a = encodeFrame(0x11, 1, ascii('first frame payload'));
    a[HEADER_BYTES + 3] ^= 0x10;
    const b = encodeFrame(0x11, 2, ascii('second'));
    const d = new FrameDecoder(4096);
    const ev = d.push(Buffer.concat([ascii('xyz'), a, b]));
    const [err] = errors(ev);
    assert.ok(err instanceof FrameError);
    assert.equal(err.code, 'frame-crc');
    assert.equal(err.byteOffset, 3);
    assert.match(err.message, /CRC-32 mismatch: expected 0x[0-9a-f]{8}, got 0x[0-9a-f]{8} \(at received byte 3\)/);
    assert.deepEqual(frames(ev), [2]);
  });

  it('rejects a corrupted header (header check) before trusting its length', () => {
    const a = encodeFrame(0x11, 1, ascii('x'.repeat(100)));
    a[7] ^= 0x40; // length field: would claim ~4 MB
    const d = new FrameDecoder(4096);
    const ev = d.push(Buffer.concat([a, encodeFrame(0x11, 2, ascii('ok'))]));
    assert.equal(errors(ev)[0]?.code, 'header-crc');
    assert.deepEqual(frames(ev), [2]);
  });

  it('rejects an oversize length (valid header) without buffering it', () => {
    const big = forgeFrameHeader(encodeFrame(0x11, 1, ascii('abc')), { length: 1 << 30 });
    const d = new FrameDecoder(1024);
    const ev = d.push(Buffer.concat([big, encodeFrame(0x11, 2, ascii('ok'))]));
    const e = errors(ev)[0]!;
    assert.equal(e.code, 'frame-too-large');
    assert.match(e.message, /1073741824-byte payload, the maximum is 1024/);
    assert.deepEqual(frames(ev), [2]);
    assert.ok(d.bufferedBytes <= HEADER_BYTES + 1024 + 4);
  });

  it('rejects a wrong protocol version with VersionMismatchError', () => {
    const other = forgeFrameHeader(encodeFrame(0x02, 1, ascii('info')), { version: PROTOCOL_VERSION + 1 });
    const d = new FrameDecoder(1024);
    const ev = d.push(Buffer.concat([other, encodeFrame(0x02, 2, ascii('ok'))]));
    const e = errors(ev)[0]!;
    assert.ok(e instanceof VersionMismatchError);
    assert.equal(e.expected, PROTOCOL_VERSION);
    assert.equal(e.got, PROTOCOL_VERSION + 1);
    assert.deepEqual(frames(ev), [2]);
  });

  it('reports a truncated frame on expirePartial() (inter-byte timeout) and keeps later frames', () => {
    const a = encodeFrame(0x11, 1, ascii('x'.repeat(50)));
    const d = new FrameDecoder(1024);
    assert.equal(d.push(a.subarray(0, 30)).length, 0);
    assert.equal(d.bufferedBytes, 30);
    const ev = d.expirePartial();
    assert.equal(errors(ev)[0]?.code, 'truncated-frame');
    assert.match(errors(ev)[0]!.message, /cut short: 30 of 66 bytes/);
    assert.equal(d.bufferedBytes, 0);
    // a truncated frame followed by a complete one: the CRC fails, the rescan finds the complete one
    const d2 = new FrameDecoder(1024);
    const ev2 = [...d2.push(a.subarray(0, 30)), ...d2.push(encodeFrame(0x11, 2, ascii('y'.repeat(60))))];
    assert.deepEqual(frames(ev2), [2]);
    assert.equal(errors(ev2)[0]?.code, 'frame-crc');
  });

  it('buffers at most header + maxPayload + trailer bytes whatever arrives', () => {
    const d = new FrameDecoder(256);
    const junk = new Uint8Array(100_000).fill(0xa5);
    junk[1] = 0x5a;
    d.push(junk);
    assert.ok(d.bufferedBytes <= HEADER_BYTES + 256 + 4);
  });

  it('fuzz: random and mutated byte streams give frames or typed errors, in bounded time, and a clean frame afterwards is always found', () => {
    const seed = 20261125;
    const r = rng(seed);
    const valid = [0, 1, 5, 40, 300].map((n, i) => encodeFrame(Math.floor(r() * 256), i, Uint8Array.from({ length: n }, () => Math.floor(r() * 256))));
    const t0 = performance.now();
    for (let iter = 0; iter < 1500; iter++) {
      const d = new FrameDecoder(512);
      const parts: Uint8Array[] = [];
      const kind = iter % 3;
      if (kind === 0) parts.push(Uint8Array.from({ length: Math.floor(r() * 2000) }, () => (r() < 0.1 ? 0xa5 : r() < 0.1 ? 0x5a : Math.floor(r() * 256))));
      else {
        const b = Buffer.concat(valid.filter(() => r() < 0.7));
        const m = Uint8Array.from(b);
        const nMut = 1 + Math.floor(r() * 8);
        let arr = Array.from(m);
        for (let k = 0; k < nMut && arr.length > 0; k++) {
          const pos = Math.floor(r() * arr.length);
          const op = Math.floor(r() * 4);
          if (op === 0) arr[pos] = arr[pos]! ^ (1 << Math.floor(r() * 8));
          else if (op === 1) arr.splice(pos, 1 + Math.floor(r() * 5));
          else if (op === 2) arr.splice(pos, 0, ...arr.slice(pos, pos + 1 + Math.floor(r() * 5)));
          else arr = arr.slice(0, pos);
        }
        parts.push(Uint8Array.from(arr));
      }
      const ev: DecodeEvent[] = [];
      try {
        for (const p of parts) for (let o = 0; o < p.length; o += 97) ev.push(...d.push(p.subarray(o, o + 97)));
        ev.push(...d.expirePartial());
        for (const e of ev) {
          if (e.kind === 'error') assert.ok(e.error instanceof LinkError, `typed error (seed ${seed}, iter ${iter})`);
          else {
            // a decoded frame must carry a CRC-valid payload: decoding a message either works or throws MessageError
            try {
              decodeMessage(e.frame.type, e.frame.payload);
            } catch (err) {
              assert.ok(err instanceof MessageError, `message errors are typed (seed ${seed}, iter ${iter}): ${String(err)}`);
            }
          }
        }
        assert.ok(d.bufferedBytes <= HEADER_BYTES + 512 + 4);
        const after = d.push(encodeFrame(0x12, 0xbeef, ascii('sentinel')));
        assert.ok(frames(after).includes(0xbeef), `decoder recovers after fuzz input (seed ${seed}, iter ${iter})`);
      } catch (e) {
        console.error(`fuzz failure: seed ${seed} iteration ${iter}`);
        throw e;
      }
    }
    const ms = performance.now() - t0;
    assert.ok(ms < 20_000, `fuzz took ${ms} ms`);
  });
});

describe('messages', () => {
  const hash = Uint8Array.from({ length: 32 }, (_, i) => i * 3);
  const all: Message[] = [
    { type: 'HELLO', protocolVersion: 1, hostMaxPayload: 65536 },
    { type: 'INFO', protocolVersion: 1, windowFrames: 4, maxPayload: 8204, clockKHz: 100000, programHash: hash, boardId: 'board 7' },
    { type: 'RESET', nonce: 0xdeadbeef },
    { type: 'RESET_ACK', nonce: 7 },
    { type: 'ERROR', code: 4, runId: 3, detail: 150528, text: 'wrong program' },
    { type: 'RUN', runId: 9, programHash: hash, height: 224, width: 224, channels: 3, pixelFormat: 0, totalBytes: 150528 },
    { type: 'DATA', runId: 9, stream: 1, totalBytes: 100, offset: 96, bytes: Uint8Array.from([1, 2, 3, 4]) },
    { type: 'ACK', runId: 9, stream: 0, nextOffset: 8192 },
  ];
  it('round-trip every message type', () => {
    for (const m of all) {
      const { type, payload } = encodeMessage(m);
      assert.equal(type, MSG[m.type]);
      const back = decodeMessage(type, payload);
      assert.deepEqual({ ...back, ...('bytes' in back ? { bytes: Array.from(back.bytes) } : {}) }, { ...m, ...('bytes' in m ? { bytes: Array.from(m.bytes) } : {}) });
    }
  });
  it('reject unknown types and bad payloads with MessageError', () => {
    assert.throws(() => decodeMessage(0x7f, new Uint8Array(0)), (e: unknown) => e instanceof MessageError && e.code === 'unknown-type' && /0x7f/.test(e.message));
    assert.throws(() => decodeMessage(MSG.RUN, new Uint8Array(10)), (e: unknown) => e instanceof MessageError && /RUN payload is 10 bytes, expected 44/.test(e.message));
    const data = encodeMessage(all[6]!).payload;
    new DataView(data.buffer).setUint32(8, 99, true); // offset 99 + 4 bytes > 100 total
    assert.throws(() => decodeMessage(MSG.DATA, data), /overruns the 100-byte stream/);
    assert.throws(() => decodeMessage(MSG.ACK, Uint8Array.from([0, 0, 5, 0, 0, 0, 0, 0])), /unknown stream 5/);
  });
});

describe('feature-map payload', () => {
  const fmts: FixedFormat[] = [
    { signed: false, bits: 8, intBits: 4 },
    { signed: true, bits: 8, intBits: 3 },
    { signed: true, bits: 4, intBits: 2 },
    { signed: false, bits: 12, intBits: 6 },
    { signed: true, bits: 16, intBits: 8 },
    { signed: true, bits: 24, intBits: 8 },
    { signed: true, bits: 32, intBits: 16 },
  ];
  it('packs 8-bit maps 4 per little-endian word, channel fastest (HWC), as the authors\' PCIe link', () => {
    // C=3, H=1, W=2: NCHW [c0: 1 2][c1: 3 4][c2: 5 6] → HWC 1 3 5 2 4 6 (+ 2 zero pad bytes)
    const p = packFeatureMap(Int32Array.from([1, 2, 3, 4, 5, 6]), 3, 1, 2, { signed: false, bits: 8, intBits: 8 });
    assert.deepEqual(Array.from(p), [1, 3, 5, 2, 4, 6, 0, 0]);
    assert.equal(new DataView(p.buffer).getUint32(0, true), 0x02050301);
  });
  it('round-trips every width with extreme values and sign extension', () => {
    const r = rng(3);
    for (const f of fmts) {
      const { min, max } = formatRange(f);
      const [C, H, W] = [5, 3, 7];
      const v = Int32Array.from({ length: C * H * W }, (_, i) => (i === 0 ? min : i === 1 ? max : Math.floor(min + r() * (max - min + 1))));
      const p = packFeatureMap(v, C, H, W, f);
      assert.equal(p.length, packedBytes(C, H, W, f));
      assert.equal(p.length % 4, 0);
      assert.deepEqual(Array.from(unpackFeatureMap(p, C, H, W, f)), Array.from(v), JSON.stringify(f));
    }
  });
  it('names the first out-of-range value', () => {
    assert.throws(() => packFeatureMap(Int32Array.from([0, 300]), 1, 1, 2, { signed: false, bits: 8, intBits: 8 }), /value 300 at \(c=0, y=0, x=1\) is outside UFIXED<8,8> \[0, 255\]/);
  });
  it('result stream round-trips header, cycles and map; a corrupted map fails its CRC', () => {
    const f: FixedFormat = { signed: true, bits: 8, intBits: 3 };
    const v = Int32Array.from({ length: 2 * 3 * 3 }, (_, i) => i - 9);
    const cycles = { firstOutput: 12, total: 99, perLayer: [{ layer: 'conv0', firstOutput: 12, total: 99 }] };
    const s = encodeResultStream({ format: f, channels: 2, height: 3, width: 3, cycles }, v);
    const d = decodeResultStream(s);
    assert.deepEqual(Array.from(d.output), Array.from(v));
    assert.deepEqual(d.header.cycles, cycles);
    assert.deepEqual(d.header.format, f);
    s[s.length - 1] ^= 1;
    assert.throws(() => decodeResultStream(s), (e: unknown) => e instanceof MessageError && /CRC-32 mismatch/.test(e.message));
  });
  it('result stream (protocol 2): the packed map follows the 16-byte header, cycles and the map CRC-32 are in the trailer', () => {
    // what lets a streaming board send the map before it knows the cycle counts and the CRC (docs/protocol.md §6)
    const f: FixedFormat = { signed: false, bits: 8, intBits: 8 };
    const v = Int32Array.from({ length: 3 * 1 * 2 }, (_, i) => i + 1);
    const cycles = { firstOutput: 7, total: 0x01020304, perLayer: [] };
    const s = encodeResultStream({ format: f, channels: 3, height: 1, width: 2, cycles }, v);
    const packed = packFeatureMap(v, 3, 1, 2, f);
    assert.deepEqual(Array.from(s.subarray(16, 16 + packed.length)), Array.from(packed));
    const dv = new DataView(s.buffer, s.byteOffset);
    assert.equal(dv.getUint32(12, true), packed.length);
    assert.equal(dv.getUint32(16 + packed.length, true), 7);
    assert.equal(dv.getUint32(16 + packed.length + 4, true), 0x01020304);
    assert.equal(s.length, 16 + packed.length + 16);
    assert.equal(dv.getUint32(s.length - 4, true), crc32(packed));
  });
});

describe('program hash', () => {
  it('is stable, ignores meta, and changes with any weight', () => {
    const p = demoProgram(32, 4, 1);
    const h = programHashHex(p);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(programHashHex(demoProgram(32, 4, 1)), h);
    assert.equal(programHashHex({ ...p, meta: { other: 'provenance' } }), h);
    assert.notEqual(programHashHex(demoProgram(32, 4, 2)), h);
    const layer = p.layers[0]!;
    assert.ok(layer.kind === 'conv');
    const w = layer.weights.slice();
    w[5] = w[5]! + 1;
    assert.notEqual(programHashHex({ ...p, layers: [{ ...layer, weights: w }] }), h);
  });
  it('canonical bytes are sorted-key compact JSON behind the prefix line, ASCII only', () => {
    const bytes = canonicalProgramBytes(randomProgram(11));
    const text = Buffer.from(bytes).toString('latin1');
    assert.ok(text.startsWith('hybrid-dhm/program/v1\n{"input":{'));
    assert.ok(bytes.every((b) => b < 0x80));
    const obj = JSON.parse(text.slice(text.indexOf('\n') + 1));
    assert.equal(obj.meta, undefined);
    // re-serialising with sorted keys gives the same text (what Python's json.dumps(sort_keys=True, separators=(',',':')) does)
    const sortDeep = (v: unknown): unknown => (Array.isArray(v) ? v.map(sortDeep) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])])) : v);
    assert.equal(JSON.stringify(sortDeep(obj)), text.slice(text.indexOf('\n') + 1));
  });
  it('frame overhead is 16 bytes', () => {
    assert.equal(FRAME_OVERHEAD_BYTES, 16);
  });
});
