// The registration form in a real browser (headless Chromium through playwright-core),
// against the whole system as `make dev` serves it. Run by tests/browser/run.sh, which
// starts infra/local/dev.sh and sets:
//   FORM_URL        the form (GET /), e.g. http://127.0.0.1:9000/
//   SES_STORE_URL   the SES emulator's JSON list of sent mail, http://127.0.0.1:8005/store
//   SEND_LINKS_CMD  a shell command that runs send-links now (cargo lambda invoke …)
//   ORGANIZER_CMD   the organizer's command for dev.sh's table (cargo run -p organizer …)
// and, optionally, EVENT_STARTS_AT, REGISTRATION_CLOSES_AT, EVENT_TIMEZONE (to check the
// times shown), ZOOM_JOIN_URL (default: dev.sh's), SCREENSHOT_DIR (default
// <repo>/target/screenshots), CHROMIUM (default /usr/bin/chromium).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { exec } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/browser/run.sh)`);
  return value;
}
const FORM_URL = required('FORM_URL');
const SES_STORE_URL = required('SES_STORE_URL');
const SEND_LINKS_CMD = required('SEND_LINKS_CMD');
// The organizer's command against dev.sh's table, without its subcommand.
const ORGANIZER_CMD = required('ORGANIZER_CMD');
const ZOOM_JOIN_URL = process.env.ZOOM_JOIN_URL || 'https://zoom.example/j/0000000000?pwd=local';
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || join(REPO_ROOT, 'target', 'screenshots');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true };

// The ECO member states, in the order the form lists them first.
const ECO = [
  ['AF', 'Afghanistan'], ['AZ', 'Azerbaijan'], ['IR', 'Iran'], ['KZ', 'Kazakhstan'],
  ['KG', 'Kyrgyzstan'], ['PK', 'Pakistan'], ['TJ', 'Tajikistan'], ['TR', 'Türkiye'],
  ['TM', 'Turkmenistan'], ['UZ', 'Uzbekistan'],
];

let browser;
// Every request any page made, to check that none left 127.0.0.1.
const requests = [];

