// Tin tức: the home unit's news list and one article. Images come only from the local
// cache (get_media → data URL); nothing here fetches from the network.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import type { Backend } from "../backend";
import { toBackendError } from "../errors";
import { relativeTime } from "../format";
import { getLang, t } from "../i18n";
import type { HomeUnit, Media, NewsItem, NewsSummary } from "../models";
import { href } from "../route";
import { sanitizeHtml } from "../sanitize";
import { PinnedAlerts } from "./Alerts";
import { BulletinCard } from "./Bulletins";
import { UpcomingOutages } from "./Outages";

const NEWS_LIMIT = 100;
const mediaCache = new Map<string, Promise<Media | null>>();

function cachedMedia(backend: Backend, url: string): Promise<Media | null> {
  let p = mediaCache.get(url);
  if (!p) {
    p = backend.getMedia(url).catch(() => null);
    mediaCache.set(url, p);
    // A miss may be filled by a later sync: do not remember misses for long.
    void p.then((m) => {
      if (m === null) mediaCache.delete(url);
    });
  }
  return p;
}

function Thumbnail({ backend, url }: { backend: Backend; url: string | null }) {
  const [media, setMedia] = useState<Media | null>(null);
  useEffect(() => {
    setMedia(null);
    if (url === null) return;
    let live = true;
    void cachedMedia(backend, url).then((m) => live && setMedia(m));
    return () => {
      live = false;
    };
  }, [backend, url]);
  if (media) return <img class="thumb" src={media.dataUrl} alt="" width={96} height={64} />;
  return (
    <div class="thumb thumb-placeholder" aria-hidden="true">
      <svg viewBox="0 0 24 24" width="28" height="28" focusable="false">
        <path fill="currentColor" d="M4 5h16v14H4zm2 2v8l3-3 2 2 4-4 3 3V7z" />
      </svg>
    </div>
  );
}

/** The news list. */
export function NewsListScreen(props: ScreenProps & { home: HomeUnit }) {
  const { backend, version, now, onFreshness, home } = props;
  const [items, setItems] = useState<NewsSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    backend.listNews(NEWS_LIMIT).then(
      (list) => {
        if (!live) return;
        setItems(list.items);
        setError(null);
        onFreshness(list.freshness);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version, home.code]);
  const lang = getLang();
  return (
    <section class="screen" aria-labelledby="news-title">
      <h1 id="news-title" tabIndex={-1}>
        {t("newsTitle")}
      </h1>
      <p class="muted">{t("newsFor", { unit: `${home.name}, ${home.provinceName}` })}</p>
      <PinnedAlerts {...props} />
      <UpcomingOutages {...props} />
      <BulletinCard {...props} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p class="muted">{t("loading")}</p>}
      {items !== null && items.length === 0 && <p class="empty">{t("newsEmpty")}</p>}
      {items !== null && items.length > 0 && (
        <ul class="card-list">
          {items.map((n) => (
            <li key={n.id}>
              <a class="news-card" href={href({ name: "article", id: n.id })} data-testid="news-item">
                <Thumbnail backend={backend} url={n.image} />
                <span class="news-text">
                  <span class="news-title">{n.title}</span>
                  <span class="news-meta">
                    {n.source} · <time dateTime={n.publishedAt}>{relativeTime(n.publishedAt, now, lang)}</time>
                  </span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ArticleBody({ backend, html }: { backend: Backend; html: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.replaceChildren(sanitizeHtml(html, document));
    let live = true;
    for (const img of Array.from(el.querySelectorAll<HTMLImageElement>("img"))) {
      const url = img.dataset.src;
      img.hidden = true;
      if (!url) continue;
      void cachedMedia(backend, url).then((m) => {
        if (!live || !m) return;
        img.src = m.dataUrl;
        img.hidden = false;
      });
    }
    return () => {
      live = false;
    };
  }, [backend, html]);
  return <div class="article-body" ref={ref} data-testid="article-body" />;
}

/** One article. */
export function NewsDetailScreen({ backend, version, now, onFreshness, id }: ScreenProps & { id: string }) {
  const [item, setItem] = useState<NewsItem | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    backend.getNews(id).then(
      (d) => {
        if (!live) return;
        setItem(d.item);
        setError(null);
        onFreshness(d.freshness);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version, id]);
  const lang = getLang();
  return (
    <article class="screen article" aria-labelledby="article-title">
      <a class="back-link" href={href({ name: "news" })}>
        ‹ {t("back")}
      </a>
      <h1 id="article-title" tabIndex={-1} data-testid="article-title">
        {item ? item.title : error ? t("newsTitle") : t("loading")}
      </h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {item && (
        <>
          <p class="news-meta">
            {item.source} · <time dateTime={item.published_at}>{relativeTime(item.published_at, now, lang)}</time>
          </p>
          <ArticleBody backend={backend} html={item.body_html} />
          {item.link && <p class="muted small break">{t("readOriginal", { link: item.link })}</p>}
        </>
      )}
    </article>
  );
}
