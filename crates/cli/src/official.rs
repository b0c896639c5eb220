//! The officials' verbs (`login`, `logout`, `announce …`, `announcements`,
//! `ack`, `inbox`, `answer`, `assign`): checked arguments and their printing over
//! `congdan_core::Core`. A refusal of the server (role, unit, state) comes
//! back as a core error whose Vietnamese message `main` prints before exiting
//! non-zero; nothing here decides who may do what.

use std::io::{self, BufRead, Write};

use anyhow::{Context, bail};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use clap::Subcommand;
use congdan_core::Core;
use congdan_core::official::DraftInput;
use congdan_protocol::announcements::{AckKind, AnnouncementStatus, OfficialAnnouncement};

use crate::commands::{json, runtime, status_label};
use crate::flags::Format;

/// `announce` subcommands as clap parses them.
#[derive(Debug, Subcommand)]
pub enum AnnounceAction {
    /// Write a draft (prints it with its id); --id changes an existing draft.
    Draft {
        /// Title.
        #[arg(long)]
        title: String,
        /// Text.
        #[arg(long)]
        body: String,
        /// A unit it goes to (commune or village code); repeat for more.
        #[arg(long = "unit", required = true)]
        units: Vec<String>,
        /// Event start: RFC 3339, or "YYYY-MM-DD HH:MM" in Vietnam time.
        #[arg(long)]
        event_start: Option<String>,
        /// A photo (JPEG, PNG, WebP) or PDF to attach; repeat for more (at most 6).
        #[arg(long = "attach")]
        files: Vec<std::path::PathBuf>,
        /// Event place.
        #[arg(long)]
        place: Option<String>,
        /// Change this draft instead of writing a new one.
        #[arg(long)]
        id: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send a draft for review.
    Submit {
        /// Announcement id.
        id: String,
    },
    /// Publish a submitted announcement (editor, admin).
    Approve {
        /// Announcement id.
        id: String,
    },
    /// Send a submitted announcement back with a comment (editor, admin).
    Return {
        /// Announcement id.
        id: String,
        /// What to change.
        #[arg(long)]
        comment: String,
    },
    /// A cached announcement's event as an RFC 5545 calendar (.ics on stdout).
    Ics {
        /// Announcement id.
        id: String,
    },
    /// The public link of a cached announcement (with --json also its QR code as SVG).
    Share {
        /// Announcement id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Households not yet reached, per village (the author only).
    Households {
        /// Announcement id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save a cached announcement's photos and PDFs (downloaded by sync) into DIR.
    Files {
        /// Announcement id.
        id: String,
        /// Folder to write them to.
        #[arg(long = "to")]
        dir: std::path::PathBuf,
    },
}

/// A checked official command.
#[derive(Debug, Clone, PartialEq)]
pub enum OfficialCommand {
    /// `login USER`.
    Login(String),
    /// `logout`.
    Logout,
    /// `announce draft`.
    Draft {
        /// The draft.
        input: DraftInput,
        /// Files to prepare and attach.
        files: Vec<std::path::PathBuf>,
        /// Output format.
        format: Format,
    },
    /// `announce submit|approve|return`.
    Step {
        /// Announcement id.
        id: String,
        /// `submit`, `approve` or `return`.
        step: &'static str,
        /// The comment of `return`.
        comment: Option<String>,
    },
    /// `announcements`.
    Announcements(Format),
    /// `ack ID KIND`.
    Ack {
        /// Announcement id.
        id: String,
        /// The answer.
        kind: AckKind,
        /// Why not.
        reason: Option<String>,
        /// Household recorded by proxy.
        household: Option<String>,
        /// The household's unit.
        unit: Option<String>,
    },
    /// `reach`.
    Reach {
        /// Unit.
        unit: Option<String>,
        /// Weeks back.
        weeks: Option<u32>,
        /// CSV output.
        csv: bool,
        /// Output format otherwise.
        format: Format,
    },
    /// `post-bulletin --file F`.
    PostBulletin {
        /// The bulletin.
        input: Box<congdan_protocol::BulletinInput>,
        /// Output format.
        format: Format,
    },
    /// `inbox`.
    Inbox(Format),
    /// `answer ID --text T`.
    Answer {
        /// Request id.
        request_id: String,
        /// The answer.
        text: String,
    },
    /// `announce ics ID`.
    Ics(String),
    /// `announce share ID`.
    Share {
        /// Announcement id.
        id: String,
        /// Output format.
        format: Format,
    },
    /// `announce files ID --to DIR`.
    Files {
        /// Announcement id.
        id: String,
        /// Destination folder.
        dir: std::path::PathBuf,
    },
    /// `announce households ID`.
    Households {
        /// Announcement id.
        id: String,
        /// Output format.
        format: Format,
    },
    /// `assign ID (--unit CODE | --to USER)`.
    Assign {
        /// Request id.
        request_id: String,
        /// Unit to route it to.
        unit: Option<String>,
        /// Officer to give it to.
        to: Option<String>,
    },
}

/// "YYYY-MM-DD HH:MM" in Vietnam time (UTC+7, no daylight saving) or RFC 3339.
fn parse_datetime(text: &str) -> anyhow::Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let vietnam = FixedOffset::east_opt(7 * 3600).context("UTC+7 is a valid offset")?;
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").with_context(|| {
        format!("thời điểm «{text}» không hợp lệ: dùng «2026-12-12 08:00» hoặc RFC 3339")
    })?;
    vietnam
        .from_local_datetime(&naive)
        .single()
        .map(|at| at.with_timezone(&Utc))
        .context("thời điểm không hợp lệ")
}

