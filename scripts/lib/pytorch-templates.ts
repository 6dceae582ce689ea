// The Python templates of the PyTorch export, read from src/export/pytorch/ (the page bundles the
// same files through src/export/pytorch-templates.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PYTORCH_TEMPLATES, type PytorchTemplates } from '../../src/export/pytorch-package.ts';

const DIR = new URL('../../src/export/pytorch/', import.meta.url);

export function diskTemplates(): PytorchTemplates {
  const out = {} as PytorchTemplates;
  for (const name of PYTORCH_TEMPLATES)
    out[name] = readFileSync(fileURLToPath(new URL(name, DIR)), 'utf8');
  return out;
}
