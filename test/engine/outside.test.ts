/**
 * Values from outside the stack, through the command as a user runs it (recorder, pack
 * process, output): look-ups the recorder answers as a real preview would, look-ups and
 * fields it cannot answer, and resources the program reads, are never "unset" and
 * never a violation stated as a fact.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../kit/cli";
import { resourceLabel } from "../../kit/engine/format";
import { policies } from "../../policy-pack/policies";
import { packsForThisFile, type Violation } from "../helpers";

const packs = packsForThisFile();
const PROGRAMS = path.join(__dirname, "..", "fixtures", "programs");
/** These programs exercise key custody; other areas' verdicts on them are those areas' tests. */
const KEY_CUSTODY = new Set(policies.filter((p) => p.area === "encryption" || p.name === "preview-verification-gaps").map((p) => p.name));

async function preview(dir: string, ...extra: string[]): Promise<{ exitCode: number; diagnostics: Violation[]; stderr: string[] }> {
  const out: string[] = [];
  const stderr: string[] = [];
  const exitCode = await main(
    ["preview", dir, "--json", ...extra],
    (text) => out.push(text),
    (text) => stderr.push(text),
    { packs },
  );
  const result = JSON.parse(out.join("\n")) as { diagnostics: Violation[] };
  const diagnostics = result.diagnostics
    .filter((d) => KEY_CUSTODY.has(d.policy))
    .map(({ policy, urn, message }) => ({ policy, urn, message }))
    .sort((a, b) => a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn) || a.message.localeCompare(b.message));
  return { exitCode, diagnostics, stderr };
}

const urn = (tail: string) => `urn:pulumi:dev::look-ups::${tail}`;
const outside = (vault: string) =>
  `Vault '${vault}': 3 controls could not be verified during preview:\n` +
  "- backup-key-deletion-protected: kmsKeyArn names a KMS key outside this stack, so its deletion window, key state and lockout check cannot be verified here.\n" +
  "- backup-key-policy-restricted: kmsKeyArn names a KMS key outside this stack, so its key policy cannot be verified here.\n" +
  "- backup-key-rotation-enabled: kmsKeyArn names a KMS key outside this stack, so its rotation cannot be verified here.";
const unknownKey = (vault: string) =>
  `Vault '${vault}': 4 controls could not be verified during preview:\n` +
  "- backup-key-deletion-protected: kmsKeyArn is unknown during preview, so the deletion window, key state and lockout check of the key it will use cannot be verified.\n" +
  "- backup-key-policy-restricted: kmsKeyArn is unknown during preview, so the key policy of the key it will use cannot be verified.\n" +
  "- backup-key-rotation-enabled: kmsKeyArn is unknown during preview, so the rotation of the key it will use cannot be verified.\n" +
  "- backup-vault-customer-managed-key: kmsKeyArn is unknown during preview and none of the resources it is computed from is an aws.kms.Key, ReplicaKey, ExternalKey, ReplicaExternalKey or Alias of this stack.";
const read = (what: string) =>
  `${what} is unknown here, because the program reads Key 'existing-key' (.get) rather than creating it, and only what the read returned is known.`;