/// Reads and prepares each file for a draft: a PDF (by its first bytes) as
/// it is, anything else as a photo (shrunk, re-encoded, no EXIF); named by its
/// file name.
fn prepare_files(
    core: &congdan_core::Core,
    files: &[std::path::PathBuf],
) -> anyhow::Result<Vec<congdan_core::official::DraftAttachment>> {
    files
        .iter()
        .map(|path| {
            let bytes =
                std::fs::read(path).with_context(|| format!("đọc tệp {}", path.display()))?;
            let file_id = if bytes.starts_with(b"%PDF-") {
                core.prepare_document(&bytes)?.id
            } else {
                core.prepare_photo(&bytes)?.id
            };
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file_id.clone());
            Ok(congdan_core::official::DraftAttachment { file_id, name })
        })
        .collect()
}

impl OfficialCommand {
    /// Checks an `announce` subcommand.
    pub fn announce(action: AnnounceAction) -> anyhow::Result<OfficialCommand> {
        Ok(match action {
            AnnounceAction::Draft {
                title,
                body,
                units,
                event_start,
                files,
                place,
                id,
                json,
            } => OfficialCommand::Draft {
                input: DraftInput {
                    id,
                    title,
                    body,
                    units,
                    event_start: event_start.as_deref().map(parse_datetime).transpose()?,
                    event_place: place,
                    attachments: Vec::new(),
                },
                files,
                format: Format::from_flag(json),
            },
            AnnounceAction::Submit { id } => OfficialCommand::Step {
                id,
                step: "submit",
                comment: None,
            },
            AnnounceAction::Approve { id } => OfficialCommand::Step {
                id,
                step: "approve",
                comment: None,
            },
            AnnounceAction::Return { id, comment } => OfficialCommand::Step {
                id,
                step: "return",
                comment: Some(comment),
            },
            AnnounceAction::Ics { id } => OfficialCommand::Ics(id),
            AnnounceAction::Share { id, json } => OfficialCommand::Share {
                id,
                format: Format::from_flag(json),
            },
            AnnounceAction::Households { id, json } => OfficialCommand::Households {
                id,
                format: Format::from_flag(json),
            },
            AnnounceAction::Files { id, dir } => OfficialCommand::Files { id, dir },
        })
    }

    /// Checks `ack`.
    pub fn ack(
        id: String,
        kind: &str,
        reason: Option<String>,
        household: Option<String>,
        unit: Option<String>,
    ) -> anyhow::Result<OfficialCommand> {
        let Some(kind) = AckKind::parse(kind) else {
            bail!("«{kind}» không hợp lệ: dùng seen, going hoặc not-going");
        };
        Ok(OfficialCommand::Ack {
            id,
            kind,
            reason,
            household,
            unit,
        })
    }
}

/// Vietnamese label of an announcement's status.
fn announcement_status(status: AnnouncementStatus) -> &'static str {
    match status {
        AnnouncementStatus::Draft => "bản nháp",
        AnnouncementStatus::Submitted => "chờ duyệt",
        AnnouncementStatus::Returned => "bị trả lại",
        AnnouncementStatus::Published => "đã đăng",
    }
}

fn announcement_lines(out: &mut impl Write, a: &OfficialAnnouncement) -> io::Result<()> {
    writeln!(
        out,
        "{}  [{}]  {}  → {}",
        a.id,
        announcement_status(a.status),
        a.title,
        a.units.join(", ")
    )?;
    if let Some(comment) = &a.return_comment {
        writeln!(out, "  Nhận xét của biên tập: {comment}")?;
    }
    if a.status == AnnouncementStatus::Published {
        writeln!(
            out,
            "  Đã xem {} · Sẽ tham gia {} · Không tham gia được {} (ghi nhận thay {})",
            a.acks.seen, a.acks.going, a.acks.not_going, a.acks.by_proxy
        )?;
        for unit in &a.acks_by_unit {
            writeln!(
                out,
                "    {}: {} / {} / {}",
                unit.unit, unit.counts.seen, unit.counts.going, unit.counts.not_going
            )?;
        }
    }
    Ok(())
}