before(async () => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // launch() gives every browser a fresh temporary profile (user-data-dir) and removes
  // it on close; playwright adds its own headless flags too.
  browser = await chromium.launch({
    executablePath,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (retried.length > 0) console.log(`# retried after cargo lambda watch's spurious 500: ${retried.join(', ')}`);
});

async function newPage(options) {
  const context = await browser.newContext({ locale: 'en-GB', ...options });
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(120_000);
  return page;
}

function assertAllLocal(urls) {
  const outside = urls.filter((u) => {
    const url = new URL(u);
    if (url.protocol === 'data:' || url.protocol === 'about:' || url.protocol === 'blob:') return false;
    return url.hostname !== '127.0.0.1';
  });
  assert.deepEqual(outside, [], 'every request the pages made goes to 127.0.0.1');
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
}

async function scrollWidth(page) {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

async function heading(page) {
  return (await page.locator('h1').first().textContent()).trim();
}

// `cargo lambda watch` (cargo-lambda 1.9.2) now and then answers a request with its own
// 500 problem, {"type":"https://httpstatuses.com/500",...}, without the function
// having failed: seen on about 1 in 20-150 GET / (the 15 KB form page), each time just
// as the function's runtime client opens a new connection to the emulated Runtime API
// (watch logs `response failed ... 500` then `registered connection ... instance_id=<new>`).
// The function did handle the event; only its answer is lost. Requests that change
// nothing are retried; the registration is retried with a fresh address.
const WATCH_FLAKE_RETRIES = 4;
const retried = [];

async function isWatchFlake(response) {
  if (!response || response.status() !== 500) return false;
  const body = await response.text().catch(() => '');
  return body.includes('httpstatuses.com/500');
}

function noteRetry(what, attempt) {
  retried.push(what);
  console.log(`# cargo lambda watch answered 500 to ${what} (attempt ${attempt}); retrying`);
}

// page.goto that retries the emulator's spurious 500 (for requests that change nothing).
async function gotoOk(page, url) {
  for (let attempt = 1; ; attempt++) {
    const response = await page.goto(url);
    if (attempt > WATCH_FLAKE_RETRIES || !(await isWatchFlake(response))) return response;
    noteRetry(`GET ${new URL(url).pathname}`, attempt);
  }
}

// The SES emulator's sent mail (aws-ses-v2-local's /store).
async function emails() {
  const res = await fetch(SES_STORE_URL);
  assert.equal(res.status, 200, `GET ${SES_STORE_URL}`);
  return (await res.json()).emails ?? [];
}

const sentTo = (email, address) =>
  [...(email.destination?.to ?? [])].some((to) => to.toLowerCase().includes(address.toLowerCase()));

// Polls the store until an email to `address` matching `pred` is there.
async function waitForEmail(address, pred, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await emails()).filter((e) => sentTo(e, address) && pred(e));
    if (found.length > 0) return found;
    if (Date.now() > deadline) {
      const subjects = (await emails()).filter((e) => sentTo(e, address)).map((e) => e.subject);
      assert.fail(`no ${what} for ${address} within ${timeoutMs} ms (emails to it: ${JSON.stringify(subjects)})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

// Runs send-links through SEND_LINKS_CMD; returns its report, and the errors of failed
// attempts (an invocation whose answer watch lost may still have sent).
async function sendLinks() {
  const failures = [];
  for (let attempt = 1; ; attempt++) {
    try {
      const { stdout } = await promisify(exec)(SEND_LINKS_CMD, {
        cwd: REPO_ROOT,
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      const line = stdout.trim().split('\n').reverse().find((l) => l.trim().startsWith('{'));
      assert.ok(line, `send-links printed its report: ${stdout}`);
      return { report: JSON.parse(line), failures };
    } catch (err) {
      if (err instanceof assert.AssertionError || attempt > WATCH_FLAKE_RETRIES) throw err;
      failures.push(`${err.message}`.trim());
      noteRetry('the send-links invocation', attempt);
    }
  }
}

// "Monday, 12 May 2025, 15:00" of an RFC 3339 instant in the event's zone.
function localDateTime(instant, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(new Date(instant)).map((p) => [p.type, p.value]),
  );
  return `${parts.weekday}, ${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}`;
}

async function submit(page) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/registrations'),
    page.waitForNavigation(),
    page.locator('button[type=submit]').click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

// Opens the form, fills it (values by field id; country selected, consent checked when
// given) and submits it. `values` may be a function of the attempt (a fresh address for a
// retried registration).
async function fillAndSubmit(page, values, formUrl = FORM_URL) {
  for (let attempt = 1; ; attempt++) {
    const fields = typeof values === 'function' ? values(attempt) : values;
    assert.equal((await gotoOk(page, formUrl)).status(), 200);
    for (const [id, value] of Object.entries(fields)) {
      if (id === 'country') await page.selectOption('#country', value);
      else if (id === 'consent') { if (value) await page.check('#consent'); }
      else await page.fill(`#${id}`, value);
    }
    const response = await submit(page);
    if (attempt > WATCH_FLAKE_RETRIES || !(await isWatchFlake(response))) return { response, fields };
    noteRetry('POST /registrations', attempt);
  }
}

test('the form: labels, ECO members first, times in the event zone, local assets only, desktop and phone widths', async () => {
  const desktop = await newPage(DESKTOP);
  const res = await gotoOk(desktop, FORM_URL);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/html/);
  await desktop.waitForLoadState('networkidle');

  // Every input and select has a label tied to it.
  const unlabelled = await desktop.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden')
      .filter((el) => !el.id || !document.querySelector(`label[for="${CSS.escape(el.id)}"]`))
      .map((el) => el.outerHTML));
  assert.deepEqual(unlabelled, [], 'inputs without label[for=id]');
  for (const name of ['full_name', 'email', 'country', 'organization', 'designation', 'phone', 'consent']) {
    const field = desktop.locator(`form [name="${name}"]`);
    assert.equal(await field.count(), 1, `the form has a field named ${name}`);
    const label = desktop.locator(`label[for="${await field.getAttribute('id')}"]`);
    assert.ok((await label.innerText()).trim().length > 0, `the label of ${name} has text`);
  }
  assert.equal(await desktop.locator('form').getAttribute('action'), '/registrations');
  assert.equal((await desktop.locator('form').getAttribute('method')).toLowerCase(), 'post');

  // The country select: the empty placeholder, then the ten ECO member states in order.
  const options = await desktop.evaluate(() =>
    [...document.querySelector('select#country').options].map((o) => [o.value, o.textContent.trim()]));
  assert.equal(options[0][0], '', 'the first option is the empty placeholder');
  assert.deepEqual(options.slice(1, 11).map(([code]) => code), ECO.map(([code]) => code));
  ECO.forEach(([code, name], i) =>
    assert.ok(options[i + 1][1].startsWith(name), `option ${i + 1} is ${name} (${code}): got ${options[i + 1][1]}`));
  assert.ok(options.length > 200, `all countries follow (${options.length} options)`);
  assert.equal(new Set(options.map(([code]) => code)).size, options.length, 'no country is listed twice');

  // The event's date and time and the closing time, in the event's zone.
  const when = await desktop.locator('.when').innerText();
  const timeZone = process.env.EVENT_TIMEZONE || 'Asia/Karachi';
  for (const name of ['EVENT_STARTS_AT', 'REGISTRATION_CLOSES_AT']) {
    if (process.env[name]) {
      assert.ok(when.includes(localDateTime(process.env[name], timeZone)),
        `${name} ${process.env[name]} is shown as ${localDateTime(process.env[name], timeZone)} in "${when}"`);
    }
  }
  if (timeZone === 'Asia/Karachi') assert.match(when, /Pakistan Standard Time[\s\S]*Pakistan Standard Time/);
  assert.match(await desktop.locator('h1').innerText(), /Powering Belt and Road Lithium-ion batteries/);
  await screenshot(desktop, 'form-desktop.png');

  const phone = await newPage(PHONE);
  assert.equal((await gotoOk(phone, FORM_URL)).status(), 200);
  await phone.waitForLoadState('networkidle');
  assert.ok(await scrollWidth(phone) <= 375, `no horizontal scroll at 375 px (scrollWidth ${await scrollWidth(phone)})`);
  // Every field fits the screen.
  const wide = await phone.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, button, label, h1, p')]
      .filter((el) => !el.closest('.trap'))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((el) => `${el.tagName}#${el.id} right=${el.getBoundingClientRect().right}`));
  assert.deepEqual(wide, [], 'elements wider than the screen');
  // Readable: no text smaller than 14 px.
  const fontSize = await phone.evaluate(() => parseFloat(getComputedStyle(document.querySelector('input#full_name')).fontSize));
  assert.ok(fontSize >= 14, `input font-size ${fontSize}px`);
  await screenshot(phone, 'form-phone.png');

  assertAllLocal(requests);
  await desktop.context().close();
  await phone.context().close();
});

