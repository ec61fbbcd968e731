/** Where a worker finds a Wasm module that build.mjs puts in dist/ (the emulator, the pixel kernels) and how it fetches it: shared by the page's workers. */

/** The Wasm modules build.mjs writes next to dist/workers/: the DHM emulator (wasm-dhm/) and the pixel kernels (wasm-pixels/). */
export type DistWasm = 'dhm.wasm' | 'pixels.wasm';

/** dist/`file` relative to this worker script: `../file` from a `workers/` folder (as build.mjs lays out dist/), else `./file`. */
export function distWasmUrl(file: DistWasm): URL {
  const here = new URL(self.location.href);
  return new URL(/\/workers\/[^/]*$/.test(here.pathname) ? `../${file}` : `./${file}`, here);
}

/**
 * Fetch the bytes of dist/`file` (or of `url`, relative to the worker, where given); an HTTP error names `who`, the URL
 * and the command that builds the file.
 */
export async function fetchDistWasm(who: string, file: DistWasm, url?: string | URL): Promise<ArrayBuffer> {
  const u = url === undefined ? distWasmUrl(file) : new URL(String(url), self.location.href);
  const res = await fetch(u);
  if (!res.ok) throw new Error(`${who}: fetching ${u.href} failed: HTTP ${res.status} (\`npm run build\` builds ${file})`);
  return res.arrayBuffer();
}
