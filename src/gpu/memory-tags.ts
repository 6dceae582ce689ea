// The categories every byte on the GPU is booked under (DESIGN §2).
export const MEMORY_TAGS = [
  'params',
  'grads',
  'optimizer',
  'activations',
  'workspace',
  'graph',
  'io',
] as const;

export type MemoryTag = (typeof MEMORY_TAGS)[number];

export type ByTag = Record<MemoryTag, number>;

export function zeroByTag(): ByTag {
  return { params: 0, grads: 0, optimizer: 0, activations: 0, workspace: 0, graph: 0, io: 0 };
}
