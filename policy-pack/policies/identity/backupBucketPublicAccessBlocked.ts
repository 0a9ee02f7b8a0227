import { backupBucketFields } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { conditionMakesBucketStatementNonPublic, parsePolicyDocument, statementAppliesToAnyone } from "../../lib/iam/policyDocument";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { bucketPolicies, PUBLIC_ACCESS_SETTINGS, publicAccessSettings } from "../../lib/s3/bucketAccess";
import { backupBuckets } from "../../lib/s3/buckets";
import { describe } from "../../lib/stackIndex";

const ALL_FOUR = "blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets";

export const backupBucketPublicAccessBlocked = defineStackPolicy(
  {
    name: "backup-bucket-public-access-blocked",
    description:
      'Every S3 backup bucket must have all four S3 Block Public Access settings turned on and no bucket policy statement that allows any principal ("*").',
    severity: "high",
    area: "identity",
    nist: ["AC-3"],
    specification: "Access to backup information is enforced by policy, and no one outside the organization can read or change it (AC-3).",
    remediationSteps:
      'Keep S3\'s default Block Public Access (all four settings on for every bucket created since April 2023): give the bucket no aws.s3.BucketPublicAccessBlock, or one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets set to true (an aws.s3.AccountPublicAccessBlock that sets them for the account also counts), and name the principals of every Allow statement of the bucket policy instead of "*".',
    remediation: {
      notFixed:
        "a setting turned off lives in a separate aws.s3.BucketPublicAccessBlock or AccountPublicAccessBlock whose owner chose it (often for another bucket), and a policy statement that allows any principal is the owner's to narrow.",
    },
    url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
    config: { ...backupBucketFields },
  },
  {
    subjects({ index, config }) {
      const buckets = backupBuckets(index, config);
      return [...[...buckets.byUrn.values()].map((entry) => entry.bucket), ...buckets.undecidable];
    },
    check(bucket, { index, config }) {
      if (!backupBuckets(index, config).byUrn.has(bucket.urn)) {
        return unverifiable("tags", `its tags are unknown ${index.unknownWhen}, so whether it is a backup bucket cannot be decided`);
      }
      const outcomes: Outcome[] = [];
      const settings = publicAccessSettings(index, bucket);
      const off = PUBLIC_ACCESS_SETTINGS.filter((setting) => settings[setting].state === "off");
      for (const setting of PUBLIC_ACCESS_SETTINGS) {
        const state = settings[setting];
        if (state.state === "unknown")
          outcomes.push(unverifiable(setting, `${setting} of ${describe(state.by)} is unknown ${index.unknownWhen}`));
      }
      if (off.length > 0) {
        const blocks = [...new Set(off.flatMap((setting) => settings[setting].by ?? []).map(describe))].join(", ");
        outcomes.push(
          violated(
            `${describe(bucket)} does not turn on ${off.join(", ")} (${blocks}); set ${off.length === 1 ? "it" : "them"} to true, so that all of ${ALL_FOUR} are on.`,
          ),
        );
      }
      for (const { holder, document } of bucketPolicies(index, bucket)) {
        const where = holder === bucket ? "" : ` (set by ${describe(holder)})`;
        const parsed = parsePolicyDocument(document);
        if (parsed.state === "unknown") {
          outcomes.push(unverifiable("policy", `the bucket policy${where} is unknown ${index.unknownWhen}`));
        } else if (parsed.state === "invalid") {
          outcomes.push(
            violated(
              `${describe(bucket)} has a bucket policy${where} whose document ${parsed.problem}; set policy to a valid JSON bucket policy document.`,
            ),
          );
        } else if (parsed.state === "known") {
          for (const statement of parsed.statements) {
            if (statement.effect !== "Allow" || !statementAppliesToAnyone(statement) || conditionMakesBucketStatementNonPublic(statement))
              continue;
            outcomes.push(
              violated(
                `${describe(bucket)} has a bucket policy${where} whose statement ${statement.label} allows any principal ("*") without a Condition on who the caller is; name the principals, or add a Condition such as aws:PrincipalAccount or aws:PrincipalOrgID.`,
              ),
            );
          }
        }
      }
      return outcomes.length > 0 ? outcomes : SATISFIED;
    },
  },
);
