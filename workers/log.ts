// One JSON object per line on stdout: greppable by operators, parseable by tests and log shippers.
export type LogLevel = "debug" | "info" | "warn" | "error";
export type Log = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

export function jsonLineLog(write: (line: string) => void = (line) => process.stdout.write(line)): Log {
  return (level, event, fields = {}) => {
    write(`${JSON.stringify({ ts: new Date().toISOString(), level, event, ...fields })}\n`);
  };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
