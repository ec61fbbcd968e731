/**
 * The Verilator testbench of a batch of heads: `tb_top.v` (one generated head per program, each with its own input
 * port set, one shared clock, reset and clock enable) and `tb.cpp` (drives every head with its frame, one pixel per
 * enabled cycle from enabled cycle 0, optionally with pseudo-random ce = 0 stalls, and records every layer's output
 * pixels with their enabled-cycle number). Record format of `out.bin` (little-endian int32):
 *   [head, layer, cycle, v_0 … v_{C−1}]                       a layer's output pixel (channel values)
 *   [head, −1, cycle, headCycle, last, v_0 … v_{C−1}]         the head's output port (its own `cycle` and `out_last`)
 */
import type { DhmProgram } from '../src/dhm/program';

/** One head of a batch: the module prefix its generated RTL uses. */
export interface BatchHead {
  readonly program: DhmProgram;
  readonly prefix: string;
}

function ports(h: number, p: DhmProgram): { decl: string[]; conn: string } {
  const out = p.streams[p.output]!;
  const ow = out.channels * out.format.bits;
  const nl = p.layers.length;
  const dw = p.layers.reduce((a, l) => a + p.streams[l.output]!.channels * p.streams[l.output]!.format.bits, 0);
  return {
    decl: [
      `  input wire h${h}_in_valid, input wire [23:0] h${h}_in_rgb, input wire h${h}_in_first,`,
      `  output wire h${h}_out_valid, output wire [${ow - 1}:0] h${h}_out_data, output wire h${h}_out_last, output wire [31:0] h${h}_cycle,`,
      `  output wire [${nl - 1}:0] h${h}_lv, output wire [${dw - 1}:0] h${h}_ld,`,
    ],
    conn: `(.clk(clk), .rst(rst), .ce(ce), .in_valid(h${h}_in_valid), .in_rgb(h${h}_in_rgb), .in_first(h${h}_in_first), .out_valid(h${h}_out_valid), .out_data(h${h}_out_data), .out_last(h${h}_out_last), .cycle(h${h}_cycle), .layer_valid(h${h}_lv), .layer_data(h${h}_ld))`,
  };
}

/** `tb_top.v`: every head of the batch side by side (compiled with +define+DHM_DEBUG). */
export function testbenchTop(heads: readonly BatchHead[]): string {
  const lines = ['// generated co-simulation top: every head of the batch side by side', 'module tb_top (', '  input wire clk, input wire rst, input wire ce,'];
  const insts: string[] = [];
  heads.forEach((b, h) => {
    const p = ports(h, b.program);
    lines.push(...p.decl);
    insts.push(`  ${b.prefix}dhm_head u${h} ${p.conn};`);
  });
  lines[lines.length - 1] = lines[lines.length - 1]!.replace(/,$/, '');
  lines.push(');', ...insts, 'endmodule', '');
  return lines.join('\n');
}