test('an invalid submission shows every field message and keeps the values entered', async () => {
  const page = await newPage(PHONE);
  const entered = {
    full_name: 'Сабина Жумабаева',
    email: 'not-an-email',
    organization: 'Lithium <b>&</b> "Cells" Co.',
    designation: 'Chief engineer',
    phone: 'call me',
  };
  // No country, no consent.
  const { response: res } = await fillAndSubmit(page, entered);
  assert.equal(res.status(), 422);
  assert.match(res.headers()['content-type'], /^text\/html/);

  for (const field of ['email', 'country', 'phone', 'consent']) {
    const message = page.locator(`#${field}-error`);
    assert.ok(await message.isVisible(), `a message for ${field}`);
    assert.ok((await message.innerText()).trim().length > 0);
    assert.equal(await page.locator(`#${field}`).getAttribute('aria-invalid'), 'true', `${field} is marked invalid`);
    assert.equal(await page.locator(`#${field}`).getAttribute('aria-describedby'), `${field}-error`);
  }
  for (const field of ['full_name', 'organization', 'designation']) {
    assert.equal(await page.locator(`#${field}-error`).count(), 0, `no message for the valid ${field}`);
  }
  assert.equal(await page.locator('#error-summary li').count(), 4, 'the summary lists the four invalid fields');
  for (const [name, value] of Object.entries(entered)) {
    assert.equal(await page.inputValue(`#${name}`), value, `${name} keeps the value entered`);
  }
  assert.equal(await page.inputValue('#country'), '');
  assert.equal(await page.isChecked('#consent'), false);
  // The markup typed into a field is shown as text, not as markup.
  assert.equal(await page.locator('form b').count(), 0);
  assert.ok(await scrollWidth(page) <= 375, `no horizontal scroll at 375 px (scrollWidth ${await scrollWidth(page)})`);
  await screenshot(page, 'form-invalid-phone.png');
  assertAllLocal(requests);
  await page.context().close();
});

