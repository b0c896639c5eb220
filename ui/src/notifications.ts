// System notifications (the OS's, through the backend) for what arrives while the app
// runs: Extreme and Severe alerts, announcements a sync brought, answers to my requests.
// Each is notified once per run; the screens show all of them anyway.
import type { Backend } from "./backend";
import { t } from "./i18n";
import type { AlertList, RequestStatusChange } from "./models";

/** What this run of the app has notified, and the backend that shows it. */
export class Notifier {
  private readonly alertsSeen = new Set<string>();
  /** Null until the first list (the cache at start) fills it: those are not news. */
  private announcementsSeen: Set<string> | null = null;

  constructor(private readonly backend: Backend) {}

  /** Newly active Extreme and Severe alerts, each once. */
  alerts(list: AlertList): void {
    for (const a of list.active) {
      if ((a.severity !== "Extreme" && a.severity !== "Severe") || this.alertsSeen.has(a.id)) continue;
      this.alertsSeen.add(a.id);
      this.show(t("notifAlert", { headline: a.headline || a.event }), a.instruction || a.area);
    }
  }

  /** Announcements not in the list the last time (none on the first call). */
  announcements(): Promise<void> {
    return this.backend.listAnnouncements().then(
      (list) => {
        const first = this.announcementsSeen === null;
        const seen = (this.announcementsSeen ??= new Set());
        for (const a of list.items) {
          if (seen.has(a.id)) continue;
          seen.add(a.id);
          if (!first) this.show(t("notifAnnouncement", { title: a.title }), a.body);
        }
      },
      () => undefined,
    );
  }

  /** A request's new status, worded by the caller (the banner uses the same words). */
  requestChanged(c: RequestStatusChange, text: string): void {
    this.show(text, c.serviceName);
  }

  private show(title: string, body: string): void {
    void this.backend.notify(title, body).catch(() => false);
  }
}
