//! Runs one checked command over `congdan_core::Core` and prints the result.
//! Text output is for people (Vietnamese labels); `--json` prints the api
//! models unchanged. Holds no business rules: those live in the core.

use std::io::{self, Write};

use anyhow::Context;
use congdan_core::{Core, Freshness, SyncProgress};
use serde_json::to_writer_pretty;

use crate::flags::{Command, Config, Format};

/// Opens the profile, stores `--server` if given, and runs the command.
pub fn run(config: &Config) -> anyhow::Result<()> {
    let core = Core::open(&config.db)?;
    if let Some(url) = &config.server {
        core.set_server_url(url)?;
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match &config.command {
        Command::Sync => sync(&core, &mut out),
        Command::Units(province) => units(&core, province.as_deref(), &mut out),
        Command::SetUnit(code) => {
            let home = core.set_home_unit(code)?;
            writeln!(
                out,
                "Đã chọn: {} ({}), {}",
                home.name, home.code, home.province_name
            )?;
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
        Command::Search { query, format } => {
            let results = core.search_procedures(query)?;
            if *format == Format::Json {
                return json(&mut out, &results);
            }
            writeln!(out, "{} kết quả", results.total)?;
            for h in &results.hits {
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
fn sync(core: &Core, out: &mut impl Write) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    let progress = |p: SyncProgress| {
        let mut err = io::stderr().lock();
        let _ = if p.done {
            writeln!(
                err,
                "{}: xong ({} trang, {} thay đổi)",
                p.resource, p.page, p.items
            )
        } else {
            writeln!(
                err,
                "{}: trang {}, {} thay đổi",
                p.resource, p.page, p.items
            )
        };
    };
    let report = runtime.block_on(core.sync(&progress))?;
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

/// `units`: provinces, or the communes of one province.
fn units(core: &Core, province: Option<&str>, out: &mut impl Write) -> anyhow::Result<()> {
    let list = match province {
        Some(code) => core.communes(code)?,
        None => core.provinces()?,
    };
    for u in &list {
        writeln!(out, "{}\t{}", u.code, u.name)?;
    }
    Ok(())
}

/// Prints a model as pretty JSON with a final newline.
fn json(out: &mut impl Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
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
