// The Python templates as the page's bundle carries them (Vite's ?raw imports). The CLI reads
// the same files from disk (scripts/lib/pytorch-templates.ts).
import model from './pytorch/model.py?raw';
import layers from './pytorch/layers.py?raw';
import aggregate from './pytorch/aggregate.py?raw';
import gat from './pytorch/gat.py?raw';
import coupling from './pytorch/coupling.py?raw';
import deq from './pytorch/deq.py?raw';
import data from './pytorch/data.py?raw';
import partitions from './pytorch/partitions.py?raw';
import evaluate from './pytorch/evaluate.py?raw';
import train from './pytorch/train.py?raw';
import predict from './pytorch/predict.py?raw';
import weightsIo from './pytorch/weights_io.py?raw';
import readme from './pytorch/README.md?raw';
import type { PytorchTemplates } from './pytorch-package';

export const BUNDLED_TEMPLATES: PytorchTemplates = {
  'model.py': model,
  'layers.py': layers,
  'aggregate.py': aggregate,
  'gat.py': gat,
  'coupling.py': coupling,
  'deq.py': deq,
  'data.py': data,
  'partitions.py': partitions,
  'evaluate.py': evaluate,
  'train.py': train,
  'predict.py': predict,
  'weights_io.py': weightsIo,
  'README.md': readme,
};
