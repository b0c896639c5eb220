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
