/** Every line pino writes, kept in memory: a destination for `createLogger(level, log)`. */
export class MemoryLog {
  readonly lines: string[] = [];

  write(line: string): void {
    this.lines.push(line);
  }

  /** Every line, one after another. */
  get text(): string {
    return this.lines.join('');
  }

  /** The lines as JSON objects, those of request `reqId` only when given. */
  records(reqId?: string): Record<string, unknown>[] {
    const all = this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    return reqId === undefined ? all : all.filter((record) => record['reqId'] === reqId);
  }
}
