import { randomUUID } from "node:crypto";
import { nextDelayMs } from "./schedule-expression";

// Runs EventBridge scheduled rules: invokes each target Lambda with a "Scheduled Event".
// LOCAL_SCHEDULE_SCALE shrinks the intervals (0.1 → a 1-minute rate fires every 6 s).

export type InvokeTarget = (arn: string, event: unknown) => Promise<unknown>;

export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly invoke: InvokeTarget,
    private readonly scale: number,
    private readonly region: string,
    private readonly accountId: string,
    private readonly log: (line: string) => void,
  ) {}

  add(ruleName: string, expression: string, targetArns: string[]): void {
    nextDelayMs(expression, new Date());
    this.arm(ruleName, expression, targetArns);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(ruleName: string, expression: string, targetArns: string[]): void {
    if (this.stopped) return;
    const delay = nextDelayMs(expression, new Date());
    if (delay === undefined) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.fire(ruleName, targetArns);
        this.arm(ruleName, expression, targetArns);
      },
      Math.max(100, Math.min(delay * this.scale, 2_147_483_647)),
    );
    timer.unref();
    this.timers.add(timer);
  }

  private fire(ruleName: string, targetArns: string[]): void {
    const event = {
      version: "0",
      id: randomUUID(),
      "detail-type": "Scheduled Event",
      source: "aws.events",
      account: this.accountId,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: this.region,
      resources: [`arn:aws:events:${this.region}:${this.accountId}:rule/${ruleName}`],
      detail: {},
    };
    for (const arn of targetArns) {
      this.invoke(arn, event).catch((error: Error) =>
        this.log(`schedule ${ruleName} → ${arn} failed: ${error.name}`),
      );
    }
  }
}