/// Runs one official command.
pub fn run(core: &Core, command: &OfficialCommand, out: &mut impl Write) -> anyhow::Result<()> {
    let rt = runtime()?;
    match command {
        OfficialCommand::Login(username) => {
            let mut password = String::new();
            io::stdin()
                .lock()
                .read_line(&mut password)
                .context("không đọc được mật khẩu từ stdin")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let session = rt.block_on(core.login(username, password))?;
            writeln!(
                out,
                "Đã đăng nhập: {} ({}, {}), đến {}",
                session.name,
                session.role.as_str(),
                session.unit,
                session.expires_at.format("%Y-%m-%d %H:%M UTC")
            )?;
        }
        OfficialCommand::Logout => {
            rt.block_on(core.logout())?;
            writeln!(out, "Đã đăng xuất.")?;
        }
        OfficialCommand::Draft {
            input,
            files,
            format,
        } => {
            let mut input = input.clone();
            input.attachments = prepare_files(core, files)?;
            let outcome = rt.block_on(core.draft_announcement(input.clone()))?;
            match (&outcome.saved, format) {
                (Some(saved), Format::Json) => return json(out, saved),
                (Some(saved), Format::Text) => announcement_lines(out, saved)?,
                (None, Format::Json) => {
                    return json(
                        out,
                        &serde_json::json!({
                            "id": outcome.id,
                            "title": input.title,
                            "status": "draft",
                            "units": input.units,
                            "queued": true,
                        }),
                    );
                }
                (None, Format::Text) => {
                    writeln!(out, "{}  Đã lưu bản nháp, sẽ gửi khi có mạng.", outcome.id)?
                }
            }
        }
        OfficialCommand::Step { id, step, comment } => {
            let moved = match (*step, comment) {
                ("submit", _) => rt.block_on(core.submit_announcement(id))?,
                ("approve", _) => rt.block_on(core.approve_announcement(id))?,
                (_, Some(comment)) => rt.block_on(core.return_announcement(id, comment))?,
                (_, None) => bail!("cần --comment khi trả lại"),
            };
            announcement_lines(out, &moved)?;
        }
        OfficialCommand::Announcements(format) => {
            if core.official_session()?.is_some() {
                let list = rt.block_on(core.official_announcements())?;
                if *format == Format::Json {
                    return json(out, &list);
                }
                for a in &list {
                    announcement_lines(out, a)?;
                }
            } else {
                let list = rt.block_on(core.refresh_announcements())?;
                if *format == Format::Json {
                    return json(out, &list);
                }
                if list.freshness.offline {
                    writeln!(out, "(ngoại tuyến: danh sách đã lưu)")?;
                }
                for a in &list.items {
                    writeln!(out, "{}  {}  ({})", a.id, a.title, a.author_name)?;
                    if let (Some(start), Some(place)) = (a.event_start, &a.event_place) {
                        writeln!(out, "  {} tại {place}", start.format("%Y-%m-%d %H:%M UTC"))?;
                    }
                }
            }
        }
        OfficialCommand::Ack {
            id,
            kind,
            reason,
            household,
            unit,
        } => {
            let queued = rt.block_on(core.ack_announcement(
                id,
                *kind,
                reason.clone(),
                household.clone(),
                unit.clone(),
            ))?;
            if queued.is_none() {
                writeln!(out, "Đã ghi nhận thay hộ gia đình.")?;
                return Ok(());
            }
            let report = rt.block_on(core.drain(&|_| {}))?;
            if report.pending == 0 && report.failed_permanent == 0 {
                writeln!(out, "Đã gửi xác nhận.")?;
            } else if report.failed_permanent > 0 {
                bail!(
                    "máy chủ từ chối xác nhận: {}",
                    report
                        .last_error
                        .map(|e| e.message)
                        .unwrap_or_else(|| "xem `congdan outbox`".into())
                );
            } else {
                writeln!(out, "Đã lưu, sẽ gửi khi có mạng.")?;
            }
        }
        OfficialCommand::Reach {
            unit,
            weeks,
            csv,
            format,
        } => {
            if *csv {
                write!(
                    out,
                    "{}",
                    rt.block_on(core.reach_csv(unit.clone(), *weeks))?
                )?;
                return Ok(());
            }
            let reach = rt.block_on(core.reach(unit.clone(), *weeks))?;
            if *format == Format::Json {
                return json(out, &reach);
            }
            writeln!(out, "Đơn vị {}", reach.unit)?;
            for w in &reach.weeks {
                writeln!(
                    out,
                    "{}  thông báo {} (phản hồi {})  trả lời {} (đúng hạn {}{})",
                    w.week,
                    w.announcements,
                    w.acknowledged,
                    w.answered,
                    w.answered_on_time,
                    w.median_hours_to_answer
                        .map(|h| format!(", trung vị {h:.1} giờ"))
                        .unwrap_or_default()
                )?;
            }
        }
        OfficialCommand::PostBulletin { input, format } => {
            let rows = rt.block_on(core.post_bulletin(input))?;
            if *format == Format::Json {
                return json(out, &rows);
            }
            writeln!(
                out,
                "Đã đăng bản tin {} ngày {} cho {} đơn vị.",
                input.disease,
                input.date.format("%d/%m/%Y"),
                rows.len()
            )?;
        }
        OfficialCommand::Inbox(format) => {
            let items = rt.block_on(core.inbox())?;
            if *format == Format::Json {
                return json(out, &items);
            }
            for item in &items {
                let r = &item.request.request;
                writeln!(
                    out,
                    "{}  [{}] {}  {}{}",
                    r.service_request_id,
                    item.urgency,
                    status_label(r.detailed_status.as_str()),
                    r.service_name,
                    r.expected_datetime
                        .map(|due| format!("  hạn {}", due.format("%Y-%m-%d %H:%M UTC")))
                        .unwrap_or_default()
                )?;
            }
        }
        OfficialCommand::Answer { request_id, text } => {
            let updated = rt.block_on(core.answer_request(request_id, text))?;
            writeln!(
                out,
                "Đã trả lời phản ánh {} ({}).",
                updated.request.service_request_id,
                status_label(updated.request.detailed_status.as_str())
            )?;
        }
        OfficialCommand::Ics(id) => {
            out.write_all(core.announcement_ics(id)?.as_bytes())?;
        }
        OfficialCommand::Files { id, dir } => {
            let item = core
                .announcements()?
                .items
                .into_iter()
                .find(|a| a.id == *id)
                .with_context(|| format!("không có thông báo {id} trên máy"))?;
            for file in &item.attachments {
                let path = core.save_announcement_file(id, &file.url, dir)?;
                writeln!(out, "{}", path.display())?;
            }
        }
        OfficialCommand::Share { id, format } => {
            let share = core.share_announcement(id)?;
            if *format == Format::Json {
                return json(out, &share);
            }
            writeln!(out, "{}", share.url)?;
        }
        OfficialCommand::Households { id, format } => {
            let units = rt.block_on(core.announcement_households(id))?;
            if *format == Format::Json {
                return json(out, &units);
            }
            for unit in &units {
                writeln!(
                    out,
                    "{}  {} hộ, chưa nhận: {}",
                    unit.unit,
                    unit.households,
                    if unit.not_reached.is_empty() {
                        "không còn hộ nào".to_owned()
                    } else {
                        unit.not_reached.join(", ")
                    }
                )?;
            }
        }
        OfficialCommand::Assign {
            request_id,
            unit,
            to,
        } => {
            let input = congdan_protocol::requests::AssignInput {
                unit: unit.clone(),
                assignee: to.clone(),
            };
            let updated = rt.block_on(core.assign_request(request_id, input))?;
            let r = &updated.request;
            match &updated.assignee {
                Some(person) => writeln!(
                    out,
                    "Đã giao phản ánh {} cho {}.",
                    r.service_request_id, person.name
                )?,
                None => writeln!(
                    out,
                    "Đã chuyển phản ánh {} đến {}.",
                    r.service_request_id, r.agency_responsible
                )?,
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_times_are_vietnam_time_or_rfc3339() {
        assert_eq!(
            parse_datetime("2026-12-12 08:00").unwrap().to_rfc3339(),
            "2026-12-12T01:00:00+00:00"
        );
        assert_eq!(
            parse_datetime("2026-12-12T08:00:00+07:00").unwrap(),
            parse_datetime("2026-12-12 08:00").unwrap()
        );
        assert!(parse_datetime("12/12/2026").is_err());
    }

    #[test]
    fn ack_kinds_take_the_cli_spelling() {
        let ack = OfficialCommand::ack("x".into(), "not-going", None, None, None).unwrap();
        assert!(matches!(
            ack,
            OfficialCommand::Ack {
                kind: AckKind::NotGoing,
                ..
            }
        ));
        assert!(OfficialCommand::ack("x".into(), "maybe", None, None, None).is_err());
    }
}
