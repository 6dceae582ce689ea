export function NoWebGpu({ message }: { message: string }) {
  return (
    <section className="panel warn" role="alert" data-testid="no-webgpu">
      <h2>WebGPU is not available</h2>
      <p>{message}</p>
      <p>
        RevGNN Studio trains on your own GPU through WebGPU, so it needs a browser that offers it:
        Chrome or Edge 113+ on Windows, macOS and ChromeOS; Chrome on Android 121+; Firefox 141+ on
        Windows; Safari 26+. On Linux, start Chromium with <code>--enable-unsafe-webgpu</code> (or
        enable <code>chrome://flags/#enable-unsafe-webgpu</code>).
      </p>
    </section>
  );
}
