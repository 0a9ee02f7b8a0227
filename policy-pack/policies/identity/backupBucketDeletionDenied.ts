import { backupBucketFields, stringListField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { addressOf, decideAtAny } from "../../lib/iam/addresses";
import { actionResources, type BackupTarget } from "../../lib/iam/backupTargets";
import { checkDenies, sparedByUserIdReason } from "../../lib/iam/denyCheck";
import { backupIdentities, identityForPrincipal } from "../../lib/iam/identities";
import { parsePolicyDocument, type Statement } from "../../lib/iam/policyDocument";
import { breakGlass, probeRequest, PROBE_IDENTITY_POLICY } from "../../lib/iam/probes";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { bucketPolicies } from "../../lib/s3/bucketAccess";
import { backupBuckets } from "../../lib/s3/buckets";
import { describe } from "../../lib/stackIndex";

/** Deleting objects and weakening the bucket's versioning, lifecycle, policy or lock. */
const REQUIRED = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketObjectLockConfiguration",
];

const REMEDY =
  'add a statement { Effect: "Deny", Principal: "*", Action: those actions, Resource: [the bucket ARN, the bucket ARN/*] } excepting only its backup identities and the roles listed in breakGlassPrincipalArns (ArnNotEquals on aws:PrincipalArn)';

export const backupBucketDeletionDenied = defineStackPolicy(
  {
    name: "backup-bucket-deletion-denied",
    description:
      "Every S3 backup bucket must have a bucket policy that denies deleting objects and changing versioning, lifecycle, the policy or Object Lock to every principal except its backup identities and the break-glass principals, and denies every request without TLS.",
    severity: "high",
    area: "identity",
    nist: ["CP-9", "AC-3", "SC-8"],
    specification:
      "Backups are protected from unauthorized deletion and modification whatever the callers' IAM permissions (CP-9, AC-3), and travel only over encrypted connections (SC-8).",
    remediationSteps:
      'Add an aws.s3.BucketPolicy with a Deny for Principal "*" of s3:DeleteObject, s3:DeleteObjectVersion, s3:PutLifecycleConfiguration, s3:PutBucketVersioning, s3:PutBucketPolicy, s3:DeleteBucketPolicy and s3:PutBucketObjectLockConfiguration on the bucket and its objects (with an ArnNotEquals aws:PrincipalArn exception for the backup role and the break-glass roles in breakGlassPrincipalArns), and a Deny of s3:* when aws:SecureTransport is false.',
    remediation: {
      notFixed:
        "the bucket policy is a separate resource (aws.s3.BucketPolicy) that must spare the bucket's backup identities and break-glass principals, which Remediate does not see.",
    },
    url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html",
    config: {
      breakGlassPrincipalArns: stringListField(
        "IAM principal ARNs a backup bucket policy may exempt from its Deny (the break-glass roles).",
      ),
      ...backupBucketFields,
    },
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
      const sources = bucketPolicies(index, bucket);
      if (sources.length === 0) {
        return violated(
          `${describe(bucket)} has no bucket policy; add an aws.s3.BucketPolicy that denies ${REQUIRED.join(", ")} to every principal except its backup identities and the roles listed in breakGlassPrincipalArns, and denies every request without TLS (aws:SecureTransport false).`,
        );
      }
      const statements: Statement[] = [];
      const outcomes: Outcome[] = [];
      const names = sources.map(({ holder }) => (holder === bucket ? "its inline policy" : describe(holder))).join(", ");
      for (const { holder, document } of sources) {
        const parsed = parsePolicyDocument(document);
        const where = holder === bucket ? "" : ` (set by ${describe(holder)})`;
        if (parsed.state === "unknown" || parsed.state === "absent") {
          const from = index.dependenciesOf(holder, "policy").map(describe);
          const computed = from.length > 0 ? ` (it is computed from ${from.join(", ")})` : "";
          return unverifiable("policy", `the bucket policy${where} is unknown ${index.unknownWhen}${computed}`);
        }
        if (parsed.state === "invalid") {
          return violated(
            `${describe(bucket)} has a bucket policy${where} whose document ${parsed.problem}; set policy to a valid JSON bucket policy document.`,
          );
        }
        statements.push(...parsed.statements);
      }
      const address = addressOf(index, bucket, "bucket");
      const target: BackupTarget = { resource: bucket, kind: "bucket", address, policy: { state: "absent" } };
      const identities = backupIdentities(index, config);
      const policy = { name: names, statements };
      const { notDenied, conditional, exempted, sparedByUserId } = checkDenies(
        index,
        address,
        policy,
        REQUIRED,
        (_, filled, action) => actionResources(target, filled, action),
        (principal) => {
          const identity = identityForPrincipal(index, principal);
          return (identity !== undefined && identities.has(identity.urn)) || breakGlass(index, config.breakGlassPrincipalArns, principal);
        },
      );
      const at = `${describe(bucket)} has a bucket policy (${names})`;
      if (notDenied.length > 0) outcomes.push(violated(`${at} that does not deny ${notDenied.join(", ")} to every principal; ${REMEDY}.`));
      for (const [who, actions] of exempted) {
        outcomes.push(
          violated(
            `${at} whose Deny of ${actions.join(", ")} exempts ${who}, which is neither its backup identity nor listed in breakGlassPrincipalArns; remove the exemption.`,
          ),
        );
      }
      if (conditional.length > 0) {
        outcomes.push(
          unverifiable(
            "policy",
            `${names} denies ${conditional.join(", ")} only under a Condition that cannot be evaluated before a request is made`,
          ),
        );
      }
      if (sparedByUserId.length > 0) {
        outcomes.push(unverifiable("policy", sparedByUserIdReason(names, sparedByUserId)));
      }
      const withoutTls = decideAtAny(
        address,
        (filled) => actionResources(target, filled, "s3:GetObject"),
        (filled, resource) => probeRequest("workload", filled, "s3:GetObject", resource, { "aws:SecureTransport": "false" }),
        { identity: [PROBE_IDENTITY_POLICY], resource: policy },
      );
      if (withoutTls === "allowed") {
        outcomes.push(
          violated(
            `${at} that does not deny requests without TLS; add a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [the bucket ARN, the bucket ARN/*], Condition: { Bool: { "aws:SecureTransport": "false" } } }.`,
          ),
        );
      } else if (withoutTls === "conditional") {
        outcomes.push(
          unverifiable(
            "policy",
            `whether ${names} denies requests without TLS depends on a Condition that cannot be evaluated before a request is made`,
          ),
        );
      }
      return outcomes.length > 0 ? outcomes : SATISFIED;
    },
  },
);
