/**
 * The shipped `--policy-pack-config` presets: each reconciles through the CLI's own
 * reconciliation against the real pack without an error or a warning, every entry is a
 * real change from the defaults, and the README's presets table is what the files say.
 */
import * as aws from "@pulumi/aws";
import * as fs from "fs";
import type { AnalyzerInfo } from "../kit/engine/analyzer";
import { reconcileConfig } from "../kit/engine/config";
import { FixtureStack, ref } from "../kit/fixtures";
import { PRESETS, PRESETS_DIR, readPreset } from "../scripts/presets";
import { check, packsForThisFile } from "./helpers";

const packs = packsForThisFile();
let info: AnalyzerInfo;
beforeAll(async () => {
  info = await packs.preview.getAnalyzerInfo();
});

describe("presets", () => {
  it("lists every preset file of policy-pack/presets, and only those", () => {
    const files = fs.readdirSync(PRESETS_DIR).filter((file) => file.endsWith(".json"));
    expect(files.sort()).toEqual(PRESETS.map((preset) => `${preset.name}.json`).sort());
  });

  it.each(PRESETS.map((preset) => [preset.name]))("%s reconciles as the CLI does, with no error and no warning", (name) => {
    const warnings: string[] = [];
    expect(() => reconcileConfig(info, readPreset(name), warnings)).not.toThrow();
    expect(warnings).toEqual([]);
  });

  it.each(PRESETS.filter((preset) => preset.name !== "baseline").map((preset) => [preset.name]))(
    "%s changes every level and property it names from what the pack would use without it",
    (name) => {
      const preset = readPreset(name);
      const withPreset = reconcileConfig(info, preset);
      const { all, ...rest } = preset;
      const withoutEntry = (policy: string) =>
        reconcileConfig(info, Object.fromEntries(Object.entries(preset).filter(([key]) => key !== policy)));
      const defaults = reconcileConfig(info, {});
      if (all !== undefined) {
        const levels = Object.values(withPreset).map((entry) => entry.enforcementLevel);
        expect(levels.filter((level) => level === all).length).toBeGreaterThan(
          Object.values(defaults).filter((e) => e.enforcementLevel === all).length,
        );
      }
      for (const [policy, entry] of Object.entries(rest)) {
        const before = withoutEntry(policy)[policy]!;
        const after = withPreset[policy]!;
        const { enforcementLevel, ...properties } =
          typeof entry === "string" ? { enforcementLevel: entry } : (entry as Record<string, unknown>);
        if (enforcementLevel !== undefined) {
          expect([policy, after.enforcementLevel]).toEqual([policy, enforcementLevel]);
          expect([policy, before.enforcementLevel]).not.toEqual([policy, enforcementLevel]);
        }
        for (const [key, value] of Object.entries(properties)) {
          expect([policy, key, after.properties[key]]).toEqual([policy, key, value]);
          expect([policy, key, before.properties[key]]).not.toEqual([policy, key, value]);
        }
      }
    },
  );

  it("strict makes every policy but the preview gaps mandatory", () => {
    const config = reconcileConfig(info, readPreset("strict"));
    expect(
      Object.entries(config)
        .filter(([, entry]) => entry.enforcementLevel !== "mandatory")
        .map(([name]) => name),
    ).toEqual(["preview-verification-gaps"]);
  });

  it("strict holds a backup key to 90-day rotation, which the defaults accept at 180", async () => {
    const stack = new FixtureStack();
    const key = stack.add(aws.kms.Key, "key-180-days", { enableKeyRotation: true, rotationPeriodInDays: 180 });
    stack.add(aws.backup.Vault, "vault", { kmsKeyArn: ref(key, "arn") });
    expect(await check(stack, "backup-key-rotation-enabled")).toEqual([]);
    expect(await check(stack, "backup-key-rotation-enabled", readPreset("strict"))).toEqual([
      {
        policy: "backup-key-rotation-enabled",
        urn: "urn:pulumi:test::fixture::aws:kms/key:Key::key-180-days",
        message:
          "Key 'key-180-days' (encrypts Vault 'vault') sets rotationPeriodInDays to 180, longer than the maximum of 90; set rotationPeriodInDays to 90 or less.",
      },
    ]);
  });
});
