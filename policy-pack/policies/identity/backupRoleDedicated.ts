import { backupBucketFields } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { backupIdentities } from "../../lib/iam/identities";
import { parsePolicyDocument } from "../../lib/iam/policyDocument";
import { roleUses, trustFindings, type TrustFinding } from "../../lib/iam/trust";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { BACKUP_SELECTION, RESTORE_TESTING_SELECTION } from "../../lib/types";

const FINDINGS: Readonly<Record<TrustFinding, string>> = {
  anyone: 'any principal ("*")',
  "other-service": "another AWS service",
  "aws-principal": "an AWS account or IAM principal",
  federated: "a federated identity provider",
};

export const backupRoleDedicated = defineStackPolicy(
  {
    name: "backup-role-dedicated",
    description:
      "Every IAM role that AWS Backup or S3 replication assumes for backups must trust only that AWS service principal and must not also be used by workloads (instance profiles, Lambda functions, ECS tasks, EKS pods, other roles' trust).",
    severity: "high",
    area: "identity",
    nist: ["AC-5", "AC-6"],
    specification:
      "The identity that writes and manages backups is separate from the identities that run workloads (separation of duties, AC-5), and only the backup service can act as it (least privilege, AC-6).",
    remediationSteps:
      'Give AWS Backup its own role whose assumeRolePolicy allows only { Service: "backup.amazonaws.com" } (S3 replication: "s3.amazonaws.com") to sts:AssumeRole, and give every workload (EC2 instance profile, Lambda function, ECS task, EKS pod) a role of its own.',
    remediation: {
      notFixed:
        "changing a role's trust or taking it away from a workload breaks what relies on it; a dedicated backup role is a design change.",
    },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html",
    config: { ...backupBucketFields },
  },
  {
    subjects: ({ index, config }) => [...backupIdentities(index, config).values()].map((use) => use.role),
    check(role, { index, config }) {
      const use = backupIdentities(index, config).get(role.urn);
      if (!use) return undefined;
      const byBackup = BACKUP_SELECTION.has(use.assumedFor.type) || RESTORE_TESTING_SELECTION.has(use.assumedFor.type);
      const service = byBackup ? "backup.amazonaws.com" : "s3.amazonaws.com";
      const who = `${describe(role)} (assumed by ${byBackup ? "AWS Backup" : "S3 replication"} for ${describe(use.assumedFor)})`;
      const outcomes: Outcome[] = [];
      const trust = parsePolicyDocument(role.props.assumeRolePolicy);
      if (trust.state === "unknown") {
        outcomes.push(unverifiable("assumeRolePolicy", `its trust policy is unknown ${index.unknownWhen}`));
      } else if (trust.state === "invalid") {
        outcomes.push(
          violated(`${who} has an assumeRolePolicy that ${trust.problem}; set it to a trust policy that allows only ${service}.`),
        );
      } else if (trust.state === "known") {
        const findings = trustFindings(trust.statements, new Set([service]));
        if (findings.size > 0) {
          outcomes.push(
            violated(
              `${who} lets ${[...findings].map((f) => FINDINGS[f]).join(", ")} assume it in assumeRolePolicy; allow only the service principal ${service}.`,
            ),
          );
        }
      }
      const uses = roleUses(index).get(role.urn) ?? [];
      if (uses.length > 0) {
        outcomes.push(
          violated(
            `${who} is also used by ${uses.join(", ")}; give ${uses.length === 1 ? "that workload a role of its own" : "those workloads roles of their own"}.`,
          ),
        );
      }
      return outcomes.length > 0 ? outcomes : SATISFIED;
    },
  },
);
