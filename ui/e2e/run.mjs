// Browser end-to-end tests of the built UI (ui/dist) against the in-memory fake backend,
// in headless Chromium (Debian's /usr/bin/chromium) through playwright-core, with axe-core
// checks on every screen. Run: npm run build && npm run e2e
// Screenshots (360 px wide) go to target/ui-screenshots/ for review; the README's pictures
// come from the real app window (`make screenshots`), not from this fake backend.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, mkdtemp, mkdir, rm, access } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, extname, normalize, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const shots = join(here, "..", "..", "target", "ui-screenshots");
const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src ipc: http://ipc.localhost";
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png" };
const WAIT = 10_000;

let server, base, context, profile;
const problems = [];

/** Polls until `fn` resolves truthy or the deadline passes (no fixed sleeps). */
async function waitFor(fn, what, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

async function waitForChromium() {
  await waitFor(async () => {
    await access(CHROMIUM);
    return true;
  }, `${CHROMIUM} to be installed`, 600_000);
}

async function axe(page, screen) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(result, [], `axe violations on ${screen}`);
}

async function newPage() {
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) problems.push(`network: ${url}`);
  });
  return page;
}

const text = (page, testId) => page.getByTestId(testId).first().innerText();

/** A small real PNG (w×h, a diagonal gradient), generated here so no binary is checked in. */
function makePng(w, h) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < h; y++) {
    rows.push(0);
    for (let x = 0; x < w; x++) rows.push((x * 255) / w, (y * 255) / h, 140);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.from(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

before(async () => {
  await waitForChromium();
  server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(dist, path === "/" ? "index.html" : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-security-policy": CSP });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
  profile = await mkdtemp(join(tmpdir(), "congdan-e2e-"));
  await mkdir(shots, { recursive: true });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 1,
    hasTouch: true,
    isMobile: true,
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
  });
  context.setDefaultTimeout(WAIT);
});

after(async () => {
  await context?.close();
  server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

test("onboarding, then news list, then an article", async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  const provinces = page.getByTestId("province-picker");
  await provinces.waitFor();
  await axe(page, "onboarding (province)");
  await page.getByTestId("province-picker-search").fill("ha noi");
  await waitFor(async () => (await page.getByTestId("province-option").count()) === 1, "one province for 'ha noi'");
  await page.getByTestId("province-option").first().click();
  await page.getByTestId("commune-picker").waitFor();
  await page.getByTestId("commune-picker-search").fill("ba dinh");
  await waitFor(async () => (await page.getByTestId("commune-option").count()) === 1, "one commune for 'ba dinh'");
  await axe(page, "onboarding (commune)");
  await page.screenshot({ path: join(shots, "onboarding-360.png") });
  await page.getByTestId("commune-option").first().click();

  await waitFor(async () => (await page.getByTestId("news-item").count()) >= 3, "news items");
  // Choosing a unit starts a sync (the new unit's news): wait for it rather than racing it.
  await waitFor(async () => /Cập nhật (3 giờ trước|vừa xong)/.test(await text(page, "status-bar")), "status after the onboarding sync");
  assert.match(await page.getByTestId("news-item").first().innerText(), /2 giờ trước/);
  await waitFor(async () => (await page.locator(".news-card img.thumb").count()) >= 1, "cached thumbnails");
  assert.ok((await page.locator(".thumb-placeholder").count()) >= 1, "placeholder for an uncached image");
  await axe(page, "news list");
  await page.screenshot({ path: join(shots, "news-360.png") });

  const title = (await page.locator(".news-title").first().innerText()).trim();
  await page.getByTestId("news-item").first().click();
  await waitFor(async () => (await text(page, "article-title")).trim() === title, "article title");
  await waitFor(async () => (await page.locator("[data-testid=article-body] img:not([hidden])").count()) === 1, "article image from cache");
  const src = await page.locator("[data-testid=article-body] img").first().getAttribute("src");
  assert.ok(src?.startsWith("data:"), "article image comes from get_media");
  await axe(page, "article");
  await page.close();
});

test("cảnh báo: active alerts pinned at the top of home, most severe first, and their screen", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/news`);
  const pinned = page.getByTestId("alerts-home");
  await pinned.waitFor();
  const cards = pinned.getByTestId("alert");
  assert.equal(await cards.count(), 3);
  assert.match(await cards.first().innerText(), /Cực kỳ nguy hiểm/);
  assert.match(await cards.nth(1).innerText(), /Nguy hiểm/);
  await axe(page, "news with alerts");
  await page.screenshot({ path: join(shots, "alerts-home-360.png") });
  await pinned.getByRole("link", { name: "Xem tất cả cảnh báo" }).click();
  await waitFor(async () => (await page.locator("#alerts-title").innerText()) === "Cảnh báo", "alerts screen");
  await axe(page, "alerts");
  await page.close();
});

test("lịch cắt điện: upcoming cuts pinned on home with the time left, their own list and the export", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/news`);
  const pinned = page.getByTestId("outages-home");
  await pinned.waitFor();
  assert.match(await pinned.innerText(), /Sắp cắt điện/);
  assert.match(await page.getByTestId("outage-left").first().innerText(), /^còn 14 giờ$/);
  await axe(page, "news with power cuts");
  await page.screenshot({ path: join(shots, "outages-home-360.png") });
  await pinned.getByRole("link", { name: "Xem tất cả lịch cắt điện" }).click();
  await waitFor(async () => (await text(page, "outages-export")).includes("Xuất lịch"), "outage list");
  assert.ok((await page.getByTestId("outage").count()) >= 3, "every recorded cut");
  await axe(page, "power cuts");
  await page.screenshot({ path: join(shots, "outages-360.png") });
  await page.getByTestId("outages-export").click();
  await waitFor(async () => (await page.locator("[role=status]").allInnerTexts()).join(" ").includes("lich-cat-dien.ics"), "export path");
  await page.close();
});

