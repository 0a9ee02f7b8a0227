/**
 * The evidence report as Markdown: a summary, a Mermaid diagram (data store → plan →
 * vault → copy vault, with regions), each data store with the plans that protect it
 * (schedule, retention, vault, key custody, copies, backup identity), the unprotected
 * ones, and the customer responsibility matrix of the controls.
 */
import type {
  ControlEvidence,
  CopyEvidence,
  DataStoreEvidence,
  EvidenceReport,
  IdentityEvidence,
  KeyCustody,
  PlanEvidence,
  RetentionEvidence,
  RuleEvidence,
  VaultEvidence,
  VaultTarget,
} from "./evidence";

/** A cell of a Markdown table: no pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function className(type: string): string {
  return type.split(":").pop() || type;
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(" | ")} |`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [row(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(row)];
}

const SOURCE: Record<EvidenceReport["stack"]["source"], string> = {
  preview: "a first `pulumi preview` (values AWS computes are unknown at preview and said so)",
  update: "a preview of an update of the existing stack (every value known)",
  "stack export": "the stack export of the deployed stack",
};

class Names {
  private readonly byUrn = new Map<string, { type: string; name: string }>();
  constructor(report: EvidenceReport) {
    for (const store of report.dataStores) this.byUrn.set(store.resource.urn, store.resource);
    for (const plan of report.plans) this.byUrn.set(plan.resource.urn, plan.resource);
    for (const vault of report.vaults) this.byUrn.set(vault.resource.urn, vault.resource);
  }
  /** `Vault 'backup-vault'`. */
  of(urn: string): string {
    const found = this.byUrn.get(urn);
    if (found) return `${className(found.type)} ${code(found.name)}`;
    const parts = urn.split("::");
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    return parts.length >= 4 ? `${className(type)} ${code(parts.slice(3).join("::"))}` : code(urn);
  }
}

function days(value: number | string | null): string {
  return typeof value === "number" ? `${value} day${value === 1 ? "" : "s"}` : String(value);
}

function retention(value: RetentionEvidence): string {
  const kept = value.deleteAfterDays === "never" ? "kept until deleted (no expiry)" : `kept ${days(value.deleteAfterDays)}`;
  const cold = value.coldStorageAfterDays === null ? "" : `, cold storage after ${days(value.coldStorageAfterDays)}`;
  return `${kept}${cold}`;
}

function custody(key: KeyCustody): string {
  const who =
    key.custody === "customer-managed key of this stack" && key.key
      ? `customer-managed: ${className(key.key.type)} ${code(key.key.name)}`
      : key.reference
        ? `${key.custody} (${code(key.reference)})`
        : key.custody;
  if (key.custody !== "customer-managed key of this stack") {
    return key.rotationEnabled === "not visible from this stack" ? `${who}; rotation and deletion window not visible from this stack` : who;
  }
  const rotation =
    key.rotationEnabled === true
      ? `rotation on${typeof key.rotationPeriodDays === "number" ? ` (every ${days(key.rotationPeriodDays)})` : ` (period ${key.rotationPeriodDays})`}`
      : key.rotationEnabled === false
        ? "rotation off"
        : key.rotationEnabled === "not applicable"
          ? "no automatic rotation (imported or asymmetric key material)"
          : `rotation ${key.rotationEnabled}`;
  const window = key.deletionWindowDays === null ? "" : `, deletion window ${days(key.deletionWindowDays)}`;
  return `${who}; ${rotation}${window}`;
}

function vaultTarget(target: VaultTarget, names: Names): string {
  switch (target.state) {
    case "stack vault":
      return names.of(target.vaults[0] ?? "");
    case "one of":
      return `one of ${target.vaults.map((urn) => names.of(urn)).join(", ")} (which one is unknown at preview)`;
    case "outside this stack":
      return `a vault outside this stack (${code(target.reference ?? "")})`;
    default:
      return target.state;
  }
}

