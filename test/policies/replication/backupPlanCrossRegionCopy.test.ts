import * as aws from "@pulumi/aws";
import { FixtureStack, ref, unknown } from "../../../kit/fixtures";
import { check } from "../../helpers";

const POLICY = "backup-plan-cross-region-copy";
const urn = (name: string) => `urn:pulumi:test::fixture::aws:backup/plan:Plan::${name}`;
const WEST = "arn:aws:backup:us-west-2:111122223333:backup-vault:dr";
const EAST = "arn:aws:backup:us-east-1:111122223333:backup-vault:other";
const OTHER_ACCOUNT = "arn:aws:backup:us-west-2:444455556666:backup-vault:dr";

type Rule = aws.types.input.backup.PlanRule;

function plan(stack: FixtureStack, name: string, ...rules: Partial<Rule>[]) {
  return stack.add(aws.backup.Plan, name, {
    rules: rules.map((rule, i) => ({ ruleName: `rule-${i}`, targetVaultName: "local", lifecycle: { deleteAfter: 35 }, ...rule })),
  });
}

describe(POLICY, () => {
  it("accepts a copy to a literal ARN in another region, to a stack vault with its own region, and to one on a provider of another region", async () => {
    const stack = new FixtureStack();
    plan(stack, "pass-literal", { copyActions: [{ destinationVaultArn: WEST }] });
    const regional = stack.add(aws.backup.Vault, "regional-vault", { region: "us-west-2" });
    plan(stack, "pass-vault-region", { copyActions: [{ destinationVaultArn: ref(regional, "arn") }] });
    const provider = stack.addType("pulumi:providers:aws", "eu", { region: "eu-west-1" });
    const european = stack.add(aws.backup.Vault, "eu-vault", {}, { provider });
    plan(
      stack,
      "pass-provider-region",
      {},
      { copyActions: [{ destinationVaultArn: EAST }, { destinationVaultArn: ref(european, "arn") }] },
    );
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects a plan that copies nowhere, and one that copies only within its region", async () => {
    const stack = new FixtureStack();
    plan(stack, "fail-backup-plan-cross-region-copy-none", {});
    const local = stack.add(aws.backup.Vault, "local-vault", {});
    plan(stack, "fail-backup-plan-cross-region-copy-same-region", {
      copyActions: [{ destinationVaultArn: EAST }, { destinationVaultArn: ref(local, "arn") }],
    });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-cross-region-copy-none"),
        message:
          "Plan 'fail-backup-plan-cross-region-copy-none' copies its recovery points nowhere, so they share the fate of region us-east-1; add a copyActions entry whose destinationVaultArn is a vault in another region.",
      },
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-cross-region-copy-same-region"),
        message:
          "Plan 'fail-backup-plan-cross-region-copy-same-region' copies its recovery points only within its own region us-east-1 (rules[0].copyActions[0], rules[0].copyActions[1]); add a copyActions entry whose destinationVaultArn is a vault in another region.",
      },
    ]);
  });

  it("requires another account, or the listed regions, when configured", async () => {
    const stack = new FixtureStack({ config: { "aws:allowedAccountIds": '["111122223333"]' } });
    plan(stack, "pass-other-account", { copyActions: [{ destinationVaultArn: OTHER_ACCOUNT }] });
    plan(stack, "fail-backup-plan-cross-region-copy-same-account", { copyActions: [{ destinationVaultArn: WEST }] });
    expect(await check(stack, POLICY, { [POLICY]: { requireCrossAccount: true } })).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-cross-region-copy-same-account"),
        message:
          "Plan 'fail-backup-plan-cross-region-copy-same-account' copies to no vault in another account (known from its destinationVaultArn); add a copyActions entry whose destinationVaultArn is a vault in another region and account.",
      },
    ]);
    expect(await check(stack, POLICY, { [POLICY]: { requiredRegions: ["eu-west-1"] } })).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-backup-plan-cross-region-copy-same-account"),
        message:
          "Plan 'fail-backup-plan-cross-region-copy-same-account' copies to none of the required regions eu-west-1; add a copyActions entry to a vault in each.",
      },
      {
        policy: POLICY,
        urn: urn("pass-other-account"),
        message: "Plan 'pass-other-account' copies to none of the required regions eu-west-1; add a copyActions entry to a vault in each.",
      },
    ]);
  });

  it("reports a destination it cannot place as a gap, never a violation", async () => {
    const stack = new FixtureStack();
    plan(stack, "gap-destination", { copyActions: [{ destinationVaultArn: unknown() }] });
    const parameter = stack.add(aws.ssm.Parameter, "region", { type: "String", value: "us-west-2" });
    const vault = stack.add(aws.backup.Vault, "gap-region-vault", { region: ref(parameter, "value") });
    plan(stack, "gap-region", { copyActions: [{ destinationVaultArn: ref(vault, "arn") }] });
    const gaps = (await check(stack)).filter((v) => v.message.includes(POLICY));
    expect(gaps).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-destination"),
        message: expect.stringContaining(
          "- backup-plan-cross-region-copy: rules[0].copyActions[0].destinationVaultArn is unknown during preview and computed from no vault of the stack.",
        ),
      },
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-region"),
        message: expect.stringContaining(
          "- backup-plan-cross-region-copy: rules[0].copyActions[0].destinationVaultArn names Vault 'gap-region-vault', and the region of Vault 'gap-region-vault' is unknown during preview.",
        ),
      },
    ]);
  });
});