test("bản tin dịch bệnh: the latest figures on home, the trend drawn in SVG, places near me", async () => {
  const page = await newPage();
  await page.context().grantPermissions(["geolocation"]);
  await page.context().setGeolocation({ latitude: 21.0405, longitude: 105.84 });
  await page.goto(`${base}/#/news`);
  const card = page.getByTestId("bulletin-home");
  await card.waitFor();
  assert.match(await card.innerText(), /COVID-19 ngày 03\/06\/2021: 1 ca mắc mới trong bản tin, 0 tại phường, xã của bạn/);
  await axe(page, "news with the bulletin card");
  await card.getByRole("link", { name: "Xem bản tin dịch bệnh" }).click();
  await waitFor(async () => (await page.locator("#bulletins-title").innerText()) === "Bản tin dịch bệnh", "bulletins screen");
  assert.equal(await text(page, "bulletin-total"), "1\nCa mắc mới trong cả bản tin");
  const bars = page.locator("[data-testid=bulletin-trend] svg rect");
  assert.equal(await bars.count(), 16, "two bars for each of the eight recorded days");
  assert.equal(await page.getByTestId("bulletin-place").count(), 3);
  await axe(page, "bulletins");
  await page.screenshot({ path: join(shots, "bulletins-360.png"), fullPage: true });
  await page.getByTestId("bulletin-near-me").click();
  await waitFor(async () => /cách 0\.1 km/.test(await text(page, "bulletin-place")), "distance of the nearest place");
  assert.match(await page.getByTestId("bulletin-place").nth(2).innerText(), /Giảng Võ.*cách 2\.6 km/s);
  await page.close();
});

