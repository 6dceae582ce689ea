// npm run device:pack [-- --node PATH] [--deb PATH] [--no-tar]
// The device check's bundle (docs/device-check.md): dist-node/revgnn-device-check/ with the
// single-file Node host and Dawn's binary, device-check.sh, the PyTorch Geometric peer, a Node
// binary and Debian's libvulkan1 .deb — and the same as a .tar.gz, which must stay under 60 MB.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { buildNodeHost, OUT_DIR } from './build.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const PEER_FILES = ['revgnn_step.py', 'model.py', 'part.py'];
const LIMIT_BYTES = 60 * 2 ** 20;

const README = `RevGNN Studio device check
==========================
On a Linux x86-64 machine with an NVIDIA GPU (driver installed), glibc >= 2.34:

  tar -xzf revgnn-device-check.tar.gz && cd revgnn-device-check
  ./device-check.sh --out device-check.json          # at most 6 minutes
  ./device-check.sh --python /path/to/python3 ...    # the Python with torch + torch_geometric

No Node, no internet and no install needed: ./node runs revgnn-node.mjs (dawn.node beside it);
the Vulkan loader is unpacked from the .deb when the system has none. Send device-check.json back.
Details: docs/device-check.md in the repository.
`;

export interface AssembleOptions {
  /** A Node binary to carry as ./node (null: none, the machine's node is used). */
  node: string | null;
  /** Debian's libvulkan1 .deb (null: none; 'download': apt-get download into the bundle). */
  deb: string | null;
}

/** Writes the bundle folder `dir` (replaced if present) and returns it. */
export async function assembleBundle(dir: string, o: AssembleOptions): Promise<string> {
  const { bundle, dawn } = await buildNodeHost();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  copyFileSync(bundle, join(dir, basename(bundle)));
  copyFileSync(dawn, join(dir, 'dawn.node'));
  copyFileSync(join(ROOT, 'scripts/device-check.sh'), join(dir, 'device-check.sh'));
  chmodSync(join(dir, 'device-check.sh'), 0o755);
  for (const f of PEER_FILES) copyFileSync(join(ROOT, 'bench/pyg', f), join(dir, f));
  writeFileSync(join(dir, 'README.txt'), README);
  if (o.node) {
    copyFileSync(o.node, join(dir, 'node'));
    chmodSync(join(dir, 'node'), 0o755);
  }
  if (o.deb === 'download') {
    const r = spawnSync('apt-get', ['download', 'libvulkan1'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0 || !readdirSync(dir).some((f) => f.startsWith('libvulkan1_'))) {
      throw new Error(
        `apt-get download libvulkan1 failed (${(r.stderr || r.error?.message || '').trim()}): ` +
          'pass --deb with a libvulkan1_*_amd64.deb from Debian or Ubuntu',
      );
    }
  } else if (o.deb) {
    copyFileSync(o.deb, join(dir, basename(o.deb)));
  }
  return dir;
}

function sizeOf(path: string): number {
  return statSync(path).size;
}

const invokedDirectly =
  process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const o = new Command()
    .name('device:pack')
    .option('--node <path>', 'the Node binary to carry (Linux x64, glibc ≥ 2.28)', process.execPath)
    .option('--deb <path>', "Debian's libvulkan1 .deb (default: apt-get download libvulkan1)")
    .option('--no-tar', 'only the folder, no .tar.gz')
    .parse()
    .opts<{ node: string; deb?: string; tar: boolean }>();
  const dir = await assembleBundle(join(OUT_DIR, 'revgnn-device-check'), {
    node: o.node,
    deb: o.deb ?? 'download',
  });
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const files = readdirSync(dir).map((f) => `${f} ${mb(sizeOf(join(dir, f)))}`);
  console.log(`wrote ${dir}: ${files.join(', ')}`);
  if (o.tar) {
    const tar = join(OUT_DIR, 'revgnn-device-check.tar.gz');
    const r = spawnSync('tar', ['-czf', tar, '-C', OUT_DIR, basename(dir)], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`tar failed (${r.status})`);
    const size = sizeOf(tar);
    console.log(`wrote ${tar} (${mb(size)})`);
    if (size > LIMIT_BYTES) {
      console.error(`error: the bundle is ${mb(size)}, over ${mb(LIMIT_BYTES)}`);
      process.exitCode = 1;
    }
  }
}
