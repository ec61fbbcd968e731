/** The tail's EP choice of the page (www/tail-choice.ts): automatic by adapter kind, `?tail=` overriding it, bad values named. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseTailEp } from '../../www/tail-choice';

const swiftshader = { available: true, vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true };
const hardware = { available: true, vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false };
const none = { available: false, error: 'navigator.gpu is missing' };

test('automatic: wasm on a software fallback adapter or without one, WebGPU on a hardware adapter, each with its reason', () => {
  const sw = chooseTailEp(swiftshader, null);
  assert.equal(sw.ep, 'wasm');
  assert.equal(sw.source, 'auto');
  assert.match(sw.reason, /google \/ swiftshader\) is a software fallback.*100x slower/);
  const hw = chooseTailEp(hardware, null);
  assert.equal(hw.ep, 'webgpu');
  assert.match(hw.reason, /hardware WebGPU adapter \(nvidia \/ ampere\)/);
  const no = chooseTailEp(none, 'auto');
  assert.equal(no.ep, 'wasm');
  assert.match(no.reason, /no WebGPU adapter \(navigator\.gpu is missing\)/);
});

test('?tail= overrides the automatic choice, names it, and warns when WebGPU is asked for without an adapter', () => {
  const forced = chooseTailEp(swiftshader, 'webgpu');
  assert.deepEqual([forced.ep, forced.source, forced.warning], ['webgpu', 'url', undefined]);
  assert.match(forced.reason, /tail=webgpu.*automatic choice would be wasm/);
  assert.equal(chooseTailEp(hardware, 'wasm').ep, 'wasm');
  const noAdapter = chooseTailEp(none, 'webgpu');
  assert.equal(noAdapter.ep, 'webgpu');
  assert.match(noAdapter.warning ?? '', /no adapter is available: onnxruntime-web will fall back to its wasm EP/);
});

test('an invalid ?tail= value is ignored with a warning naming it; the automatic choice stands', () => {
  const bad = chooseTailEp(hardware, 'cuda');
  assert.deepEqual([bad.ep, bad.source], ['webgpu', 'auto']);
  assert.match(bad.warning ?? '', /tail=cuda ignored: expected webgpu, wasm or auto/);
});
