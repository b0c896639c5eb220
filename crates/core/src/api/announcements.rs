//! Residents' announcements: the published ones of the household's unit (the
//! home village, else the home commune, with the units above it), cached for
//! offline reading and refreshed by every sync. Acknowledging is in
//! [`super::official`] (it goes through the outbox).

use congdan_protocol::announcements::Announcement;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Core, Freshness, freshness};
use crate::Error;
use crate::store::announcements;
use crate::sync::{Outcome, Transport, documents};

/// How long opening the Thông báo tab may spend fetching the files of its
/// announcements before answering (the sync fetches the rest).
const REFRESH_FILES_BUDGET: std::time::Duration = std::time::Duration::from_secs(15);

/// The announcements a resident sees, with how fresh they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AnnouncementList {
    /// The unit they are for (home village or commune).
    pub unit: String,
    /// Newest first.
    pub items: Vec<Announcement>,
    /// Freshness of the cache.
    pub freshness: Freshness,
}

/// How an announcement is shared: its public link on the server
/// (`GET /api/v1/announcements/{id}`: a page in a browser, JSON for apps) and
/// a QR code of that link, drawn by the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AnnouncementShare {
    /// The public link.
    pub url: String,
    /// The link as a QR code: a standalone SVG document (black on white).
    pub qr_svg: String,
}

impl Core {
    /// One cached announcement by id. Errors: `not_configured`, `not_found`, `storage`.
    fn cached_announcement(&self, id: &str) -> Result<Announcement, Error> {
        self.announcements()?
            .items
            .into_iter()
            .find(|a| a.id == id.trim())
            .ok_or_else(|| Error::NotFound {
                what: "announcement",
                key: id.trim().to_owned(),
            })
    }

    /// A cached announcement's event as an RFC 5545 calendar (`.ics` text).
    /// Reads only. Errors: `not_found` (not cached, or without an event),
    /// `not_configured`, `storage`.
    pub fn announcement_ics(&self, id: &str) -> Result<String, Error> {
        let item = self.cached_announcement(id)?;
        let start = item.event_start.ok_or_else(|| Error::NotFound {
            what: "announcement event",
            key: item.id.clone(),
        })?;
        let event = crate::calendar::CalendarEvent {
            uid: format!("{}@congdan", item.id),
            summary: item.title,
            description: item.body,
            location: item.event_place,
            start,
            end: None,
            cancelled: false,
        };
        Ok(crate::calendar::ics(
            "Thông báo",
            &[event],
            chrono::Utc::now(),
        ))
    }

    /// Writes [`Core::announcement_ics`] to `dir/thong-bao-<id>.ics` (replaced
    /// atomically), for the app's "Thêm vào lịch" button; the file's path.
    /// Errors: as [`Core::announcement_ics`], `internal` (not written).
    pub fn export_announcement_ics(
        &self,
        id: &str,
        dir: &std::path::Path,
    ) -> Result<std::path::PathBuf, Error> {
        let text = self.announcement_ics(id)?;
        let item = self.cached_announcement(id)?;
        crate::calendar::write_file(dir, &format!("thong-bao-{}.ics", item.id), text.as_bytes())
    }

    /// Writes a cached announcement's file (photo or PDF, downloaded by the
    /// sync) to `dir` under its name, for the app's "Lưu tệp" button; the
    /// file's path. The name is reduced to its last path segment, so a
    /// file never lands outside `dir`; it ends with the extension of the
    /// file's type (so a PDF never opens as something else), and an existing
    /// file is never replaced ("tên (1).pdf"). Reads the cache only. Errors:
    /// `not_found` (no such file on a cached announcement, or not downloaded
    /// yet), `internal` (not written), `storage`.
    pub fn save_announcement_file(
        &self,
        id: &str,
        url: &str,
        dir: &std::path::Path,
    ) -> Result<std::path::PathBuf, Error> {
        let item = self.cached_announcement(id)?;
        let missing = || Error::NotFound {
            what: "announcement file",
            key: url.to_owned(),
        };
        let file = item
            .attachments
            .iter()
            .find(|f| f.url == url)
            .ok_or_else(missing)?;
        let media = self
            .read(|c| crate::store::media::get(c, url))?
            .ok_or_else(missing)?;
        let name = std::path::Path::new(&file.name)
            .file_stem()
            .and_then(|n| n.to_str())
            .filter(|n| !n.starts_with('.'))
            .map_or_else(|| format!("tep-{}", item.id), str::to_owned);
        let extension = match media.mime.as_str() {
            "application/pdf" => "pdf",
            "image/png" => "png",
            "image/webp" => "webp",
            _ => "jpg",
        };
        let free = (0..1000)
            .map(|n| match n {
                0 => format!("{name}.{extension}"),
                n => format!("{name} ({n}).{extension}"),
            })
            .find(|candidate| !dir.join(candidate).exists())
            .ok_or_else(|| Error::Internal {
                reason: "no free file name".into(),
            })?;
        crate::calendar::write_file(dir, &free, &media.bytes)
    }