// Screenshots of a page at desktop width, then at 375 px.
async function screenshots(page, name) {
  const size = page.viewportSize();
  await screenshot(page, `${name}-desktop.png`);
  await page.setViewportSize({ width: PHONE.viewport.width, height: PHONE.viewport.height });
  assert.ok(await scrollWidth(page) <= 375, `${name}: no horizontal scroll at 375 px (scrollWidth ${await scrollWidth(page)})`);
  await screenshot(page, `${name}-phone.png`);
  await page.setViewportSize(size);
}

// Presses the page's one button (a form posting the token back to `path`). The POST
// is idempotent, so the emulator's spurious 500 is answered by opening `url` again
// and pressing again, unless the lost POST already acted (the page has no button).
async function pressButton(page, url, path) {
  for (let attempt = 1; ; attempt++) {
    const button = page.locator('form button[type=submit]');
    assert.equal(await button.count(), 1, 'the page has one button');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path),
      page.waitForNavigation(),
      button.click(),
    ]);
    await page.waitForLoadState('load');
    if (attempt > WATCH_FLAKE_RETRIES || !(await isWatchFlake(response))) return response;
    noteRetry(`POST ${path}`, attempt);
    assert.equal((await gotoOk(page, url)).status(), 200);
    if (await page.locator('form button[type=submit]').count() === 0) return null;
  }
}

// The absolute link to `path` in an email's text part (its token and any other parameters).
function linkIn(email, path) {
  const param = '[a-z_]+=[A-Za-z0-9_.-]*';
  const pattern = new RegExp(`https?://\\S+${path.replaceAll('/', '\\/')}\\?(?:${param}&)*token=[A-Za-z0-9_.-]+(?:&${param})*`);
  return (email.body?.text ?? '').match(pattern)?.[0];
}

// Registers through the form with a fresh address; returns the address used.
async function register(page, fullName, address) {
  const { response, fields } = await fillAndSubmit(page, (attempt) => ({
    full_name: fullName,
    email: attempt === 1 ? address : address.replace('@', `.retry${attempt}@`),
    country: 'PK',
    organization: 'مرکز برائے توانائی',
    designation: 'Researcher',
    phone: '+92 (51) 123-4567',
    consent: true,
  }));
  assert.equal(response.status(), 201);
  assert.equal(await heading(page), 'Check your email');
  return fields.email;
}

async function confirmationLink(address) {
  const [email] = await waitForEmail(address, (e) => linkIn(e, '/registrations/confirm'), 'confirmation email');
  return { link: linkIn(email, '/registrations/confirm'), email };
}

const isZoomEmail = (e) => (e.subject ?? '').startsWith('Your Zoom link:');

