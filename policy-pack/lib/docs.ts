import type { BackupPolicy } from "./define";
import { defaultEnforcement } from "./define";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function configCell(policy: BackupPolicy): string {
  const properties = policy.configSchema?.properties ?? {};
  const names = Object.keys(properties).filter((name) => name !== "exemptions");
  if (names.length === 0) return "–";
  return names.map((name) => `\`${name}\`: \`${JSON.stringify(properties[name]?.default)}\``).join("<br>");
}

/** The policy table, rendered from the policies' own metadata (never written by hand). */
export function renderPolicyTable(policies: readonly BackupPolicy[]): string {
  const rows = policies.map((policy) => {
    const severity = policy.severity ?? "low";
    const checks = "validateStack" in policy ? ("validateResource" in policy ? "resource inputs, then stack" : "stack") : "resource";
    const kind = "remediateResource" in policy ? `${checks}; remediates inputs` : checks;
    const references = (policy.tags ?? []).filter((tag) => !tag.startsWith("area:"));
    return [
      `\`${policy.name}\``,
      severity,
      policy.enforcementLevel ?? defaultEnforcement(severity),
      kind,
      cell(policy.description),
      cell([policy.framework?.reference ?? "", ...references].filter(Boolean).join("; ")),
      configCell(policy),
    ];
  });
  return [
    "| policy | severity | default enforcement | runs on | what it proves | references (NIST SP 800-53 Rev. 5 first) | config: default |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

/**
 * What enforcement level `remediate` does for each policy, rendered from the policies'
 * own `remediation` metadata: what it fixes, or why it does not fix anything.
 */
export function renderRemediationTable(policies: readonly BackupPolicy[]): string {
  const rows = policies.map((policy) => {
    const note = policy.remediation;
    const [fixed, text] = "fixes" in note ? ["yes", note.fixes] : ["no", note.notFixed];
    return [`\`${policy.name}\``, fixed, cell(text.charAt(0).toUpperCase() + text.slice(1))];
  });
  return [
    "| policy | fixed under `remediate` | what is fixed, or why not |",
    "|---|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

/** The pack's readme, shown by Pulumi Cloud next to the pack. */
export function renderPackReadme(policies: readonly BackupPolicy[]): string {
  return [
    "# aws-backup-guardrails",
    "",
    "Proves, at `pulumi preview`, the backup controls that the AWS shared-responsibility model leaves to the customer: customer-managed keys, separate deny-write backup identities, retention, copies in another region, immutability, coverage and restore testing.",
    "Every policy also takes `exemptions: [{resource, reason, expires?}]`.",
    "",
    renderPolicyTable(policies),
    "",
    "Under enforcement level `remediate`:",
    "",
    renderRemediationTable(policies),
    "",
  ].join("\n");
}
