// Bottom tab bar: Tin tức / Thông báo / Thủ tục / Xe buýt / Phản ánh / Cài đặt.
import { t, type MessageKey } from "../i18n";
import type { Tab } from "../route";

const TABS: Array<{ id: Tab; label: MessageKey; icon: string }> = [
  { id: "news", label: "tabNews", icon: "M4 4h13v16H6a2 2 0 0 1-2-2zm15 4h1v10a2 2 0 0 1-2 2h-1V8zM7 7v3h7V7zm0 5v2h7v-2zm0 4v2h7v-2z" },
  { id: "announcements", label: "tabAnnouncements", icon: "M18 3v2.1L6 8H3v8h3l1 .3V20h3v-2.9L18 19v2h2V3zM5 10h1v4H5zm13 6.9L8 14.2V9.8l10-2.7z" },
  { id: "procedures", label: "tabProcedures", icon: "M6 2h9l5 5v15H6zm8 1.5V8h4.5zM8 11v2h8v-2zm0 4v2h8v-2z" },
  { id: "bus", label: "tabBus", icon: "M6 2h12a3 3 0 0 1 3 3v11a2 2 0 0 1-1 1.7V20a1 1 0 0 1-1 1h-1a1 1 0 0 1-1-1v-2H7v2a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1v-2.3A2 2 0 0 1 3 16V5a3 3 0 0 1 3-3zm-1 4v5h14V6zm2 8a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm10 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z" },
  { id: "feedback", label: "tabFeedback", icon: "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2zm7 3v6h2V6zm0 8v2h2v-2z" },
  { id: "settings", label: "tabSettings", icon: "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm9 5v-2l-2.2-.4a7 7 0 0 0-.7-1.7l1.3-1.8-1.4-1.4-1.8 1.3a7 7 0 0 0-1.7-.7L14 3h-2l-.4 2.2a7 7 0 0 0-1.7.7L8.1 4.6 6.7 6l1.3 1.8a7 7 0 0 0-.7 1.7L5 11v2l2.2.4c.2.6.4 1.2.7 1.7l-1.3 1.8 1.4 1.4 1.8-1.3c.5.3 1.1.5 1.7.7L12 21h2l.4-2.2c.6-.2 1.2-.4 1.7-.7l1.8 1.3 1.4-1.4-1.3-1.8c.3-.5.5-1.1.7-1.7z" },
];

/** The tab bar; `active` is the current tab (null on onboarding). */
export function TabBar({ active }: { active: Tab | null }) {
  return (
    <nav class="tab-bar" aria-label={t("mainNav")}>
      {TABS.map((tab) => (
        <a
          key={tab.id}
          href={`#/${tab.id}`}
          class={`tab${active === tab.id ? " is-active" : ""}`}
          aria-current={active === tab.id ? "page" : undefined}
          data-testid={`tab-${tab.id}`}
        >
          <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path fill="currentColor" d={tab.icon} />
          </svg>
          <span>{t(tab.label)}</span>
        </a>
      ))}
    </nav>
  );
}
