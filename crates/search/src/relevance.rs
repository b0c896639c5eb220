//! Measuring relevance: the query set in data/search/relevance.tsv (how
//! residents really ask, each with the procedure codes that answer it) and
//! the figures `make bench` reports and a test holds: recall@1, @3, @5 and
//! the mean reciprocal rank, overall and per kind of query.

use std::collections::BTreeMap;

/// One query of the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// As a resident types it.
    pub query: String,
    /// Codes that answer it; any one counts.
    pub codes: Vec<String>,
    /// Kind: exact, no-diacritics, wrong-tone, iy, colloquial, abbreviation,
    /// extra-words, typo.
    pub kind: String,
}

/// Parses the set (`query<TAB>codes<TAB>kind<TAB>source`, `#` comments).
/// Lines without codes are skipped.
pub fn parse(text: &str) -> Vec<Case> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let codes: Vec<String> = cols
                .get(1)?
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect();
            (!codes.is_empty()).then(|| Case {
                query: cols[0].to_string(),
                codes,
                kind: cols
                    .get(2)
                    .map(|k| k.trim().to_string())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Figures over a set of queries.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    /// Number of queries.
    pub queries: usize,
    /// Share with an answer first.
    pub recall_1: f64,
    /// Share with an answer in the first three.
    pub recall_3: f64,
    /// Share with an answer in the first five.
    pub recall_5: f64,
    /// Mean of 1/rank of the first answer (0 when none in the first ten).
    pub mrr: f64,
}

/// Overall figures, figures per kind, and the queries that missed the first five.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Over every query.
    pub all: Figures,
    /// Per kind.
    pub by_kind: BTreeMap<String, Figures>,
    /// Queries with no answer in the first five, with what came first.
    pub misses: Vec<(String, Option<String>)>,
}

/// Runs every case through `search` (which returns codes, best first, at
/// least ten when it has them) and computes the figures.
pub fn evaluate(cases: &[Case], mut search: impl FnMut(&str) -> Vec<String>) -> Report {
    #[derive(Default)]
    struct Sum {
        n: usize,
        r1: usize,
        r3: usize,
        r5: usize,
        rr: f64,
    }
    let add = |s: &mut Sum, rank: Option<usize>| {
        s.n += 1;
        if let Some(r) = rank {
            s.r1 += usize::from(r == 1);
            s.r3 += usize::from(r <= 3);
            s.r5 += usize::from(r <= 5);
            s.rr += 1.0 / r as f64;
        }
    };
    let figures = |s: &Sum| {
        let n = s.n.max(1) as f64;
        Figures {
            queries: s.n,
            recall_1: s.r1 as f64 / n,
            recall_3: s.r3 as f64 / n,
            recall_5: s.r5 as f64 / n,
            mrr: s.rr / n,
        }
    };
    let mut all = Sum::default();
    let mut kinds: BTreeMap<String, Sum> = BTreeMap::new();
    let mut misses = Vec::new();
    for case in cases {
        let found = search(&case.query);
        let rank = found
            .iter()
            .take(10)
            .position(|c| case.codes.contains(c))
            .map(|p| p + 1);
        if rank.is_none_or(|r| r > 5) {
            misses.push((case.query.clone(), found.first().cloned()));
        }
        add(&mut all, rank);
        add(kinds.entry(case.kind.clone()).or_default(), rank);
    }
    Report {
        all: figures(&all),
        by_kind: kinds.iter().map(|(k, s)| (k.clone(), figures(s))).collect(),
        misses,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_measures() {
        let cases =
            parse("# c\nkhai sinh\t1.1,1.2\texact\tissue 7\nket hon\t2.1\ttypo\t\nno codes\t\t\n");
        assert_eq!(cases.len(), 2);
        let r = evaluate(&cases, |q| {
            if q == "khai sinh" {
                vec!["9".into(), "1.2".into()]
            } else {
                vec![]
            }
        });
        assert_eq!(r.all.queries, 2);
        assert_eq!(r.all.recall_1, 0.0);
        assert_eq!(r.all.recall_3, 0.5);
        assert!((r.all.mrr - 0.25).abs() < 1e-9);
        assert_eq!(r.misses, [("ket hon".to_string(), None)]);
        assert_eq!(r.by_kind["exact"].recall_3, 1.0);
    }

    #[test]
    fn the_repository_set_is_big_and_varied_enough() {
        let text = include_str!("../../../data/search/relevance.tsv");
        let cases = parse(text);
        assert!(cases.len() >= 150, "{} queries", cases.len());
        let kinds: std::collections::BTreeSet<_> = cases.iter().map(|c| c.kind.as_str()).collect();
        for k in [
            "exact",
            "no-diacritics",
            "wrong-tone",
            "iy",
            "colloquial",
            "abbreviation",
            "extra-words",
            "typo",
        ] {
            assert!(kinds.contains(k), "no {k} query");
        }
    }
}
