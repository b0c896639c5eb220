//! Running the `congdan` CLI the way a field officer's script does.

use std::path::Path;
use std::process::{Command, Output};

use crate::bin_path;

/// The arguments of one real report: a street light that does not light up.
pub const LAMP_REPORT: &[&str] = &[
    "submit",
    "--service",
    "chieu-sang-cong-cong",
    "--description",
    "Đèn không sáng",
    "--attr",
    "tinh_trang=khong-sang",
    "--address",
    "12 Đội Cấn",
];

/// `congdan --db DB ARGS`.
pub fn congdan(db: &Path, args: &[&str]) -> Output {
    congdan_with(db, args, |_| {})
}

/// `congdan --db DB ARGS` with an environment `prepare` sets.
pub fn congdan_with(db: &Path, args: &[&str], prepare: impl FnOnce(&mut Command)) -> Output {
    let mut cmd = Command::new(bin_path("congdan"));
    cmd.arg("--db").arg(db).args(args);
    prepare(&mut cmd);
    cmd.output().expect("congdan runs")
}

/// The output of a run that must have succeeded (its output is shown if not).
pub fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
