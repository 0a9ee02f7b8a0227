import * as aws from "@pulumi/aws";
import { derived, FixtureStack, ref, type Fixture } from "../../../kit/fixtures";
import { check } from "../../helpers";

const POLICY = "backup-role-dedicated";
const urn = (name: string) => `urn:pulumi:test::fixture::aws:iam/role:Role::${name}`;
const trust = (Principal: unknown) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal, Action: "sts:AssumeRole" }] });

function backupRole(stack: FixtureStack, name: string, assumeRolePolicy: string): Fixture {
  const vault = stack.add(aws.backup.Vault, `${name}-vault`, { name: `${name}-vault` });
  const plan = stack.add(aws.backup.Plan, `${name}-plan`, {
    name: `${name}-plan`,
    rules: [{ ruleName: "daily", targetVaultName: ref(vault, "name") }],
  });
  const role = stack.add(aws.iam.Role, name, { name, assumeRolePolicy });
  stack.add(aws.backup.Selection, `${name}-selection`, { name, planId: ref(plan, "id"), iamRoleArn: ref(role, "arn"), resources: ["*"] });
  return role;
}

describe(POLICY, () => {
  it("accepts a role only AWS Backup can assume and nothing else uses, and S3 replication's own role", async () => {
    const stack = new FixtureStack();
    backupRole(stack, "pass-backup-only", trust({ Service: "backup.amazonaws.com" }));
    const replication = stack.add(aws.iam.Role, "pass-replication", {
      name: "pass-replication",
      assumeRolePolicy: trust({ Service: "s3.amazonaws.com" }),
    });
    const source = stack.add(aws.s3.Bucket, "source", { tags: { purpose: "backup" } });
    const replica = stack.add(aws.s3.Bucket, "replica", {});
    stack.add(aws.s3.BucketReplicationConfig, "replication", {
      bucket: ref(source, "id"),
      role: ref(replication, "arn"),
      rules: [{ status: "Enabled", destination: { bucket: ref(replica, "arn") } }],
    });
    stack.add(aws.iam.Role, "workload", { name: "workload", assumeRolePolicy: trust({ Service: "ec2.amazonaws.com" }) });
    expect(await check(stack, POLICY)).toEqual([]);
  });

  it("rejects a backup role that others may assume", async () => {
    const stack = new FixtureStack();
    backupRole(stack, "fail-wildcard", trust("*"));
    backupRole(
      stack,
      "fail-mixed",
      trust({ Service: ["backup.amazonaws.com", "ec2.amazonaws.com"], AWS: "arn:aws:iam::123456789012:root" }),
    );
    backupRole(stack, "fail-federated", trust({ Federated: "arn:aws:iam::123456789012:oidc-provider/x" }));
    const who = (name: string) => `Role '${name}' (assumed by AWS Backup for Selection '${name}-selection')`;
    const only = "assume it in assumeRolePolicy; allow only the service principal backup.amazonaws.com.";
    expect(await check(stack, POLICY)).toEqual([
      { policy: POLICY, urn: urn("fail-federated"), message: `${who("fail-federated")} lets a federated identity provider ${only}` },
      {
        policy: POLICY,
        urn: urn("fail-mixed"),
        message: `${who("fail-mixed")} lets another AWS service, an AWS account or IAM principal ${only}`,
      },
      { policy: POLICY, urn: urn("fail-wildcard"), message: `${who("fail-wildcard")} lets any principal ("*") ${only}` },
    ]);
  });

  it("rejects a backup role that workloads also run as", async () => {
    const stack = new FixtureStack();
    const role = backupRole(stack, "fail-shared", trust({ Service: "backup.amazonaws.com" }));
    stack.add(aws.iam.InstanceProfile, "app-profile", { role: ref(role, "name") });
    stack.add(aws.lambda.Function, "app-function", { role: ref(role, "arn"), runtime: "nodejs20.x", handler: "index.handler" });
    stack.add(aws.iam.Role, "pivot", { name: "pivot", assumeRolePolicy: trust({ AWS: "arn:aws:iam::123456789012:role/fail-shared" }) });
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-shared"),
        message:
          "Role 'fail-shared' (assumed by AWS Backup for Selection 'fail-shared-selection') is also used by InstanceProfile 'app-profile', Function 'app-function', the trust policy of Role 'pivot'; give those workloads roles of their own.",
      },
    ]);
  });

  it("reports a malformed trust policy, and lists one unknown during preview as a gap", async () => {
    const stack = new FixtureStack();
    backupRole(stack, "fail-malformed", "{");
    const other = stack.add(aws.iam.Role, "other", { name: "other", assumeRolePolicy: trust({ Service: "ec2.amazonaws.com" }) });
    backupRole(stack, "gap-computed", derived(trust({ Service: "backup.amazonaws.com" }), other));
    expect(await check(stack, POLICY)).toEqual([
      {
        policy: POLICY,
        urn: urn("fail-malformed"),
        message:
          "Role 'fail-malformed' (assumed by AWS Backup for Selection 'fail-malformed-selection') has an assumeRolePolicy that is a string that is not valid JSON; set it to a trust policy that allows only backup.amazonaws.com.",
      },
    ]);
    expect((await check(stack, "preview-verification-gaps")).filter((v) => v.urn === urn("gap-computed"))).toEqual([
      {
        policy: "preview-verification-gaps",
        urn: urn("gap-computed"),
        message:
          "Role 'gap-computed': 1 control could not be verified during preview:\n- backup-role-dedicated: its trust policy is unknown during preview.",
      },
    ]);
  });
});
