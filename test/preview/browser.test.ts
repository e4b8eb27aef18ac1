/**
 * `vkmp preview` pages in headless Chromium (Debian `chromium` driven by playwright-core):
 * the SaaS example as the real CLI writes it, and an image-based IR rendered by the library.
 * The price the page shows after a change is checked against `planPrice` in Node.
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`); set VKMP_SKIP_BROWSER=1 to skip.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPrice, planPrice, renderServicePreview, type PlanModel } from '@vkmp/core';
import { removeDir, repoRoot, runCli, tempDir } from '../helpers.js';
import { ibService } from './ib-fixture.js';
import { cleanup as stopServers, exampleCopy, serve } from './serve-helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const skip = process.env.VKMP_SKIP_BROWSER === '1';
const shots = join(repoRoot, 'test', '.tmp');

let browser: Browser | undefined;
const dirs: string[] = [];
let saasFile = '';
let ibFile = '';

beforeAll(async () => {
  if (skip) return;
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the preview browser tests need Debian's chromium (apt-get install -y chromium). Set VKMP_SKIP_BROWSER=1 to skip them.`);
  }
  const out = tempDir('preview-browser-');
  dirs.push(out);
  const r = await runCli(['preview', '-c', 'examples/vk-testers/vkmp.config.ts', '--out', join(out, 'saas')]);
  expect(r.code, r.stderr).toBe(0);
  saasFile = join(out, 'saas', 'VKT.html');
  ibFile = join(out, 'demo_app.html');
  writeFileSync(ibFile, await renderServicePreview(ibService()));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterAll(async () => {
  await browser?.close();
  dirs.forEach(removeDir);
  stopServers();
});

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
}

async function open(file: string): Promise<Opened> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  return { page, errors, requests };
}

/** The plans the page script prices, read from the page itself. */
async function pagePlans(page: Page): Promise<{ key: string; label: string; plan: PlanModel }[]> {
  const json = await page.locator('#vkmp-data').textContent();
  return (JSON.parse(json ?? '{}') as { plans: { key: string; label: string; plan: PlanModel }[] }).plans;
}

/** Text with non-breaking spaces (money, thousands) and runs of white space as one space. */
const norm = (s: string | null): string => (s ?? '').replace(/\s+/g, ' ').trim();
const text = async (page: Page | Locator, selector: string) => norm(await page.locator(selector).first().textContent());
const texts = async (page: Page | Locator, selector: string) => (await page.locator(selector).allTextContents()).map(norm);

