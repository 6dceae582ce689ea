import type { AdapterSummary, DeviceLimits } from '../gpu/device';
import { formatBytes } from '../util/format';
import type { KernelVariants as Choices } from '../worker/protocol';
import { KernelVariants } from './KernelVariants';

export function AdapterPanel(props: {
  adapter: AdapterSummary;
  limits: DeviceLimits;
  features: string[];
  kernels: Choices | null;
}) {
  const { adapter, limits, features } = props;
  return (
    <section className="panel" aria-labelledby="adapter-title" data-testid="adapter-panel">
      <h2 id="adapter-title">GPU adapter</h2>
      <dl className="facts">
        <dt>Vendor</dt>
        <dd data-testid="adapter-vendor">{adapter.vendor}</dd>
        <dt>Architecture</dt>
        <dd data-testid="adapter-architecture">{adapter.architecture}</dd>
        <dt>Kind</dt>
        <dd data-testid="adapter-kind">
          {adapter.isFallback ? 'software (CPU emulation: expect slow training)' : 'hardware'}
        </dd>
        <dt>Storage buffers / stage</dt>
        <dd>{limits.maxStorageBuffersPerShaderStage}</dd>
        <dt>Largest binding</dt>
        <dd>{formatBytes(limits.maxStorageBufferBindingSize)}</dd>
        <dt>Largest buffer</dt>
        <dd>{formatBytes(limits.maxBufferSize)}</dd>
        <dt>Workgroup memory</dt>
        <dd>{formatBytes(limits.maxComputeWorkgroupStorageSize)}</dd>
        <dt>Features</dt>
        <dd>
          {features
            .filter((f) => ['timestamp-query', 'subgroups', 'shader-f16'].includes(f))
            .join(', ') || 'none of the optional ones'}
        </dd>
      </dl>
      <h3>Kernels</h3>
      <KernelVariants choices={props.kernels} />
    </section>
  );
}