function identity(role: IdentityEvidence): string {
  if (role.state === "stack role" && role.role) return `IAM role ${code(role.role.name)}`;
  if (role.state === "outside this stack") return `an IAM role outside this stack (${code(role.arn ?? "")})`;
  return role.state === "not set" ? "not set (the selection backs nothing up)" : role.state;
}

function copies(rule: RuleEvidence, names: Names): string {
  if (typeof rule.copies === "string") return rule.copies;
  if (rule.copies.length === 0) return "none";
  return rule.copies
    .map(
      (copy: CopyEvidence) =>
        `${vaultTarget(copy.destination, names)} in ${copy.region}, account ${copy.account}, ${retention(copy.retention)}`,
    )
    .join("; ");
}

function vaultOf(report: EvidenceReport, urn: string): VaultEvidence | undefined {
  return report.vaults.find((vault) => vault.resource.urn === urn);
}

function ruleRows(report: EvidenceReport, plan: PlanEvidence, names: Names): string[][] {
  const name = code(plan.resource.name);
  if (typeof plan.rules === "string") return [[name, `rules ${plan.rules}`, "", "", "", "", ""]];
  if (plan.rules.length === 0) return [[name, "no rules: it never backs up", "", "", "", "", ""]];
  return plan.rules.map((rule) => {
    const vaults = rule.vault.vaults.map((urn) => vaultOf(report, urn)).filter((vault): vault is VaultEvidence => vault !== undefined);
    return [
      `${name} ${rule.path}`,
      `${rule.schedule.description} (${code(String(rule.schedule.expression))})`,
      retention(rule.retention),
      `${vaultTarget(rule.vault, names)}${vaults.length === 1 ? ` in ${vaults[0]!.region}` : ""}`,
      vaults.map((vault) => custody(vault.key)).join("; ") || "–",
      copies(rule, names),
    ];
  });
}

const RULE_HEADER = ["plan rule", "schedule", "retention", "vault", "vault key custody", "copies (vault, region, account, retention)"];

function lock(vault: VaultEvidence): string {
  if (vault.airGapped) return "logically air-gapped (retention bounds of its own)";
  if (!vault.lock) return "none";
  const bound = (value: number | string | null) => (value === null ? "none" : days(value));
  return `${vault.lock.mode} mode, min ${bound(vault.lock.minRetentionDays)}, max ${bound(vault.lock.maxRetentionDays)}`;
}

function dataStoreSection(report: EvidenceReport, store: DataStoreEvidence, names: Names): string[] {
  const lines = [`### ${store.resourceType} ${code(store.resource.name)}`, ""];
  lines.push(`${code(store.resource.urn)}, region ${store.region}: ${store.protection}.`);
  if (store.sourceKey) lines.push(`Its recovery points keep its own key: ${custody(store.sourceKey)}.`);
  lines.push(
    "",
    ...table(
      ["selection", "selected by", "plan", "backup identity"],
      store.selections.map((selection) => [
        code(selection.selection.name),
        `${selection.selectedBy.join(", ") || "–"}${selection.certain ? "" : " (whether it applies is unknown at preview)"}`,
        selection.plans.map((urn) => names.of(urn)).join(", ") || "unknown at preview",
        identity(selection.role),
      ]),
    ),
  );
  const plans = [...new Set(store.selections.flatMap((selection) => selection.plans))]
    .map((urn) => report.plans.find((candidate) => candidate.resource.urn === urn))
    .filter((plan): plan is PlanEvidence => plan !== undefined);
  if (plans.length > 0)
    lines.push(
      "",
      ...table(
        RULE_HEADER,
        plans.flatMap((plan) => ruleRows(report, plan, names)),
      ),
    );
  return lines;
}

