/**
 * Runs `flexgate <args>` inside the test process: commander parses the same program the binary does
 * (src/cli/program.ts) and stdout/stderr are captured, without the 0.2–1.5 s of spawning node. For what only
 * a process shows — the exit code of the binary, stdin, signals — use cli-process.ts instead.
 */
import { runFlexgate } from '../../src/cli/program.js';
import type { CliResult } from './cli-process.js';

let queue: Promise<unknown> = Promise.resolve();

/** One at a time: the output streams and the environment are the process's own. */
export function runCliInProcess(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const run = queue.then(() => capture(args, env));
  queue = run.catch(() => undefined);
  return run;
}

async function capture(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const savedEnv = { ...process.env };
  // As for a spawned CLI (cleanEnv): no FLEXGATE_* variable of the developer's leaks in.
  for (const name of Object.keys(process.env)) if (name.startsWith('FLEXGATE_')) delete process.env[name];
  Object.assign(process.env, env);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await runFlexgate(args);
    return { code, signal: null, stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
  }
}
