/** Fetch helpers for browser tests: the repo root is served, so provisioned models are at /models/. */
import { readNpy, type NpyArray } from '../../../src/util/npy';

export async function fetchBytes(path: string): Promise<Uint8Array> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} (did \`npm run models\` / \`npm run build\` run?)`);
  return new Uint8Array(await res.arrayBuffer());
}

export async function fetchNpy(path: string): Promise<NpyArray> {
  return readNpy(await fetchBytes(path));
}

export async function fetchText(path: string): Promise<string> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.text();
}