test('register, open the confirmation link, press confirm, get the Zoom link; a second participant waits for the one seat and gets it when the first cancels', async (t) => {
  const page = await newPage(DESKTOP);
  const fullName = 'عائشہ خان';
  let address = `browser.${Date.now()}.${process.pid}@example.com`;
  let cancelLink;

  await t.test('the form posts and shows the check-your-email page', async () => {
    address = await register(page, fullName, address);
    await screenshot(page, 'check-your-email.png');
  });

  await t.test('the confirmation link opens a page with one button; pressing it confirms', async () => {
    const { link, email } = await confirmationLink(address);
    assert.ok(email.body.text.includes(fullName), 'the email greets the participant by name');
    const res = await gotoOk(page, link);
    assert.equal(res.status(), 200);
    assert.equal(await heading(page), 'Confirm your registration');
    assert.equal(await page.locator('form').getAttribute('action'), '/registrations/confirm?lang=en');
    assert.equal((await page.locator('form').getAttribute('method')).toLowerCase(), 'post');
    await screenshots(page, 'confirm-page');
    // Opening the page again changes nothing: still the button.
    assert.equal((await gotoOk(page, link)).status(), 200);
    assert.equal(await heading(page), 'Confirm your registration');

    const posted = await pressButton(page, link, '/registrations/confirm');
    if (posted) assert.equal(posted.status(), 200);
    assert.equal(await heading(page), 'Your registration is confirmed');
    await screenshots(page, 'confirmed');
    // The link afterwards says so, without a button.
    assert.equal((await gotoOk(page, link)).status(), 200);
    assert.equal(await heading(page), 'Your registration is confirmed');
    assert.equal(await page.locator('form').count(), 0);
  });

  await t.test('the Zoom link arrives without a send-links run; a run sends it no second time', { timeout: 900_000 }, async () => {
    const [email] = await waitForEmail(address, isZoomEmail, 'Zoom link email');
    assert.ok(email.subject.includes('Powering Belt and Road Lithium-ion batteries'), email.subject);
    assert.deepEqual(email.destination.to.length, 1, 'to the participant alone');
    assert.ok(email.body.text.includes(ZOOM_JOIN_URL), 'the text part holds the Zoom link');
    assert.ok(email.body.text.includes(fullName), 'the text part holds the participant\'s name');
    assert.ok(email.body.html, 'the email has an HTML part');
    cancelLink = linkIn(email, '/registrations/cancel');
    assert.ok(cancelLink, 'the link email carries the cancel link');

    const { report } = await sendLinks();
    console.log(`# send-links: ${JSON.stringify(report)}`);
    assert.equal(report.failed, 0, JSON.stringify(report));
    const links = (await emails()).filter((e) => sentTo(e, address) && isZoomEmail(e));
    assert.equal(links.length, 1, 'one link email');
  });

  let waiting = `browser.waiting.${Date.now()}.${process.pid}@example.com`;
  const waitingName = 'Ержан Сапаров';
  await t.test('with every seat taken, a second participant confirms onto the waiting list', async () => {
    const second = await newPage(DESKTOP);
    waiting = await register(second, waitingName, waiting);
    const { link } = await confirmationLink(waiting);
    assert.equal((await gotoOk(second, link)).status(), 200);
    assert.equal(await heading(second), 'Confirm your registration');
    const posted = await pressButton(second, link, '/registrations/confirm');
    if (posted) assert.equal(posted.status(), 200);
    assert.equal(await heading(second), 'You are on the waiting list');
    assert.match(await second.locator('main').innerText(), /number \u2068?1\u2069? in line/);
    await screenshots(second, 'waitlisted');
    await second.context().close();
  });

  await t.test('the cancel link from the email opens a page with one button; pressing it cancels, and the seat goes to the one waiting', async () => {
    assert.equal((await gotoOk(page, cancelLink)).status(), 200);
    assert.equal(await heading(page), 'Cancel your registration?');
    assert.equal(await page.locator('form').getAttribute('action'), '/registrations/cancel?lang=en');
    await screenshots(page, 'cancel-page');
    const posted = await pressButton(page, cancelLink, '/registrations/cancel');
    if (posted) assert.equal(posted.status(), 200);
    assert.equal(await heading(page), 'Your registration is cancelled');
    await screenshots(page, 'cancelled');
    // Opening it again: already cancelled, no button.
    assert.equal((await gotoOk(page, cancelLink)).status(), 200);
    assert.equal(await heading(page), 'Your registration is cancelled');
    assert.equal(await page.locator('form').count(), 0);

    const [promoted] = await waitForEmail(waiting, (e) => (e.body?.text ?? '').includes(ZOOM_JOIN_URL), 'the promoted participant\'s Zoom link');
    assert.ok(promoted.body.text.includes(waitingName), 'to the participant who waited');
  });

  assertAllLocal(requests);
  await page.context().close();
});

// --- the pages' languages: Persian (right to left) and Chinese --------------------

// A one-line message of a language's catalog, as written in its .ftl file.
function catalog(lang, file, key) {
  const text = readFileSync(join(REPO_ROOT, 'functions/registration/locales', lang, `${file}.ftl`), 'utf8');
  const line = text.split('\n').find((l) => l.startsWith(`${key} = `));
  assert.ok(line, `${lang}/${file}.ftl has a one-line ${key}`);
  return line.slice(key.length + 3).trim();
}
// Fluent sets each placeable between U+2068 and U+2069 (isolates); compared without them.
const withoutIsolates = (s) => s.replace(/[\u2068\u2069]/g, '');
const withLang = (url, lang) => { const u = new URL(url); u.searchParams.set('lang', lang); return u.href; };

// The families fontconfig says cover a language (`fc-list :lang=zh family`).
async function fontsFor(lang) {
  const { stdout } = await promisify(exec)(`fc-list :lang=${lang} family`);
  return new Set(stdout.split('\n').flatMap((l) => l.split(',')).map((f) => f.trim()).filter(Boolean));
}

