/**
 * The `--policy-pack-config` presets shipped in `policy-pack/presets/`: what each is
 * for, and, rendered from the file itself, exactly what it changes from the pack's
 * defaults (so the README can never say more than the file does).
 */
import * as fs from "fs";
import * as path from "path";
import type { BackupPolicy } from "../policy-pack/lib/define";

export const PRESETS_DIR = path.resolve(
  __dirname,
  __dirname.includes(`${path.sep}dist${path.sep}`) ? "../../policy-pack/presets" : "../policy-pack/presets",
);

export interface Preset {
  readonly name: string;
  readonly purpose: string;
}

export const PRESETS: readonly Preset[] = [
  {
    name: "baseline",
    purpose:
      "The pack's defaults: critical and high policies mandatory, medium and low advisory. For policy groups that name the profile they enforce.",
  },
  {
    name: "hipaa",
    purpose:
      "HIPAA Security Rule: the data backup plan (164.308(a)(7)(ii)(A)), testing of restores (164.308(a)(7)(ii)(D)), encryption key management (164.312(a)(2)(iv)) and audit controls (164.312(b)) stop a deployment instead of warning.",
  },
  {
    name: "fedramp-moderate",
    purpose:
      "FedRAMP Moderate (NIST SP 800-53 Rev. 5 moderate baseline): CP-9 backups with native retention and a selection for every plan, CP-4/CP-9(1) restore testing, SC-12/CP-9(8) keys the stack itself proves (no unlisted external key ARNs), SI-4/AU-6/CA-7 monitoring and audit reports, all mandatory.",
  },
  {
    name: "strict",
    purpose:
      "Every policy mandatory (preview gaps stay advisory, or every first preview would fail), external keys only when listed in trustedKeyArns, rotation every 90 days, 90-day retention of backups, 35 days of native backups, and S3 data buckets in a backup plan too.",
  },
];

export function readPreset(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(PRESETS_DIR, `${name}.json`), "utf8")) as Record<string, unknown>;
}

const code = (value: unknown) => `\`${JSON.stringify(value)}\``;

/** One line per change a preset makes, read from the preset file against each policy's default. */
export function describeChanges(preset: Record<string, unknown>, policies: readonly BackupPolicy[]): string[] {
  const byName = new Map(policies.map((policy) => [policy.name, policy]));
  const lines: string[] = [];
  for (const [name, entry] of Object.entries(preset)) {
    if (name === "all") {
      lines.push(`every policy ${String(entry)}, unless named below`);
      continue;
    }
    const defaults = byName.get(name)?.configSchema?.properties ?? {};
    const { enforcementLevel, ...properties } =
      typeof entry === "string" ? { enforcementLevel: entry } : (entry as Record<string, unknown>);
    const changes = [
      ...(enforcementLevel === undefined ? [] : [String(enforcementLevel)]),
      ...Object.entries(properties).map(([key, value]) => `${key} ${code(value)} (default ${code(defaults[key]?.default)})`),
    ];
    lines.push(`\`${name}\`: ${changes.join(", ")}`);
  }
  return lines;
}

export function renderPresets(policies: readonly BackupPolicy[]): string {
  const rows = PRESETS.map((preset) => {
    const changes = describeChanges(readPreset(preset.name), policies);
    return `| \`presets/${preset.name}.json\` | ${preset.purpose} | ${changes.length > 0 ? changes.join("<br>") : "nothing"} |`;
  });
  return ["| preset | for | changes from the defaults |", "|---|---|---|", ...rows].join("\n");
}
