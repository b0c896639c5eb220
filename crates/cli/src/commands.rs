//! Runs one checked command over `congdan_core::Core` and prints the result.
//! Text output is for people (Vietnamese labels); `--json` prints the api
//! models unchanged. Holds no business rules: those live in the core.

use std::io::{self, Write};

use anyhow::Context;
use congdan_core::{Core, Freshness, SyncProgress};
use serde_json::to_writer_pretty;

use crate::flags::{Command, Config, Format, ImagesChange, Submit};

/// Opens the profile, stores `--server` and `--api-key` if given, and runs the command.
pub fn run(config: &Config) -> anyhow::Result<()> {
    let core = Core::open(&config.db)?;
    if let Some(url) = &config.server {
        core.set_server_url(url)?;
    }
    if let Some(key) = &config.api_key {
        core.set_api_key(key)?;
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match &config.command {
        Command::Sync { full } => sync(&core, *full, &mut out),
        Command::DataSaver(change) => {
            if let Some(on) = change {
                core.set_data_saver(*on)?;
            }
            let on = core.data_saver()?;
            writeln!(
                out,
                "Tiết kiệm dữ liệu: {}",
                if on {
                    "bật (ảnh và danh mục thủ tục chờ `sync --full`)"
                } else {
                    "tắt"
                }
            )?;
            Ok(())
        }
        Command::Bus(bus) => crate::bus::run(&core, bus, &mut out),
        Command::Units(province) => units(&core, province.as_deref(), &mut out),
        Command::SetUnit(code) => {
            let rt = runtime()?;
            match rt.block_on(core.set_home_unit(code)) {
                Ok(home) => writeln!(
                    out,
                    "Đã chọn: {} ({}), {}",
                    home.name, home.code, home.province_name
                )?,
                // Not a commune: a village of the home commune, perhaps.
                Err(e) if e.code() == congdan_core::ErrorCode::NotFound => {
                    let village = rt.block_on(core.set_home_village(code)).map_err(|_| e)?;
                    writeln!(
                        out,
                        "Đã chọn thôn/tổ dân phố: {} ({})",
                        village.name, village.code
                    )?;
                }
                Err(e) => return Err(e.into()),
            }
            Ok(())
        }
        Command::News { format, limit } => {
            let list = core.news(*limit)?;
            if *format == Format::Json {
                return json(&mut out, &list);
            }
            freshness(&mut out, &list.freshness)?;
            for n in &list.items {
                writeln!(
                    out,
                    "{}  {}  [{}] ({})",
                    n.published_at.format("%Y-%m-%d %H:%M"),
                    n.title,
                    n.source,
                    n.id
                )?;
            }
            Ok(())
        }
        Command::Alerts { format, wait } => {
            if let Some(seconds) = wait {
                runtime()?.block_on(core.wait_for_alerts(*seconds))?;
            }
            let list = core.alerts(None)?;
            if *format == Format::Json {
                return json(&mut out, &list);
            }
            freshness(&mut out, &list.freshness)?;
            if list.active.is_empty() {
                writeln!(out, "Không có cảnh báo nào đang hiệu lực.")?;
            }
            for a in &list.active {
                let expires = a
                    .expires
                    .map(|t| format!(", hết hiệu lực {}", t.format("%d/%m/%Y %H:%M")))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "[{} · {}] {}{expires}\n    {} ({})",
                    a.severity.as_str(),
                    a.urgency.as_str(),
                    if a.headline.is_empty() {
                        &a.event
                    } else {
                        &a.headline
                    },
                    a.instruction,
                    a.alert
                )?;
            }
            if !list.history.is_empty() {
                writeln!(out, "Đã qua: {} cảnh báo", list.history.len())?;
            }
            Ok(())
        }
        Command::Bulletins { format, days, near } => {
            let view = core.bulletins(*near, *days)?;
            if *format == Format::Json {
                return json(&mut out, &view);
            }
            freshness(&mut out, &view.freshness)?;
            let Some(latest) = &view.latest else {
                writeln!(out, "Chưa có bản tin dịch bệnh.")?;
                return Ok(());
            };
            writeln!(
                out,
                "{} ngày {} ({})",
                latest.disease,
                latest.date.format("%d/%m/%Y"),
                latest.issuer_name
            )?;
            let mine = view.mine.as_ref().map_or(0, |c| c.new_cases);
            writeln!(
                out,
                "Ca mắc mới: {mine} tại đơn vị của bạn, {} trong cả bản tin",
                view.total_new_cases
            )?;
            if !latest.note.is_empty() {
                writeln!(out, "{}", latest.note)?;
            }
            if !view.trend.is_empty() {
                let days: Vec<String> = view
                    .trend
                    .iter()
                    .map(|p| format!("{} {}", p.date.get(5..).unwrap_or(&p.date), p.total))
                    .collect();
                writeln!(out, "Xu hướng: {}", days.join(", "))?;
            }
            if !view.places.is_empty() {
                writeln!(out, "Điểm tiêm chủng:")?;
            }
            for p in &view.places {
                let distance = p
                    .distance_m
                    .map(|d| format!(" — {:.1} km", f64::from(d) / 1000.0))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "- {}{distance}\n    {}; {} {}",
                    p.place.name, p.place.address, p.place.hours, p.place.vaccine
                )?;
            }
            Ok(())
        }
        Command::Outages { from, format, ics } => {
            if *ics {
                out.write_all(core.outages_ics(*from)?.as_bytes())?;
                return Ok(());
            }
            let list = core.outages(*from)?;
            if *format == Format::Json {
                return json(&mut out, &list);
            }
            freshness(&mut out, &list.freshness)?;
            if list.items.is_empty() {
                writeln!(out, "Không có lịch cắt điện sắp tới.")?;
            }
            for o in &list.items {
                let status = match o.status {
                    congdan_core::OutageStatus::Scheduled => "",
                    congdan_core::OutageStatus::Changed => " [đã thay đổi]",
                    congdan_core::OutageStatus::Cancelled => " [đã hủy]",
                };
                let end = if o.end.date_naive() == o.start.date_naive() {
                    o.end.format("%H:%M").to_string()
                } else {
                    o.end.format("%d/%m/%Y %H:%M").to_string()
                };
                writeln!(
                    out,
                    "{} – {end}{status}  {}\n    {} ({})",
                    o.start.format("%d/%m/%Y %H:%M"),
                    o.area,
                    o.reason,
                    o.utility
                )?;
            }
            Ok(())
        }
        Command::Search { query, format } => {
            let results = core.search_procedures(query)?;
            if *format == Format::Json {
                return json(&mut out, &results);
            }
            if results.weak {
                writeln!(
                    out,
                    "Không tìm thấy thủ tục khớp hẳn; có thể bạn cần (hoặc hỏi UBND xã/phường qua `congdan submit`):"
                )?;
            } else {
                writeln!(out, "{} kết quả", results.total)?;
            }
            hit_lines(&mut out, &results.hits)
        }
        Command::Guide { event, format } => {
            let home = core.procedure_home()?;
            match event {
                Some(id) => {
                    let Some(e) = home.events.iter().find(|e| &e.id == id) else {
                        let known: Vec<&str> = home.events.iter().map(|e| e.id.as_str()).collect();
                        anyhow::bail!("không có sự kiện «{id}»; có: {}", known.join(", "));
                    };
                    if *format == Format::Json {
                        return json(&mut out, e);
                    }
                    writeln!(out, "{}", e.title)?;
                    hit_lines(&mut out, &e.procedures)
                }
                None if *format == Format::Json => json(&mut out, &home),
                None => {
                    writeln!(out, "{} thủ tục", home.total)?;
                    if !home.saved.is_empty() {
                        writeln!(out, "Đã lưu:")?;
                        hit_lines(&mut out, &home.saved)?;
                    }
                    if !home.recent.is_empty() {
                        writeln!(out, "Xem gần đây:")?;
                        hit_lines(&mut out, &home.recent)?;
                    }
                    writeln!(out, "Theo sự kiện:")?;
                    for e in &home.events {
                        writeln!(
                            out,
                            "  {}  {} ({} thủ tục)",
                            e.id,
                            e.title,
                            e.procedures.len()
                        )?;
                    }
                    writeln!(out, "Thủ tục thường dùng ở xã/phường:")?;
                    hit_lines(&mut out, &home.popular)
                }
            }
        }
        Command::Save { code, saved } => {
            core.set_procedure_saved(code, *saved)?;
            writeln!(
                out,
                "{}",
                if *saved {
                    "Đã lưu."
                } else {
                    "Đã bỏ lưu."
                }
            )?;
            Ok(())
        }
        Command::Procedure { code, format } => {
            let detail = core.procedure(code)?;
            if *format == Format::Json {
                return json(&mut out, &detail);
            }
            let p = &detail.procedure;
            writeln!(out, "{} — {}", p.code, p.name)?;
            writeln!(out, "Lĩnh vực: {}", p.field)?;
            writeln!(out, "Cấp thực hiện: {}", p.levels.join(", "))?;
            writeln!(out, "Cơ quan thực hiện: {}", p.agency)?;
            for c in &p.channels {
                writeln!(
                    out,
                    "Cách thực hiện: {} — {} — {}",
                    c.mode, c.duration, c.fee
                )?;
            }
            writeln!(out, "Thành phần hồ sơ:")?;
            for (i, d) in p.documents.iter().enumerate() {
                let mark = if u32::try_from(i).is_ok_and(|i| detail.checked.contains(&i)) {
                    "[x]"
                } else {
                    "[ ]"
                };
                writeln!(out, "  {mark} {}. {} ({})", i + 1, d.name, d.copies)?;
            }
            writeln!(out, "Nguồn: {}", p.source_url)?;
            Ok(())
        }
        Command::Services(format) => {
            let list = core.services()?;
            if *format == Format::Json {
                return json(&mut out, &list);
            }
            if list.is_empty() {
                writeln!(out, "Chưa có danh sách dịch vụ. Hãy chạy `congdan sync`.")?;
            }
            for s in &list {
                writeln!(out, "{}\t{}\t[{}]", s.service_code, s.service_name, s.group)?;
                if let Ok(def) = core.service_definition(&s.service_code) {
                    for a in def.attributes.iter().filter(|a| a.variable) {
                        let keys: Vec<&str> = a.values.iter().map(|v| v.key.as_str()).collect();
                        writeln!(
                            out,
                            "    --attr {}=…  {}{}{}",
                            a.code,
                            a.description,
                            if a.required { " (bắt buộc)" } else { "" },
                            if keys.is_empty() {
                                String::new()
                            } else {
                                format!(" [{}]", keys.join(", "))
                            }
                        )?;
                    }
                }
            }
            Ok(())
        }
        Command::Submit(submit) => submit_request(&core, submit, &mut out),
        Command::Outbox {
            retry,
            drain,
            format,
        } => {
            if let Some(id) = retry {
                core.retry_outbox(*id)?;
                writeln!(out, "Đã đưa mục {id} vào hàng chờ gửi lại.")?;
            }
            outbox(&core, *drain, *format, &mut out)
        }
        Command::Requests(format) => {
            let list = core.my_requests()?;
            if *format == Format::Json {
                return json(&mut out, &list);
            }
            freshness(&mut out, &list.freshness)?;
            for r in &list.items {
                writeln!(
                    out,
                    "{}  {}  {}  {}  {}",
                    r.requested_at.format("%Y-%m-%d %H:%M"),
                    status_label(&r.detailed_status),
                    r.id,
                    r.service_name,
                    r.excerpt
                )?;
            }
            Ok(())
        }
        Command::Official(command) => crate::official::run(&core, command, &mut out),
        Command::Request { id, format } => {
            let d = core.my_request(id)?;
            if *format == Format::Json {
                return json(&mut out, &d);
            }
            writeln!(out, "{} — {}", d.id, d.service_name)?;
            writeln!(out, "Trạng thái: {}", status_label(&d.detailed_status))?;
            writeln!(out, "Nội dung: {}", d.description)?;
            if let Some(deadline) = d.deadline {
                writeln!(out, "Hạn xử lý: {}", deadline.format("%Y-%m-%d %H:%M UTC"))?;
            }
            for t in &d.timeline {
                writeln!(
                    out,
                    "  {}  {}{}{}",
                    t.at.format("%Y-%m-%d %H:%M"),
                    t.status.label(),
                    t.officer
                        .as_deref()
                        .map(|o| format!(" ({o})"))
                        .unwrap_or_default(),
                    if t.note.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", t.note)
                    }
                )?;
            }
            if let Some(answer) = &d.answer {
                writeln!(out, "Trả lời: {answer}")?;
            }
            if let Some(e) = &d.error {
                writeln!(out, "Bị từ chối: {}", e.message)?;
            }
            Ok(())
        }
        Command::Connection(format) => connection(&core.connection()?, *format, &mut out),
        Command::SetServer(url) => {
            let info = runtime()?.block_on(core.check_and_set_server_url(url))?;
            connection(&info, Format::Text, &mut out)
        }
        Command::Images { change, format } => {
            let usage = match change {
                Some(ImagesChange::Budget(mb)) => core.set_media_budget(*mb)?,
                Some(ImagesChange::Clear) => core.clear_media()?,
                None => core.media_usage()?,
            };
            if *format == Format::Json {
                return json(&mut out, &usage);
            }
            writeln!(
                out,
                "{} ảnh đã lưu, {:.1} MB trên tối đa {} MB",
                usage.images,
                f64::from(usage.used_kib) / 1024.0,
                usage.budget_mb
            )?;
            Ok(())
        }
        Command::Status(format) => {
            let status = core.status()?;
            if *format == Format::Json {
                return json(&mut out, &status);
            }
            for r in &status.resources {
                let when = r
                    .synced_at
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                    .unwrap_or_else(|| "chưa đồng bộ".to_string());
                writeln!(out, "{}: {} mục, {}", r.resource, r.count, when)?;
            }
            if status.offline {
                writeln!(
                    out,
                    "Ngoại tuyến: lần đồng bộ gần nhất không kết nối được máy chủ."
                )?;
            }
            if let Some(e) = &status.last_error {
                writeln!(out, "Lỗi gần nhất: {} ({})", e.message, e.code)?;
            }
            Ok(())
        }
    }
}

