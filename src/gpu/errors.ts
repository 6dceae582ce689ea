// Typed failures of the GPU layer, so the page and the CLI can say what happened in plain words.
import type { MemoryTag } from './memory-tags';
import { formatBytes } from '../util/format';

export type OomSource = 'budget' | 'device' | 'limit';

/** One error type for every way an allocation can fail: simulated budget, real device, size limit. */
export class GpuOutOfMemoryError extends Error {
  readonly source: OomSource;
  readonly requestedBytes: number;
  readonly tag: MemoryTag;
  readonly phase: string;
  constructor(
    source: OomSource,
    requestedBytes: number,
    tag: MemoryTag,
    phase: string,
    detail: string,
  ) {
    super(
      `Out of GPU memory (${source}): could not allocate ${formatBytes(requestedBytes)} ` +
        `(${requestedBytes} bytes) for ${tag}${phase ? ` during "${phase}"` : ''}. ${detail}`,
    );
    this.name = 'GpuOutOfMemoryError';
    this.source = source;
    this.requestedBytes = requestedBytes;
    this.tag = tag;
    this.phase = phase;
  }
}

export type UnavailableReason = 'no-api' | 'no-adapter' | 'no-device';

export class WebGpuUnavailableError extends Error {
  readonly reason: UnavailableReason;
  constructor(reason: UnavailableReason, detail = '') {
    super(unavailableMessage(reason) + (detail ? ` (${detail})` : ''));
    this.name = 'WebGpuUnavailableError';
    this.reason = reason;
  }
}

export function unavailableMessage(reason: UnavailableReason): string {
  switch (reason) {
    case 'no-api':
      return (
        'This browser does not expose WebGPU. Use a recent Chrome, Edge or Chromium (Firefox 141+ ' +
        'and Safari 26+ also ship it). On Linux, Chromium needs the flag --enable-unsafe-webgpu ' +
        '(or chrome://flags/#enable-unsafe-webgpu).'
      );
    case 'no-adapter':
      return (
        'WebGPU is present but the browser gave no GPU adapter. Your GPU or driver may be ' +
        'blocklisted: update the driver, or on Linux start Chromium with --enable-unsafe-webgpu.'
      );
    case 'no-device':
      return 'The GPU adapter refused to create a device. Close other GPU-heavy tabs and reload.';
  }
}

/** A non-persistent buffer still in use after a step: a leak in the caller. */
export class GpuLeakError extends Error {
  constructor(readonly leaks: { label: string; tag: MemoryTag; bytes: number }[]) {
    super(
      `${leaks.length} buffer(s) still in use after the step: ` +
        leaks
          .slice(0, 8)
          .map((l) => `${l.label} (${l.tag}, ${l.bytes} B)`)
          .join(', ') +
        (leaks.length > 8 ? ', …' : ''),
    );
    this.name = 'GpuLeakError';
  }
}
