/**
 * Values from outside the stack, through the command as a user runs it (recorder, pack
 * process, output): look-ups the recorder answers as a real preview would, look-ups and
 * fields it cannot answer, and resources the program reads, are never "unset" and
 * never a violation stated as a fact.
 */
import * as path from "path";
import { main } from "../../kit/cli";
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
