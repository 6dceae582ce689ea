// What the studio tests share: open the page with the engine ready, fill a field like a person.
import { expect, type Page } from '@playwright/test';

export async function openStudio(page: Page, query = ''): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/${query ? `?${query}` : ''}`);
  await expect(page.getByTestId('adapter-line')).toBeVisible({ timeout: 60_000 });
  return errors;
}

export async function fill(page: Page, testId: string, value: string | number): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(String(value));
  await expect(input).toHaveValue(String(value));
}

/** The debug object the page publishes (window.__revgnn), read in the page. */
export async function debug<T>(page: Page, key: string): Promise<T> {
  return page.evaluate(
    (k) => (window as unknown as { __revgnn: Record<string, unknown> }).__revgnn[k],
    key,
  ) as Promise<T>;
}

/** Clicks something that downloads a file; the file's path once it is saved. */
export async function downloaded(page: Page, click: () => Promise<void>): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return (await d.path())!;
}

export interface PictureFacts {
  width: number;
  height: number;
  /** Share of pixels that are not (near) white. */
  ink: number;
  /** Distinct colours (rounded to 4 bits a channel). */
  colors: number;
}

/** Decodes an image in the page and says how big it is and how much is drawn on it. */
export async function pictureFacts(page: Page, bytes: Buffer, type: string): Promise<PictureFacts> {
  return page.evaluate(
    async ({ b64, type }) => {
      const blob = await (await fetch(`data:${type};base64,${b64}`)).blob();
      const img = await createImageBitmap(blob);
      const c = new OffscreenCanvas(img.width, img.height);
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const px = g.getImageData(0, 0, img.width, img.height).data;
      let ink = 0;
      const colors = new Set<number>();
      for (let i = 0; i < px.length; i += 4) {
        if (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235) ink++;
        colors.add(((px[i] >> 4) << 8) | ((px[i + 1] >> 4) << 4) | (px[i + 2] >> 4));
      }
      return {
        width: img.width,
        height: img.height,
        ink: ink / (px.length / 4),
        colors: colors.size,
      };
    },
    { b64: bytes.toString('base64'), type },
  );
}