test("search without diacritics finds the procedure; a ticked document survives reload", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/procedures`);
  await page.getByTestId("procedure-home").waitFor();
  await page.getByTestId("procedure-search").fill("cap lai can cuoc");
  const canCuocFirst = async () => {
    const names = await page.getByTestId("procedure-hit").allInnerTexts();
    return names.length >= 3 && names[0].includes("Cấp lại thẻ căn cước") && names.slice(0, 3).every((n) => n.includes("căn cước"));
  };
  await waitFor(canCuocFirst, "hits for 'cap lai can cuoc'");
  assert.equal(await page.getByTestId("procedure-home").count(), 0, "the opening screen gives way to results");
  assert.match(await text(page, "result-count"), /\d+ thủ tục/);
  await axe(page, "procedure search");
  await page.screenshot({ path: join(shots, "procedures-360.png") });

  await page.getByTestId("level-filter").selectOption("Cấp tỉnh");
  await waitFor(async () => {
    const hits = await page.getByTestId("procedure-hit").allInnerTexts();
    return hits.length > 0 && hits[0].includes("(thực hiện tại cấp tỉnh)") && hits.every((h) => h.includes("Cấp tỉnh"));
  }, "only Cấp tỉnh hits for 'cap lai can cuoc'");
  await page.getByTestId("level-filter").selectOption("");
  await page.getByTestId("procedure-search").fill("dang ky khai sinh");
  await waitFor(async () => (await page.getByTestId("procedure-hit").allInnerTexts()).some((n) => n.includes("Thủ tục đăng ký khai sinh")), "khai sinh found (đ folded)");
  await page.getByTestId("procedure-search").fill("cap lai can cuoc");
  await waitFor(canCuocFirst, "back to căn cước");

  await page.locator('[data-testid=procedure-hit][data-code="1.014064"]').click();
  await waitFor(async () => (await text(page, "procedure-title")).includes("Cấp lại thẻ căn cước"), "procedure detail");
  const boxes = page.getByTestId("doc-check");
  assert.ok((await boxes.count()) >= 2, "documents as a checklist");
  assert.equal(await boxes.nth(1).isChecked(), false);
  await boxes.nth(1).check();
  await waitFor(async () => (await text(page, "doc-progress")).includes("1/"), "progress 1/n");
  await axe(page, "procedure detail");
  await page.screenshot({ path: join(shots, "procedure-360.png") });

  await page.reload();
  await waitFor(async () => (await page.getByTestId("doc-check").count()) >= 2, "checklist after reload");
  assert.equal(await page.getByTestId("doc-check").nth(1).isChecked(), true, "tick survived reload");
  assert.equal(await page.getByTestId("doc-check").nth(0).isChecked(), false);
  await page.getByTestId("doc-check").nth(1).uncheck();
  await waitFor(async () => (await text(page, "doc-progress")).includes("0/"), "progress back to 0/n");
  await page.close();
});

test("Thủ tục opens with life events and the most asked; 'Sinh con' leads to its short list", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/procedures`);
  await page.getByTestId("procedure-home").waitFor();
  const events = await page.getByTestId("life-event").allInnerTexts();
  for (const e of ["Sinh con", "Kết hôn", "Làm căn cước", "Xây nhà", "Mua bán đất", "Khai tử", "Nghỉ hưu"]) {
    assert.ok(events.some((x) => x.includes(e)), `life event ${e} in ${events}`);
  }
  assert.ok((await page.getByTestId("popular-hit").count()) >= 5, "most asked procedures");
  assert.match(await page.locator("#popular-title").innerText(), /Thủ tục thường dùng ở xã\/phường/);
  assert.match(await text(page, "catalogue-line"), /^2\.642 thủ tục · cập nhật /);
  assert.equal(await page.getByTestId("procedure-hit").count(), 0, "no search results before typing");
  await axe(page, "procedures opening screen");
  await page.screenshot({ path: join(shots, "procedures-home-360.png") });

  await page.locator('[data-testid=life-event][data-id="sinh-con"]').click();
  await page.getByTestId("life-event-list").waitFor();
  assert.equal(await page.evaluate(() => location.hash), "#/life-events/sinh-con");
  assert.match(await page.locator("#life-event-title").innerText(), /Sinh con/);
  await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === "life-event-title", "focus on the event title");
  const list = await page.getByTestId("event-hit").allInnerTexts();
  assert.ok(list.length >= 3 && list.length <= 8, `a short list (${list.length})`);
  assert.match(list[0], /Thủ tục đăng ký khai sinh/);
  assert.equal(await page.getByTestId("procedure-home").count(), 0);
  await axe(page, "life event list");
  await page.screenshot({ path: join(shots, "life-event-360.png") });

  await page.getByTestId("life-event-back").click();
  await page.getByTestId("procedure-home").waitFor();
  await waitFor(async () => (await page.evaluate(() => document.activeElement?.getAttribute("data-id"))) === "sinh-con", "focus back on the tile");
  await page.close();
});

