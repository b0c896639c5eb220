//! The national procedure catalogue: one JSON object per line (JSONL), crawled from
//! dichvucong.gov.vn, plain or gzip. Maps each line into a [`Procedure`].
//!
//! It owns reading the lines and the record mapping; the un-flattening of the
//! crawler's run-together tables lives in the private `tables` module, and the
//! repair of mis-scraped names (a leading ". ", a name split across lines or
//! printed twice, glued words, known typos, a trailing period) in `names`: every
//! repaired name is reported in [`Parsed::repaired`] with its line and code.
//! It does not fix records that hold another procedure's page (mis-crawls), does
//! not drop duplicates, and does not fold text for search.

mod names;
mod tables;

pub use names::{NameRepair, RepairedName, repair_name};

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use congdan_protocol::Procedure;
use serde::Deserialize;

use crate::text::clean;
use crate::{Parsed, Rejected, Repaired, SourceError};

/// The value the portal shows in an empty cell; we store it as an empty string.
const NO_INFO: &str = "Không có thông tin";

/// One line of the catalogue as crawled. Fields we do not use are ignored.
#[derive(Debug, Deserialize)]
struct RawRecord {
    ma_thu_tuc: Option<String>,
    ten_thu_tuc: Option<String>,
    #[serde(default)]
    so_quyet_dinh: Option<String>,
    #[serde(default)]
    cap_thuc_hien: Option<String>,
    #[serde(default)]
    linh_vuc: Option<String>,
    #[serde(default)]
    doi_tuong_thuc_hien: Option<String>,
    #[serde(default)]
    co_quan_co_tham_quyen: Option<String>,
    #[serde(default)]
    co_quan_thuc_hien: Option<String>,
    #[serde(default)]
    dia_chi_tiep_nhan: Option<String>,
    #[serde(default)]
    trinh_tu_thuc_hien: Option<String>,
    #[serde(default)]
    cach_thuc_thuc_hien: Option<String>,
    #[serde(default)]
    thanh_phan_ho_so: Option<String>,
    #[serde(default)]
    can_cu_phap_ly: Option<String>,
    #[serde(default)]
    detail_url: Option<String>,
    #[serde(default)]
    co_quan_ban_hanh: Option<String>,
}

/// Parses a JSONL catalogue; a bad line becomes a rejection at "line N" (1-based).
///
/// Blank lines are skipped. Only a failure to read the input is an error.
pub fn parse<R: BufRead>(reader: R) -> Result<Parsed<Procedure>, SourceError> {
    parse_lines(reader, |source| SourceError::Io {
        what: "input".to_owned(),
        source,
    })
}

/// Opens and parses a catalogue file, decompressing it when its name ends in `.gz`.
pub fn open(path: &Path) -> Result<Parsed<Procedure>, SourceError> {
    let file = File::open(path).map_err(|source| SourceError::Io {
        what: path.display().to_string(),
        source,
    })?;
    let gzipped = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("gz"));
    if gzipped {
        let decoder = flate2::read::MultiGzDecoder::new(BufReader::new(file));
        parse_lines(BufReader::new(decoder), |source| SourceError::NotGzip {
            path: path.to_owned(),
            source,
        })
    } else {
        parse_lines(BufReader::new(file), |source| SourceError::Io {
            what: path.display().to_string(),
            source,
        })
    }
}

/// A synthetic catalogue of `n` procedures for measuring at scale (a province's
/// or a ministry's size): `real` repeated in order, each copy after the first under
/// a distinct code (`1.000005-01`, …). Steps and legal basis (shown on a detail
/// page, never indexed) are dropped from copies to keep stores small. Used by the
/// search bench and the year-of-content bench, so both measure the same data.
pub fn replicate(real: &[Procedure], n: usize) -> Vec<Procedure> {
    if real.is_empty() {
        return Vec::new();
    }
    (0..n)
        .map(|i| {
            let mut p = real[i % real.len()].clone();
            let copy = i / real.len();
            if copy > 0 {
                p.code = format!("{}-{copy:02}", p.code);
                p.steps.clear();
                p.legal_basis.clear();
            }
            p
        })
        .collect()
}

/// Longest procedure name accepted: the longest real one has 1,094
/// characters; the name repairs look for doubled phrases, whose cost grows
/// with the cube of the word count.
pub const MAX_NAME_CHARS: usize = 3_000;

/// Longest line accepted, in bytes: the longest real record is about 80 kB;
/// a longer line is rejected by number without being kept in memory.
pub const MAX_LINE_BYTES: usize = 4 << 20;

