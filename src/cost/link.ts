/**
 * Link models: bytes of a feature map on the wire and the transfer time over PCIe (the authors' measured fit) or a
 * Web Serial UART. Feature maps travel channel-fastest (HWC) as 1 byte per value up to 8 bits, 2 bytes up to 16 bits,
 * 4 bytes above (an assumption for widths > 8: the authors' DMA only carries uint8).
 */
import type { LinkProfile } from './devices';
import { modelled, type Figure } from '../provenance/provenance';

/** Bytes per value on the wire for a value of `bits` bits (1, 2 or 4). */
export function wireBytesPerValue(bits: number): number {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`link: value width must be 1..32 bits, got ${bits}`);
  return bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
}

/** Payload bytes of `values` values of `bits` bits each, padded to whole DMA words for PCIe. */
export function linkBytes(values: number, bits: number, link: LinkProfile): number {
  if (!Number.isInteger(values) || values < 0) throw new RangeError(`link: value count must be a non-negative integer, got ${values}`);
  const raw = values * wireBytesPerValue(bits);
  if (link.kind === 'pcie-gen2x4') {
    const w = link.wordBytes.value;
    return Math.ceil(raw / w) * w;
  }
  return raw;
}

/** Transfer time of `bytes` bytes in ms, as a plain number (0 bytes → 0). */
export function linkMs(bytes: number, link: LinkProfile): number {
  if (bytes <= 0) return 0;
  if (link.kind === 'pcie-gen2x4') return link.slopeMsPerKiB.value * (bytes / 1024) + link.interceptMs.value;
  return (bytes * link.bitsPerByte.value * 1000) / link.baud.value + link.perTransferMs.value;
}

/** Bytes of the DMA chunk a transfer of `bytes` starts or ends with (the whole transfer on a serial link). */
export function firstChunkBytes(bytes: number, link: LinkProfile): number {
  return link.kind === 'pcie-gen2x4' ? Math.min(bytes, link.dmaChunkBytes.value) : bytes;
}

/** Transfer time of `bytes` bytes (0 bytes → 0 ms: no transfer). */
export function linkTimeMs(bytes: number, link: LinkProfile): Figure {
  if (bytes <= 0) return modelled(0, 'ms', 'no transfer');
  if (link.kind === 'pcie-gen2x4') {
    const kib = bytes / 1024;
    return modelled(
      link.slopeMsPerKiB.value * kib + link.interceptMs.value,
      'ms',
      `PCIe fit ${link.slopeMsPerKiB.value}·S_KiB + ${link.interceptMs.value} ms with S = ${bytes} bytes (${link.slopeMsPerKiB.provenance})`,
    );
  }
  const ms = (bytes * link.bitsPerByte.value * 1000) / link.baud.value + link.perTransferMs.value;
  return modelled(ms, 'ms', `${bytes} bytes × ${link.bitsPerByte.value} line bits / ${link.baud.value} baud + ${link.perTransferMs.value} ms`);
}
