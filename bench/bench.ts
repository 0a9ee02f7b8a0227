/**
 * `npm run bench`: start-up and AnalyzeStack time of the pack against a no-op pack (the
 * floor), both started as the CLI starts them, on generated stacks of 1,000 and 10,000
 * resources. Prints the figures side by side with their ratios; `--readme` also writes
 * them into the README. A benchmark, not a test: it asserts nothing.
 */
import * as aws from "@pulumi/aws";
import * as fs from "fs";
import * as path from "path";
import { defaultPackDir } from "../kit/cli";
import { PackProcess } from "../kit/engine/analyzer";
import { reconcileConfig } from "../kit/engine/config";
import { FixtureStack, ref } from "../kit/fixtures";
import { providerUrn, type EngineView } from "../kit/view";
import { readmePath } from "../scripts/render-docs";

const ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? "../.." : "..");
const NOOP_PACK = path.join(ROOT, "bench", "noop-pack");
const STARTS = 3;
const RUNS = 3;

/**
 * A stack shaped like a real one: of every 10 resources, a key and its alias, two
 * vaults, two backup buckets with split encryption (one on the AWS-managed key), a
 * workload role, and a key with a policy naming it.
 */
function generate(size: number): EngineView {
  const stack = new FixtureStack({ project: "bench", stack: `s${size}` });
  for (let i = 0; i < size / 10; i++) {
    const key = stack.add(aws.kms.Key, `key-${i}`, { enableKeyRotation: i % 3 !== 0, deletionWindowInDays: i % 5 === 0 ? 7 : 30 });
    const alias = stack.add(aws.kms.Alias, `alias-${i}`, { name: `alias/backup-${i}`, targetKeyId: ref(key, "keyId") });
    stack.add(aws.backup.Vault, `vault-${i}`, { kmsKeyArn: ref(key, "arn") });
    stack.add(aws.backup.Vault, `vault-alias-${i}`, { kmsKeyArn: ref(alias, "arn") });
    const bucket = stack.add(aws.s3.Bucket, `bucket-${i}`, { tags: { purpose: "backup" } });
    stack.add(aws.s3.BucketServerSideEncryptionConfiguration, `bucket-${i}-sse`, {
      bucket: ref(bucket, "id"),
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: ref(key, "arn") } }],
    });
    const other = stack.add(aws.s3.BucketV2, `bucket-v2-${i}`, { tags: { Purpose: "Backup" } });
    stack.add(aws.s3.BucketServerSideEncryptionConfigurationV2, `bucket-v2-${i}-sse`, {
      bucket: ref(other, "id"),
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
    });
    stack.add(aws.iam.Role, `role-${i}`, { name: `app-${i}`, assumeRolePolicy: "{}" });
    stack.add(aws.kms.Key, `policy-key-${i}`, {
      enableKeyRotation: true,
      policy: JSON.stringify({
        Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::123456789012:role/app-${i}` }, Action: "kms:*", Resource: "*" }],
      }),
    });
  }
  return stack.view();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const ms = (value: number) => `${value.toFixed(value < 100 ? 1 : 0)} ms`;

interface Subject {
  readonly dir: string;
  readonly env?: Record<string, string>;
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

async function analyzeStackMs(subject: Subject, view: EngineView): Promise<{ ms: number; diagnostics: number; peakRssMiB: number }> {
  const pack = await PackProcess.start(subject.dir, { ...view, env: subject.env });
  try {
    await pack.configureStack(view);
    await pack.configure(reconcileConfig(await pack.getAnalyzerInfo()));
    const byUrn = new Map(view.resources.map((r) => [r.urn, r]));
    const providerOf = (r: EngineView["resources"][number]) => (r.provider ? byUrn.get(providerUrn(r.provider)) : undefined);
    const times: number[] = [];
    let diagnostics = 0;
    for (let i = 0; i < RUNS; i++) {
      const started = process.hrtime.bigint();
      diagnostics = (await pack.analyzeStack(view.resources, providerOf)).length;
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return { ms: median(times), diagnostics, peakRssMiB: pack.peakRssMiB() };
  } finally {
    await pack.stop();
  }
}

async function main(): Promise<void> {
  const { policies } = await import("../policy-pack/policies");
  const stackPolicies = policies.filter((policy) => "validateStack" in policy).length;
  const subjects: Subject[] = [
    { dir: defaultPackDir() },
    { dir: NOOP_PACK, env: { NOOP_STACK_POLICIES: "1" } },
    { dir: NOOP_PACK, env: { NOOP_STACK_POLICIES: String(stackPolicies) } },
  ];
  const ratio = (value: number, floor: number) => `${(value / floor).toFixed(2)}×`;
  const rows: string[][] = [
    ["measure", "aws-backup-guardrails", "no-op, 1 stack policy", "ratio", `no-op, ${stackPolicies} stack policies`, "ratio"],
  ];
  const starts: number[] = [];
  for (const subject of subjects) starts.push(await startupMs(subject));
  const [ours = NaN, floor1 = NaN, floorN = NaN] = starts;
  rows.push([`start-up (median of ${STARTS})`, ms(ours), ms(floor1), ratio(ours, floor1), ms(floorN), ratio(ours, floorN)]);
  for (const size of [1000, 10000]) {
    const view = generate(size);
    const results = [];
    for (const subject of subjects) results.push(await analyzeStackMs(subject, view));
    const [a, b, c] = results as [
      Awaited<ReturnType<typeof analyzeStackMs>>,
      Awaited<ReturnType<typeof analyzeStackMs>>,
      Awaited<ReturnType<typeof analyzeStackMs>>,
    ];
    rows.push([
      `AnalyzeStack, ${view.resources.length} resources (median of ${RUNS})`,
      ms(a.ms),
      ms(b.ms),
      ratio(a.ms, b.ms),
      ms(c.ms),
      ratio(a.ms, c.ms),
    ]);
    rows.push([
      `  diagnostics, peak RSS`,
      `${a.diagnostics}, ${a.peakRssMiB} MiB`,
      `${b.diagnostics}, ${b.peakRssMiB} MiB`,
      "",
      `${c.diagnostics}, ${c.peakRssMiB} MiB`,
      "",
    ]);
  }
  const table = [
    `| ${rows[0]!.join(" | ")} |`,
    `|${rows[0]!.map(() => "---").join("|")}|`,
    ...rows.slice(1).map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
  const machine = `Node.js ${process.version}, ${require("os").cpus().length} cores; ${new Date().toISOString().slice(0, 10)}.`;
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