function vaultSection(report: EvidenceReport): string[] {
  if (report.vaults.length === 0) return ["", "No AWS Backup vault in this stack."];
  return [
    "",
    ...table(
      ["vault", "region", "key custody", "vault lock", "resource"],
      report.vaults.map((vault) => [
        `${className(vault.resource.type)} ${code(vault.resource.name)}`,
        vault.region,
        custody(vault.key),
        lock(vault),
        code(vault.resource.urn),
      ]),
    ),
  ];
}

function status(control: ControlEvidence): string {
  return {
    satisfied: "✅ satisfied",
    violated: "❌ violated",
    unverifiable: "❔ unverifiable",
    "not applicable": "➖ not applicable",
    disabled: "⏸ disabled",
  }[control.status];
}

function controlRows(control: ControlEvidence, names: Names): string[] {
  const behind = control.resources
    .filter((resource) => resource.status === control.status || control.status === "violated" || control.status === "unverifiable")
    .map((resource) => `${names.of(resource.urn)}${resource.status === control.status ? "" : ` (${resource.status})`}`);
  return [
    code(control.policy),
    status(control),
    control.severity,
    control.enforcementLevel,
    control.nist.join(", ") || "–",
    control.hipaa.join(", ") || "–",
    control.fedramp.join(", ") || "–",
    control.ftc.join(", ") || "–",
    [...new Set(behind)].join(", ") || "–",
  ];
}

/** A Mermaid node id from an index. */
function mermaidLabel(text: string): string {
  return `"${text.replace(/"/g, "#quot;")}"`;
}

function diagram(report: EvidenceReport, names: Names): string[] {
  const ids = new Map<string, string>();
  const lines = ["```mermaid", "flowchart LR"];
  const node = (urn: string, label: string, prefix: string) => {
    let id = ids.get(urn);
    if (!id) {
      id = `${prefix}${ids.size}`;
      ids.set(urn, id);
      lines.push(`  ${id}[${mermaidLabel(label)}]`);
    }
    return id;
  };
  const vaultLabel = (urn: string) => {
    const vault = vaultOf(report, urn);
    return vault ? `${className(vault.resource.type)} ${vault.resource.name} (${vault.region})` : names.of(urn);
  };
  const edges: string[] = [];
  const edge = (line: string) => {
    if (!edges.includes(line)) edges.push(line);
  };
  for (const store of report.dataStores) {
    const from = node(store.resource.urn, `${store.resourceType} ${store.resource.name}`, "store");
    if (store.protection === "unprotected") {
      edge(`  ${from} -.- none${ids.size}[${mermaidLabel("no backup plan")}]`);
      continue;
    }
    for (const selection of store.selections) {
      for (const urn of selection.plans) {
        const plan = report.plans.find((candidate) => candidate.resource.urn === urn);
        const to = node(urn, `Plan ${plan?.resource.name ?? urn}`, "plan");
        edge(selection.certain ? `  ${from} --> ${to}` : `  ${from} -. unknown at preview .-> ${to}`);
      }
    }
  }
  for (const vault of report.vaults) node(vault.resource.urn, vaultLabel(vault.resource.urn), "vault");
  for (const plan of report.plans) {
    if (typeof plan.rules === "string") continue;
    const from = node(plan.resource.urn, `Plan ${plan.resource.name}`, "plan");
    for (const rule of plan.rules) {
      for (const vault of rule.vault.vaults) {
        const to = node(vault, vaultLabel(vault), "vault");
        edge(`  ${from} --> ${to}`);
        if (typeof rule.copies === "string") continue;
        for (const copy of rule.copies) {
          for (const destination of copy.destination.vaults) {
            edge(`  ${to} -- copy --> ${node(destination, vaultLabel(destination), "vault")}`);
          }
          if (copy.destination.state === "outside this stack") {
            const outside = node(`outside:${copy.destination.reference ?? ""}`, `vault outside this stack (${copy.region})`, "vault");
            edge(`  ${to} -- copy --> ${outside}`);
          }
        }
      }
    }
  }
  if (ids.size === 0) return ["No data store, backup plan or vault to draw."];
  return [...lines, ...edges, "```"];
}

