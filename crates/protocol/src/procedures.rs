//! Administrative procedures (thủ tục hành chính) from the national catalogue.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One administrative procedure. Key: `code` (e.g. "1.000005").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Procedure {
    /// Procedure code, `d.dddddd`.
    pub code: String,
    /// Name, NFC, whitespace collapsed.
    pub name: String,
    /// Number of the decision that published it, e.g. "361/QĐ-BTP".
    pub decision: String,
    /// Levels that carry it out, e.g. ["Cấp xã", "Cấp tỉnh"].
    pub levels: Vec<String>,
    /// Field (lĩnh vực), e.g. "Hộ tịch".
    pub field: String,
    /// Who may apply, as published.
    pub applicants: String,
    /// Competent authority (may be empty).
    pub authority: String,
    /// Implementing agency.
    pub agency: String,
    /// Where to submit (may be empty).
    pub address: String,
    /// Issuing ministry.
    pub issuer: String,
    /// Steps, one entry per step, in order.
    pub steps: Vec<String>,
    /// Ways to submit, each with processing time and fee.
    pub channels: Vec<Channel>,
    /// Documents to bring, in the order published.
    pub documents: Vec<RequiredDocument>,
    /// Legal basis.
    pub legal_basis: Vec<LegalDoc>,
    /// Page on the national public-service portal this record was taken from.
    pub source_url: String,
    /// What residents also call it ("sổ đỏ", "bằng lái", "CCCD"): added by the
    /// server at ingest from its synonym dictionary so devices can search by
    /// them. Absent from older servers' answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<String>>")]
    pub aliases: Vec<String>,
}

/// One way of submitting (trực tiếp, trực tuyến, dịch vụ bưu chính).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Channel {
    /// "Trực tiếp", "Trực tuyến" or "Dịch vụ bưu chính".
    pub mode: String,
    /// Processing time as published, e.g. "3 Ngày làm việc" (may be empty).
    pub duration: String,
    /// Fee as published, e.g. "Miễn phí" or "120,000 VNĐ" (may be empty).
    pub fee: String,
    /// Further description (may be empty).
    pub description: String,
}

/// One document the applicant must bring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RequiredDocument {
    /// Heading of the group this document belongs to (e.g. "1. Chứng từ phải nộp"), empty when none.
    pub group: String,
    /// What the document is.
    pub name: String,
    /// Copies to bring, e.g. "1 bản chính, 1 bản sao" (may be empty).
    pub copies: String,
}

/// One legal document the procedure rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LegalDoc {
    /// Title of the legal document.
    pub title: String,
    /// Its number, e.g. "123/2015/NĐ-CP" (may be empty when the source glued it unrecognisably).
    pub number: String,
}

/// The columns of a procedure a result list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProcedureSummary {
    /// Procedure code.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Levels that carry it out.
    pub levels: Vec<String>,
}

/// The answer of `GET /api/v1/procedures/search`: the same ranking as the
/// app's offline search (crate `congdan-search`), for a commune's web pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProcedureSearchResult {
    /// The best hits, best first.
    pub hits: Vec<ProcedureSummary>,
    /// How many procedures match well.
    pub total: u32,
    /// True when nothing matches well: `hits` are the nearest procedures.
    pub weak: bool,
}