// The platform fonts Chromium drew an element's text with (DevTools protocol).
async function platformFonts(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    assert.ok(nodeId, `${selector} is on the page`);
    return (await cdp.send('CSS.getPlatformFontsForNode', { nodeId })).fonts;
  } finally {
    await cdp.detach();
  }
}

// Text in `lang` drawn only with installed fonts that cover it: none fetched, no tofu.
async function assertLocalFontsCover(page, selector, lang) {
  const fonts = await platformFonts(page, selector);
  const covering = await fontsFor(lang);
  assert.ok(fonts.length > 0, `${selector} was drawn with some font`);
  for (const f of fonts) {
    assert.equal(f.isCustomFont, false, `${selector}: ${f.familyName} is an installed font, not a web font`);
    assert.ok(covering.has(f.familyName),
      `${selector}: ${f.familyName} covers ${lang} (installed: ${[...covering].join(', ') || 'none'})`);
  }
}

// Where the form's edges, the full name label's words and the consent box are.
async function formGeometry(page) {
  return page.evaluate(() => {
    const box = (r) => ({ left: r.left, right: r.right });
    const words = document.createRange();
    words.selectNodeContents(document.querySelector('label[for=full_name]'));
    return {
      form: box(document.querySelector('form').getBoundingClientRect()),
      label: box(words.getBoundingClientRect()),
      checkbox: box(document.querySelector('#consent').getBoundingClientRect()),
      consent: box(document.querySelector('.consent span').getBoundingClientRect()),
    };
  });
}

// The page says its language and direction, and the form runs that way.
async function assertFormIn(page, lang, dir) {
  assert.equal(await page.locator('html').getAttribute('lang'), lang);
  assert.equal(await page.locator('html').getAttribute('dir'), dir);
  assert.equal(await page.inputValue('input[name=language]'), lang, 'the form posts the page\'s language');
  assert.equal((await page.locator('label[for=full_name]').innerText()).trim(), catalog(lang, 'fields', 'field-full_name'));
  const g = await formGeometry(page);
  const near = (a, b) => Math.abs(a - b) <= 1;
  // The checkbox keeps Chromium's own margin (3-4 px) on its outer side.
  if (dir === 'rtl') {
    assert.ok(near(g.label.right, g.form.right), `the label starts at the form's right edge: ${JSON.stringify(g)}`);
    assert.ok(g.label.left > g.form.left + 40, `the label's words leave the left side free: ${JSON.stringify(g)}`);
    assert.ok(g.form.right - g.checkbox.right < 6, `the consent box sits on the right: ${JSON.stringify(g)}`);
    assert.ok(g.checkbox.left >= g.consent.right, `the consent words follow it to its left: ${JSON.stringify(g)}`);
  } else {
    assert.ok(near(g.label.left, g.form.left), `the label starts at the form's left edge: ${JSON.stringify(g)}`);
    assert.ok(g.checkbox.left - g.form.left < 6, `the consent box sits on the left: ${JSON.stringify(g)}`);
    assert.ok(g.checkbox.right <= g.consent.left, `the consent words follow it to its right: ${JSON.stringify(g)}`);
  }
  // The switcher names every language in itself and marks this one as current.
  const current = page.locator('nav.languages [aria-current=true]');
  assert.equal((await current.innerText()).trim(), catalog(lang, 'pages', 'language-name'));
  assert.equal(await current.getAttribute('lang'), lang);
  assert.deepEqual(await page.locator('nav.languages a, nav.languages span').allInnerTexts(),
    ['English', 'Русский', '中文', 'فارسی', 'Türkçe', 'اردو']);
  // Each name is isolated, so the list runs in the page's direction (unisolated, the
  // Latin and Chinese names would form one left-to-right run inside a Persian page).
  const names = await page.evaluate(() => [...document.querySelectorAll('nav.languages a, nav.languages span')]
    .map((e) => ({ text: e.textContent, top: Math.round(e.getBoundingClientRect().top), left: e.getBoundingClientRect().left })));
  for (const [a, b] of names.slice(0, -1).map((n, i) => [n, names[i + 1]]).filter(([x, y]) => x.top === y.top)) {
    assert.ok(dir === 'rtl' ? a.left > b.left : a.left < b.left, `${b.text} follows ${a.text} ${dir}: ${JSON.stringify(names)}`);
  }
}

