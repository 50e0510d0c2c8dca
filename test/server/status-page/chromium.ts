/** Debian's Chromium for the status page test, driven by playwright-core (no browser download). */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * True when Chromium is installed. Locally a missing one skips with a printed reason; under CI
 * (CI=true) it throws, because scripts/setup.sh installs it there.
 */
export function canUseChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true')
    throw new Error(`the status page test needs ${CHROMIUM} (apt-get install chromium)`);
  console.warn(`skipping the status page test: ${CHROMIUM} is not installed (apt-get install chromium)`);
  return false;
}

/**
 * Headless Chromium with the flags this machine needs (/work/.library/env/machines/node.md: no
 * background networking on a closed network). Playwright gives it a fresh, empty profile.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
