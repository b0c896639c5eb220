// In-app reminders of power cuts: the core says when (the evening before, an hour
// before); this hook sets one timer for the next reminder and, when it fires, shows a
// banner and a system notification (the OS's, through the backend). This timer is the
// reminder while the app runs; reminders scheduled with the OS ahead of time, for a
// phone where the app is not running, are not wired yet (docs/ARCHITECTURE.md).
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Backend } from "./backend";
import { getLang, t } from "./i18n";
import type { OutageReminder } from "./models";
import { endpoints } from "./outages";

/** Longest single timer (browsers clamp larger delays to 0). */
const MAX_DELAY = 2_000_000_000;

/** The banner text of a reminder. */
export function reminderText(r: OutageReminder): string {
  const range = endpoints(r.outage, getLang());
  return t(r.kind === "eveningBefore" ? "outageReminderEvening" : "outageReminderHour", range);
}


/** The reminder banner's state: text and area of the last fired reminder, and a dismiss. */
export function useOutageReminders(backend: Backend, version: number) {
  const [fired, setFired] = useState<OutageReminder | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    backend.outageReminders().then(
      (list) => {
        const next = list[0];
        if (!live || !next) return;
        const delay = Math.max(0, Date.parse(next.at) - Date.now());
        timer = setTimeout(
          () => {
            if (delay <= MAX_DELAY) {
              setFired(next);
              void backend.notify(reminderText(next), next.outage.area).catch(() => false);
            }
            setTick((n) => n + 1);
          },
          Math.min(delay, MAX_DELAY),
        );
      },
      () => undefined,
    );
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [backend, version, tick]);
  const dismiss = useCallback(() => setFired(null), []);
  return { text: fired ? reminderText(fired) : null, area: fired?.outage.area ?? "", dismiss };
}
