import { selectionIndex, selectionsByPlan, selectionsWithUnknownPlan, type ParsedSelection } from "../../lib/backup/selections";
import { defineStackPolicy } from "../../lib/define";
import { SATISFIED, unverifiable, violated, type Outcome } from "../../lib/outcome";
import { describe } from "../../lib/stackIndex";
import { BACKUP_PLAN, BACKUP_SELECTION, union } from "../../lib/types";

/** FSx resources AWS Backup does not protect whole or alone: their volumes, or their file system, are what it backs up. */
const FSX_INSTEAD: ReadonlySet<string> = new Set(["aws:fsx/ontapFileSystem:OntapFileSystem", "aws:fsx/openZfsVolume:OpenZfsVolume"]);

/** A selection that names something AWS Backup can back up (or may, while unknown). */
function nonEmpty(selection: ParsedSelection): boolean {
  const { resources } = selection;
  const protectable = resources.edges.size > 0 || resources.patterns.length > 0 || resources.unknown;
  const literals = resources.exact.length > resources.unprotectableLiterals;
  return protectable || literals || selection.tags.length > 0 || selection.tagsUnknown;
}

function unprotectableOutcome(selection: ParsedSelection): Outcome {
  const who = describe(selection.selection);
  const { unprotectable, unprotectableLiterals } = selection.resources;
  const named = [
    ...unprotectable.map((resource) => describe(resource)),
    ...(unprotectableLiterals === 0 ? [] : [unprotectableLiterals === 1 ? "1 ARN" : `${unprotectableLiterals} ARNs`]),
  ];
  if (named.length === 0) return SATISFIED;
  const one = unprotectable.length + unprotectableLiterals === 1;
  const list = named.length === 1 ? named[0]! : `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]!}`;
  // AWS Backup protects FSx for ONTAP by volume and FSx for OpenZFS by file system: say which to select instead.
  const fsx = unprotectable.some((resource) => FSX_INSTEAD.has(resource.type));
  const instead = fsx
    ? "select the FSx for ONTAP file system's aws.fsx.OntapVolume resources, or the OpenZFS volume's aws.fsx.OpenZfsFileSystem, instead"
    : "protect that data another way (Secrets Manager replication, for a secret)";
  return violated(
    `${who} names ${list} in resources, which AWS Backup cannot protect, so ${one ? "it is" : "they are"} not backed up; remove ${one ? "it" : "them"} from resources and ${instead}.`,
  );
}

export const backupPlanHasSelection = defineStackPolicy(
  {
    name: "backup-plan-has-selection",
    description:
      "Every AWS Backup plan must be used by at least one aws.backup.Selection that names resources AWS Backup can protect, and no selection may name a resource it cannot protect.",
    severity: "medium",
    area: "coverage",
    nist: ["CP-9"],
    specification: "What the backup plan protects is defined, so that the backups the organization relies on exist (CP-9).",
    remediationSteps:
      "Add an aws.backup.Selection with planId set to the plan's id, an iamRoleArn, and resources (ARNs or wildcards) or selectionTags. Remove from resources anything AWS Backup cannot protect, such as Secrets Manager secrets or IAM roles: such entries back nothing up.",
    remediation: { notFixed: "a selection is a new resource, and what it selects is the customer's decision." },
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html",
    config: {},
  },
  {
    subjects: ({ index }) => index.ofType(union(BACKUP_PLAN, BACKUP_SELECTION)),
    check(resource, { index }): Outcome {
      if (BACKUP_SELECTION.has(resource.type)) {
        const selection = selectionIndex(index).byUrn.get(resource.urn);
        return selection ? unprotectableOutcome(selection) : SATISFIED;
      }
      const who = describe(resource);
      const selections = selectionsByPlan(index).get(resource.urn) ?? [];
      if (selections.some(nonEmpty)) return SATISFIED;
      const open = selectionsWithUnknownPlan(index)[0];
      if (open)
        return unverifiable(
          "planId",
          `the planId of Selection '${open.selection.name}' is unknown ${index.unknownWhen}, so it may use this plan`,
        );
      const remedy =
        "add an aws.backup.Selection with planId set to the plan's id and resources or selectionTags naming what it must back up";
      if (selections.length === 0) return violated(`${who} has no aws.backup.Selection, so it backs nothing up; ${remedy}.`);
      return violated(
        `${who} is used only by selections that name nothing AWS Backup can protect (${selections.map((s) => `Selection '${s.selection.name}'`).join(", ")}), so it backs nothing up; ${remedy}.`,
      );
    },
  },
);