test("search: a good answer first, a weak one says so and offers the commune", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/procedures`);
  await page.getByTestId("procedure-home").waitFor();
  await page.getByTestId("procedure-search").fill("chung thuc chu ky");
  await waitFor(async () => (await page.getByTestId("procedure-hit").allInnerTexts()).slice(0, 3).some((n) => n.startsWith("Chứng thực chữ ký")), "Chứng thực chữ ký in the first three");
  assert.equal(await page.getByTestId("weak-notice").count(), 0);
  assert.equal(await page.getByTestId("ask-commune").count(), 0);

  const query = "mua vé máy bay giá rẻ";
  await page.getByTestId("procedure-search").fill(query);
  await page.getByTestId("weak-notice").waitFor();
  assert.equal(await text(page, "weak-notice"), `Không tìm thấy thủ tục khớp hẳn với «${query}»`);
  assert.equal((await page.locator(".maybe-title").innerText()).trim(), "Có thể bạn cần:");
  assert.ok((await page.getByTestId("procedure-hit").count()) > 0, "the nearest procedures are listed");
  const card = page.getByTestId("ask-commune");
  assert.match(await card.innerText(), /Gửi câu hỏi cho Phường Ba Đình/);
  const box = await page.getByTestId("ask-commune-button").boundingBox();
  assert.ok(box && box.height >= 44 && box.x >= 0 && box.x + box.width <= 360, `button fits 360 px (${JSON.stringify(box)})`);
  await axe(page, "weak search");
  await page.screenshot({ path: join(shots, "procedures-weak-360.png") });

  await page.getByTestId("ask-commune-button").click();
  await waitFor(async () => (await page.evaluate(() => location.hash)) === "#/feedback", "the Phản ánh screen");
  await waitFor(async () => (await page.getByTestId("tab-feedback").getAttribute("aria-current")) === "page", "Phản ánh tab");
  // Back on Thủ tục, the search is still there (each test opens its own page, so
  // nothing of it reaches the tests after this one).
  await page.getByTestId("tab-procedures").click();
  await waitFor(async () => (await page.getByTestId("procedure-search").inputValue()) === query, "the search kept");
  await page.close();
});

test("a procedure can be saved and unsaved; saved and recent show on the opening screen", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/procedures/1.001193`);
  const save = page.getByTestId("save-procedure");
  await save.waitFor();
  assert.equal(await save.getAttribute("aria-pressed"), "false");
  assert.equal((await save.innerText()).trim(), "Lưu");
  const box = await save.boundingBox();
  assert.ok(box && box.height >= 44 && box.width >= 44, `44 px touch target (${JSON.stringify(box)})`);
  await save.click();
  await waitFor(async () => (await save.getAttribute("aria-pressed")) === "true", "pressed");
  assert.equal((await save.innerText()).trim(), "Đã lưu");
  await axe(page, "procedure detail (saved)");
  await page.screenshot({ path: join(shots, "procedure-saved-360.png") });

  await page.reload();
  await waitFor(async () => (await page.getByTestId("save-procedure").getAttribute("aria-pressed")) === "true", "still saved after reload");
  await page.goto(`${base}/#/procedures`);
  await page.getByTestId("procedure-home").waitFor();
  assert.match(await page.locator("#saved-title").innerText(), /Đã lưu/);
  assert.deepEqual(await page.getByTestId("saved-hit").evaluateAll((els) => els.map((e) => e.dataset.code)), ["1.001193"]);
  assert.match(await page.locator("#recent-title").innerText(), /Xem gần đây/);
  assert.equal(await page.getByTestId("recent-hit").first().getAttribute("data-code"), "1.001193");
  await axe(page, "procedures opening screen (saved, recent)");

  await page.getByTestId("saved-hit").first().click();
  await waitFor(async () => (await page.getByTestId("save-procedure").getAttribute("aria-pressed")) === "true", "detail from Đã lưu");
  await page.getByTestId("save-procedure").click();
  await waitFor(async () => (await page.getByTestId("save-procedure").getAttribute("aria-pressed")) === "false", "unsaved");
  assert.equal((await page.getByTestId("save-procedure").innerText()).trim(), "Lưu");
  await page.goto(`${base}/#/procedures`);
  await page.getByTestId("procedure-home").waitFor();
  assert.equal(await page.getByTestId("saved-hit").count(), 0, "Đã lưu is gone once empty");
  await page.close();
});

test("refresh shows sync progress and then the new age", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/news`);
  await page.getByTestId("news-item").first().waitFor();
  await page.getByTestId("refresh").click();
  await waitFor(async () => /Đang đồng bộ (đơn vị hành chính|thủ tục|tin tức)… [\d.]+ mục, [\d,]+ KB/.test(await text(page, "status-bar")), "progress text");
  await waitFor(async () => /Cập nhật vừa xong/.test(await text(page, "status-bar")), "fresh after sync");
  await page.close();
});

test("pull-to-refresh on touch starts a sync", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/procedures`);
  await page.getByTestId("procedure-search").waitFor();
  await page.evaluate(() => {
    const main = document.getElementById("main");
    const touch = (y) => new Touch({ identifier: 1, target: main, clientX: 180, clientY: y });
    main.dispatchEvent(new TouchEvent("touchstart", { bubbles: true, touches: [touch(150)] }));
    main.dispatchEvent(new TouchEvent("touchmove", { bubbles: true, touches: [touch(260)] }));
  });
  await waitFor(async () => (await page.locator(".pull-indicator").innerText()).includes("Thả ra để làm mới"), "pull indicator");
  await page.evaluate(() => document.getElementById("main").dispatchEvent(new TouchEvent("touchend", { bubbles: true })));
  await waitFor(async () => /Đang đồng bộ/.test(await text(page, "status-bar")), "sync started by pull");
  await waitFor(async () => /Cập nhật vừa xong/.test(await text(page, "status-bar")), "sync finished");
  await page.close();
});

