/**
 * `node dist/bench/profile.js [size] [policy-name …]`: runs the pack in this process
 * (kit/inProcess.ts, as the SDK runs it) on the bench's generated stack and prints how
 * much CPU time each policy spends in Analyze and in AnalyzeStack, slowest first (CPU
 * time, not wall time, so that other work on the machine disturbs the figures less). Run it under
 * `node --cpu-prof` to find where that time goes. A profiling aid, not the benchmark:
 * it times policies, not the engine's (de)serialisation the floor accounts for.
 */
import type { Policy, ReportViolation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { runPolicies } from "../kit/inProcess";
import { policies } from "../policy-pack/policies";
import { generate } from "./generators";

const [sizeArg, ...only] = process.argv.slice(2);
const size = Number(sizeArg ?? 10000);

interface Timing {
  analyze: number;
  stack: number;
}

const timings = new Map<string, Timing>();
const timed = <A>(name: string, phase: keyof Timing, body: (args: A, report: ReportViolation) => unknown) => {
  return async (args: A, report: ReportViolation) => {
    const start = process.cpuUsage();
    try {
      return await body(args, report);
    } finally {
      const used = process.cpuUsage(start);
      const timing = timings.get(name) ?? { analyze: 0, stack: 0 };
      timing[phase] += (used.user + used.system) / 1e3;
      timings.set(name, timing);
    }
  };
};

const wrapped: Policy[] = policies
  .filter((policy) => only.length === 0 || only.includes(policy.name))
  .map((policy) => {
    const { validateResource } = policy as { validateResource?: (args: ResourceValidationArgs, report: ReportViolation) => unknown };
    const { validateStack } = policy as { validateStack?: (args: StackValidationArgs, report: ReportViolation) => unknown };
    return {
      ...policy,
      ...(validateResource && { validateResource: timed(policy.name, "analyze", validateResource) }),
      ...(validateStack && { validateStack: timed(policy.name, "stack", validateStack) }),
    } as Policy;
  });

async function main(): Promise<void> {
  const view = generate(size);
  const start = process.cpuUsage();
  const result = await runPolicies(wrapped, view);
  const used = process.cpuUsage(start);
  const total = (used.user + used.system) / 1e3;
  const rows = [...timings].sort(([, a], [, b]) => b.analyze + b.stack - (a.analyze + a.stack));
  const f = (value: number) => value.toFixed(0).padStart(8);
  process.stdout.write(
    `${view.resources.length} resources, ${result.diagnostics.length} diagnostics, ${total.toFixed(0)} ms of CPU in all\n`,
  );
  process.stdout.write(`${"analyze".padStart(8)} ${"stack".padStart(8)}  policy (CPU ms)\n`);
  for (const [name, timing] of rows) process.stdout.write(`${f(timing.analyze)} ${f(timing.stack)}  ${name}\n`);
  const sum = rows.reduce((acc, [, t]) => [acc[0]! + t.analyze, acc[1]! + t.stack], [0, 0]);
  process.stdout.write(`${f(sum[0]!)} ${f(sum[1]!)}  (policies' total)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
