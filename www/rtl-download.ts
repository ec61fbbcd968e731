/**
 * "Download RTL" for the head of the current run: one self-contained Verilog-2005 file — the `define`s of
 * dhm_head_params.vh, the hand-written library (served from hdl/ next to the page; build.mjs copies it) and the
 * modules generated from the program (src/rtl) — named after the model, cut and program hash. docs/rtl.md.
 */
import { generateRtl, RTL_LIBRARY_FILES } from '../src/rtl/index';
import { programHashHex } from '../src/board/program-hash';
import type { DhmProgram } from '../src/dhm/program';

/** The single-file RTL of a program; `fetchText` loads a library file by its URL (default: fetch next to the page). */
export async function rtlBundle(program: DhmProgram, label: string, fetchText: (url: string) => Promise<string> = defaultFetch): Promise<{ name: string; text: string }> {
  const hash = programHashHex(program);
  const files = generateRtl(program, { programHashHex: hash });
  const library = await Promise.all(RTL_LIBRARY_FILES.map(async (f) => `// ---- hdl/${f}\n${await fetchText(`hdl/${f}`)}`));
  const params = files.find((f) => f.path.endsWith('_params.vh'))!;
  const generated = files.filter((f) => f.path.endsWith('.v')).map((f) => `// ---- ${f.path}\n${f.text}`);
  return { name: `${label}-${hash.slice(0, 12)}.v`, text: [`// ---- dhm_head_params.vh`, params.text, ...library, ...generated].join('\n') };
}

async function defaultFetch(url: string): Promise<string> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`Download RTL: could not load the Verilog library file ${url} (HTTP ${r.status}); run \`npm run build\``);
  return r.text();
}

/** Wire the button to download the RTL of `program` (disabled without a program). Errors go to `onError`. */
export function attachRtlDownload(button: HTMLButtonElement, program: DhmProgram | null, label: string, onError: (message: string) => void): void {
  button.disabled = program === null;
  button.onclick = program === null ? null : async () => {
    button.disabled = true;
    try {
      const { name, text } = await rtlBundle(program, label);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      onError((e as Error).message);
    } finally {
      button.disabled = false;
    }
  };
}