describe.skipIf(skip)('preview in headless Chromium', () => {
  it('SaaS example: card, description, matrix and wizard; a paid step changes the price as planPrice says', async () => {
    const { page, errors, requests } = await open(saasFile);
    expect(await page.title()).toBe('VK Testers — vkmp preview');
    expect(await text(page, '.card h3')).toBe('VK Testers');
    expect(await text(page, '.card p')).toMatch(/^Программа крауд-тестирования/);
    expect(await page.locator('.card svg[aria-label="Icon placeholder"]').count()).toBe(1);
    expect(await page.locator('#card a[href="https://vk.ru/images/bugs/vktesters_logo.svg"]').count()).toBe(1);
    expect(await page.locator('#description .md li').count()).toBe(5);

    // Matrix: the three preview options × the one plan, and the price row.
    expect(await texts(page, 'table.matrix thead th')).toEqual(['Option', 'Бесплатный']);
    expect(await page.locator('table.matrix tbody tr[data-preview]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-preview')))).toEqual(['api_requests_daily_limit', 'products', 'members']);
    expect(await text(page, 'tr[data-preview="products"] td')).toBe('5–∞, step 10; starts at 5; +100 ₽ per step');
    expect(await text(page, 'tr.price-row td')).toBe('0 ₽ / month');

    // Wizard: automatic first page, the described page, the automatic summary.
    const plan = page.locator('[data-plan-key="p0"]');
    expect(await texts(plan, '.steps button')).toEqual(['1. Plan', '2. Настройки', '3. Summary']);
    expect(norm(await plan.locator('.wizard-page.current h4').textContent())).toBe('Plan «Бесплатный»');
    const total = plan.locator('[data-price-total]');
    expect(await total.getAttribute('aria-live')).toBe('polite');
    expect(norm(await total.textContent())).toBe('0 ₽ / month');

    // Accessibility basics: every control is labelled and reachable.
    const unlabelled = await page.locator('input, select').evaluateAll((els) => els.filter((e) => (e as HTMLInputElement).labels?.length === 0).map((e) => e.id));
    expect(unlabelled).toEqual([]);
    await plan.locator('[data-next]').click();
    expect(norm(await plan.locator('.wizard-page.current h4').textContent())).toBe('Настройки');
    const products = page.locator('#p0-products');
    expect(await products.getAttribute('min')).toBe('5');
    expect(await products.getAttribute('step')).toBe('10');
    expect(await products.getAttribute('title')).toMatch(/^Предельное количество/);
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.id === 'p0-products');
    }
    expect(reached).toBe(true);

    // Type 26 products (a value between steps) and leave the field: charged as 35 (3 steps × 100).
    await products.fill('26');
    await page.keyboard.press('Tab');
    const [entry] = await pagePlans(page);
    const expected = planPrice(entry.plan, { products: 26 });
    expect(expected.total).toBe(300);
    expect(await products.inputValue()).toBe('35');
    expect(await total.textContent()).toBe(formatPrice(expected.total, expected.period)); // byte-exact, as planPrice + formatPrice give it
    expect(await text(page, '[data-step-output="products"]')).toBe('35 = 5 + 3 × 10 · +300 ₽');

    // The summary page shows the same breakdown.
    await plan.locator('[data-goto="2"]').click();
    expect(await text(plan, '.wizard-page.current tr[data-selected="products"] td')).toBe('35');
    expect(await text(plan, '.wizard-page.current tr[data-line="products"]')).toBe('Количество продуктов: 35 (3 steps × 100 ₽)+300 ₽');
    expect(await text(plan, '.wizard-page.current [data-total]')).toBe('300 ₽ / month');
    await page.screenshot({ path: join(shots, 'preview-saas.png'), fullPage: true });

    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('image-based IR: inlined icon, datasource samples, when groups live, switch and step priced, postpaid listed', async () => {
    const { page, errors, requests } = await open(ibFile);
    expect(await page.locator('.card img').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    // Raw HTML in the description is shown, not run; unsafe links are dropped; images become links.
    expect(await text(page, '#description .md')).toContain('<script>alert("raw html")</script>');
    expect(await page.locator('#description script').count()).toBe(0);
    expect(await page.locator('#description a[href^="javascript"]').count()).toBe(0);
    expect(await text(page, '#description .md-image')).toBe('[image: diagram]');

    expect(await texts(page, 'table.matrix thead th')).toEqual(['Option', 'Базовый', 'Оплата по факту']);
    expect(await text(page, 'tr[data-preview="storage"] td:nth-child(3)')).toBe('3,50 ₽ per GB (usage)');
    expect(await text(page, 'tr.price-row td')).toBe('990 ₽ / month; starts at 1 140 ₽ / month');

    const basic = page.locator('[data-plan-key="p0"]');
    const total = basic.locator('[data-price-total]');
    // Datasources: flavors filtered by vCPU 2–4 and RAM ≥ 4096 MB; az default gz1; SSD-class disks only.
    expect(await texts(page, '#p0-flavor option')).toEqual(['STD2-2-4 — 2 vCPU, 4 GB RAM', 'STD2-2-8 — 2 vCPU, 8 GB RAM', 'STD3-4-8 — 4 vCPU, 8 GB RAM', 'STD3-4-16 — 4 vCPU, 16 GB RAM']);
    expect(await page.locator('#p0-az').inputValue()).toBe('gz1');
    expect(await page.locator('#p0-root_type option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['ceph-ssd', 'high-iops']);
    expect(await page.locator('#p0-root_size').getAttribute('max')).toBe('500');
    expect(await page.locator('#p0-edition').getAttribute('readonly')).toBe('');

    await basic.locator('[data-goto="2"]').click();
    // Custom step starts at base + default·size = 125 with +150 (SPEC §C.7.5).
    expect(await page.locator('#p0-users').inputValue()).toBe('125');
    expect(norm(await total.textContent())).toBe('1 140 ₽ / month');
    const copies = basic.locator('[data-group="1.2"]');
    expect(await copies.isHidden()).toBe(true);
    await page.locator('#p0-backup').check();
    expect(await copies.isVisible()).toBe(true);
    await page.locator('#p0-users').fill('425');
    await page.keyboard.press('Tab');
    const entry = (await pagePlans(page))[0];
    const expected = planPrice(entry.plan, { users: 425, backup: true });
    expect(expected.total).toBe(990 + 4 * 150 + 500);
    expect(await total.textContent()).toBe(formatPrice(expected.total, expected.period)); // byte-exact, as planPrice + formatPrice give it

    // A string that does not match the pattern is flagged.
    await page.locator('#p0-admin_email').fill('not an email');
    expect(await page.locator('#p0-admin_email').evaluate((e) => (e as HTMLInputElement).validity.valid)).toBe(false);
    await page.locator('#p0-admin_email').fill('admin@example.com');
    expect(await page.locator('#p0-admin_email').evaluate((e) => (e as HTMLInputElement).validity.valid)).toBe(true);

    // Summary: breakdown, the chosen values, infrastructure from `entities` (the floating IP shows only with backup on).
    await basic.locator('[data-goto="3"]').click();
    expect(await texts(basic, '.wizard-page.current tr[data-line]')).toEqual([
      'Пользователи: 425 users (4 steps × 150 ₽)+600 ₽',
      'Резервное копирование: On+500 ₽',
    ]);
    expect(await text(basic, '.wizard-page.current [data-total]')).toBe('2 090 ₽ / month');
    expect(await text(basic, '.wizard-page.current tr[data-selected="backup_copies"] td')).toBe('7');
    expect(await texts(basic, '.wizard-page.current [data-entities] li')).toEqual([
      'Virtual machine × 1 · Application VM · flavor: STD2-2-4 — 2 vCPU, 4 GB RAM · disk: ceph-ssd — SSD, 40 GB',
      'Floating IP address × 1',
    ]);
    await page.screenshot({ path: join(shots, 'preview-ib.png'), fullPage: true });
    await basic.locator('[data-prev]').click();
    await page.locator('#p0-backup').uncheck();
    expect(await copies.isHidden()).toBe(true);
    await basic.locator('[data-next]').click();
    expect(await basic.locator('.wizard-page.current [data-entities] li').count()).toBe(1);
    expect(await basic.locator('.wizard-page.current tr[data-selected="backup_copies"]').count()).toBe(0);
    expect(norm(await total.textContent())).toBe('1 590 ₽ / month');

    // The usage-based plan lists its unit price and adds nothing.
    const payg = page.locator('[data-plan-key="p1"]');
    expect(norm(await payg.locator('[data-price-total]').textContent())).toBe('Free + usage');
    await payg.locator('[data-goto="2"]').click();
    expect(await text(payg, '.wizard-page.current li[data-usage="storage"]')).toBe('Хранилище, ГБ: 3,50 ₽ per GB');

    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('--serve: an open page reloads by itself after a source change', async () => {
    const dir = exampleCopy();
    const s = await serve(dir);
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    // The page opens the event stream (allowed by its CSP only when served); wait for the server's answer before editing.
    const stream = page.waitForResponse((r) => r.url().endsWith('/__vkmp/events'));
    await page.goto(`${s.url}VKT.html`);
    expect(await page.locator('h1').textContent()).toBe('VK Testers');
    expect((await stream).headers()['content-type']).toBe('text/event-stream');
    const svc = join(dir, 'services', 'vk-testers', 'service.ts');
    writeFileSync(svc, readFileSync(svc, 'utf8').replace("name: 'VK Testers',", "name: 'VK Testers Live',"));
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'VK Testers Live', undefined, { timeout: 20_000 });
    expect(errors).toEqual([]);
    await page.close();
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('works without the script: every wizard page is shown with the initial prices', async () => {
    const page = await browser!.newPage({ javaScriptEnabled: false });
    await page.goto(pathToFileURL(ibFile).href);
    expect(await page.locator('[data-plan-key="p0"] .wizard-page').evaluateAll((ps) => ps.filter((p) => getComputedStyle(p).display !== 'none').length)).toBe(4);
    expect(norm(await page.locator('[data-plan-key="p0"] [data-price-total]').textContent())).toBe('1 140 ₽ / month');
    expect(await page.locator('[data-plan-key="p0"] .wizard-nav').isHidden()).toBe(true);
    await page.close();
  });
});

describe('preview page source', () => {
  it('is deterministic, self-contained and carries the same script the CLI inlines', async () => {
    const a = await renderServicePreview(ibService());
    const b = await renderServicePreview(ibService());
    expect(a).toBe(b);
    expect(a).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;/);
    expect(a).not.toMatch(/<(?:link|iframe)\b|\bsrc="https?:/);
    if (skip) return;
    const cliPage = readFileSync(saasFile, 'utf8');
    const script = (html: string) => /<script>([\s\S]*?)<\/script>\n<\/body>/.exec(html)?.[1];
    expect(script(cliPage)).toBeDefined();
    expect(script(cliPage)).toBe(script(a));
  });
});