test("offline: the status bar says so and cached data still shows", async () => {
  const page = await newPage();
  await page.goto(`${base}/?fake=offline#/news`);
  await waitFor(async () => (await page.getByTestId("news-item").count()) >= 3, "cached news offline");
  assert.match(await text(page, "status-bar"), /Ngoại tuyến — đang hiển thị dữ liệu đã lưu/);
  await page.getByTestId("refresh").click();
  await waitFor(async () => (await page.getByTestId("refresh").isEnabled()), "refresh finished");
  assert.match(await text(page, "status-bar"), /Ngoại tuyến/);
  await axe(page, "news offline");
  await page.screenshot({ path: join(shots, "offline-360.png") });
  await page.getByTestId("tab-procedures").click();
  await page.getByTestId("procedure-search").fill("khai sinh");
  await waitFor(async () => (await page.getByTestId("procedure-hit").count()) >= 3, "cached procedures offline");
  await page.close();
});

test("settings and the English toggle", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/settings`);
  await waitFor(async () => (await text(page, "current-unit")).includes("Phường Ba Đình"), "current unit");
  await waitFor(async () => (await page.getByTestId("data-status").locator("li").count()) === 3, "data status rows");
  await waitFor(async () => /[0-9a-f]{8}/.test(await text(page, "api-key")), "key fingerprint shown");
  await axe(page, "settings");
  await page.screenshot({ path: join(shots, "settings-360.png") });
  assert.doesNotMatch(await text(page, "api-key"), /congdan-demo-key/);
  // The image cache: its room, a budget to choose, and a way to clear it.
  await waitFor(async () => /12 ảnh, 1,8 MB trên tối đa 100 MB/.test(await text(page, "media-usage")), "image cache usage");
  await page.getByTestId("image-budget").selectOption("250");
  await waitFor(async () => /tối đa 250 MB/.test(await text(page, "media-usage")), "new budget shown");
  await page.getByTestId("clear-images").click();
  await waitFor(async () => /^0 ảnh/.test(await text(page, "media-usage")), "cache cleared");
  assert.match(await text(page, "media-note"), /Đã xoá/);
  // The data saver, and a full sync on demand.
  await page.getByTestId("data-saver").check();
  await page.getByTestId("full-sync").click();
  await waitFor(async () => /Đã tải đầy đủ/.test(await text(page, "data-saver-note")), "full sync done");
  await page.getByTestId("data-saver").uncheck();
  // A server that does not answer its health check is refused with a clear message, and kept out.
  await page.getByTestId("server-input").fill("http://10.0.0.9:8787");
  await page.getByTestId("server-save").click();
  await waitFor(async () => (await page.getByTestId("server-error").count()) === 1, "server check error");
  assert.match(await text(page, "server-error"), /Không kết nối được tới máy chủ/);
  assert.equal(await text(page, "server-url"), "http://127.0.0.1:8787");
  await axe(page, "settings (server refused)");
  await page.getByTestId("server-input").fill("http://127.0.0.1:8787/");
  await page.getByTestId("server-save").click();
  await waitFor(async () => (await page.getByTestId("server-saved").count()) === 1, "server saved");
  await page.getByTestId("lang-toggle").click();
  await waitFor(async () => (await page.getByTestId("tab-news").innerText()).includes("News"), "English tabs");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  await axe(page, "settings (English)");
  await page.reload();
  await waitFor(async () => (await page.getByTestId("tab-news").innerText()).includes("News"), "English kept after reload");
  await page.getByTestId("lang-toggle").click();
  await waitFor(async () => (await page.getByTestId("tab-news").innerText()).includes("Tin tức"), "back to Vietnamese");

  // Change where you live: back through onboarding, then the news list names the new unit.
  await page.getByTestId("change-unit").click();
  await page.getByTestId("province-picker-search").fill("hue");
  await waitFor(async () => (await page.getByTestId("province-option").count()) === 1, "one province for 'hue'");
  await page.getByTestId("province-option").first().click();
  await page.getByTestId("commune-option").first().click();
  await waitFor(async () => (await page.locator("#news-title + p").innerText()).includes("Thành phố Huế"), "news for the new unit");
  await page.close();
});

test("thông báo: the tab lists the cached notices; officials log in from Settings", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/announcements`);
  await waitFor(async () => (await page.getByTestId("tab-announcements").getAttribute("aria-current")) === "page", "Thông báo tab");
  await waitFor(async () => (await page.locator(".empty").count()) === 1, "no notices in the browser preview");
  assert.match(await page.locator(".empty").innerText(), /Chưa có thông báo nào/);
  await axe(page, "announcements");
  await page.goto(`${base}/#/settings`);
  await page.getByTestId("login-user").fill("truongto1.badinh");
  await page.getByTestId("login-password").fill("demo-2026");
  await page.getByTestId("login").click();
  await waitFor(async () => (await page.getByTestId("login-error").count()) === 1, "login refused without a server");
  assert.match(await text(page, "login-error"), /Không có kết nối mạng/);
  await axe(page, "settings (official login)");
  // Without a session the official tools point back to the login.
  await page.goto(`${base}/#/official`);
  await waitFor(async () => (await page.locator("#official-title").count()) === 1, "official tools");
  assert.equal(await page.getByTestId("official-session").count(), 0);
  await axe(page, "official (logged out)");
  await page.close();
});

