import * as aws from "@pulumi/aws";
import { FixtureStack, ref } from "../../../kit/fixtures";
import { checkArea } from "../../helpers";

const POLICY = "preview-verification-gaps";
const KEY = "aws:kms/key:Key";

function gappyStack(): FixtureStack {
  const stack = new FixtureStack();
  const settings = stack.add(aws.ssm.Parameter, "key-settings", { type: "String", value: "7" });
  const key = stack.add(aws.kms.Key, "gap-key", {
    enableKeyRotation: ref(settings, "value") as unknown as boolean,
    deletionWindowInDays: ref(settings, "value") as unknown as number,
    policy: ref(settings, "value"),
  });
  stack.add(aws.backup.Vault, "gap-key-vault", { kmsKeyArn: ref(key, "arn") });
  return stack;
}

describe(POLICY, () => {
  it("lists every control a resource could not be verified under, with the value, in one advisory", async () => {
    expect(await checkArea(gappyStack(), "encryption")).toEqual([
      {
        policy: POLICY,
        urn: `urn:pulumi:test::fixture::${KEY}::gap-key`,
        message: [
          "Key 'gap-key': 3 controls could not be verified during preview:",
          "- backup-key-deletion-protected: deletionWindowInDays is unknown during preview.",
          "- backup-key-policy-restricted: the key policy is unknown during preview (it is computed from Parameter 'key-settings').",
          "- backup-key-rotation-enabled: enableKeyRotation is unknown during preview.",
        ].join("\n"),
      },
    ]);
  });

  it("leaves out the gaps of a disabled policy and of an exempt resource", async () => {
    const config = {
      "backup-key-rotation-enabled": "disabled",
      "backup-key-deletion-protected": { exemptions: [{ resource: "gap-*", reason: "window managed by the platform team" }] },
    };
    expect(await checkArea(gappyStack(), "encryption", config).then((found) => found.filter((v) => v.policy === POLICY))).toEqual([
      {
        policy: POLICY,
        urn: `urn:pulumi:test::fixture::${KEY}::gap-key`,
        message:
          "Key 'gap-key': 1 control could not be verified during preview:\n- backup-key-policy-restricted: the key policy is unknown during preview (it is computed from Parameter 'key-settings').",
      },
    ]);
  });

  it("has nothing to say once the values are known", async () => {
    const stack = new FixtureStack({ mode: "known" });
    const key = stack.add(aws.kms.Key, "pass-key", { enableKeyRotation: true });
    stack.add(aws.backup.Vault, "pass-vault", { kmsKeyArn: ref(key, "arn") });
    expect(await checkArea(stack, "encryption")).toEqual([]);
  });
});
