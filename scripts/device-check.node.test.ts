// `device-check.sh --dry-run` end to end, as on the GPU machine: the bundle (single-file Node
// host, dawn.node, the PyTorch peer) in a folder with no node_modules, Dawn on SwiftShader, the
// PyTorch peer on the CPU where /usr/bin/python3 has torch. Checks the JSON it writes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DRY_PLAN, REAL_PLAN } from './lib/device-check/plan.ts';
import { assembleBundle } from './node-host/pack.ts';

const PYTHON = process.env.REVGNN_TORCH_PYTHON ?? '/usr/bin/python3';
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'revgnn-device-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the device check', () => {
  it('plans the same items for a dry run as for a real one', () => {
    const items = (p: typeof REAL_PLAN) => p.steps.map((s) => [s.model.model, s.model.op]);
    expect(items(DRY_PLAN)).toEqual(items(REAL_PLAN));
    expect(DRY_PLAN.kernels.channels).toEqual([64, 128, 256]);
    expect(REAL_PLAN.kernels.channels).toEqual([64, 128, 256]);
    expect(REAL_PLAN.steps.map((s) => s.label)).toEqual([
      'rev GEN 112×64',
      'res GEN 112×64',
      'rev GEN 1001×64',
    ]);
    expect(DRY_PLAN.peerReps.length).toBe(DRY_PLAN.steps.length);
    expect(REAL_PLAN.totalMs).toBeLessThanOrEqual(6 * 60_000);
  });

  it('--dry-run --out writes the JSON from a bundle folder', async () => {
    const dir = await assembleBundle(join(tmp, 'bundle'), { node: null, deb: null });
    const out = join(tmp, 'check.json');
    const r = spawnSync(
      'bash',
      [join(dir, 'device-check.sh'), '--dry-run', '--out', out, '--python', PYTHON],
      { encoding: 'utf8', timeout: 700_000, cwd: tmp },
    );
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j).toMatchObject({ kind: 'revgnn-device-check', mode: 'dry-run', engineError: null });
    expect(j.adapter.isFallback).toBe(true);
    expect(j.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(j.part.edges).toBeGreaterThan(j.part.nodes);
    expect(j.kernels.gemm.map((g: { channels: number }) => g.channels)).toEqual([64, 128, 256]);
    for (const g of j.kernels.gemm) expect(g.gflops * g.naiveGflops).toBeGreaterThan(0);
    for (const s of j.kernels.spmm) expect(s.gbps * s.overCopy).toBeGreaterThan(0);
    // Every kernel variant the adapter runs, each against its baseline (naive GEMM or copy).
    const variants = j.kernels.variants as { family: string; variant: string; value: number }[];
    expect(variants.map((v) => `${v.family}=${v.variant}`)).toEqual(
      expect.arrayContaining(['gemm=tiled', 'gemm-dw=tiled', 'spmm=rowblock', 'norm=row']),
    );
    for (const v of j.kernels.variants) expect(v.value * v.overBaseline).toBeGreaterThan(0);
    expect(j.steps.map((s: { label: string }) => s.label)).toEqual(
      DRY_PLAN.steps.map((s) => s.label),
    );
    for (const s of j.steps) {
      expect(s.status, s.message).toBe('ok');
      expect(s.stepMs).toBeGreaterThan(0);
      expect(s.peakHeldBytes).toBeGreaterThanOrEqual(s.peakBytes);
    }
    // rev: activations and workspace do not grow with depth (4 → 12 layers); res's are larger.
    const act = (i: number) => j.steps[i].peakByTag.activations + j.steps[i].peakByTag.workspace;
    expect(act(2)).toBe(act(0));
    expect(act(1)).toBeGreaterThan(act(0));
    if (!hasTorch) {
      expect(j.peer.status).toBe('skipped');
      return;
    }
    expect(j.peer).toMatchObject({ status: 'ok', impl: 'plain', device: 'cpu' });
    expect(j.peer.steps.map((s: { status: string }) => s.status)).toEqual(['ok', 'ok', 'ok']);
    expect(j.comparison.length).toBe(3);
    for (const c of j.comparison) expect(c.stepTimeRatio).toBeGreaterThan(0);
  }, 720_000);
});
