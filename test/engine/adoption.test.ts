/**
 * Adoption from a user's own repository, as the README's "Adoption" section says: `npm pack`
 * the pack (`aws-backup-guardrails`) and the kit with its command (`backup-guardrails`),
 * install both tarballs as dev dependencies of a scratch Pulumi TypeScript project outside
 * this repository (test/fixtures/adoption, copied to a temporary directory), and there run
 * the project's own jest test (which imports from the package name, records the program
 * and runs the installed pack process), `npx backup-guardrails preview .` with and without
 * a preset, and the `npm pack` that `pulumi policy publish` runs in the pack's directory.
 *
 * Node.js 20 only (`npm test`): what it proves is packaging, not the Node.js version.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");
const FIXTURE = path.join(REPO, "test/fixtures/adoption");

interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly bin?: Record<string, string>;
}
const readManifest = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
const rootManifest = readManifest(path.join(REPO, "package.json"));
const kitManifest = readManifest(path.join(REPO, "kit/package.json"));
const packManifest = readManifest(path.join(REPO, "policy-pack/package.json"));

/** The root's exact version of a package, for the scratch project to install the same. */
function rootVersion(name: string): string {
  const version = rootManifest.dependencies?.[name] ?? rootManifest.devDependencies?.[name];
  if (!version) throw new Error(`the root package.json has no ${name}`);
  return `${name}@${version}`;
}

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// Without the npm and jest variables of the `npm test` that runs this file: the scratch
// project's npm must not take this repository's prefix, nor its jest be told it is a worker.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|JEST_WORKER_ID$)/i.test(key)));

function run(command: string, args: readonly string[], cwd: string): Ran {
  const ran = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (ran.error) throw ran.error;
  return { status: ran.status, stdout: ran.stdout, stderr: ran.stderr };
}

function ok(command: string, args: readonly string[], cwd: string): string {
  const ran = run(command, args, cwd);
  if (ran.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${ran.status}:\n${ran.stderr}\n${ran.stdout}`);
  return ran.stdout;
}

let work = "";
let project = "";
let packed: { name: string; filename: string; files: string[] }[] = [];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "adoption-"));
  const tarballs = path.join(work, "tarballs");
  fs.mkdirSync(tarballs);
  // `npm test` built both already; their prepack builds would rewrite policy-pack/bin and
  // kit/dist under the pack processes and kit of the other test files.
  packed = (
    JSON.parse(
      ok("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tarballs, "-w", "policy-pack", "-w", "kit"], REPO),
    ) as { name: string; filename: string; files: { path: string }[] }[]
  ).map(({ name, filename, files }) => ({ name, filename, files: files.map((file) => file.path).sort() }));

  project = path.join(work, "vaults");
  fs.cpSync(FIXTURE, project, { recursive: true });
  ok(
    "npm",
    [
      "install",
      "--save-dev",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      ...packed.map(({ filename }) => path.join(tarballs, filename)),
      ...["jest", "ts-jest", "typescript", "@types/jest"].map(rootVersion),
    ],
    project,
  );
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const tarballOf = (name: string) => packed.find((entry) => entry.name === name);

describe("the kit and the pack as npm packages", () => {
  it("travel together: the kit depends on the pack at its exact version", () => {
    expect({ kit: kitManifest.name, pack: packManifest.name, root: rootManifest.name }).toEqual({
      kit: "backup-guardrails",
      pack: "aws-backup-guardrails",
      root: "backup-guardrails-repo",
    });
    expect(kitManifest.version).toBe(packManifest.version);
    expect(kitManifest.dependencies?.["aws-backup-guardrails"]).toBe(packManifest.version);
    expect(kitManifest.bin).toEqual({ "backup-guardrails": "backup-guardrails.js" });
    // Every run-time dependency the kit shares with the root or the pack, at the same exact version.
    for (const [name, version] of Object.entries(kitManifest.dependencies ?? {})) {
      if (name === "aws-backup-guardrails") continue;
      expect(`${name}@${version}`).toBe(rootVersion(name));
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it("are what the README's adoption section shows: the same program, test, jest config and install command", () => {
    const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
    const adoption = readme.slice(readme.indexOf("## Adoption"), readme.indexOf("## Using the pack with the Pulumi CLI"));
    for (const file of ["index.ts", "guardrails.test.ts", "jest.config.js"]) {
      expect({ file, shown: adoption.includes(`\n${fs.readFileSync(path.join(FIXTURE, file), "utf8")}\`\`\``) }).toEqual({
        file,
        shown: true,
      });
    }
    const tarballs = [packManifest, kitManifest].map(({ name, version }) => `../tarballs/${name}-${version}.tgz`);
    const install = `npm install --save-dev ${[...tarballs, ...["jest", "ts-jest", "typescript", "@types/jest"].map(rootVersion)].join(" ")}`;
    expect(adoption).toContain(`\n${install}\n`);
    expect(adoption).toContain("\nnpm pack -w policy-pack -w kit --pack-destination ../tarballs\n");
  });

  it("ship compiled JavaScript and declarations only: no sources, tests or source maps", () => {
    const kit = tarballOf("backup-guardrails")?.files ?? [];
    expect(kit).toEqual(
      expect.arrayContaining([
        "package.json",
        "backup-guardrails.js",
        "dist/index.js",
        "dist/index.d.ts",
        "dist/cli.js",
        "dist/recorder/child.js",
        "dist/engine/analyzer.js",
      ]),
    );
    const pack = tarballOf("aws-backup-guardrails")?.files ?? [];
    expect(pack).toEqual(expect.arrayContaining(["PulumiPolicy.yaml", "bin/index.js", "bin/policies/index.d.ts", "presets/hipaa.json"]));
    const stray = /\.map$|\.test\.|(?<!\.d)\.ts$|^test\/|^node_modules\//;
    expect([...kit, ...pack].filter((file) => stray.test(file))).toEqual([]);
  });

  it("install into a Pulumi project outside this repository", () => {
    expect(path.relative(REPO, project).startsWith("..")).toBe(true);
    const manifest = readManifest(path.join(project, "package.json"));
    // The program's own dependencies, at the root's versions, and the dev dependencies the test installed.
    expect(Object.entries(manifest.dependencies ?? {}).map(([name, version]) => `${name}@${version}`)).toEqual(
      ["@pulumi/aws", "@pulumi/pulumi"].map(rootVersion),
    );
    expect(Object.keys(manifest.devDependencies ?? {}).sort()).toEqual([
      "@types/jest",
      "aws-backup-guardrails",
      "backup-guardrails",
      "jest",
      "ts-jest",
      "typescript",
    ]);
    // One copy of the policy SDK, shared by the kit's in-process runner and the pack's policies.
    expect(fs.existsSync(path.join(project, "node_modules/backup-guardrails/node_modules/@pulumi/policy"))).toBe(false);
  });
});