/// `sync`: progress lines while pulling, then a summary.
fn sync(core: &Core, full: bool, out: &mut impl Write) -> anyhow::Result<()> {
    let runtime = runtime()?;
    let progress = |p: SyncProgress| {
        let mut err = io::stderr().lock();
        let _ = if p.done {
            writeln!(
                err,
                "{}: xong ({} trang, {} thay đổi)",
                p.resource, p.page, p.items
            )
        } else if p.items == 0 && p.bytes > 0 {
            // A body fetched in ranges (the catalogue's first download).
            writeln!(err, "{}: đã nhận {} byte", p.resource, p.bytes)
        } else {
            writeln!(
                err,
                "{}: trang {}, {} thay đổi",
                p.resource, p.page, p.items
            )
        };
    };
    let report = if full {
        runtime.block_on(core.sync_full(&progress))?
    } else {
        runtime.block_on(core.sync(&progress))?
    };
    if report.drain.sent + report.drain.failed_permanent + report.drain.pending > 0 {
        writeln!(
            out,
            "hộp thư đi: đã gửi {}, bị từ chối {}, còn chờ {}",
            report.drain.sent, report.drain.failed_permanent, report.drain.pending
        )?;
    }
    if report.deferred {
        writeln!(
            out,
            "tiết kiệm dữ liệu: ảnh và danh mục thủ tục chờ `sync --full`"
        )?;
    }
    for c in &report.status_changes {
        writeln!(
            out,
            "phản ánh {} ({}): {}",
            c.request_id,
            c.service_name,
            status_label(&c.detailed_status)
        )?;
    }
    for r in &report.resources {
        if r.not_modified {
            writeln!(out, "{}: không có thay đổi", r.resource)?;
        } else {
            writeln!(
                out,
                "{}: {} mục cập nhật, {} mục xoá, {} trang",
                r.resource, r.items, r.deleted, r.pages
            )?;
        }
    }
    Ok(())
}

