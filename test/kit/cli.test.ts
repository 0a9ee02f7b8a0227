/**
 * The backup-guardrails command: offline preview of a program and audit of a stack
 * export, through the real pack process; exit status 0, 1 or 2.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, parseArgs } from "../../kit/cli";
import { packsForThisFile } from "../helpers";
import { sortDiagnostics, type Expected, type ExpectedDiagnostic } from "../../scripts/preview-examples";

const ROOT = path.join(__dirname, "..", "..");
const EXPORT = path.join(ROOT, "test", "fixtures", "weak-key-controls.stack-export.json");

const packs = packsForThisFile();

/** Runs the command with the file's pack processes, or, with `launch`, as a user does. */
async function runWith(launch: boolean, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (text) => out.push(text),
    (text) => err.push(text),
    launch ? {} : { packs },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const run = (...argv: string[]) => runWith(false, argv);

function expected(file: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as Expected;
}

function tempFile(name: string, content: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bg-cli-")), name);
  fs.writeFileSync(file, content);
  return file;
}

describe("backup-guardrails preview", () => {
  it("exits 0 on the compliant reference program and prints the CLI's policy section, starting its own pack", async () => {
    const { code, out } = await runWith(true, ["preview", path.join(ROOT, "examples", "reference")]);
    expect(code).toBe(0);
    expect(out).toContain("Policies:\n    ✅ aws-backup-guardrails@v0.1.0 (local: ");
    expect(out).toContain("0 mandatory, 0 advisory");
  });

  it("exits 1 with exactly the example's expected diagnostics as JSON when a mandatory policy fails", async () => {
    const { code, out } = await run("preview", path.join(ROOT, "examples", "provider-managed-keys"), "--json");
    expect(code).toBe(1);
    const result = JSON.parse(out) as { failed: boolean; diagnostics: ExpectedDiagnostic[] };
    expect(result.failed).toBe(true);
    expect(sortDiagnostics(result.diagnostics)).toEqual(expected("examples/provider-managed-keys/expected.json").diagnostics);
  });

  it("lists, as JSON, what remediate changed by property name, and only what it could not fix stays reported", async () => {
    const config = tempFile(
      "remediate.json",
      JSON.stringify({
        "backup-key-rotation-enabled": "remediate",
        "backup-key-deletion-protected": "remediate",
        "backup-bucket-versioning-enabled": "remediate",
      }),
    );
    const { code, out } = await run("preview", path.join(ROOT, "examples", "weak-key-controls"), "--policy-pack-config", config, "--json");
    expect(code).toBe(1);
    const result = JSON.parse(out) as { diagnostics: ExpectedDiagnostic[]; remediations: unknown[] };
    const KEY = "urn:pulumi:dev::weak-key-controls::aws:kms/key:Key::";
    expect(result.remediations).toEqual([
      {
        policy: "backup-bucket-versioning-enabled",
        urn: "urn:pulumi:dev::weak-key-controls::aws:s3/bucket:Bucket::weak-key-bucket",
        properties: ["versioning"],
      },
      { policy: "backup-key-rotation-enabled", urn: `${KEY}fail-weak-vault-key`, properties: ["enableKeyRotation"] },
      { policy: "backup-key-deletion-protected", urn: `${KEY}fail-weak-vault-key`, properties: ["deletionWindowInDays"] },
    ]);
    // A disabled key (KMS refuses rotation changes on it) and a bypassed lockout check are the key owner's to change: still reported, as mandatory.
    const remediable = ["backup-key-rotation-enabled", "backup-key-deletion-protected", "backup-bucket-versioning-enabled"];
    expect(sortDiagnostics(result.diagnostics.filter((d) => remediable.includes(d.policy)))).toEqual([
      {
        policy: "backup-key-deletion-protected",
        urn: `${KEY}fail-weak-bucket-key`,
        enforcementLevel: "mandatory",
        message:
          "Key 'fail-weak-bucket-key' (encrypts Bucket 'weak-key-bucket') is disabled (isEnabled: false), so nothing it encrypts can be restored; set isEnabled: true.",
      },
      {
        policy: "backup-key-deletion-protected",
        urn: `${KEY}fail-weak-vault-key`,
        enforcementLevel: "mandatory",
        message:
          "Key 'fail-weak-vault-key' (encrypts Vault 'weak-key-vault') sets bypassPolicyLockoutSafetyCheck: true, which lets a policy lock every administrator out of the key; remove it.",
      },
      {
        policy: "backup-key-rotation-enabled",
        urn: `${KEY}fail-weak-bucket-key`,
        enforcementLevel: "mandatory",
        message:
          "Key 'fail-weak-bucket-key' (encrypts Bucket 'weak-key-bucket') sets rotationPeriodInDays to 1095, longer than the maximum of 365; set rotationPeriodInDays to 365 or less.",
      },
    ]);
  });

  it("applies a --policy-pack-config file: with every level advisory the same findings let the preview pass", async () => {
    const config = tempFile("config.json", JSON.stringify({ all: "advisory" }));
    const { code, out } = await run(
      "preview",
      path.join(ROOT, "examples", "provider-managed-keys"),
      "--policy-pack-config",
      config,
      "--json",
    );
    expect(code).toBe(0);
    const result = JSON.parse(out) as { diagnostics: ExpectedDiagnostic[] };
    expect(sortDiagnostics(result.diagnostics)).toEqual(
      expected("examples/provider-managed-keys/expected.json").diagnostics.map((d) => ({ ...d, enforcementLevel: "advisory" })),
    );
  });

  it("exits 2 with a message naming the policy and field on invalid policy configuration", async () => {
    const config = tempFile("config.json", JSON.stringify({ "backup-key-rotation-enabled": { maxRotationDays: "yearly" } }));
    const { code, err } = await run("preview", path.join(ROOT, "examples", "reference"), `--policy-pack-config=${config}`);
    expect(code).toBe(2);
    expect(err).toBe(
      "error: validating policy config of aws-backup-guardrails 0.1.0:\n  - backup-key-rotation-enabled: maxRotationDays: must be integer",
    );
  });
});

describe("backup-guardrails audit", () => {
  it("audits a deployed stack from its export: known values are verified, encrypted secrets are gaps", async () => {
    const { code, out } = await run("audit", EXPORT, "--json");
    const result = JSON.parse(out) as { diagnostics: ExpectedDiagnostic[] };
    expect({ exitCode: code, diagnostics: sortDiagnostics(result.diagnostics) }).toEqual(
      expected("test/fixtures/weak-key-controls.audit-expected.json"),
    );
  });
});

describe("bad usage and bad input exit 2", () => {
  it.each([
    [[], "error: no command given"],
    [["deploy", "x"], 'error: unknown command "deploy"'],
    [["preview"], "error: preview takes exactly one program directory"],
    [["preview", "a", "b"], "error: preview takes exactly one program directory"],
    [["audit", EXPORT, "--known"], "error: --known, --stack, --config and --stack-reference-outputs apply to preview only"],
    [["preview", ".", "--policy-pack-config"], "error: --policy-pack-config needs a value"],
    [["preview", ".", "--verbose"], "error: unknown option --verbose"],
  ])("%j", async (argv, message) => {
    const { code, err } = await run(...argv);
    expect(code).toBe(2);
    expect(err.split("\n")[0]).toBe(message);
  });

  it("names unreadable and malformed files, and directories that are not Pulumi programs", async () => {
    expect((await run("audit", "/nonexistent/export.json")).err).toBe("error: cannot read stack export /nonexistent/export.json");
    const notJson = tempFile("export.json", "{ nope");
    expect((await run("audit", notJson)).err).toMatch(/^error: stack export .*export\.json is not valid JSON: /);
    const notExport = tempFile("export.json", JSON.stringify({ version: 3 }));
    expect(await run("audit", notExport)).toEqual({
      code: 2,
      out: "",
      err: "error: not a `pulumi stack export` file: it has no deployment.resources list",
    });
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "bg-empty-"));
    expect(await run("preview", empty)).toEqual({
      code: 2,
      out: "",
      err: `error: ${empty} has no Pulumi.yaml: not a Pulumi project directory.`,
    });
  });

  it("says what failed in a program, a project file or an export, without a stack trace", async () => {
    const throws = path.join(ROOT, "test", "fixtures", "programs", "throws");
    expect(await run("preview", throws)).toEqual({
      code: 2,
      out: "",
      err: `error: the program in ${throws} failed under Pulumi's mocks: Error: the program could not read its settings (at index.ts:1:7)`,
    });
    const badYaml = fs.mkdtempSync(path.join(os.tmpdir(), "bg-yaml-"));
    fs.writeFileSync(path.join(badYaml, "Pulumi.yaml"), "name: [unclosed");
    expect((await run("preview", badYaml)).err).toMatch(/^error: .*Pulumi\.yaml is not valid YAML: /);
    const python = fs.mkdtempSync(path.join(os.tmpdir(), "bg-python-"));
    fs.writeFileSync(path.join(python, "Pulumi.yaml"), "name: py\nruntime: python\n");
    expect((await run("preview", python)).err).toBe(
      `error: ${path.join(python, "Pulumi.yaml")}: only nodejs programs can be recorded (runtime is python).`,
    );
    const exportOf = (resources: unknown[]) => tempFile("export.json", JSON.stringify({ deployment: { resources } }));
    const key = { urn: "urn:pulumi:prod::shop::aws:kms/key:Key::key", type: "aws:kms/key:Key", custom: true };
    expect((await run("audit", exportOf([key, key]))).err).toBe("error: deployment.resources[1] repeats the URN of another resource");
    expect((await run("audit", exportOf([{ ...key, urn: "garbage" }]))).err).toBe("error: deployment.resources[0].urn is not a Pulumi URN");
    expect((await run("audit", exportOf([{ ...key, outputs: [1] }]))).err).toBe("error: deployment.resources[0].outputs is not an object");
  });

  it("takes an empty policy pack config file as no configuration", async () => {
    const { code } = await run("preview", path.join(ROOT, "examples", "reference"), "--policy-pack-config", tempFile("config.json", ""));
    expect(code).toBe(0);
  });

  it("parses flags in either form", () => {
    expect(
      parseArgs(["preview", "dir", "--stack=prod", "--known", "--json", "--config", "a=b=c", "--config=aws:region=eu-west-1"]),
    ).toEqual({
      command: "preview",
      target: "dir",
      stack: "prod",
      known: true,
      json: true,
      sarif: false,
      policyPackConfig: undefined,
      policyPack: undefined,
      config: { a: "b=c", "aws:region": "eu-west-1" },
      stackReferenceOutputs: undefined,
    });
    expect(() => parseArgs(["preview", "dir", "--config", "novalue"])).toThrow("--config needs key=value");
  });
});