describe("values from outside the stack, through the command", () => {
  it("answers common look-ups as a real preview does, and reads every other look-up and every read resource's unlearned state as a gap", async () => {
    const result = await preview(path.join(PROGRAMS, "look-ups"));
    expect(result).toEqual({
      exitCode: 1,
      stderr: [],
      diagnostics: [
        // getPolicyDocument is rendered as the provider renders it, so its document is judged.
        {
          policy: "backup-key-policy-restricted",
          urn: urn("aws:kms/key:Key::documented-key"),
          message:
            "Key 'documented-key' (encrypts Vault 'documented-key-vault') has a policy whose statement 1 allows any principal (\"*\") without a Condition on who the caller is; name the principals, or add a Condition such as kms:CallerAccount, aws:PrincipalOrgID or kms:ViaService.",
        },
        {
          policy: "backup-key-policy-restricted",
          urn: urn("aws:kms/key:Key::documented-key"),
          message:
            "Key 'documented-key' (encrypts Vault 'documented-key-vault') has a policy whose statement 1 grants kms:ScheduleKeyDeletion, kms:DisableKey, kms:PutKeyPolicy to any principal (\"*\"); remove those actions from the statement, and grant them only to the key administrators listed in keyAdministratorArns.",
        },
        {
          policy: "preview-verification-gaps",
          urn: urn("aws:backup/vault:Vault::alias-look-up-vault"),
          message: outside("alias-look-up-vault"),
        },
        {
          policy: "preview-verification-gaps",
          urn: urn("aws:backup/vault:Vault::key-look-up-vault"),
          message: outside("key-look-up-vault"),
        },
        {
          policy: "preview-verification-gaps",
          urn: urn("aws:backup/vault:Vault::parameter-vault"),
          message: unknownKey("parameter-vault"),
        },
        {
          policy: "preview-verification-gaps",
          urn: urn("aws:backup/vault:Vault::unmodelled-look-up-vault"),
          message: unknownKey("unmodelled-look-up-vault"),
        },
        {
          policy: "preview-verification-gaps",
          urn: urn("aws:kms/key:Key::existing-key"),
          message:
            "Key 'existing-key': 5 controls could not be verified during preview:\n" +
            `- backup-key-deletion-protected: ${read("bypassPolicyLockoutSafetyCheck")}\n` +
            `- backup-key-deletion-protected: ${read("deletionWindowInDays")}\n` +
            `- backup-key-deletion-protected: ${read("isEnabled")}\n` +
            `- backup-key-policy-restricted: ${read("the key policy")}\n` +
            `- backup-key-rotation-enabled: ${read("customerMasterKeySpec")}`,
        },
      ],
    });
  });

  it("gives the same verdicts in an update (--known), where nothing is unknown to AWS but the same values are unknown to the recorder", async () => {
    const [first, update] = [await preview(path.join(PROGRAMS, "look-ups")), await preview(path.join(PROGRAMS, "look-ups"), "--known")];
    expect(update.diagnostics.map(({ policy, urn }) => ({ policy, urn }))).toEqual(
      first.diagnostics.map(({ policy, urn }) => ({ policy, urn })),
    );
    expect(update.diagnostics.find((d) => d.urn.endsWith("::parameter-vault"))?.message).toContain(
      "kmsKeyArn is unknown in the stack state (an encrypted secret, or a value this analysis was not given)",
    );
  });
});