/// A current-thread runtime for one async core call.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("tokio runtime")
}

/// Vietnamese label of a detailed status (`queued` and `failed` included).
pub(crate) fn status_label(status: &str) -> &str {
    match status {
        "queued" => "Chờ gửi",
        "failed" => "Bị từ chối",
        other => congdan_core::DetailedStatus::parse(other)
            .map(|s| s.label())
            .unwrap_or(other),
    }
}

/// `connection`: the server and key fingerprint in use.
fn connection(
    info: &congdan_core::ConnectionInfo,
    format: Format,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if format == Format::Json {
        return json(out, info);
    }
    let built_in = |yes: bool| if yes { " (cài sẵn)" } else { "" };
    writeln!(
        out,
        "Máy chủ: {}{}",
        info.server_url.as_deref().unwrap_or("chưa đặt"),
        built_in(info.server_built_in)
    )?;
    writeln!(
        out,
        "Khóa ứng dụng: {}{}",
        info.api_key_fingerprint.as_deref().unwrap_or("chưa có"),
        built_in(info.api_key_built_in)
    )?;
    Ok(())
}

/// `submit`: save to the outbox (durable before anything else), then try to send.
fn submit_request(core: &Core, submit: &Submit, out: &mut impl Write) -> anyhow::Result<()> {
    let mut draft = submit.draft.clone();
    for path in &submit.photos {
        let bytes = std::fs::read(path).with_context(|| format!("đọc ảnh {}", path.display()))?;
        draft.photo_ids.push(core.prepare_photo(&bytes)?.id);
    }
    let receipt = core.submit_request(&draft)?;
    let report = if submit.send && core.server_url()?.is_some() {
        let policy = congdan_core::DrainPolicy {
            honour_schedule: false,
            inline_retries: 0,
        };
        Some(runtime()?.block_on(core.drain_with(policy, &|_| {}))?)
    } else {
        None
    };
    let entry = core.outbox()?.into_iter().find(|e| e.uuid == receipt.uuid);
    if submit.format == Format::Json {
        return json(
            out,
            &serde_json::json!({ "receipt": receipt, "drain": report, "entry": entry }),
        );
    }
    match entry {
        Some(e) if e.state == congdan_core::OutboxState::Done => writeln!(
            out,
            "đã gửi: mã phản ánh {} ({})",
            e.remote_id.unwrap_or_default(),
            receipt.uuid
        )?,
        Some(e) if e.state == congdan_core::OutboxState::FailedPermanent => writeln!(
            out,
            "bị từ chối: {} ({})",
            e.last_error.map(|b| b.message).unwrap_or_default(),
            receipt.uuid
        )?,
        _ => writeln!(out, "đã lưu, sẽ gửi khi có mạng: {}", receipt.uuid)?,
    }
    Ok(())
}