test("phản ánh offline: duplicates shown first, a request with a photo is saved in the outbox", async () => {
  const page = await newPage();
  await page.goto(`${base}/?fake=offline#/feedback`);
  await page.getByTestId("tab-feedback").waitFor();
  assert.equal(await page.getByTestId("tab-feedback").getAttribute("aria-current"), "page");
  await waitFor(async () => (await page.getByTestId("public-request").count()) >= 1, "'Đã có ai phản ánh chưa?' list");
  assert.match(await page.locator("#similar-title").innerText(), /Đã có ai phản ánh chưa\?/);
  await axe(page, "new request (service picker)");

  await page.getByTestId("service-search").fill("den duong");
  await waitFor(async () => (await page.getByTestId("service-option").count()) === 1, "one service for 'den duong'");
  await page.locator('[data-testid=service-option][data-code="chieu-sang-cong-cong"]').click();
  await page.getByTestId("attr-tinh_trang").waitFor();
  // Duplicates of the same service are shown above the form.
  await waitFor(async () => (await page.getByTestId("public-request").allInnerTexts()).every((t) => t.includes("Chiếu sáng công cộng")), "similar requests of the service");

  // Submitting empty announces the errors and keeps the form.
  await page.getByTestId("submit-request").click();
  await waitFor(async () => /Vui lòng sửa 3 mục/.test(await text(page, "form-errors")), "error summary");
  assert.equal(await page.locator("#attr-tinh_trang").getAttribute("aria-invalid"), "true");
  await axe(page, "new request (errors)");

  await page.locator('[data-testid=attr-tinh_trang] input[value="khong-sang"]').check();
  await page.getByTestId("attr-ma_cot_den").fill("17");
  await page.getByTestId("request-description").fill("Đèn đường trước nhà văn hoá không sáng từ tối qua.");
  await page.getByTestId("request-address").fill("Số 5 phố Quán Thánh");
  await page.getByTestId("request-village").fill("Tổ dân phố số 7");

  await page.getByTestId("photo-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("không phải ảnh") });
  await waitFor(async () => /không phải là ảnh/.test(await text(page, "photo-error")), "non-image refused");
  await page.getByTestId("photo-input").setInputFiles({ name: "den.png", mimeType: "image/png", buffer: makePng(64, 48) });
  await waitFor(async () => (await page.getByTestId("photo-thumb").count()) === 1, "one thumbnail");
  const thumb = await page.locator("[data-testid=photo-thumb] img").getAttribute("src");
  assert.ok(thumb?.startsWith("data:image/"), "thumbnail from thumbDataUrl");
  await waitFor(async () => (await text(page, "form-errors")).trim() === "", "errors cleared");
  await axe(page, "new request (filled)");
  await page.evaluate(() => {
    const main = document.getElementById("main");
    const h2 = document.querySelector(".request-form h2");
    main.scrollTop += h2.getBoundingClientRect().top - main.getBoundingClientRect().top - 8;
  });
  await page.screenshot({ path: join(shots, "feedback-360.png") });

  await page.getByTestId("submit-request").click();
  await waitFor(async () => (await text(page, "submit-result")).includes("Đã lưu, sẽ gửi khi có mạng"), "saved offline");
  // Every screen says what is waiting to be sent (the photo and the report).
  await waitFor(async () => /2 mục đang chờ gửi/.test(await text(page, "status-bar")), "pending count in the status bar");
  await axe(page, "new request (saved)");

  await page.getByTestId("nav-myRequests").click();
  await waitFor(async () => (await page.getByTestId("outbox-item").count()) === 2, "upload + request in the outbox");
  const rows = await page.getByTestId("outbox-item").allInnerTexts();
  assert.match(rows[0], /Ảnh/);
  assert.match(rows[1], /Chiếu sáng công cộng/);
  assert.match(rows[1], /Đã thử 1 lần/);
  assert.match(rows[1], /Không có kết nối mạng/);
  assert.match(await page.getByTestId("my-request").first().innerText(), /Đang chờ gửi/);
  await page.getByTestId("drain-outbox").click();
  await waitFor(async () => /Đã lưu, sẽ gửi khi có mạng/.test(await text(page, "drain-status")), "drain offline keeps rows");
  assert.equal(await page.getByTestId("outbox-item").count(), 2);
  await axe(page, "my requests (offline)");
  await page.close();
});

test("phản ánh online: 'Gửi ngay' sends the outbox; the timeline grows; the answer is announced", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/requests`);
  await waitFor(async () => (await page.getByTestId("outbox-item").count()) === 2, "outbox from the offline session");
  await page.getByTestId("drain-outbox").click();
  await waitFor(async () => (await page.getByTestId("outbox-item").count()) === 0, "outbox drained");
  await waitFor(async () => /Đã gửi 2/.test(await text(page, "drain-status")), "drain report");
  const first = page.getByTestId("my-request").first();
  await waitFor(async () => /Chiếu sáng công cộng[\s\S]*Đã gửi/.test(await first.innerText()), "sent request in 'Của tôi'");
  assert.match(await first.innerText(), /còn \d+ (giờ|phút) làm việc|quá hạn|sắp đến hạn/);
  assert.match(await page.locator('[data-testid=my-request][data-id="1002"]').innerText(), /quá hạn/);
  await axe(page, "my requests");
  await page.evaluate(() => document.getElementById("main").scrollTo(0, 0));
  await page.screenshot({ path: join(shots, "my-requests-360.png") });

  const id = await first.getAttribute("data-id");
  await first.click();
  await page.getByTestId("request-timeline").waitFor();
  assert.equal(await page.getByTestId("timeline-entry").count(), 1);
  assert.match(await page.getByTestId("timeline-entry").first().innerText(), /Đã gửi/);

  // Each sync moves the demo request one step: received, in progress, answered.
  for (let i = 0; i < 3; i++) {
    await page.getByTestId("refresh").click();
    await waitFor(async () => (await page.getByTestId("timeline-entry").count()) === i + 2, `timeline step ${i + 2}`);
    await waitFor(async () => await page.getByTestId("refresh").isEnabled(), "sync done");
  }
  await waitFor(async () => /Phản ánh của bạn đã được trả lời/.test(await text(page, "status-banner")), "answer banner");
  assert.deepEqual(
    await page.getByTestId("timeline-entry").evaluateAll((els) => els.map((e) => e.dataset.status)),
    ["submitted", "received", "in_progress", "answered"],
  );
  assert.match(await text(page, "request-answer"), /xử lý xong/);
  assert.equal(await page.getByTestId("status-banner-link").getAttribute("href"), `#/requests/${id}`);
  await axe(page, "request detail (answered)");
  await page.screenshot({ path: join(shots, "request-detail-360.png") });

  await page.locator("label[for=star-4]").click();
  await page.getByTestId("rate-comment").fill("Xử lý nhanh");
  await page.getByTestId("rate-submit").click();
  await waitFor(async () => /4\/5 sao/.test(await text(page, "request-rating")), "rating shown");
  await page.close();
});

