/**
 * The structural shape of a serial port the board backend drives — the subset of the Web Serial `SerialPort`
 * (https://wicg.github.io/serial/) it uses, so a real `SerialPort`, the fake port of the tests and the
 * MessagePort-backed port of the worker simulator all fit. Bytes only; no DOM types in the core.
 */

/** Result of a reader's `read()` (as WHATWG streams). */
export type ReadResult = { readonly done: false; readonly value: Uint8Array } | { readonly done: true; readonly value?: undefined };

/** A reader of a byte stream (WHATWG `ReadableStreamDefaultReader<Uint8Array>` subset). */
export interface ByteReader {
  read(): Promise<ReadResult>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}

/** A writer of a byte stream (WHATWG `WritableStreamDefaultWriter<Uint8Array>` subset). */
export interface ByteWriter {
  write(chunk: Uint8Array): Promise<void>;
  releaseLock(): void;
}

/** Readable side (WHATWG `ReadableStream<Uint8Array>` subset). */
export interface ByteReadable {
  getReader(): ByteReader;
}

/** Writable side (WHATWG `WritableStream<Uint8Array>` subset). */
export interface ByteWritable {
  getWriter(): ByteWriter;
}

/** A bidirectional byte connection. */
export interface ByteDuplex {
  readonly readable: ByteReadable | null;
  readonly writable: ByteWritable | null;
}

/** The `SerialPort` subset: open at a baud rate, two streams, close, and a `disconnect` event. */
export interface SerialPortLike extends ByteDuplex {
  open(options: { baudRate: number }): Promise<void>;
  close(): Promise<void>;
  addEventListener?(type: 'disconnect', listener: () => void): void;
  removeEventListener?(type: 'disconnect', listener: () => void): void;
}

/** The board's side of a link: yields one connection per power-up / plug-in; `null` when the link is shut down. */
export interface BoardEndpoint {
  nextConnection(): Promise<ByteDuplex | null>;
}