// The form in `lang` through ?lang= at desktop width and 375 px, and through
// Accept-Language alone (a browser set to `locale`); screenshots form-<lang>-*.png.
async function checkFormLanguage(lang, dir, locale) {
  const seen = [];
  const desktop = await newPage(DESKTOP);
  desktop.context().on('request', (r) => seen.push(r.url()));
  assert.equal((await gotoOk(desktop, withLang(FORM_URL, lang))).status(), 200);
  await desktop.waitForLoadState('networkidle');
  await assertFormIn(desktop, lang, dir);
  await assertLocalFontsCover(desktop, 'label[for=full_name]', lang);
  await screenshot(desktop, `form-${lang}-desktop.png`);

  const phone = await newPage(PHONE);
  phone.context().on('request', (r) => seen.push(r.url()));
  assert.equal((await gotoOk(phone, withLang(FORM_URL, lang))).status(), 200);
  await phone.waitForLoadState('networkidle');
  await assertFormIn(phone, lang, dir);
  assert.ok(await scrollWidth(phone) <= 375, `no horizontal scroll at 375 px (scrollWidth ${await scrollWidth(phone)})`);
  await screenshot(phone, `form-${lang}-375.png`);

  const browserSet = await newPage({ ...DESKTOP, locale });
  browserSet.context().on('request', (r) => seen.push(r.url()));
  assert.equal((await gotoOk(browserSet, FORM_URL)).status(), 200);
  await assertFormIn(browserSet, lang, dir);

  assert.ok(seen.length >= 3, 'the pages were requested');
  assertAllLocal(seen);
  for (const p of [desktop, phone, browserSet]) await p.context().close();
}

test('the Persian form, by ?lang=fa and by Accept-Language: fa: right to left, mirrored, its switcher, local fonts, desktop and 375 px', async () => {
  await checkFormLanguage('fa', 'rtl', 'fa-IR');
});

test('the Chinese form, by ?lang=zh and by Accept-Language: zh: left to right, Chinese drawn with an installed font, desktop and 375 px', async () => {
  await checkFormLanguage('zh', 'ltr', 'zh-CN');
  const page = await newPage(DESKTOP);
  assert.equal((await gotoOk(page, withLang(FORM_URL, 'zh'))).status(), 200);
  assert.match(await page.locator('.when').innerText(), /Zoom 网络研讨会时间：[\s\S]*报名截止时间：/);
  await assertLocalFontsCover(page, 'button[type=submit]', 'zh');
  await page.context().close();
});

test('a Persian registration: the name with its ZWNJ through the form, the email in Persian, the confirm link in Persian', async (t) => {
  const page = await newPage(PHONE);
  const fullName = 'علی\u200cرضا رضایی';
  let address = `ali.reza.${Date.now()}.${process.pid}@example.com`;
  let title;
  let link;

  await t.test('the Persian form posts and answers in Persian', async () => {
    assert.equal((await gotoOk(page, withLang(FORM_URL, 'fa'))).status(), 200);
    title = withoutIsolates((await page.locator('h1').innerText()).trim());
    const { response, fields } = await fillAndSubmit(page, (attempt) => ({
      full_name: fullName,
      email: attempt === 1 ? address : address.replace('@', `.retry${attempt}@`),
      country: 'IR',
      organization: 'دانشگاه صنعتی شریف',
      consent: true,
    }), withLang(FORM_URL, 'fa'));
    address = fields.email;
    assert.equal(response.status(), 201);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fa');
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await heading(page), catalog('fa', 'pages', 'registered-heading'));
    assert.ok(await scrollWidth(page) <= 375, `no horizontal scroll at 375 px (scrollWidth ${await scrollWidth(page)})`);
    await screenshot(page, 'registered-fa-375.png');
  });

  await t.test('the confirmation email is in Persian, greets the name with its ZWNJ, and links with lang=fa', async () => {
    const [email] = await waitForEmail(address, (e) => linkIn(e, '/registrations/confirm'), 'confirmation email');
    const subject = catalog('fa', 'emails', 'confirmation-subject').replace('{ $title }', title);
    assert.equal(withoutIsolates(email.subject), subject);
    assert.ok(email.body.text.includes(fullName), `the text part holds the name, ZWNJ included: ${email.body.text}`);
    link = linkIn(email, '/registrations/confirm');
    assert.equal(new URL(link).searchParams.get('lang'), 'fa', `the confirm link opens its page in Persian: ${email.body.text}`);
  });

  await t.test('the link opens the Persian confirm page; its button answers in Persian', async () => {
    assert.ok(link, 'the confirmation link');
    assert.equal((await gotoOk(page, link)).status(), 200);
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await heading(page), catalog('fa', 'links', 'confirm-heading'));
    assert.equal((await page.locator('form button').innerText()).trim(), catalog('fa', 'links', 'confirm-button'));
    await screenshot(page, 'confirm-fa-375.png');
    const posted = await pressButton(page, link, '/registrations/confirm');
    if (posted) assert.equal(posted.status(), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'fa');
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    // One seat (DEV_CAPACITY=1), taken by the test before: the waiting list, or the
    // seat when this test runs alone.
    const headings = [catalog('fa', 'links', 'confirmed-heading'), catalog('fa', 'links', 'waitlisted-heading')];
    assert.ok(headings.includes(await heading(page)), `a Persian result: ${await heading(page)}`);
    assert.ok(await scrollWidth(page) <= 375, `no horizontal scroll at 375 px (scrollWidth ${await scrollWidth(page)})`);
    await screenshot(page, 'confirmed-fa-375.png');
  });

  assertAllLocal(requests);
  await page.context().close();
});

