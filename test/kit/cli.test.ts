/**
 * The backup-guardrails command: offline preview of a program and audit of a stack
 * export, through the real pack process; exit status 0, 1 or 2.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultPackDir, main, parseArgs } from "../../kit/cli";
import { PackProcess } from "../../kit/engine/analyzer";

const ROOT = path.join(__dirname, "..", "..");
const EXPORT = path.join(ROOT, "test", "fixtures", "weak-key-controls.stack-export.json");

let preview: PackProcess;
let update: PackProcess;

beforeAll(async () => {
  [preview, update] = await Promise.all([PackProcess.start(defaultPackDir()), PackProcess.start(defaultPackDir(), { dryRun: false })]);
});

afterAll(async () => {
  await Promise.all([preview.stop(), update.stop()]);
});

/** Runs the command with the file's pack processes, or, with `launch`, as a user does. */
async function runWith(launch: boolean, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    argv,
    (text) => out.push(text),
    (text) => err.push(text),
    launch ? {} : { packs: { preview, update } },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const run = (...argv: string[]) => runWith(false, argv);

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

  it("exits 1 with JSON diagnostics when a mandatory policy fails", async () => {
    const { code, out } = await run("preview", path.join(ROOT, "examples", "provider-managed-keys"), "--json");
    expect(code).toBe(1);
    const result = JSON.parse(out) as { failed: boolean; diagnostics: { policy: string; urn: string; enforcementLevel: string }[] };
    expect(result.failed).toBe(true);
    expect(result.diagnostics.map((d) => [d.policy, d.urn.split("::").pop(), d.enforcementLevel]).sort()).toEqual([
      ["backup-bucket-customer-managed-key", "fail-bucket-sse-s3", "mandatory"],
      ["backup-vault-customer-managed-key", "fail-air-gapped-vault-aws-owned-key", "mandatory"],
      ["backup-vault-customer-managed-key", "fail-vault-aws-managed-key", "mandatory"],
    ]);
  });

  it("applies a --policy-pack-config file: advisory levels let the preview pass", async () => {
    const config = tempFile("config.json", JSON.stringify({ all: "advisory" }));
    const { code, out } = await run("preview", path.join(ROOT, "examples", "provider-managed-keys"), "--policy-pack-config", config);
    expect(code).toBe(0);
    expect(out).toContain("0 mandatory, 3 advisory");
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
    expect(code).toBe(1);
    const result = JSON.parse(out) as { diagnostics: { policy: string; urn: string; message: string }[] };
    const gaps = result.diagnostics.filter((d) => d.policy === "preview-verification-gaps");
    expect(gaps).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: "urn:pulumi:dev::weak-key-controls::aws:kms/key:Key::fail-weak-bucket-key",
        enforcementLevel: "advisory",
        severity: "low",
        message:
          "Key 'fail-weak-bucket-key': 1 control could not be verified from the stack state:\n- backup-key-policy-restricted: the key policy is unknown in the stack state (an encrypted secret).",
      },
    ]);
    expect(result.diagnostics.filter((d) => d.policy === "backup-key-policy-restricted").map((d) => d.urn.split("::").pop())).toEqual([
      "fail-weak-vault-key",
      "fail-weak-vault-key",
    ]);
  });
});

describe("bad usage and bad input exit 2", () => {
  it.each([
    [[], "error: no command given"],
    [["deploy", "x"], 'error: unknown command "deploy"'],
    [["preview"], "error: preview takes exactly one program directory"],
    [["preview", "a", "b"], "error: preview takes exactly one program directory"],
    [["audit", EXPORT, "--known"], "error: --known and --stack apply to preview only"],
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

  it("parses flags in either form", () => {
    expect(parseArgs(["preview", "dir", "--stack=prod", "--known", "--json"])).toEqual({
      command: "preview",
      target: "dir",
      stack: "prod",
      known: true,
      json: true,
      policyPackConfig: undefined,
      policyPack: undefined,
    });
  });
});
