import { DATA_STORE_TYPES, isReadReplica, kindOf, PROTECTED_RESOURCE_TYPES, type ProtectedResourceType } from "../../lib/backup/dataStores";
import { backsUp, protection } from "../../lib/backup/coverage";
import type { SelectionVerdict } from "../../lib/backup/selections";
import { backupBucketFields, booleanField, stringListField } from "../../lib/config";
import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { backupBuckets } from "../../lib/s3/buckets";
import { describe, type IndexedResource } from "../../lib/stackIndex";
import { S3_BUCKET } from "../../lib/types";

const DEFAULT_TYPES = PROTECTED_RESOURCE_TYPES.filter((type) => type !== "S3");

/** Why a selection that names the data store does not back it up, as a clause. */
function whyNot(verdict: SelectionVerdict): string | undefined {
  const { selection } = verdict;
  const name = `Selection '${selection.selection.name}'`;
  if (verdict.named !== "yes") return undefined;
  if (verdict.selected === "no") return `${name} names it but excludes it in notResources`;
  const notCounted = selection.notCounted;
  if (!notCounted) return undefined;
  switch (notCounted.reason) {
    case "no-role":
      return `${name} selects it but sets no iamRoleArn, so AWS Backup cannot run its jobs`;
    case "plan-without-rule":
      return `${name} selects it but its Plan '${notCounted.plan.name}' has no rule, so no backup job ever runs`;
    case "plan-outside":
      return `${name} selects it but ${notCounted.detail}`;
  }
}

export const dataStoreInBackupPlan = defineStackPolicy(
  {
    name: "data-store-in-backup-plan",
    description:
      "Every data store AWS Backup can protect (RDS, Aurora, DynamoDB, EFS, EBS, EC2, FSx, DocumentDB, Neptune, Redshift, and S3 data buckets when configured) must be selected by an aws.backup.Selection of a backup plan with a rule.",
    severity: "high",
    area: "coverage",
    nist: ["CP-9a", "CP-9b", "CP-9c", "CP-10"],
    specification:
      "User-, system- and system-documentation-level information is backed up at a defined frequency, and what is backed up is documented (CP-9a-c); the system can be recovered (CP-10).",
    references: ["HIPAA 164.308(a)(7)(ii)(A)"],
    remediationSteps:
      "Add the data store to an aws.backup.Selection of an aws.backup.Plan with at least one rule and an iamRoleArn: list its ARN in resources (a wildcard such as arn:aws:rds:*:*:db:* selects every one of its kind), or tag it to match the selection's selectionTags, or its conditions together with a resources pattern. AWS applies resources OR selectionTags, conditions refine resources, and notResources excludes. An EBS volume attached to a backed-up EC2 instance is in the instance's backup; FSx for NetApp ONTAP is backed up by volume (aws.fsx.OntapVolume); RDS read replicas need not be selected.",
    remediation: { notFixed: "which plan backs up a data store is the customer's decision, and a selection is a new resource." },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html",
    config: {
      resourceTypes: stringListField(
        `AWS Backup resource types that must be in a backup plan (${PROTECTED_RESOURCE_TYPES.filter((t) => t !== "S3").join(", ")}).`,
        DEFAULT_TYPES,
      ),
      includeS3: booleanField("Also require every S3 bucket that is not a backup bucket to be in a backup plan.", false),
      ...backupBucketFields,
    },
  },
  {
    subjects({ index, config }) {
      const wanted = new Set<string>(config.resourceTypes);
      const out: IndexedResource[] = index.ofType(DATA_STORE_TYPES).filter((resource) => {
        // A read replica holds its source's data: the source is what must be in a plan.
        if (isReadReplica(index, resource)) return false;
        const type = kindOf(resource.type)?.protectedType(resource);
        // An RDS cluster whose engine is unknown is Aurora or a Multi-AZ DB cluster: either counts.
        return type === undefined ? wanted.has("RDS") || wanted.has("Aurora") : wanted.has(type);
      });
      if (config.includeS3) {
        const backups = backupBuckets(index, config);
        const undecided = new Set(backups.undecidable.map((bucket) => bucket.urn));
        out.push(...index.ofType(S3_BUCKET).filter((bucket) => !backups.byUrn.has(bucket.urn) && !undecided.has(bucket.urn)));
      }
      return out;
    },
    check(resource, { index }): Outcome {
      const found = protection(index, resource);
      const { verdicts } = found;
      if (found.state === "yes") return SATISFIED;
      if (found.viaInstance) {
        return unverifiable(
          "(attachment)",
          `it is attached to ${describe(found.viaInstance)}, whose backup would hold it, but whether a selection backs that instance up is unknown ${index.unknownWhen}`,
        );
      }
      const results = verdicts.map((verdict) => ({ verdict, counted: backsUp(verdict) }));
      if (results.some((result) => result.counted === "yes")) return SATISFIED;
      const open = results.find((result) => result.counted === "unknown");
      if (open) {
        const { selection } = open.verdict;
        if (open.verdict.selected === "yes" && selection.countsUnknown) {
          return unverifiable(
            selection.countsUnknown.property,
            `Selection '${selection.selection.name}' selects it, but ${selection.countsUnknown.reason}`,
          );
        }
        return unverifiable(
          "tags",
          `whether Selection '${selection.selection.name}' selects it depends on values unknown ${index.unknownWhen} (its ARN or tags, or the selection's entries)`,
        );
      }
      const notes = verdicts.map(whyNot).filter((note): note is string => note !== undefined);
      const type: ProtectedResourceType | undefined = kindOf(resource.type)?.protectedType(resource);
      const pattern = type === "S3" ? "" : " (or a wildcard of its kind)";
      return violated(
        `${describe(resource)} is not in any backup plan of this stack${notes.length > 0 ? `: ${notes[0]}` : ""}; add its ARN${pattern} to the resources of an aws.backup.Selection whose plan has a rule, or tag it to match a selection's selectionTags.`,
      );
    },
  },
);