describe("in the user's project", () => {
  it("the user's jest test imports the kit by its package name and passes against the installed pack", () => {
    const ran = run("npx", ["jest", "--json", "--outputFile", path.join(work, "jest.json")], project);
    expect({ status: ran.status, stderr: ran.status === 0 ? "" : ran.stderr }).toEqual({ status: 0, stderr: "" });
    const report = JSON.parse(fs.readFileSync(path.join(work, "jest.json"), "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: { assertionResults: { fullName: string; status: string }[] }[];
    };
    expect(report.testResults.flatMap((file) => file.assertionResults.map(({ fullName, status }) => ({ fullName, status })))).toEqual([
      {
        fullName:
          "our vaults against aws-backup-guardrails keeps every vault but the shortcut in our key custody (the real program, the real pack process)",
        status: "passed",
      },
      {
        fullName:
          "our vaults against aws-backup-guardrails accepts a vault under a customer-managed key (one policy, in-process, in milliseconds)",
        status: "passed",
      },
    ]);
  }, 300_000);

  it("npx backup-guardrails preview . prints the CLI's policy section and exits 1 on the mandatory violations", () => {
    const ran = run("npx", ["backup-guardrails", "preview", "."], project);
    expect({ status: ran.status, stderr: ran.stderr, stdout: ran.stdout.split("\n") }).toEqual({
      status: 1,
      stderr: "",
      stdout: [
        "Policies:",
        "    ❌ aws-backup-guardrails@v0.1.0 (local: node_modules/aws-backup-guardrails)",
        ...finding("mandatory", "backup-vault-customer-managed-key", "shortcut-vault", CUSTODY, CUSTODY_SHORTCUT),
        ...finding("mandatory", "backup-vault-deletion-denied", "backup-vault", DELETION, noVaultPolicy("backup-vault")),
        ...finding("mandatory", "backup-vault-deletion-denied", "shortcut-vault", DELETION, noVaultPolicy("shortcut-vault")),
        ...finding("mandatory", "backup-vault-locked", "backup-vault", LOCK, noLock("backup-vault")),
        ...finding("mandatory", "backup-vault-locked", "shortcut-vault", LOCK, noLock("shortcut-vault")),
        ...finding("advisory", "backup-vault-notifications-enabled", "backup-vault", NOTIFICATIONS, noNotifications("backup-vault")),
        ...finding("advisory", "backup-vault-notifications-enabled", "shortcut-vault", NOTIFICATIONS, noNotifications("shortcut-vault")),
        "",
        "5 mandatory, 2 advisory: a mandatory policy failed, so pulumi would stop here",
        "",
      ],
    });
  }, 120_000);

  it("a preset shipped in the pack makes the HIPAA controls mandatory: vault notifications stop the deployment too", () => {
    const ran = run(
      "npx",
      ["backup-guardrails", "preview", ".", "--policy-pack-config", "node_modules/aws-backup-guardrails/presets/hipaa.json", "--json"],
      project,
    );
    expect({ status: ran.status, stderr: ran.stderr }).toEqual({ status: 1, stderr: "" });
    const { diagnostics } = JSON.parse(ran.stdout) as {
      diagnostics: { policy: string; urn: string; enforcementLevel: string; message: string }[];
    };
    expect(diagnostics.filter((d) => d.policy === "backup-vault-notifications-enabled")).toEqual(
      ["backup-vault", "shortcut-vault"].map((name) => ({
        policy: "backup-vault-notifications-enabled",
        urn: `urn:pulumi:dev::vaults::aws:backup/vault:Vault::${name}`,
        enforcementLevel: "mandatory",
        severity: "medium",
        message: noNotifications(name),
      })),
    );
    expect(diagnostics.map(({ enforcementLevel }) => enforcementLevel)).toEqual(Array(7).fill("mandatory"));
  }, 120_000);

  it("the installed pack packs as `pulumi policy publish` packs it, to the tarball this repository packed", () => {
    // `pulumi policy publish` runs `npm pack --loglevel=error` in the pack's directory and uploads the result.
    // (It finds the tarball in the directory, since npm also prints the prepack banner.)
    const dir = path.join(project, "node_modules/aws-backup-guardrails");
    ok("npm", ["pack", "--loglevel=error"], dir);
    const filename = fs.readdirSync(dir).find((file) => file.endsWith(".tgz")) ?? "no tarball";
    const files = ok("tar", ["-tzf", path.join(dir, filename)], dir)
      .split("\n")
      .filter((line) => line !== "" && !line.endsWith("/"))
      .map((line) => line.replace(/^package\//, ""))
      .sort();
    fs.rmSync(path.join(dir, filename));
    expect({ filename, files }).toEqual({
      filename: tarballOf("aws-backup-guardrails")?.filename,
      files: tarballOf("aws-backup-guardrails")?.files,
    });
  });
});

/** Lines of the CLI's policy section for one finding: level, policy, resource, the policy's description, the message. */
function finding(level: string, policy: string, vault: string, description: string, message: string): string[] {
  return [`        - [${level}]  ${policy}  (aws:backup/vault:Vault: ${vault})`, `          ${description}`, `          ${message}`];
}

const CUSTODY =
  "Every AWS Backup vault and logically air-gapped vault must encrypt recovery points with a customer-managed KMS key, so that key custody stays with the customer.";
const CUSTODY_SHORTCUT =
  "Vault 'shortcut-vault' does not set kmsKeyArn, so it is encrypted with the AWS-managed key alias/aws/backup; set kmsKeyArn to the ARN of a customer-managed aws.kms.Key.";
const DELETION =
  "Every AWS Backup vault must have a vault access policy (aws.backup.VaultPolicy) that denies deleting recovery points, shortening their lifecycle and replacing the policy to every principal except the break-glass principals.";
const LOCK =
  "Every AWS Backup vault must have a vault lock in compliance mode with a minimum retention of at least the configured days, and every plan rule or copy action that writes into it must keep recovery points within the lock's bounds.";
const NOTIFICATIONS =
  "Every AWS Backup vault must send its job events to an SNS topic through aws.backup.VaultNotifications, including the required events that AWS still emits.";
const noVaultPolicy = (vault: string) =>
  `Vault '${vault}' has no VaultPolicy; add an aws.backup.VaultPolicy that denies backup:DeleteRecoveryPoint, backup:UpdateRecoveryPointLifecycle, backup:PutBackupVaultAccessPolicy to every principal ("*") except the roles listed in breakGlassPrincipalArns.`;
const noLock = (vault: string) =>
  `Vault '${vault}' has no VaultLockConfiguration, so anyone allowed backup:DeleteRecoveryPoint can delete its recovery points at any age; add an aws.backup.VaultLockConfiguration for it with changeableForDays (compliance mode) and minRetentionDays of 35 or more.`;
const noNotifications = (vault: string) =>
  `Vault '${vault}' has no aws.backup.VaultNotifications, so failed backup, copy and restore jobs alert nobody; add an aws.backup.VaultNotifications for it with snsTopicArn and backupVaultEvents including BACKUP_JOB_COMPLETED, COPY_JOB_FAILED and RESTORE_JOB_COMPLETED.`;
