/**
 * Returning large buffers to the allocator when an upload ends, instead of
 * whenever V8 next collects their ArrayBuffers.
 * @module
 */

/**
 * Frees the memory behind `buffers` now, by detaching their ArrayBuffers
 * (`transfer(0)`); every view of them reads as empty afterwards. Only for
 * buffers nothing reads any more.
 *
 * A running server otherwise holds the last upload's part buffers until a
 * major GC while the next upload allocates its own: the allocator's heap
 * grows to hold both sets and keeps the space (measured: +50-60 MiB of RSS
 * over four 100 MB uploads in one process).
 */
export function freeBuffers(buffers: Iterable<Uint8Array | null | undefined>): void {
  for (const bytes of buffers) {
    const buffer = bytes?.buffer;
    if (buffer instanceof ArrayBuffer && !buffer.detached && !buffer.resizable) buffer.transfer(0);
  }
}
