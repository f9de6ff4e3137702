import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { freePort } from './ports.js';

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

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export const screenshot = (page: Page, name: string) =>
  page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });

export interface AppCallback {
  /** The redirect URI to register: a page on loopback that the browser can land on. */
  uri: string;
  close(): Promise<void>;
}

/** Stands in for the client application's callback endpoint in browser tests. */
export async function startAppCallback(): Promise<AppCallback> {
  const port = await freePort();
  const server = createServer((_request, response) => response.end('the app received the callback'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    uri: `http://127.0.0.1:${port}/callback`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