/// Reads line by line, mapping read failures with `io_error`.
fn parse_lines<R: BufRead>(
    mut reader: R,
    io_error: impl Fn(std::io::Error) -> SourceError,
) -> Result<Parsed<Procedure>, SourceError> {
    let mut parsed = Parsed::default();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        let limit = u64::try_from(MAX_LINE_BYTES + 1).unwrap_or(u64::MAX);
        let read = (&mut reader)
            .take(limit)
            .read_until(b'\n', &mut buf)
            .map_err(&io_error)?;
        if read == 0 {
            break;
        }
        line_no += 1;
        if buf.len() > MAX_LINE_BYTES {
            skip_line(&mut reader).map_err(&io_error)?;
            parsed.rejected.push(Rejected::new(
                format!("line {line_no}"),
                format!("line is longer than {MAX_LINE_BYTES} bytes"),
            ));
            continue;
        }
        match parse_line(&buf) {
            Ok(Some((procedure, repairs))) => {
                if !repairs.is_empty() {
                    parsed.repaired.push(Repaired::new(
                        format!("line {line_no}"),
                        procedure.code.clone(),
                        repairs,
                    ));
                }
                parsed.items.push(procedure);
            }
            Ok(None) => {}
            Err(reason) => parsed
                .rejected
                .push(Rejected::new(format!("line {line_no}"), reason)),
        }
    }
    Ok(parsed)
}

/// Reads and drops the rest of an overlong line, up to its newline.
fn skip_line<R: BufRead>(reader: &mut R) -> std::io::Result<()> {
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = chunk.len();
                reader.consume(n);
            }
        }
    }
}

/// Parses one line: `Ok(None)` for a blank line, `Err(reason)` for a bad one,
/// else the procedure with the repairs its name needed.
fn parse_line(bytes: &[u8]) -> Result<Option<(Procedure, Vec<NameRepair>)>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "line is not valid UTF-8".to_owned())?;
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Ok(None);
    }
    let raw: RawRecord =
        serde_json::from_str(text).map_err(|e| format!("not a JSON record: {e}"))?;
    map_record(raw).map(Some)
}

/// True for a procedure code of the form `d.dddddd`.
fn is_valid_code(code: &str) -> bool {
    match code.split_once('.') {
        Some((head, tail)) => {
            !head.is_empty()
                && head.bytes().all(|b| b.is_ascii_digit())
                && tail.len() == 6
                && tail.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Cleans a scalar field and maps the portal's "no information" placeholder to "".
fn field(value: Option<String>) -> String {
    let cleaned = clean(value.as_deref().unwrap_or_default());
    if cleaned == NO_INFO {
        String::new()
    } else {
        cleaned
    }
}

/// Maps one crawled record into a [`Procedure`] (with the repairs made to its
/// name), or says why it cannot.
fn map_record(raw: RawRecord) -> Result<(Procedure, Vec<NameRepair>), String> {
    let code = clean(raw.ma_thu_tuc.as_deref().ok_or("missing ma_thu_tuc")?);
    if !is_valid_code(&code) {
        return Err("ma_thu_tuc is not of the form d.dddddd".to_owned());
    }
    let raw_name = raw.ten_thu_tuc.as_deref().ok_or("missing ten_thu_tuc")?;
    if raw_name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "ten_thu_tuc is longer than {MAX_NAME_CHARS} characters"
        ));
    }
    let RepairedName { name, repairs } = repair_name(raw_name);
    if name.is_empty() {
        return Err(if clean(raw_name).is_empty() {
            "ten_thu_tuc is empty".to_owned()
        } else {
            "ten_thu_tuc has only punctuation".to_owned()
        });
    }
    let levels = raw
        .cap_thuc_hien
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(clean)
        .filter(|l| !l.is_empty())
        .collect();
    let procedure = Procedure {
        code,
        name,
        decision: field(raw.so_quyet_dinh),
        levels,
        field: field(raw.linh_vuc),
        applicants: field(raw.doi_tuong_thuc_hien),
        authority: field(raw.co_quan_co_tham_quyen),
        agency: field(raw.co_quan_thuc_hien),
        address: field(raw.dia_chi_tiep_nhan),
        issuer: field(raw.co_quan_ban_hanh),
        steps: tables::steps(raw.trinh_tu_thuc_hien.as_deref().unwrap_or_default()),
        channels: tables::channels(raw.cach_thuc_thuc_hien.as_deref().unwrap_or_default()),
        documents: tables::documents(raw.thanh_phan_ho_so.as_deref().unwrap_or_default()),
        legal_basis: tables::legal_basis(raw.can_cu_phap_ly.as_deref().unwrap_or_default()),
        source_url: clean(raw.detail_url.as_deref().unwrap_or_default()),
        aliases: Vec::new(),
    };
    Ok((procedure, repairs))
}
