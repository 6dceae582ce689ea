// Where no GPU driver is installed, Dawn-in-Node finds an adapter through Chromium's SwiftShader
// Vulkan driver (Debian's chromium package ships it; libvulkan1 is the loader).
import { existsSync } from 'node:fs';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The environment with VK_ICD_FILENAMES pointing at SwiftShader, unless the caller set one. */
export function swiftShaderEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.VK_ICD_FILENAMES || !existsSync(SWIFTSHADER_ICD)) return env;
  return { ...env, VK_ICD_FILENAMES: SWIFTSHADER_ICD };
}
