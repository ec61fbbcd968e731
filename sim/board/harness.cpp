// Verilator harness of the whole board (generated `dhm_board`: 2-FF synchroniser, UART, protocol endpoint, head).
// It plays the far end of the UART wires at the bit level: bytes received on stdin are shifted into the board's RX
// pin (start bit, 8 data bits LSB first, stop bit, CLKS_PER_BIT clocks each), and the board's TX pin is sampled
// mid-bit and decoded back into bytes. So the UART bit timing is simulated in the RTL; only the wire ends are here.
//
// stdin (text lines from sim/board/rtl-board.ts):  W <hex bytes> | G | F silent|version|oversize | H 0|1 | Q
// stdout: E <cycle> <code>  — the board's frame decoder rejected a frame (1 header-crc, 2 bad-version,
//         3 frame-too-large, 4 frame-crc, 5 truncated-frame)
//         R <cycle> <hex bytes>  — one board frame as it left the TX pin, stamped with the cycle of its last stop
//         bit; the simulation then PAUSES until `G` (the host has reacted), so host reaction takes zero simulated
//         time. While the board is idle and nothing is queued, it blocks on stdin (simulated time does not pass).
#include "Vdhm_board.h"
#include "verilated.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <poll.h>
#include <unistd.h>

static Vdhm_board* top;
static unsigned long long cycle = 0;
static std::deque<unsigned char> rxq;   // bytes to shift into the board
static std::string inbuf;
static bool quit = false;
static int cpb = 8;
static bool hashFault = false;
static int pulseSilent = 0, pulseVersion = 0, pulseOversize = 0;
static bool waitingGo = false;

static int hexv(char c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }

static void handleLine(const std::string& l) {
  if (l.empty()) return;
  switch (l[0]) {
    case 'W':
      for (size_t i = 2; i + 1 < l.size(); i += 2) rxq.push_back((unsigned char)(hexv(l[i]) * 16 + hexv(l[i + 1])));
      break;
    case 'G': waitingGo = false; break;
    case 'F':
      if (l.find("silent") != std::string::npos) pulseSilent = 1;
      else if (l.find("version") != std::string::npos) pulseVersion = 1;
      else if (l.find("oversize") != std::string::npos) pulseOversize = 1;
      break;
    case 'H': hashFault = l.size() > 2 && l[2] == '1'; break;
    case 'Q': quit = true; break;
    default: fprintf(stderr, "harness: unknown command '%s'\n", l.c_str());
  }
}

// read what stdin has; block up to timeoutMs (-1 = forever) when nothing is there
static void readInput(int timeoutMs) {
  struct pollfd p = {0, POLLIN, 0};
  for (;;) {
    int r = poll(&p, 1, timeoutMs);
    if (r <= 0) return;
    char buf[65536];
    ssize_t n = read(0, buf, sizeof buf);
    if (n <= 0) { quit = true; return; }
    inbuf.append(buf, (size_t)n);
    size_t pos;
    while ((pos = inbuf.find('\n')) != std::string::npos) {
      handleLine(inbuf.substr(0, pos));
      inbuf.erase(0, pos + 1);
    }
    timeoutMs = 0;
  }
}

static void tick() {
  top->clk = 0; top->eval();
  top->clk = 1; top->eval();
  cycle++;
}

int main(int argc, char** argv) {
  Verilated::commandArgs(argc, argv);
  for (int i = 1; i < argc; i++) if (!strncmp(argv[i], "--cpb=", 6)) cpb = atoi(argv[i] + 6);
  setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
  top = new Vdhm_board;
  top->rx_async = 1; top->rst = 1; top->fault_silent = 0; top->fault_wrong_version = 0; top->fault_oversize = 0;
  top->fault_hash = 0;
  for (int i = 0; i < 8; i++) tick();
  top->rst = 0;
  printf("READY %d\n", cpb);
  fflush(stdout);
  // RX serialiser state
  int rxBit = -1, rxCnt = 0; unsigned rxByte = 0;   // rxBit: -1 idle, 0 start, 1..8 data, 9 stop
  // TX deserialiser state
  int txState = 0, txCnt = 0, txBits = 0; unsigned txByte = 0;  // 0 idle, 1 start, 2 data, 3 stop
  std::deque<bool> lastFlags;   // per byte handed to the UART: is it a frame's last byte
  std::string out;
  unsigned long long sinceRead = 0;
  int quiet = 0;   // cycles since the RX line last carried a byte (the board's receiver may still be finishing it)
  while (!quit) {
    bool idle = rxq.empty() && rxBit < 0 && quiet > 2 * cpb && txState == 0 && !top->busy && lastFlags.empty();
    if (idle) { fflush(stdout); readInput(-1); sinceRead = 0; continue; }
    if (++sinceRead >= 512) { readInput(0); sinceRead = 0; if (quit) break; }
    // drive RX
    if (rxBit < 0 && !rxq.empty()) { rxByte = rxq.front(); rxq.pop_front(); rxBit = 0; rxCnt = 0; }
    top->rx_async = rxBit < 0 ? 1 : rxBit == 0 ? 0 : rxBit == 9 ? 1 : (rxByte >> (rxBit - 1)) & 1;
    top->fault_silent = pulseSilent; top->fault_wrong_version = pulseVersion; top->fault_oversize = pulseOversize;
    top->fault_hash = hashFault;
    pulseSilent = pulseVersion = pulseOversize = 0;
    tick();
    if (top->tx_byte_go) lastFlags.push_back(top->tx_byte_last);
    if (top->rx_reject) printf("E %llu %d\n", cycle, (int)top->rx_reject_code);
    if (rxBit >= 0 && ++rxCnt == cpb) { rxCnt = 0; rxBit = rxBit == 9 ? -1 : rxBit + 1; }
    quiet = rxBit >= 0 ? 0 : quiet + 1;
    // sample TX
    int t = top->tx;
    switch (txState) {
      case 0: if (!t) { txState = 1; txCnt = 0; } break;
      case 1: if (++txCnt == cpb / 2) { txState = t ? 0 : 2; txCnt = 0; txBits = 0; txByte = 0; } break;
      case 2:
        if (++txCnt == cpb) { txCnt = 0; txByte |= (unsigned)t << txBits; if (++txBits == 8) txState = 3; }
        break;
      case 3:
        if (++txCnt == cpb) {
          txState = 0;
          if (!t) { fprintf(stderr, "harness: TX framing error at cycle %llu\n", cycle); break; }
          char h[3]; snprintf(h, sizeof h, "%02x", txByte); out += h;
          bool last = !lastFlags.empty() && lastFlags.front();
          if (!lastFlags.empty()) lastFlags.pop_front();
          if (last) {
            printf("R %llu %s\n", cycle, out.c_str());
            fflush(stdout);
            out.clear();
            waitingGo = true;
            while (waitingGo && !quit) readInput(-1);
          }
        }
        break;
    }
  }
  top->final();
  delete top;
  return 0;
}
