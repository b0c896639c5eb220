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

/// `congdan --db DB --server URL login USER` with the password on stdin.
pub fn login(db: &Path, server: &str, username: &str, password: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(bin_path("congdan"))
        .arg("--db")
        .arg(db)
        .args(["--server", server, "login", username])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("congdan runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password written");
    child.wait_with_output().expect("congdan ends")
}
