#!/usr/bin/env node
/**
 * Build everything into dist/:
 *   1. wasm-dhm/ (AssemblyScript, SIMD) → dist/dhm.wasm (release, -O3) and dist/dhm.debug.wasm (assertions, debug info);
 *      wasm-pixels/ → dist/pixels.wasm (release)
 *   2. esbuild: www/main.ts → dist/main.js (the page's small first module) + dist/chunks/ (www/app.ts and shared code,
 *      split off; the compiler's source hash written in as __COMPILER_HASH__; dist/index.html preloads main.js's chunks); workers/*.worker.ts →
 *      dist/workers/*.worker.js; cli/entry.ts → dist/cli.mjs
 *   3. static files of www/ and onnxruntime-web's runtime (ESM bundle + .wasm) → dist/ and dist/ort/
 *   4. workers/offline.sw.ts → dist/sw.js, the service worker, with the app-shell file list and its content hash
 * Prints the size of every output. Usage: node build.mjs [--no-wasm] [--quiet]
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compilerSourceHash } from './scripts/compiler-hash.mjs';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const log = (...a) => { if (!quiet) console.log(...a); };

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'workers'), { recursive: true });
mkdirSync(join(dist, 'ort'), { recursive: true });

// 1. AssemblyScript: the emulator (release + debug, with .wat) and the page's pixel kernels (src/pipeline/pixels-wasm.ts,
// the transfer worker's; release only)
const ascBuilds = [
  { sources: 'wasm-dhm', target: 'release', out: 'dhm.wasm', wat: true },
  { sources: 'wasm-dhm', target: 'debug', out: 'dhm.debug.wasm', wat: true },
  { sources: 'wasm-pixels', target: 'release', out: 'pixels.wasm', wat: false },
];
for (const b of ascBuilds) {
  if (args.has('--no-wasm') || !existsSync(join(root, b.sources, 'index.ts'))) continue;
  const asc = (await import('assemblyscript/asc')).default;
  const out = join(dist, b.out);
  const { error, stderr } = await asc.main([
    join(root, b.sources, 'index.ts'), '--config', join(root, b.sources, 'asconfig.json'), '--target', b.target,
    '--outFile', out, ...(b.wat ? ['--textFile', out.replace(/\.wasm$/, '.wat')] : []),
  ]);
  if (error) {
    console.error(stderr.toString());
    console.error(`build: AssemblyScript (${b.sources}, ${b.target}) failed: ${error.message}`);
    process.exit(1);
  }
}

// 2. esbuild bundles
const ortExternal = ['onnxruntime-web', 'onnxruntime-web/*'];
const common = { bundle: true, format: 'esm', sourcemap: true, target: 'es2022', logLevel: quiet ? 'error' : 'warning' };
// the page's and its workers' code is minified (source maps kept): at a cold start on a 2-core machine their parse and
// compile compete with onnxruntime-web's start for the same cores (bench/coldstart.mjs)
const page = { ...common, platform: 'browser', minify: true };
const workerEntries = existsSync(join(root, 'workers'))
  ? readdirSync(join(root, 'workers')).filter((f) => f.endsWith('.worker.ts')).map((f) => join(root, 'workers', f))
  : [];
// the compiler's source hash: the page accepts only prebuilt head programs compiled from this source (cli/prebuilt.ts)
// main.js is the page's small first module; the rest (www/app.ts) is a chunk it imports once the first downloads have started
await build({ ...page, entryPoints: [join(root, 'www', 'main.ts')], outdir: dist, splitting: true, chunkNames: 'chunks/[name]-[hash]', external: ortExternal, define: { __COMPILER_HASH__: JSON.stringify(compilerSourceHash(root)) } });
// main.js's static imports (the shared chunk) are preloaded by index.html, so they download with main.js rather than after it
const mainJs = readFileSync(join(dist, 'main.js'), 'utf8');
const preloads = [...mainJs.matchAll(/from\s*"\.\/(chunks\/[^"]+\.js)"/g)].map((m) => m[1]);
const mainTag = '<script type="module" src="main.js"></script>';
const html = readFileSync(join(root, 'www', 'index.html'), 'utf8');
if (!html.includes(mainTag)) throw new Error(`build: www/index.html has no ${mainTag}`);
const builtHtml = html.replace(mainTag, [...preloads.map((c) => `<link rel="modulepreload" href="${c}">`), mainTag].join('\n  '));
if (workerEntries.length) {
  await build({ ...page, entryPoints: workerEntries, outdir: join(dist, 'workers'), entryNames: '[name]', external: ortExternal });
}
await build({ ...common, platform: 'node', entryPoints: [join(root, 'cli', 'entry.ts')], outfile: join(dist, 'cli.mjs'), packages: 'external' });

// 3. static files + onnxruntime-web runtime (served as its own ES module so it can find its .wasm and spawn its workers)
for (const f of readdirSync(join(root, 'www'))) {
  if (f === 'index.html') writeFileSync(join(dist, f), builtHtml);
  else if (/\.(html|css|svg|webmanifest|ico|png)$/.test(f)) copyFileSync(join(root, 'www', f), join(dist, f));
}
// the hand-written Verilog library: the page's "Download RTL" (www/rtl-download.ts) bundles it with the generated head
mkdirSync(join(dist, 'hdl'), { recursive: true });
for (const f of readdirSync(join(root, 'hdl'))) if (f.endsWith('.v')) copyFileSync(join(root, 'hdl', f), join(dist, 'hdl', f));
const ortDist = join(root, 'node_modules', 'onnxruntime-web', 'dist');
// both builds: the page loads the one of the tail's EP (www/ort-loader.ts)
for (const f of ['ort.webgpu.bundle.min.mjs', 'ort-wasm-simd-threaded.asyncify.wasm', 'ort.wasm.bundle.min.mjs', 'ort-wasm-simd-threaded.wasm']) copyFileSync(join(ortDist, f), join(dist, 'ort', f));

function walk(dir) {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
}

// 4. service worker (offline second visit): the app shell = every file the page loads, named by a content hash
const isPageFile = (rel) => !/\.(map|wat)$/.test(rel) && !rel.startsWith('cli') && !rel.includes('debug');
const shell = walk(dist).map((f) => relative(dist, f).split('\\').join('/')).filter(isPageFile).sort();
const hash = createHash('sha256');
for (const rel of shell) hash.update(rel).update(readFileSync(join(dist, rel)));
const buildHash = hash.digest('hex').slice(0, 16);
await build({
  ...common, platform: 'browser', entryPoints: [join(root, 'workers', 'offline.sw.ts')], outfile: join(dist, 'sw.js'), format: 'iife',
  define: { __PRECACHE__: JSON.stringify(['', ...shell.filter((f) => f !== 'index.html'), 'index.html', 'build-info.json']), __BUILD_HASH__: JSON.stringify(buildHash) },
});

// sizes
const rows = walk(dist).filter((f) => !f.endsWith('.map') && !f.endsWith('.wat')).map((f) => {
  const bytes = statSync(f).size;
  const gz = gzipSync(readFileSync(f)).length;
  return { file: relative(dist, f), bytes, gz };
});
const pageFiles = rows.filter((r) => isPageFile(r.file));
const total = pageFiles.reduce((a, r) => a + r.bytes, 0);
const totalGz = pageFiles.reduce((a, r) => a + r.gz, 0);
for (const r of rows) log(`  ${r.file.padEnd(44)} ${(r.bytes / 1024).toFixed(1).padStart(9)} KiB  (gzip ${(r.gz / 1024).toFixed(1)} KiB)`);
log(`build: page transfer size (without models) ${(total / 1048576).toFixed(2)} MiB, gzip ${(totalGz / 1048576).toFixed(2)} MiB (measured on this build)`);
writeFileSync(join(dist, 'build-info.json'), JSON.stringify({ files: rows, pageBytes: total, pageGzipBytes: totalGz, buildHash }, null, 1));
