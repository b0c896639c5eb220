// Every user-visible string of the UI, Vietnamese first and English second.
// The chosen language is stored in localStorage; components call t(key, params).

/** Supported languages. */
export type Lang = "vi" | "en";

const vi = {
  appName: "Cổng Dân",
  tabNews: "Tin tức",
  tabProcedures: "Thủ tục",
  tabSettings: "Cài đặt",
  mainNav: "Điều hướng chính",
  back: "Quay lại",
  loading: "Đang tải…",
  retry: "Thử lại",
  // onboarding
  welcomeTitle: "Chào mừng đến Cổng Dân",
  welcomeIntro: "Chọn nơi bạn sinh sống để xem tin tức và thủ tục của xã, phường.",
  stepProvince: "Bước 1: Chọn tỉnh, thành phố",
  stepCommune: "Bước 2: Chọn xã, phường, đặc khu ({province})",
  searchProvince: "Tìm tỉnh, thành phố",
  searchCommune: "Tìm xã, phường",
  changeProvince: "Đổi tỉnh, thành phố",
  noUnits: "Không tìm thấy đơn vị nào.",
  noUnitsSynced: "Chưa có danh sách đơn vị. Hãy kết nối mạng và đồng bộ.",
  unitsShown: "{shown} / {total} đơn vị",
  // news
  newsTitle: "Tin tức",
  newsEmpty: "Chưa có tin tức nào được lưu.",
  newsFor: "Tin của {unit}",
  readOriginal: "Bài gốc: {link}",
  imageMissing: "Ảnh chưa được lưu",
  // procedures
  proceduresTitle: "Thủ tục hành chính",
  searchLabel: "Tìm thủ tục",
  searchPlaceholder: "Ví dụ: cấp lại căn cước",
  levelLabel: "Cấp thực hiện",
  fieldLabel: "Lĩnh vực",
  allLevels: "Tất cả các cấp",
  allFields: "Tất cả lĩnh vực",
  resultCount: "{n} thủ tục",
  noResults: "Không tìm thấy thủ tục phù hợp.",
  documents: "Thành phần hồ sơ",
  documentsChecked: "Đã chuẩn bị {n}/{total} giấy tờ",
  steps: "Trình tự thực hiện",
  channels: "Cách thức thực hiện",
  channelMode: "Hình thức nộp",
  channelDuration: "Thời gian",
  channelFee: "Phí, lệ phí",
  legalBasis: "Căn cứ pháp lý",
  agency: "Cơ quan thực hiện",
  authority: "Cơ quan có thẩm quyền",
  address: "Địa chỉ tiếp nhận",
  applicants: "Đối tượng thực hiện",
  decision: "Quyết định công bố",
  code: "Mã thủ tục",
  levelsLabel: "Cấp",
  noInfo: "Không có thông tin",
  // status bar
  updatedAgo: "Cập nhật {ago}",
  neverUpdated: "Chưa đồng bộ lần nào",
  offline: "Ngoại tuyến — đang hiển thị dữ liệu đã lưu",
  refresh: "Làm mới",
  syncing: "Đang đồng bộ…",
  syncingResource: "Đang đồng bộ {resource}… trang {page}",
  syncFailed: "Không đồng bộ được: {message}",
  pullToRefresh: "Kéo xuống để làm mới",
  releaseToRefresh: "Thả ra để làm mới",
  resource_units: "đơn vị hành chính",
  resource_procedures: "thủ tục",
  resource_news: "tin tức",
  // settings
  settingsTitle: "Cài đặt",
  currentUnit: "Nơi sinh sống",
  changeUnit: "Đổi nơi sinh sống",
  language: "Ngôn ngữ",
  server: "Máy chủ",
  serverNone: "Chưa rõ",
  dataStatus: "Dữ liệu đã lưu",
  resourceCount: "{n} mục",
  lastError: "Lỗi gần nhất: {message}",
  notSet: "Chưa chọn",
};

/** Keys of the string table. */
export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  appName: "Cổng Dân",
  tabNews: "News",
  tabProcedures: "Procedures",
  tabSettings: "Settings",
  mainNav: "Main navigation",
  back: "Back",
  loading: "Loading…",
  retry: "Try again",
  welcomeTitle: "Welcome to Cổng Dân",
  welcomeIntro: "Choose where you live to see your commune's news and procedures.",
  stepProvince: "Step 1: Choose a province or city",
  stepCommune: "Step 2: Choose a commune or ward ({province})",
  searchProvince: "Search provinces",
  searchCommune: "Search communes and wards",
  changeProvince: "Change province",
  noUnits: "No matching unit.",
  noUnitsSynced: "No unit list yet. Connect to the network and sync.",
  unitsShown: "{shown} / {total} units",
  newsTitle: "News",
  newsEmpty: "No news saved yet.",
  newsFor: "News for {unit}",
  readOriginal: "Original: {link}",
  imageMissing: "Image not saved",
  proceduresTitle: "Administrative procedures",
  searchLabel: "Search procedures",
  searchPlaceholder: "e.g. cap lai can cuoc",
  levelLabel: "Level",
  fieldLabel: "Field",
  allLevels: "All levels",
  allFields: "All fields",
  resultCount: "{n} procedures",
  noResults: "No matching procedure.",
  documents: "Required documents",
  documentsChecked: "{n} of {total} documents ready",
  steps: "Steps",
  channels: "How to submit",
  channelMode: "Channel",
  channelDuration: "Time",
  channelFee: "Fee",
  legalBasis: "Legal basis",
  agency: "Implementing agency",
  authority: "Competent authority",
  address: "Where to submit",
  applicants: "Who may apply",
  decision: "Published by decision",
  code: "Procedure code",
  levelsLabel: "Level",
  noInfo: "No information",
  updatedAgo: "Updated {ago}",
  neverUpdated: "Never synced",
  offline: "Offline — showing saved data",
  refresh: "Refresh",
  syncing: "Syncing…",
  syncingResource: "Syncing {resource}… page {page}",
  syncFailed: "Sync failed: {message}",
  pullToRefresh: "Pull down to refresh",
  releaseToRefresh: "Release to refresh",
  resource_units: "units",
  resource_procedures: "procedures",
  resource_news: "news",
  settingsTitle: "Settings",
  currentUnit: "Where you live",
  changeUnit: "Change where you live",
  language: "Language",
  server: "Server",
  serverNone: "Unknown",
  dataStatus: "Saved data",
  resourceCount: "{n} items",
  lastError: "Last error: {message}",
  notSet: "Not chosen",
};

const TABLES: Record<Lang, Record<MessageKey, string>> = { vi, en };
const STORAGE_KEY = "congdan.lang";

function storedLang(): Lang {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v === "en" ? "en" : "vi";
  } catch {
    return "vi";
  }
}

let current: Lang = storedLang();

/** The language in use. */
export function getLang(): Lang {
  return current;
}

/** Switches language and remembers it; the caller re-renders. */
export function setLang(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // storage unavailable: keep the choice for this session only
  }
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

/** Looks up a string and fills {placeholders}. */
export function t(key: MessageKey, params: Record<string, string | number> = {}, lang: Lang = current): string {
  const template = TABLES[lang][key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    return v === undefined ? `{${name}}` : String(v);
  });
}

/** Name of a sync resource ("units", "procedures", "news") in the current language. */
export function resourceName(resource: string, lang: Lang = current): string {
  if (resource === "units" || resource === "procedures" || resource === "news") {
    return t(`resource_${resource}`, {}, lang);
  }
  return resource;
}