test("'Tôi cũng gặp' increments the count once", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/nearby`);
  await waitFor(async () => (await page.getByTestId("public-request").count()) >= 3, "public requests");
  await axe(page, "nearby");
  const card = page.getByTestId("public-request").nth(1);
  const before = Number((await card.getByTestId("support-count").innerText()).match(/\d+/)[0]);
  await card.getByTestId("support-button").click();
  await waitFor(async () => Number((await card.getByTestId("support-count").innerText()).match(/\d+/)[0]) === before + 1, "count + 1");
  assert.equal(await card.getByTestId("support-button").isDisabled(), true);
  await page.close();
});

test("xe buýt: a stop found without diacritics, its departures, a journey, a route drawing", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/bus`);
  await page.getByTestId("bus-search").waitFor();
  assert.match(await text(page, "bus-updated"), /cập nhật/);
  await page.getByTestId("bus-search").fill("ben thanh");
  await waitFor(async () => (await page.getByTestId("bus-stop").count()) >= 3, "stops for 'ben thanh'");
  assert.match(await page.getByTestId("bus-stop").first().innerText(), /Bến Thành A/);
  await axe(page, "bus search");
  await page.screenshot({ path: join(shots, "bus-360.png") });
  await page.getByTestId("bus-stop").first().click();
  await waitFor(async () => (await page.locator("[data-testid=bus-departures] li").count()) >= 3, "departures of Bến Thành A");
  assert.match(await text(page, "bus-departures"), /phút/);
  await axe(page, "bus stop");
  await page.screenshot({ path: join(shots, "bus-stop-360.png") });
  await page.getByTestId("bus-from-here").click();
  await page.getByTestId("bus-search").waitFor();
  await page.getByTestId("bus-search").fill("hai thuong lan ong");
  await waitFor(async () => (await page.getByTestId("bus-stop").count()) >= 1, "stops for 'hai thuong lan ong'");
  await page.getByTestId("bus-stop").first().click();
  await page.getByTestId("bus-to-here").click();
  await waitFor(async () => (await page.locator("[data-testid=bus-journeys] > li").count()) >= 1, "journeys");
  assert.match(await text(page, "bus-journeys"), /Lên tuyến \S+ tại .+ lúc \d\d:\d\d/);
  await axe(page, "bus journey");
  await page.screenshot({ path: join(shots, "bus-journey-360.png") });
  await page.goto(`${base}/#/bus/route/1`);
  await waitFor(async () => (await page.locator("svg.bus-map path").count()) === 1, "route drawing");
  assert.ok((await page.locator("svg.bus-map circle").count()) > 10, "stops drawn");
  await axe(page, "bus route");
  await page.screenshot({ path: join(shots, "bus-route-360.png") });
  await page.close();
});

