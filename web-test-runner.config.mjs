/**
 * @web/test-runner: browser tests in Debian's headless Chromium with software WebGPU (SwiftShader).
 * See ../shared/notes/browser-recipes.md. The repo root is served, so /models/, /dist/ and /node_modules/ are reachable.
 */
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';

export const CHROME_PATH = process.env.CHROME_PATH || '/usr/bin/chromium';
export const CHROME_ARGS = [
  '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--enable-unsafe-webgpu',
];

/** Writes pass/fail/skip counts to $WTR_COUNTS_FILE so scripts/test.mjs can sum both runners. */
function countReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0, fileErrors: 0 };
      const walk = (suite) => {
        for (const t of suite.tests ?? []) {
          if (t.skipped) counts.skipped++;
          else if (t.passed) counts.passed++;
          else counts.failed++;
        }
        for (const s of suite.suites ?? []) walk(s);
      };
      for (const s of sessions) {
        const before = counts.failed;
        if (s.testResults) walk(s.testResults);
        // A file that failed to load or threw outside any test counts as one failure.
        if (!s.passed && counts.failed === before) counts.fileErrors++;
      }
      counts.failed += counts.fileErrors;
      if (process.env.WTR_COUNTS_FILE) writeFileSync(process.env.WTR_COUNTS_FILE, JSON.stringify(counts));
    },
  };
}

/**
 * onnx-proto ships CommonJS only: serve it to the browser as one ESM bundle (the esbuild builds of page and CLI
 * handle it on their own).
 */
function onnxProtoEsm() {
  let code = null;
  return {
    name: 'onnx-proto-esm',
    async serve(ctx) {
      if (!ctx.path.endsWith('/node_modules/onnx-proto/dist/onnx.js')) return undefined;
      code ??= build({ entryPoints: ['node_modules/onnx-proto/dist/onnx.js'], bundle: true, format: 'esm', platform: 'browser', write: false })
        .then((r) => r.outputFiles[0].text);
      return { body: await code, type: 'js' };
    },
  };
}

export default {
  files: 'test/browser/**/*.test.ts',
  nodeResolve: true,
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 120_000,
  testsStartTimeout: 300_000,
  testsFinishTimeout: 40 * 60_000,
  testFramework: { config: { timeout: 600_000, ui: 'bdd' } },
  plugins: [onnxProtoEsm(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'test/browser/tsconfig.json' })],
  middleware: [
    function isolation(ctx, next) {
      ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
      ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
      ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
      return next();
    },
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: CHROME_PATH, headless: true, args: CHROME_ARGS, protocolTimeout: 1_800_000 },
    }),
  ],
  reporters: [defaultReporter({ reportTestResults: true, reportTestProgress: false }), summaryReporter(), countReporter()],
};
