// The page's "Export to PyTorch": the package as one .zip (fflate), under a folder of its name,
// with the dataset's files beside it when the page can read them (a built-in dataset).
import { strToU8, zipSync, type Zippable } from 'fflate';
import { pytorchPackage, type ExportRequest } from './pytorch-package';
import { BUNDLED_TEMPLATES } from './pytorch-templates';

export function pytorchZip(
  req: ExportRequest,
  folder: string,
  dataset: { dir: string; files: Record<string, Uint8Array> } | null = null,
): Uint8Array {
  const files = pytorchPackage(
    dataset ? { ...req, dataset: { name: req.dataset?.name ?? null, dir: dataset.dir } } : req,
    BUNDLED_TEMPLATES,
  );
  const tree: Zippable = {};
  for (const [name, body] of Object.entries(files))
    tree[`${folder}/${name}`] = typeof body === 'string' ? strToU8(body) : body;
  if (dataset)
    for (const [name, body] of Object.entries(dataset.files))
      tree[`${folder}/${dataset.dir}/${name}`] = body;
  return zipSync(tree, { level: 6 });
}