describe("the command with values from outside the stack", () => {
  const EXAMPLE = path.join(__dirname, "..", "..", "examples", "outside-values");
  const OUTSIDE_KEY = "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
  const gapsOf = (diagnostics: Violation[], vault: string) =>
    diagnostics.find((d) => d.policy === "preview-verification-gaps" && d.urn.endsWith(`::${vault}`))?.message;

  it("treats an encrypted config value it cannot decrypt as unknown, says how to supply it, and uses a value given with --config", async () => {
    const without = await preview(EXAMPLE);
    expect(without.stderr).toEqual([
      "warning: Pulumi.dev.yaml holds encrypted values the recorder cannot decrypt (outside-values:vaultKeyArn): they are unknown to the pack, so what depends on them is unverifiable; supply them with --config outside-values:vaultKeyArn=<value>",
    ]);
    expect(gapsOf(without.diagnostics, "config-key-vault")).toBe(unknownKey("config-key-vault"));
    const supplied = await preview(EXAMPLE, "--config", `vaultKeyArn=${OUTSIDE_KEY}`);
    expect(supplied.stderr).toEqual([]);
    expect(gapsOf(supplied.diagnostics, "config-key-vault")).toBe(outside("config-key-vault"));
    // The secret is judged, never shown.
    expect(supplied.diagnostics.some((d) => d.message.includes(OUTSIDE_KEY))).toBe(false);
  });

  it("never crashes on a StackReference: its outputs are unknown in both modes unless --stack-reference-outputs supplies them", async () => {
    for (const mode of [[], ["--known"]]) {
      const result = await preview(EXAMPLE, ...mode);
      expect(result.exitCode).toBe(1);
      expect(gapsOf(result.diagnostics, "stack-reference-vault")).toMatch(
        /^Vault 'stack-reference-vault': 4 controls could not be verified/,
      );
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bg-refs-")), "outputs.json");
    fs.writeFileSync(file, JSON.stringify({ "acme/keys/prod": { backupKeyArn: OUTSIDE_KEY } }));
    const supplied = await preview(EXAMPLE, "--stack-reference-outputs", file);
    expect(gapsOf(supplied.diagnostics, "stack-reference-vault")).toBe(outside("stack-reference-vault"));
    fs.writeFileSync(file, "[1]");
    const err: string[] = [];
    expect(
      await main(
        ["preview", EXAMPLE, "--stack-reference-outputs", file],
        () => undefined,
        (t) => err.push(t),
        { packs },
      ),
    ).toBe(2);
    expect(err).toEqual([`error: stack reference outputs ${file} must be a JSON object of stack names, each an object of outputs`]);
  });

  it("lists diagnostics in --json in the order the text shows them, and labels a resource with its component parents", async () => {
    const json = await preview(EXAMPLE);
    const text: string[] = [];
    expect(
      await main(
        ["preview", EXAMPLE],
        (t) => text.push(t),
        () => undefined,
        { packs },
      ),
    ).toBe(1);
    const labels = text
      .join("\n")
      .split("\n")
      .filter((line) => line.startsWith("        - ["));
    expect(labels).toContain(
      "        - [mandatory]  backup-key-deletion-protected  (aws:kms/key:Key: platform-key, in acme:backup:Platform)",
    );
    const out: string[] = [];
    await main(
      ["preview", EXAMPLE, "--json"],
      (t) => out.push(t),
      () => undefined,
      { packs },
    );
    const inJsonOrder = (JSON.parse(out.join("\n")) as { diagnostics: { policy: string; urn: string }[] }).diagnostics.map(
      (d) => `${d.policy}  ${resourceLabel(d.urn)}`,
    );
    expect(labels.map((line) => line.replace(/^ {8}- \[\w+\] {2}/, ""))).toEqual(inJsonOrder);
    // `preview` keeps the key-custody verdicts only; other areas also report on this program.
    expect(json.diagnostics.length).toBe(inJsonOrder.filter((line) => KEY_CUSTODY.has(line.split("  ")[0]!)).length);
  });
});

describe("program entry and errors, as the language host runs programs", () => {
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      args,
      (t) => out.push(t),
      (t) => err.push(t),
      { packs },
    );
    return { code, err };
  };

  it("runs package.json's main when Pulumi.yaml names none", async () => {
    const result = await preview(path.join(PROGRAMS, "package-main"));
    expect(result.diagnostics.map((d) => d.urn)).toContain("urn:pulumi:dev::package-main::aws:backup/vault:Vault::package-main-vault");
  });

  it("names the program's own file, line and resource when the program throws", async () => {
    const dir = path.join(PROGRAMS, "throws-in-resource");
    expect(await run("preview", dir)).toEqual({
      code: 2,
      err: [
        `error: the program in ${dir} failed under Pulumi's mocks: Error: Missing required property 'backupVaultName' (at index.ts:5:1, creating aws.backup.VaultPolicy "broken-policy")`,
      ],
    });
  });

  it("warns when --stack names a stack with no stack file", async () => {
    const dir = path.join(PROGRAMS, "package-main");
    expect((await run("preview", dir, "--stack", "prod")).err).toEqual([
      `warning: ${dir} has no Pulumi.prod.yaml: the program runs with no stack config (is --stack prod the stack you meant?)`,
    ]);
  });
});
