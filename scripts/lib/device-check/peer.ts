// The PyTorch Geometric peer of the device check: bench/pyg/revgnn_step.py on the same part and
// the same networks, run by the machine's python3 when it can import torch_geometric (a dry run
// takes plain PyTorch on the CPU when PyG is missing, so the pipeline is exercised here too).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DeviceStepSpec } from '../../../src/headless/device-check.ts';

export interface PeerStep {
  label: string;
  status: 'ok' | 'error';
  message?: string;
  params: number;
  loss: number | null;
  stepMs: number;
  stepMsAll: number[];
  /** torch.cuda.max_memory_allocated over the step (null on the CPU). */
  maxMemoryAllocated: number | null;
  /** torch.cuda.max_memory_reserved: what the caching allocator held. */
  maxMemoryReserved: number | null;
}

export interface PeerResult {
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  python: string;
  torch: string | null;
  pyg: string | null;
  /** pyg: GroupAddRev + GENConv; plain: the same coupling in plain PyTorch (no PyG). */
  impl: 'pyg' | 'plain' | null;
  device: string | null;
  /** PyG's network against the plain one on the same weights (when both ran). */
  implCheck?: { pygLoss: number; plainLoss: number; absDiff: number } | null;
  steps: PeerStep[];
}

export interface PythonInfo {
  torch: string | null;
  pyg: string | null;
  cuda: boolean;
  error?: string;
}

const PROBE = `
import json
r = {"torch": None, "pyg": None, "cuda": False}
try:
    import torch
    r["torch"] = torch.__version__
    r["cuda"] = bool(torch.cuda.is_available())
except Exception as e:
    r["error"] = "import torch: %s" % e
try:
    import torch_geometric
    r["pyg"] = torch_geometric.__version__
except Exception:
    pass
print(json.dumps(r))
`;

export function probePython(python: string): PythonInfo {
  const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 120_000 });
  if (r.error)
    return { torch: null, pyg: null, cuda: false, error: `${python}: ${r.error.message}` };
  try {
    return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as PythonInfo;
  } catch {
    return { torch: null, pyg: null, cuda: false, error: `${python}: ${r.stderr.trim()}` };
  }
}

/** The script beside the single-file build, else in the repository's bench/pyg/. */
export function peerScript(): string | null {
  const candidates = [
    process.env.REVGNN_PYG_SCRIPT,
    fileURLToPath(new URL('./revgnn_step.py', import.meta.url)),
    // The repository's, from dist-node/revgnn-node.mjs or from scripts/lib/device-check/.
    fileURLToPath(new URL('../bench/pyg/revgnn_step.py', import.meta.url)),
    fileURLToPath(new URL('../../../bench/pyg/revgnn_step.py', import.meta.url)),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

export interface PeerRun {
  python: string;
  data: string;
  steps: DeviceStepSpec[];
  reps: { warmup: number; timed: number }[];
  seed: number;
  dryRun: boolean;
  out: string;
  timeoutMs: number;
}

export function runPeer(o: PeerRun): PeerResult {
  const info = probePython(o.python);
  const base = { python: o.python, torch: info.torch, pyg: info.pyg, device: null, steps: [] };
  const skip = (reason: string): PeerResult => ({ ...base, status: 'skipped', reason, impl: null });
  if (!info.torch) return skip(info.error ?? `${o.python} cannot import torch`);
  if (!info.pyg && !o.dryRun) return skip(`${o.python} cannot import torch_geometric`);
  const script = peerScript();
  if (!script) return skip('bench/pyg/revgnn_step.py is not beside the build');
  if (o.timeoutMs <= 0) return skip('not started: the time budget was spent');
  const config = o.steps.map((s, i) => ({ label: s.label, ...s.model, ...o.reps[i] }));
  const r = spawnSync(
    o.python,
    [script, 'bench', '--data', o.data, '--config', JSON.stringify(config)]
      .concat(['--seed', String(o.seed), '--out', o.out])
      .concat(info.cuda ? ['--device', 'cuda'] : ['--device', 'cpu']),
    { encoding: 'utf8', timeout: o.timeoutMs, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (r.error || r.status !== 0 || !existsSync(o.out)) {
    const why = r.error?.message ?? `exit status ${r.status ?? r.signal}`;
    return { ...base, status: 'error', reason: `${script}: ${why}`, impl: null };
  }
  return {
    ...base,
    ...(JSON.parse(readFileSync(o.out, 'utf8')) as Partial<PeerResult>),
  } as PeerResult;
}