/// `outbox [--drain]`: with --drain, fails (exit 2) unless the outbox ends empty.
fn outbox(core: &Core, drain: bool, format: Format, out: &mut impl Write) -> anyhow::Result<()> {
    let report = if drain {
        let progress = |p: congdan_core::DrainProgress| {
            let _ = writeln!(io::stderr().lock(), "gửi {}/{}", p.done, p.total);
        };
        Some(runtime()?.block_on(core.drain(&progress))?)
    } else {
        None
    };
    let entries = core.outbox()?;
    if format == Format::Json {
        json(
            out,
            &serde_json::json!({ "entries": entries, "drain": report }),
        )?;
    } else {
        for e in &entries {
            let state = match e.state {
                congdan_core::OutboxState::Pending => "chờ gửi",
                congdan_core::OutboxState::Sending => "đang gửi",
                congdan_core::OutboxState::Done => "đã gửi",
                congdan_core::OutboxState::FailedPermanent => "bị từ chối",
            };
            writeln!(
                out,
                "{}\t{}\t{}\t{} lần thử\t{}{}",
                e.id,
                state,
                e.summary,
                e.attempts,
                e.uuid,
                e.last_error
                    .as_ref()
                    .map(|b| format!("\t{}", b.message))
                    .unwrap_or_default()
            )?;
        }
        if let Some(r) = &report {
            writeln!(
                out,
                "Đã gửi {}, bị từ chối {}, còn chờ {}.",
                r.sent, r.failed_permanent, r.pending
            )?;
        }
    }
    if let Some(r) = report
        && r.pending > 0
    {
        out.flush()?;
        let reason = r.last_error.map(|b| b.message).unwrap_or_default();
        anyhow::bail!("còn {} mục chưa gửi. {reason}", r.pending);
    }
    Ok(())
}

