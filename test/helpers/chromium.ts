import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); Playwright's own browser download does not work here. */
export const CHROMIUM_PATH = process.env.FLEXGATE_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots of each page go here; CI keeps the folder out of git (.gitignore). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/**
 * Whether the browser suites can run. In CI a missing browser is an error (.ci/run installs it); on a
 * developer machine the suites are skipped with a visible message.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI !== undefined) throw new Error(`CI must provide chromium at ${CHROMIUM_PATH}`);
  console.warn(`Browser tests skipped: no chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  return false;
}

export async function launchChromium(): Promise<Browser> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Without the background-networking flags chromium keeps dialling out, which this network refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}
