/**
 * `npm run bench`: start-up, Analyze and AnalyzeStack time of the pack against its floor,
 * a no-op pack of the same shape (as many resource, stack and dual policies as ours,
 * counted from our policy list), both started and driven as the CLI does, on generated
 * stacks of about 1,000 and 10,000 resources built by every area's generator. Prints the
 * figures side by side with their ratios and how each grows from 1,000 to 10,000
 * resources; `--readme` also writes them into the README. A benchmark, not a test: it
 * asserts nothing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultPackDir } from "../kit/cli";
import { PackProcess } from "../kit/engine/analyzer";
import { reconcileConfig } from "../kit/engine/config";
import { providerUrn, type EngineView } from "../kit/view";
import { readmePath } from "../scripts/render-docs";
import { generate, generators } from "./generators";

const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../.." : "..");
const NOOP_PACK = path.join(ROOT, "bench", "noop-pack");
const STARTS = 3;
const RUNS = 3;
const SIZES = [1000, 10000] as const;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => `${value.toFixed(value < 100 ? 1 : 0)} ms`;
const ratio = (value: number, floor: number) => `${(value / floor).toFixed(2)}×`;

interface Subject {
  readonly dir: string;
  readonly env?: Record<string, string>;
}

interface Analysis {
  readonly analyzeMs: number;
  readonly analyzeStackMs: number;
  readonly diagnostics: number;
  readonly peakRssMiB: number;
}

async function startupMs(subject: Subject): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < STARTS; i++) {
    const pack = await PackProcess.start(subject.dir, { env: subject.env });
    times.push(pack.startupMs);
    await pack.stop();
  }
  return median(times);
}

/** Analyze of every resource's inputs once (the resource policies), then AnalyzeStack RUNS times. */
async function analyze(subject: Subject, view: EngineView): Promise<Analysis> {
  const pack = await PackProcess.start(subject.dir, { ...view, env: subject.env });
  try {
    await pack.configureStack(view);
    await pack.configure(reconcileConfig(await pack.getAnalyzerInfo()));
    const byUrn = new Map(view.resources.map((r) => [r.urn, r]));
    const providerOf = (r: EngineView["resources"][number]) => (r.provider ? byUrn.get(providerUrn(r.provider)) : undefined);
    let diagnostics = 0;
    const started = process.hrtime.bigint();
    for (const resource of view.resources) diagnostics += (await pack.analyze(resource, resource.inputs, providerOf(resource))).length;
    const analyzeMs = Number(process.hrtime.bigint() - started) / 1e6;
    const times: number[] = [];
    let stackDiagnostics = 0;
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      stackDiagnostics = (await pack.analyzeStack(view.resources, providerOf)).length;
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return { analyzeMs, analyzeStackMs: median(times), diagnostics: diagnostics + stackDiagnostics, peakRssMiB: pack.peakRssMiB() };
  } finally {
    await pack.stop();
  }
}

/** The floor's environment: our pack's shape, counted from its policy list. */
async function floorShape(): Promise<Record<string, string>> {
  const { policies } = await import("../policy-pack/policies");
  const kinds = policies.map(
    (policy) =>
      ("validateResource" in policy ? "r" : "") + ("remediateResource" in policy ? "m" : "") + ("validateStack" in policy ? "s" : ""),
  );
  const count = (kind: string) => String(kinds.filter((k) => k === kind).length);
  const shape = {
    NOOP_RESOURCE_POLICIES: count("r"),
    NOOP_STACK_POLICIES: count("s"),
    NOOP_BOTH_POLICIES: count("rs"),
    NOOP_REMEDIATING_POLICIES: count("ms"),
  };
  // A shape the floor cannot take would make the comparison unfair: say so rather than mislead.
  const other = kinds.filter((k) => !["r", "s", "rs", "ms"].includes(k));
  if (other.length > 0) throw new Error(`the no-op floor has no policy of kind ${other.join(", ")}`);
  return shape;
}

async function main(): Promise<void> {
  const shape = await floorShape();
  const ours: Subject = { dir: defaultPackDir() };
  const floor: Subject = { dir: NOOP_PACK, env: shape };
  const header = [
    "measure",
    "aws-backup-guardrails",
    `no-op floor (${shape.NOOP_RESOURCE_POLICIES} resource, ${shape.NOOP_STACK_POLICIES} stack, ${shape.NOOP_BOTH_POLICIES} both, ${shape.NOOP_REMEDIATING_POLICIES} remediating stack)`,
    "ratio",
  ];
  const rows: string[][] = [];
  const [startOurs, startFloor] = [await startupMs(ours), await startupMs(floor)];
  rows.push([`start-up (median of ${STARTS})`, ms(startOurs), ms(startFloor), ratio(startOurs, startFloor)]);
  const stackTimes: Array<[number, number]> = [];
  for (const size of SIZES) {
    const view = generate(size);
    const a = await analyze(ours, view);
    const b = await analyze(floor, view);
    const n = view.resources.length;
    rows.push([`Analyze of each of ${n} resources (total)`, ms(a.analyzeMs), ms(b.analyzeMs), ratio(a.analyzeMs, b.analyzeMs)]);
    rows.push([
      `AnalyzeStack, ${n} resources (median of ${RUNS})`,
      ms(a.analyzeStackMs),
      ms(b.analyzeStackMs),
      ratio(a.analyzeStackMs, b.analyzeStackMs),
    ]);
    rows.push(["  diagnostics, peak RSS", `${a.diagnostics}, ${a.peakRssMiB} MiB`, `${b.diagnostics}, ${b.peakRssMiB} MiB`, ""]);
    stackTimes.push([a.analyzeStackMs, b.analyzeStackMs]);
  }
  const [[small, smallFloor] = [NaN, NaN], [large, largeFloor] = [NaN, NaN]] = stackTimes;
  rows.push([`AnalyzeStack growth, ${SIZES[1]} / ${SIZES[0]} resources`, ratio(large, small), ratio(largeFloor, smallFloor), ""]);
  const table = [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
  const machine = `Node.js ${process.version}, ${os.cpus().length} cores; ${new Date().toISOString().slice(0, 10)}; generators: ${generators.length}.`;
  process.stdout.write(`${table}\n\n${machine}\n`);
  if (process.argv.includes("--readme")) {
    const file = readmePath();
    const readme = fs.readFileSync(file, "utf8");
    const start = readme.indexOf("<!-- bench:start -->");
    const end = readme.indexOf("<!-- bench:end -->");
    fs.writeFileSync(file, `${readme.slice(0, start)}<!-- bench:start -->\n${table}\n\n${machine}\n${readme.slice(end)}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
