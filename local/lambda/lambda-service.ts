import type { DeployedFunction } from "../deploy/deployer";
import { FunctionPool, type PoolOptions } from "./function-pool";
import { FunctionNotFoundError } from "./lambda-error";

/** The deployed functions, addressable by name or ARN (with or without a qualifier). */
export class LambdaService {
  private readonly pools = new Map<string, FunctionPool>();

  constructor(private readonly options: PoolOptions) {}

  async create(fn: DeployedFunction): Promise<void> {
    const pool = new FunctionPool(fn, this.options);
    this.pools.set(fn.name, pool);
    await pool.warm();
  }

  invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    return this.get(nameOrArn).invoke(event);
  }

  has(nameOrArn: string): boolean {
    return this.pools.has(functionName(nameOrArn));
  }

  close(): void {
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }

  private get(nameOrArn: string): FunctionPool {
    const pool = this.pools.get(functionName(nameOrArn));
    if (!pool) throw new FunctionNotFoundError(`Function not found: ${nameOrArn}`);
    return pool;
  }
}

/** `arn:aws:lambda:r:a:function:name[:qualifier]` or `name[:qualifier]` → name. */
export function functionName(nameOrArn: string): string {
  const parts = nameOrArn.split(":");
  if (parts[0] === "arn") return parts[6] ?? nameOrArn;
  return parts[0] ?? nameOrArn;
}
