import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bitLength, constMultKind, csdAdders, csdDigits, csdNonZero, csdValue } from '../../src/cost/csd';

test('CSD adder counts of known constants', () => {
  const cases: [number, number][] = [[0, 0], [1, 0], [2, 0], [3, 1], [7, 1], [23, 2], [-5, 1], [0b1010101, 3], [-1, 0], [-64, 0], [255, 1], [127, 1], [45, 3], [44, 2], [0x5555, 7]];
  for (const [w, a] of cases) assert.equal(csdAdders(w), a, `csdAdders(${w})`);
});

test('CSD digits reconstruct the value, are non-adjacent and never have more non-zeros than binary', () => {
  for (let n = -2048; n <= 2048; n++) {
    const d = csdDigits(n);
    assert.equal(csdValue(d), n, `value of CSD(${n})`);
    for (let i = 1; i < d.length; i++) assert.ok(!(d[i] !== 0 && d[i - 1] !== 0), `adjacent non-zeros in CSD(${n})`);
    const nz = Array.from(d).filter((x) => x !== 0).length;
    assert.equal(csdNonZero(n), nz, `csdNonZero(${n})`);
    const pop = Math.abs(n).toString(2).split('').filter((c) => c === '1').length;
    assert.ok(nz <= pop, `CSD(${n}) has ${nz} non-zeros > ${pop} binary ones`);
    assert.equal(csdNonZero(-n), nz, `CSD weight of −${n}`);
  }
});

test('multiplier kinds and bit lengths', () => {
  assert.equal(constMultKind(0), 'zero');
  assert.equal(constMultKind(-16), 'shift');
  assert.equal(constMultKind(6), 'adders');
  assert.equal(bitLength(0), 0);
  assert.equal(bitLength(-5), 3);
  assert.equal(bitLength(256), 9);
  assert.throws(() => csdNonZero(1.5), RangeError);
  assert.throws(() => csdDigits(2 ** 60), /safe integer/);
});
