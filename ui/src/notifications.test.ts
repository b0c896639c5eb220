import { describe, expect, it } from "vitest";
import { FakeBackend } from "./fake/fakeBackend";
import { Notifier } from "./notifications";
import type { Alert, AlertList, Announcement, AnnouncementList } from "./models";

/** A fake whose announcement list the test sets. */
function backendWith(lists: Announcement[][]): FakeBackend {
  const m = new Map<string, string>();
  const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  const fake = new FakeBackend({ storage });
  let call = 0;
  fake.listAnnouncements = async (): Promise<AnnouncementList> => {
    const items = lists[Math.min(call++, lists.length - 1)];
    return { unit: "00004-01", items, freshness: { syncedAt: null, offline: false } } as unknown as AnnouncementList;
  };
  return fake;
}

const ann = (id: string, title: string) => ({ id, title, body: "Nội dung" }) as unknown as Announcement;

describe("notifications", () => {
  it("notifies only the announcements a sync brought, each once", async () => {
    const fake = backendWith([[ann("a", "Họp tổ")], [ann("a", "Họp tổ"), ann("b", "Làm căn cước")], [ann("a", "Họp tổ"), ann("b", "Làm căn cước")]]);
    const notifier = new Notifier(fake);
    await notifier.announcements();
    expect(fake.notified).toEqual([]);
    await notifier.announcements();
    await notifier.announcements();
    expect(fake.notified).toEqual([{ title: "Thông báo mới: Làm căn cước", body: "Nội dung" }]);
  });

  it("notifies Extreme and Severe alerts once, not the milder ones", () => {
    const fake = backendWith([[]]);
    const notifier = new Notifier(fake);
    const alert = (id: string, severity: string) =>
      ({ id, severity, headline: `Cảnh báo ${id}`, event: "Bão", instruction: "Ở trong nhà.", area: "Phường Ba Đình" }) as unknown as Alert;
    const list = { active: [alert("a", "Severe"), alert("b", "Minor")], history: [] } as unknown as AlertList;
    notifier.alerts(list);
    notifier.alerts(list);
    expect(fake.notified).toEqual([{ title: "Cảnh báo: Cảnh báo a", body: "Ở trong nhà." }]);
  });
});