export function reportMarkdown(report: EvidenceReport): string {
  const names = new Names(report);
  const { summary } = report;
  const lines = [
    `# Backup evidence: ${report.stack.project} / ${report.stack.stack}`,
    "",
    `NIST SP 800-53 Rev. 5 CP-9 evidence and customer responsibility matrix of ${code(`${report.policyPack.name}@v${report.policyPack.version}`)}, from ${SOURCE[report.stack.source]}.`,
    report.failed
      ? report.stack.source === "stack export"
        ? "A mandatory control is violated by the deployed stack."
        : "A mandatory control is violated: `pulumi preview` fails and `pulumi up` stops."
      : "No mandatory control is violated.",
    "",
    "## Summary",
    "",
    `- Data stores: ${summary.dataStores} (${summary.protected} protected, ${summary.unprotected} unprotected${summary.undecided > 0 ? `, ${summary.undecided} unknown at preview` : ""}).`,
    `- Controls: ${summary.controls.satisfied} satisfied, ${summary.controls.violated} violated, ${summary.controls.unverifiable} unverifiable, ${summary.controls["not applicable"]} not applicable${summary.controls.disabled > 0 ? `, ${summary.controls.disabled} disabled` : ""}.`,
    ...report.notes.map((note) => `- Note: ${note}`),
    "",
    "## Where the backups go",
    "",
    ...diagram(report, names),
    "",
    "## Data stores",
  ];
  const covered = report.dataStores.filter((store) => store.protection !== "unprotected");
  const unprotected = report.dataStores.filter((store) => store.protection === "unprotected");
  if (report.dataStores.length === 0) lines.push("", "This stack has no data store AWS Backup can protect.");
  else if (covered.length === 0) lines.push("", "No data store of this stack is in a backup plan.");
  for (const store of covered) lines.push("", ...dataStoreSection(report, store, names));
  if (report.dataStores.length > 0) lines.push("", "### Unprotected data stores", "");
  if (report.dataStores.length === 0) {
    // Nothing to list.
  } else if (unprotected.length === 0) lines.push("None: every data store of this stack is in a backup plan (or may be, where said).");
  else {
    lines.push(
      "No selection of a backup plan with a rule and a backup identity selects these:",
      "",
      ...table(
        ["data store", "type", "region", "resource"],
        unprotected.map((store) => [code(store.resource.name), store.resourceType, store.region, code(store.resource.urn)]),
      ),
    );
  }
  const unused = report.plans.filter((plan) => plan.protects.length === 0);
  if (unused.length > 0) {
    lines.push(
      "",
      "### Plans that protect no data store of this stack",
      "",
      ...table(
        RULE_HEADER,
        unused.flatMap((plan) => ruleRows(report, plan, names)),
      ),
    );
  }
  lines.push("", "## Vaults and key custody", ...vaultSection(report));
  lines.push(
    "",
    "## Controls (customer responsibility matrix)",
    "",
    "Every control below is the customer's responsibility under the AWS shared-responsibility model; FedRAMP Rev. 5 baselines name them by their NIST SP 800-53 ids.",
    "",
    ...table(
      ["control", "status", "severity", "enforcement", "NIST SP 800-53", "HIPAA", "FedRAMP", "FTC Safeguards", "resources"],
      report.controls.map((control) => controlRows(control, names)),
    ),
  );
  const findings = report.controls.filter((control) => control.status === "violated" || control.status === "unverifiable");
  if (findings.length > 0) {
    lines.push("", "### Findings");
    for (const control of findings) {
      lines.push("", `${code(control.policy)} (${control.status}):`, "");
      for (const resource of control.resources.filter((r) => r.status !== "satisfied")) {
        lines.push(`- ${names.of(resource.urn)}: ${(resource.detail ?? "").split("\n").join(" ")}`);
      }
    }
  }
  return `${lines.join("\n")}\n`;
}
