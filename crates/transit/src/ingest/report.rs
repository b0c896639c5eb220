//! What ingest found wrong with a feed: each problem names its file and, where it has one, the
//! line (1 = header) or the id of the entry, in English for operators' logs and terminals.

use std::fmt;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The feed is refused.
    Error,
    /// The feed is accepted; the entry was skipped or repaired.
    Warning,
}

/// One thing wrong with a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// File inside the zip (`stops.txt`), or the zip itself when empty.
    pub file: String,
    /// Line in the file (the header is line 1), when known.
    pub line: Option<u64>,
    /// Id of the entry concerned, when known.
    pub entry: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{sev}: {}",
            if self.file.is_empty() {
                "zip"
            } else {
                &self.file
            }
        )?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(entry) = &self.entry {
            write!(f, " [{entry}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem of one ingest, in the order found; only the first [`Report::MAX_KEPT`] of each
/// severity are kept (a broken 1-million-line file must not make a 1-million-line report).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Problems kept.
    pub problems: Vec<Problem>,
    /// Errors found, including those not kept.
    pub errors: u64,
    /// Warnings found, including those not kept.
    pub warnings: u64,
}

impl Report {
    /// Problems of one severity kept in full; the counts go on.
    pub const MAX_KEPT: u64 = 50;

    /// Records an error.
    pub fn error(&mut self, p: Problem) {
        self.errors += 1;
        if self.errors <= Self::MAX_KEPT {
            self.problems.push(Problem {
                severity: Severity::Error,
                ..p
            });
        }
    }

    /// Records a warning.
    pub fn warn(&mut self, p: Problem) {
        self.warnings += 1;
        if self.warnings <= Self::MAX_KEPT {
            self.problems.push(Problem {
                severity: Severity::Warning,
                ..p
            });
        }
    }

    /// Whether the feed must be refused.
    pub fn has_errors(&self) -> bool {
        self.errors > 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.problems {
            writeln!(f, "{p}")?;
        }
        write!(f, "{} error(s), {} warning(s)", self.errors, self.warnings)
    }
}

/// A problem at `file`, `line` about `entry`.
pub fn at(
    file: &str,
    line: Option<u64>,
    entry: Option<&str>,
    message: impl Into<String>,
) -> Problem {
    Problem {
        severity: Severity::Error,
        file: file.to_string(),
        line,
        entry: entry.map(str::to_string),
        message: message.into(),
    }
}

/// Turns a gtfs-structures error into a problem with the file and line it names.
pub fn problem_of_gtfs_error(file: &str, e: &gtfs_structures::Error) -> Problem {
    use gtfs_structures::Error as E;
    match e {
        E::MissingFile(name) => at(name, None, None, "required file is missing"),
        E::CSVError {
            file_name,
            source,
            line_in_error,
        } => {
            let line = source.position().map(|p| p.line());
            let mut message = format!("cannot read this line: {source}");
            if let Some(l) = line_in_error {
                let pairs: Vec<String> = l
                    .headers
                    .iter()
                    .zip(&l.values)
                    .map(|(h, v)| format!("{h}={v:?}"))
                    .collect();
                message = format!("{message} ({})", pairs.join(", "));
            }
            at(file_name, line, None, message)
        }
        E::NamedFileIO { file_name, source } => {
            at(file_name, None, None, format!("cannot read: {source}"))
        }
        other => at(file, None, None, other.to_string()),
    }
}