    /// The public link of a cached (so published) announcement and its QR
    /// code. Reads only. Errors: `not_configured` (no server), `not_found`,
    /// `storage`, `internal` (a link too long for a QR code).
    pub fn share_announcement(&self, id: &str) -> Result<AnnouncementShare, Error> {
        let item = self.cached_announcement(id)?;
        let server = self
            .server_url()?
            .ok_or(Error::NotConfigured { what: "server_url" })?;
        let url = format!(
            "{}/api/v1/announcements/{}",
            server.trim_end_matches('/'),
            item.id
        );
        let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| Error::Internal {
            reason: format!("cannot draw the QR code: {e}"),
        })?;
        let qr_svg = code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build();
        Ok(AnnouncementShare { url, qr_svg })
    }

    /// The cached announcements of the household's unit. Reads only.
    /// Errors: `not_configured` (no home unit), `storage`.
    pub fn announcements(&self) -> Result<AnnouncementList, Error> {
        let unit = self.household_unit()?;
        self.read(|conn| {
            Ok(AnnouncementList {
                items: announcements::of_scope(conn, &unit)?,
                freshness: freshness(conn, "announcements", &unit)?,
                unit: unit.clone(),
            })
        })
    }

    /// Asks the server for the household unit's announcements now (one
    /// conditional GET, then the files not downloaded yet unless the data
    /// saver is on), then returns the cache: when the server cannot be
    /// reached the cached list comes back marked offline. Writes: the cache,
    /// `sync_state`. Errors: `not_configured`, `bad_response`, `storage`.
    pub async fn refresh_announcements(&self) -> Result<AnnouncementList, Error> {
        let url = self
            .server_url()?
            .ok_or(Error::NotConfigured { what: "server_url" })?;
        let transport = self.http(&url)?;
        let _turn = self.sync_turn().await;
        let files = !self.data_saver()?;
        match self
            .pull_announcements(&transport, files, Some(REFRESH_FILES_BUDGET))
            .await
        {
            Ok(_) => {}
            Err(e) if e.is_unreachable() => {
                tracing::info!(
                    code = e.code().as_str(),
                    "announcements shown from the cache"
                );
            }
            Err(e) => return Err(e),
        }
        self.announcements()
    }

    /// The pull of a sync (gate held): `None` without a home unit. With
    /// `files`, then downloads the photos and PDFs of the cached
    /// announcements not cached yet, within `files_budget` when given (the
    /// data saver leaves them for later). Errors: as
    /// [`crate::sync::announcements::pull`].
    pub(crate) async fn pull_announcements<T: Transport>(
        &self,
        transport: &T,
        files: bool,
        files_budget: Option<std::time::Duration>,
    ) -> Result<Option<Outcome>, Error> {
        let Ok(unit) = self.household_unit() else {
            return Ok(None);
        };
        let now = self.inner.clock.now();
        let result = crate::sync::announcements::pull(self.writer_mutex(), transport, &unit).await;
        documents::record(self.writer_mutex(), "announcements", &unit, &result, now)?;
        if result.is_ok() && files {
            crate::sync::cache_attachments(self.writer_mutex(), transport, files_budget).await;
        }
        result.map(Some)
    }
}