/** `tb.cpp`: usage `tb DIR MAX_CYCLES STALL_SEED` (reads DIR/in<h>.bin, HWC RGB bytes; writes DIR/out.bin). */
export function testbenchCpp(heads: readonly BatchHead[]): string {
  const L: string[] = [
    '#include <cstdio>', '#include <cstdint>', '#include <cstdlib>', '#include <vector>', '#include <string>',
    '#include "Vtb_top.h"', '#include "verilated.h"',
    'template <typename T> static inline uint32_t bitAt(const T& v, int i) { return (uint32_t)(((uint64_t)v >> i) & 1u); }',
    'template <std::size_t N> static inline uint32_t bitAt(const VlWide<N>& v, int i) { return (v[i >> 5] >> (i & 31)) & 1u; }',
    'template <typename T> static int32_t field(const T& v, int lo, int bits, bool sgn) {',
    '  uint64_t u = 0; for (int b = 0; b < bits; b++) u |= (uint64_t)bitAt(v, lo + b) << b;',
    '  if (sgn && ((u >> (bits - 1)) & 1u)) return (int32_t)((int64_t)u - ((int64_t)1 << bits));',
    '  return (int32_t)u; }',
    'static std::vector<int32_t> rec;',
    'static FILE* outf;',
    'static void flush() { fwrite(rec.data(), 4, rec.size(), outf); rec.clear(); }',
  ];
  heads.forEach((b, h) => {
    const p = b.program;
    L.push(`static void sample${h}(Vtb_top* top, int32_t n) {`);
    let off = 0;
    p.layers.forEach((l, i) => {
      const s = p.streams[l.output]!;
      L.push(`  if (bitAt(top->h${h}_lv, ${i})) { rec.push_back(${h}); rec.push_back(${i}); rec.push_back(n);`);
      L.push(`    for (int c = 0; c < ${s.channels}; c++) rec.push_back(field(top->h${h}_ld, ${off} + c * ${s.format.bits}, ${s.format.bits}, ${s.format.signed})); }`);
      off += s.channels * s.format.bits;
    });
    const o = p.streams[p.output]!;
    L.push(`  if (top->h${h}_out_valid) { rec.push_back(${h}); rec.push_back(-1); rec.push_back(n); rec.push_back((int32_t)top->h${h}_cycle); rec.push_back(top->h${h}_out_last);`);
    L.push(`    for (int c = 0; c < ${o.channels}; c++) rec.push_back(field(top->h${h}_out_data, c * ${o.format.bits}, ${o.format.bits}, ${o.format.signed})); }`);
    L.push('}');
  });
  L.push(
    'int main(int argc, char** argv) {',
    '  if (argc < 4) { fprintf(stderr, "usage: tb DIR MAX_CYCLES STALL_SEED\\n"); return 2; }',
    '  std::string dir = argv[1]; long maxCycles = atol(argv[2]); uint32_t seed = (uint32_t)strtoul(argv[3], 0, 10);',
    `  const int NH = ${heads.length};`,
    `  const long npx[NH] = {${heads.map((b) => b.program.input.height * b.program.input.width).join(', ')}};`,
    '  std::vector<std::vector<uint8_t>> frames(NH);',
    '  for (int h = 0; h < NH; h++) {',
    '    std::string fn = dir + "/in" + std::to_string(h) + ".bin"; FILE* f = fopen(fn.c_str(), "rb");',
    '    if (!f) { fprintf(stderr, "tb: cannot open %s\\n", fn.c_str()); return 2; }',
    '    frames[h].resize(npx[h] * 3); if (fread(frames[h].data(), 1, npx[h] * 3, f) != (size_t)(npx[h] * 3)) { fprintf(stderr, "tb: short frame %s\\n", fn.c_str()); return 2; } fclose(f);',
    '  }',
    '  outf = fopen((dir + "/out.bin").c_str(), "wb"); if (!outf) { fprintf(stderr, "tb: cannot write out.bin\\n"); return 2; }',
    '  VerilatedContext* ctx = new VerilatedContext; Vtb_top* top = new Vtb_top(ctx);',
    '  top->clk = 0; top->rst = 1; top->ce = 1; top->eval();',
    '  for (int i = 0; i < 2; i++) { top->clk = 1; top->eval(); top->clk = 0; top->eval(); }',
    '  top->rst = 0;',
    '  long n = 0; long real = 0; uint32_t lcg = seed;',
    '  while (n < maxCycles) {',
    '    bool ce = true;',
    '    if (seed) { lcg = lcg * 1664525u + 1013904223u; ce = ((lcg >> 16) & 3u) != 0; }',
    '    top->ce = ce;',
  );
  heads.forEach((_, h) => {
    L.push(`    { bool v = ce && n < npx[${h}]; top->h${h}_in_valid = v; top->h${h}_in_first = v && n == 0;`);
    L.push(`      top->h${h}_in_rgb = v ? (uint32_t)frames[${h}][n * 3] | ((uint32_t)frames[${h}][n * 3 + 1] << 8) | ((uint32_t)frames[${h}][n * 3 + 2] << 16) : 0u; }`);
  });
  L.push('    top->clk = 0; top->eval();');
  L.push(`    if (ce) { ${heads.map((_, h) => `sample${h}(top, (int32_t)n);`).join(' ')} if (rec.size() > (1u << 20)) flush(); }`);
  L.push(
    '    top->clk = 1; top->eval();',
    '    if (ce) n++;',
    '    real++;',
    '  }',
    '  flush(); fclose(outf);',
    '  printf("tb: %ld enabled cycles, %ld clock cycles\\n", n, real);',
    '  top->final(); delete top; delete ctx; return 0;',
    '}', '');
  return L.join('\n');
}