/// `units`: provinces, or the communes of one province.
fn units(core: &Core, province: Option<&str>, out: &mut impl Write) -> anyhow::Result<()> {
    let runtime = runtime()?;
    let list = match province {
        Some(code) => runtime.block_on(core.communes(code))?,
        None => runtime.block_on(core.provinces())?,
    };
    for u in &list {
        writeln!(out, "{}\t{}", u.code, u.name)?;
    }
    Ok(())
}

/// One line per procedure: code, name, field and levels.
fn hit_lines(out: &mut impl Write, hits: &[congdan_core::ProcedureHit]) -> anyhow::Result<()> {
    for h in hits {
        writeln!(
            out,
            "{}  {}  [{}; {}]",
            h.code,
            h.name,
            h.field,
            h.levels.join(", ")
        )?;
    }
    Ok(())
}

/// Prints a model as pretty JSON with a final newline.
pub(crate) fn json(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// One line saying how old the shown data is.
fn freshness(out: &mut impl Write, f: &Freshness) -> io::Result<()> {
    match f.synced_at {
        Some(t) => writeln!(out, "Cập nhật lúc {}", t.format("%Y-%m-%d %H:%M UTC"))?,
        None => writeln!(out, "Chưa đồng bộ lần nào.")?,
    }
    if f.offline {
        writeln!(out, "Không có kết nối mạng. Đang hiển thị dữ liệu đã lưu.")?;
    }
    Ok(())
}
