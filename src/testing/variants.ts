// Runs a block of kernel tests once per variant of a family, with the shared runtime pinned to
// that variant for the block. A variant this adapter cannot run (subgroups missing) is skipped
// with the reason; on SwiftShader every variant runs.
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import {
  unavailableReason,
  variantNames,
  type Family,
  type VariantName,
} from '../kernels/variants';
import { sharedRuntime } from './gpu-fixture';

export function forEachVariant<F extends Family>(
  family: F,
  body: (variant: VariantName<F>) => void,
  /** Families pinned to the same variant name alongside (gemm-dw with gemm). */
  alongside: Family[] = [],
): void {
  for (const variant of variantNames(family)) {
    describe(`${[family, ...alongside].map((f) => `${f}=${variant}`).join(', ')}`, () => {
      const restore: (() => void)[] = [];
      let why: string | null = null;
      beforeAll(async () => {
        const rt = await sharedRuntime();
        why = unavailableReason(rt, family, variant);
        if (why) return;
        for (const f of [family, ...alongside]) restore.push(rt.variants.pin(f, variant));
      });
      afterAll(() => {
        for (const r of restore.splice(0)) r();
      });
      beforeEach((ctx) => {
        if (why) ctx.skip(`${family}=${variant} cannot run on this adapter: ${why}`);
      });
      body(variant);
    });
  }
}
