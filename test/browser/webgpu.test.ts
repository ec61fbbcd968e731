/** The test bed itself: a WebGPU adapter exists in headless Chromium and a compute shader computes the right thing. */
import { ok, equal } from './util/assert';

describe('WebGPU in headless Chromium', () => {
  it('provides an adapter and reports whether it is a software fallback', async () => {
    ok(navigator.gpu, 'navigator.gpu missing: Chromium must run with --enable-unsafe-webgpu');
    const adapter = await navigator.gpu.requestAdapter();
    ok(adapter, 'requestAdapter() returned null');
    const info = adapter.info;
    ok(typeof info.vendor === 'string');
    console.log(`adapter: vendor=${info.vendor} architecture=${info.architecture} fallback=${(info as { isFallbackAdapter?: boolean }).isFallbackAdapter}`);
  });

  it('runs a compute shader (y = 3x + 1 over 1024 u32) and reads back exact results', async () => {
    const adapter = await navigator.gpu.requestAdapter();
    const device = await adapter!.requestDevice();
    const n = 1024;
    const input = new Uint32Array(n).map((_, i) => i * 7919);
    const src = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const dst = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const read = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(src, 0, input);
    const module = device.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read> a: array<u32>;
             @group(0) @binding(1) var<storage, read_write> b: array<u32>;
             @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) { b[id.x] = a[id.x] * 3u + 1u; }`,
    });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }] });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(n / 64);
    pass.end();
    enc.copyBufferToBuffer(dst, 0, read, 0, n * 4);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const out = new Uint32Array(read.getMappedRange().slice(0));
    read.unmap();
    for (let i = 0; i < n; i++) equal(out[i], (input[i]! * 3 + 1) >>> 0, `element ${i}`);
    device.destroy();
  });
});
