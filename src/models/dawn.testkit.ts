// WebGPU in unit tests: Dawn's Node binding (the optional `webgpu` package, which CI installs) on
// a Vulkan driver. Without VK_ICD_FILENAMES set, the tests take Chromium's SwiftShader where it is
// installed, so that they check the same thing on every machine, GPU or not: they test
// correctness, not speed.
import { existsSync } from 'node:fs';
import { initBackend } from '../cli/backend-node';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

export type Dawn = { ok: true } | { ok: false; reason: string };

/**
 * Starts tfjs's WebGPU backend on Dawn; where it cannot, says why (and leaves tfjs untouched),
 * unless DRN_LENS_REQUIRE_DAWN is set (CI sets it, so that these tests can never be skipped there
 * unseen). `suite` names the tests that a missing Dawn skips, in the printed reason.
 */
export async function startDawn(suite: string): Promise<Dawn> {
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  try {
    await initBackend('webgpu');
    return { ok: true };
  } catch (e) {
    const why = (e as Error).message;
    if (process.env.DRN_LENS_REQUIRE_DAWN) throw new Error(`DRN_LENS_REQUIRE_DAWN is set but Dawn did not start: ${why}`, { cause: e });
    const reason = `Dawn (the optional \`webgpu\` package) did not start: ${why}`;
    console.warn(`skipped: ${suite}: ${reason}`);
    return { ok: false, reason };
  }
}
