//! Plain-text reports of ingest runs for operators: counts per source, the
//! rejected items and the repaired ones (catalogue names) with their positions,
//! each list capped so a bad file cannot flood a terminal.

use std::fmt;

use congdan_sources::{Rejected, Repaired};

use crate::storage::UpsertCounts;

/// At most this many rejected items, and at most this many repaired ones, are
/// listed per source; the rest are counted.
pub const MAX_REJECTED_LINES: usize = 20;

/// Outcome of ingesting one source.
#[derive(Debug, Clone, Default)]
pub struct SourceReport {
    /// What was ingested, e.g. `units.csv` or a feed URL.
    pub name: String,
    /// What the upsert did with the accepted items.
    pub counts: UpsertCounts,
    /// Items the parser refused.
    pub rejected: Vec<Rejected>,
    /// Accepted items whose name the parser repaired; shown only when there are some.
    pub repaired: Vec<Repaired>,
}

impl fmt::Display for SourceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        write!(
            f,
            "{}: {} accepted ({} new, {} changed, {} unchanged), {} rejected",
            self.name,
            c.total(),
            c.inserted,
            c.updated,
            c.unchanged,
            self.rejected.len()
        )?;
        if self.repaired.is_empty() {
            writeln!(f)?;
        } else {
            writeln!(f, ", {} names repaired", self.repaired.len())?;
        }
        for rejected in self.rejected.iter().take(MAX_REJECTED_LINES) {
            writeln!(f, "  {}: {}", rejected.position, rejected.reason)?;
        }
        write_more(f, self.rejected.len())?;
        for repaired in self.repaired.iter().take(MAX_REJECTED_LINES) {
            write!(f, "  {} ({}): ", repaired.position, repaired.id)?;
            for (i, repair) in repaired.repairs.iter().enumerate() {
                let sep = if i == 0 { "" } else { "; " };
                write!(f, "{sep}{repair}")?;
            }
            writeln!(f)?;
        }
        write_more(f, self.repaired.len())
    }
}

/// The "... and N more" line of a list of `len` items capped at [`MAX_REJECTED_LINES`].
fn write_more(f: &mut fmt::Formatter<'_>, len: usize) -> fmt::Result {
    if len > MAX_REJECTED_LINES {
        writeln!(f, "  ... and {} more", len - MAX_REJECTED_LINES)?;
    }
    Ok(())
}

/// Outcome of a whole seed run.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    /// One report per source that was parsed.
    pub sources: Vec<SourceReport>,
    /// Feed files that could not be parsed at all, with the reason; they were skipped.
    pub failed_feeds: Vec<(String, String)>,
    /// Procedures the synonym dictionary gave at least one alias.
    pub procedures_with_aliases: usize,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for source in &self.sources {
            write!(f, "{source}")?;
        }
        for (name, reason) in &self.failed_feeds {
            writeln!(f, "{name}: skipped, {reason}")?;
        }
        if self.procedures_with_aliases > 0 {
            writeln!(
                f,
                "synonyms: {} procedures have colloquial names",
                self.procedures_with_aliases
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use congdan_sources::catalogue::NameRepair;

    use super::*;

    #[test]
    fn caps_rejected_lines() {
        let report = SourceReport {
            name: "procedures.jsonl.gz".into(),
            counts: UpsertCounts {
                inserted: 2,
                updated: 1,
                unchanged: 3,
            },
            rejected: (1..=25)
                .map(|n| Rejected::new(format!("line {n}"), "missing code"))
                .collect(),
            repaired: Vec::new(),
        };
        let text = report.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "procedures.jsonl.gz: 6 accepted (2 new, 1 changed, 3 unchanged), 25 rejected"
        );
        assert_eq!(lines[1], "  line 1: missing code");
        assert_eq!(lines.len(), 1 + MAX_REJECTED_LINES + 1);
        assert_eq!(lines[lines.len() - 1], "  ... and 5 more");
    }

    #[test]
    fn lists_repaired_names_after_rejections_with_the_same_cap() {
        let mut repaired = vec![
            Repaired::new(
                "line 2235",
                "2.002321",
                vec![NameRepair::LeadingPunctuation],
            ),
            Repaired::new(
                "line 2623",
                "6.006577",
                vec![NameRepair::LineBreak, NameRepair::DoubledPhrase],
            ),
        ];
        repaired.extend(
            (1..=21)
                .map(|n| Repaired::new(format!("line {n}"), "1.000001", vec![NameRepair::Typo])),
        );
        let report = SourceReport {
            name: "procedures.jsonl.gz".into(),
            counts: UpsertCounts {
                inserted: 2642,
                updated: 0,
                unchanged: 0,
            },
            rejected: vec![Rejected::new("line 7", "missing ma_thu_tuc")],
            repaired,
        };
        let text = report.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "procedures.jsonl.gz: 2642 accepted (2642 new, 0 changed, 0 unchanged), 1 rejected, 23 names repaired"
        );
        assert_eq!(lines[1], "  line 7: missing ma_thu_tuc");
        assert_eq!(
            lines[2],
            "  line 2235 (2.002321): dropped punctuation before the first word"
        );
        assert_eq!(
            lines[3],
            "  line 2623 (6.006577): joined a name split across lines; dropped a phrase printed twice"
        );
        assert_eq!(lines.len(), 1 + 1 + MAX_REJECTED_LINES + 1);
        assert_eq!(lines[lines.len() - 1], "  ... and 3 more");
    }

    #[test]
    fn says_nothing_about_repairs_when_there_are_none() {
        let report = SourceReport {
            name: "units.csv".into(),
            ..SourceReport::default()
        };
        assert_eq!(
            report.to_string(),
            "units.csv: 0 accepted (0 new, 0 changed, 0 unchanged), 0 rejected\n"
        );
    }
}
