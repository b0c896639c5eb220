//! Plain-text reports of ingest runs for operators: counts per source and the
//! rejected items with their positions, capped so a bad file cannot flood a terminal.

use std::fmt;

use congdan_sources::Rejected;

use crate::storage::UpsertCounts;

/// At most this many rejected items are listed per source; the rest are counted.
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
}

impl fmt::Display for SourceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.counts;
        writeln!(
            f,
            "{}: {} accepted ({} new, {} changed, {} unchanged), {} rejected",
            self.name,
            c.total(),
            c.inserted,
            c.updated,
            c.unchanged,
            self.rejected.len()
        )?;
        for rejected in self.rejected.iter().take(MAX_REJECTED_LINES) {
            writeln!(f, "  {}: {}", rejected.position, rejected.reason)?;
        }
        if self.rejected.len() > MAX_REJECTED_LINES {
            writeln!(
                f,
                "  ... and {} more",
                self.rejected.len() - MAX_REJECTED_LINES
            )?;
        }
        Ok(())
    }
}

/// Outcome of a whole seed run.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    /// One report per source that was parsed.
    pub sources: Vec<SourceReport>,
    /// Feed files that could not be parsed at all, with the reason; they were skipped.
    pub failed_feeds: Vec<(String, String)>,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for source in &self.sources {
            write!(f, "{source}")?;
        }
        for (name, reason) in &self.failed_feeds {
            writeln!(f, "{name}: skipped, {reason}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
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
}
