// Pause, resume and stop for the job the worker is running. The trainer awaits control() before
// every step, so a pause holds the run at a step boundary and a stop ends it cleanly there.
export class JobControl {
  private pausedFlag = false;
  private stopped = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly onPause: (paused: boolean) => void = () => undefined) {}

  get paused(): boolean {
    return this.pausedFlag;
  }

  get stopRequested(): boolean {
    return this.stopped;
  }

  pause(): void {
    if (this.pausedFlag || this.stopped) return;
    this.pausedFlag = true;
    this.onPause(true);
  }

  resume(): void {
    if (!this.pausedFlag) return;
    this.pausedFlag = false;
    this.onPause(false);
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  async control(): Promise<'continue' | 'stop'> {
    while (this.pausedFlag && !this.stopped) await new Promise<void>((r) => this.waiters.push(r));
    return this.stopped ? 'stop' : 'continue';
  }

  private wake(): void {
    const w = this.waiters.splice(0);
    for (const r of w) r();
  }
}