test("xe buýt: a journey from 'Vị trí của tôi', and stop names (not ids) in the planner's header", async () => {
  await context.grantPermissions(["geolocation"]);
  await context.setGeolocation({ latitude: 10.7725, longitude: 106.698 });
  const page = await newPage();
  await page.goto(`${base}/#/bus`);
  await page.getByTestId("bus-from-my-location").click();
  await waitFor(async () => /Vị trí của tôi/.test(await text(page, "bus-plan-ends")), "plan from my location");
  await page.getByTestId("bus-search").fill("hai thuong lan ong");
  await waitFor(async () => (await page.getByTestId("bus-stop").count()) >= 1, "stops for 'hai thuong lan ong'");
  await page.getByTestId("bus-stop").first().click();
  await page.getByTestId("bus-to-here").click();
  await waitFor(async () => (await page.locator("[data-testid=bus-journeys] > li").count()) >= 1, "journeys from my location");
  assert.match(await text(page, "bus-journey-ends"), /Đi từ: Vị trí của tôi/);
  assert.match(await text(page, "bus-journeys"), /Đi bộ \d+ m từ Vị trí của tôi đến /);
  await axe(page, "bus journey from my location");
  await page.screenshot({ path: join(shots, "bus-journey-here-360.png") });
  await page.close();
  // A journey opened by its address alone (a favourite, a shared link) names its stops.
  const fresh = await newPage();
  await fresh.goto(`${base}/#/bus/journey/81/8`);
  await waitFor(async () => /Đi từ: Bến Thành/.test(await text(fresh, "bus-journey-ends")), "stop names in the header");
  assert.doesNotMatch(await text(fresh, "bus-journey-ends"), /: 81\b|: 8\b/);
  await fresh.close();
});

test("the six tab labels stay on one line at 360 px", async () => {
  const page = await newPage();
  await page.goto(`${base}/#/bus`);
  await page.getByTestId("tab-bus").waitFor();
  const tabs = await page.$$eval(".tab-bar .tab span", (spans) =>
    spans.map((span) => {
      const range = document.createRange();
      range.selectNodeContents(span);
      const tab = span.parentElement.getBoundingClientRect();
      return { label: span.textContent, lines: range.getClientRects().length, left: tab.left, right: tab.right, height: tab.height };
    }),
  );
  assert.equal(tabs.length, 6);
  for (const tab of tabs) {
    assert.equal(tab.lines, 1, `"${tab.label}" wraps onto ${tab.lines} lines`);
    assert.ok(tab.left >= 0 && tab.right <= 360 && tab.right - tab.left >= 44, `"${tab.label}" fits a 44 px target: ${JSON.stringify(tab)}`);
  }
  await page.close();
});

test("no console errors, CSP violations or network requests", () => {
  assert.deepEqual(problems, []);
});
