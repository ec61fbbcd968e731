#!/usr/bin/env node
/**
 * `npm test`: provision the models (scripts/models.ts), type-check (tsc -b), build, Node tests (node:test via tsx),
 * browser tests (@web/test-runner in headless Chromium with software WebGPU), then one plain line `N passed, N failed`
 * summing both runners (+1 check for the models, the type-check and the build each).
 * Options: --only node|browser, --files a,b (test files relative to the repo root).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
const files = argv.includes('--files') ? argv[argv.indexOf('--files') + 1].split(',') : null;
const tmp = join(root, '.tsbuild');
mkdirSync(tmp, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const bin = (n) => join(root, 'node_modules', '.bin', n);

function step(name, cmd, args, env = {}) {
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

// 1. models (the tests use the real pretrained models: provisioned by checksum, ≈1 s when already there),
//    type-check and build (each counts as one check)
for (const [name, cmd, args] of [['models', bin('tsx'), ['scripts/models.ts']], ['type-check', bin('tsc'), ['-b']], ['build', process.execPath, ['build.mjs', '--quiet']]]) {
  if (step(name, cmd, args)) totals.passed++;
  else {
    totals.failed++;
    console.error(`${name} failed`);
  }
}

// 2. Node tests
if (only !== 'browser') {
  const nodeFiles = files?.filter((f) => f.startsWith('test/node/')) ??
    readdirSync(join(root, 'test', 'node')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `test/node/${f}`);
  if (nodeFiles.length) {
    const tap = join(tmp, 'node-tests.tap');
    rmSync(tap, { force: true });
    step('node tests', process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...nodeFiles]);
    const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    const num = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    if (!text) {
      console.error('node tests: no TAP summary was produced');
      totals.failed++;
    }
    totals.passed += num('pass');
    totals.failed += num('fail') + num('cancelled');
    totals.skipped += num('skipped') + num('todo');
  }
}

// 3. Browser tests
if (only !== 'node') {
  const chrome = process.env.CHROME_PATH || '/usr/bin/chromium';
  const browserFiles = files?.filter((f) => f.startsWith('test/browser/'));
  if (!existsSync(chrome)) {
    console.error(`browser tests: Chromium not found at ${chrome}. Install it (Debian: sudo apt-get install -y chromium) or set CHROME_PATH.`);
    totals.failed++;
  } else if (!browserFiles || browserFiles.length) {
    const counts = join(tmp, 'wtr-counts.json');
    rmSync(counts, { force: true });
    const ok = step('browser tests', bin('wtr'), ['--config', 'web-test-runner.config.mjs', ...(browserFiles ? ['--files', ...browserFiles] : [])],
      { WTR_COUNTS_FILE: counts });
    if (existsSync(counts)) {
      const c = JSON.parse(readFileSync(counts, 'utf8'));
      totals.passed += c.passed;
      totals.failed += c.failed;
      totals.skipped += c.skipped;
      if (!ok && c.failed === 0) totals.failed++; // the runner failed outside any test
    } else {
      console.error('browser tests: the runner produced no result counts');
      totals.failed++;
    }
  }
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed ? 1 : 0);
