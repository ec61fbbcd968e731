/** Where a worker finds the emulator's .wasm (dist/dhm.wasm) and how it fetches it: shared by the page's workers. */

/** dist/dhm.wasm relative to this worker script: `../dhm.wasm` from a `workers/` folder (as build.mjs lays out dist/), else `./dhm.wasm`. */
export function defaultWasmUrl(): URL {
  const here = new URL(self.location.href);
  return new URL(/\/workers\/[^/]*$/.test(here.pathname) ? '../dhm.wasm' : './dhm.wasm', here);
}

/** Fetch the emulator module's bytes from `url` (relative to the worker; default {@link defaultWasmUrl}); an HTTP error names `who` and the URL. */
export async function fetchEmulatorWasm(who: string, url?: string | URL): Promise<ArrayBuffer> {
  const u = url === undefined ? defaultWasmUrl() : new URL(String(url), self.location.href);
  const res = await fetch(u);
  if (!res.ok) throw new Error(`${who}: fetching ${u.href} failed: HTTP ${res.status}`);
  return res.arrayBuffer();
}
