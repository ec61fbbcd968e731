/** Minimal reader/writer for NumPy `.npy` files (format 1.0–3.0, little-endian, C order). */

export type NpyArray =
  | { readonly dtype: 'float32'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'int32'; readonly shape: readonly number[]; readonly data: Int32Array }
  | { readonly dtype: 'uint8'; readonly shape: readonly number[]; readonly data: Uint8Array }
  | { readonly dtype: 'int64'; readonly shape: readonly number[]; readonly data: BigInt64Array };

/** Error for a malformed .npy buffer; `offset` is the byte offset where the problem was found. */
export class NpyError extends Error {
  override name = 'NpyError';
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte ${offset})`);
  }
}

const DTYPES: Record<string, NpyArray['dtype']> = { '<f4': 'float32', '<i4': 'int32', '|u1': 'uint8', '<i8': 'int64' };

/** Parse a .npy file's bytes. Supports float32, int32, uint8 and int64, C order. */
export function readNpy(bytes: Uint8Array): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  for (let i = 0; i < 6; i++) if (bytes[i] !== magic[i]) throw new NpyError('not a .npy file (bad magic)', i);
  const major = bytes[6]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerStart + headerLen > bytes.length) throw new NpyError('truncated header', bytes.length);
  let header = '';
  for (let i = 0; i < headerLen; i++) header += String.fromCharCode(bytes[headerStart + i]!);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new NpyError(`unparseable header ${JSON.stringify(header)}`, headerStart);
  if (fortran === 'True') throw new NpyError('Fortran-order arrays are not supported', headerStart);
  const dtype = DTYPES[descr];
  if (!dtype) throw new NpyError(`unsupported dtype '${descr}' (supported: ${Object.keys(DTYPES).join(', ')})`, headerStart);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = headerStart + headerLen;
  const elem = dtype === 'float32' || dtype === 'int32' ? 4 : dtype === 'uint8' ? 1 : 8;
  if (start + count * elem > bytes.length) throw new NpyError(`truncated data: need ${count * elem} bytes, have ${bytes.length - start}`, bytes.length);
  // Copy (a Node Buffer's slice() is a view into a shared pool, so never use .buffer of a slice).
  const copy = new Uint8Array(bytes.subarray(start, start + count * elem)).buffer;
  switch (dtype) {
    case 'float32': return { dtype, shape, data: new Float32Array(copy) };
    case 'int32': return { dtype, shape, data: new Int32Array(copy) };
    case 'uint8': return { dtype, shape, data: new Uint8Array(copy) };
    case 'int64': return { dtype, shape, data: new BigInt64Array(copy) };
  }
}

/** Serialise an array as a version-1.0 .npy file. */
export function writeNpy(arr: NpyArray): Uint8Array {
  const descr = Object.entries(DTYPES).find(([, v]) => v === arr.dtype)![0];
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const data = new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}