// Last: once a program is published beside dev.sh's own, GET / is the list of both.
test('a published program is listed beside the own one and registering on /programs/{id} emails its title and host', { timeout: 900_000 }, async () => {
  const id = `browser-${Date.now().toString(36)}`;
  const day = 24 * 3600 * 1000;
  const at = (days) => new Date(Date.now() + days * day).toISOString().replace(/\.\d+Z$/, 'Z');
  const title = 'Solar cells for small workshops';
  const host = 'ECOSF Academy';
  const file = join(mkdtempSync(join(tmpdir(), 'program-')), `${id}.toml`);
  writeFileSync(file, [
    `id = "${id}"`, `title = "${title}"`, `host = "${host}"`,
    `starts_at = "${at(20)}"`, 'timezone = "Europe/Istanbul"',
    `registration_opens_at = "${at(-1)}"`, `registration_closes_at = "${at(18)}"`,
    'contact_email = "questions@example.org"', 'languages = ["en"]',
    'zoom_join_url = "https://zoom.example/j/1111111111?pwd=solar"',
    '[text.en]', 'summary = "For workshop owners.\\n\\nBring your questions."', '',
  ].join('\n'));
  const { stdout } = await promisify(exec)(`${ORGANIZER_CMD} program publish ${file}`, {
    cwd: REPO_ROOT, timeout: 600_000, maxBuffer: 16 * 1024 * 1024,
  });
  assert.match(stdout, new RegExp(`published ${id}`));

  // register reads the programs at most once a minute: the list shows within 60 s.
  const page = await newPage(DESKTOP);
  const deadline = Date.now() + 90_000;
  for (;;) {
    assert.equal((await gotoOk(page, FORM_URL)).status(), 200);
    if (await page.locator(`a[href^="/programs/${id}?"]`).count()) break;
    assert.ok(Date.now() < deadline, 'the published program is listed within 60 s');
    await new Promise((r) => setTimeout(r, 2000));
  }
  assert.equal(await page.locator('h1').innerText(), 'Programs open for registration');
  assert.equal(await page.locator('.programs li').count(), 2, 'the own program and the published one');
  await screenshot(page, 'programs-list.png');

  const formUrl = new URL(`/programs/${id}`, FORM_URL).href;
  const address = `program.${Date.now()}.${process.pid}@example.com`;
  const { response } = await fillAndSubmit(page, {
    full_name: 'Ayşe Yılmaz', email: address, country: 'TR', organization: 'Atölye', consent: true,
  }, formUrl);
  assert.equal(response.status(), 201);
  assert.match(await page.locator('h1').innerText(), /Check your email/);
  await screenshot(page, 'program-check-your-email.png');
  const [email] = await waitForEmail(address, (e) => e.subject.includes(title), 'confirmation naming the program');
  assert.ok((email.body?.text ?? '').includes(host), 'the confirmation names the program\'s host');
});
