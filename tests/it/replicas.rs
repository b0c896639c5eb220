//! Two server processes on one PostgreSQL database behind nginx (issue 11),
//! driven by the real client core: the demo database is moved in with
//! `congdan-server copy`, nginx sends each request to the next process in
//! turn, and a device that syncs, sends reports with photos in several chunks
//! and follows them sees one system. nginx's access log proves that the
//! requests really alternated. Skipped with a printed reason when PostgreSQL
//! or nginx is missing, failed when so under `CI=true`.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use congdan_tests::bin_path;
use congdan_tests::pg_cluster::PgCluster;
use congdan_tests::server::seeded_template;

use crate::outbox::{arrived, assert_each_once, ready_profile, submit_with_photo};

/// A child process killed on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `congdan-server serve` on `db`; its address once it printed it.
fn serve(db: &str, public_url: &str) -> (Running, String) {
    let mut child = Command::new(bin_path("congdan-server"))
        .args(["serve", "--db", db, "--listen", "127.0.0.1:0"])
        .args(["--public-url", public_url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("no listening line, got {line:?}"))
        .to_owned();
    (Running(child), addr)
}

/// nginx in the foreground, balancing over `upstreams` on loopback `port`,
/// logging each request with the process that answered it; its base URL and
/// the log's path.
fn nginx(
    dir: &std::path::Path,
    port: u16,
    upstreams: &[String],
) -> (Running, String, std::path::PathBuf) {
    let log = dir.join("access.log");
    let servers: String = upstreams.iter().map(|a| format!("server {a};")).collect();
    let d = dir.display();
    let conf = format!(
        "daemon off; user root root; worker_processes 1; pid {d}/nginx.pid;
         error_log {d}/error.log;
         events {{ worker_connections 256; }}
         http {{
           log_format up '$request_method $uri $status $upstream_addr';
           access_log {log} up;
           client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
           fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
           upstream replicas {{ {servers} keepalive 8; }}
           server {{
             listen 127.0.0.1:{port};
             client_max_body_size 12m;
             location / {{
               proxy_pass http://replicas;
               proxy_http_version 1.1;
               proxy_set_header Connection \"\";
               proxy_set_header Host $http_host;
               proxy_request_buffering off;
               proxy_next_upstream off;
             }}
           }}
         }}",
        log = log.display(),
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = Command::new("nginx")
        .args(["-e", &format!("{d}/error.log"), "-c"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    (Running(child), format!("http://127.0.0.1:{port}"), log)
}

/// Whether `nginx` can be run here (under `CI=true` it must).
fn nginx_present() -> bool {
    let present = Command::new("nginx")
        .arg("-v")
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    congdan_tests::require(present, "nginx (Debian package `nginx`)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_sees_one_system_through_two_replicas_behind_nginx() {
    if !nginx_present() {
        return;
    }
    let Some(cluster) = PgCluster::start() else {
        return;
    };
    let db = cluster.url().to_owned();
    let out = Command::new(bin_path("congdan-server"))
        .args(["copy", "--from"])
        .arg(seeded_template())
        .args(["--to", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "copy: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Both replicas are configured with the balancer's address as their public
    // URL, as a deployment would be: the absolute links in their answers (photo
    // `media_url`s) are then the same whichever replica answers.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let public_url = format!("http://127.0.0.1:{port}");
    let (_a, a) = serve(&db, &public_url);
    let (_b, b) = serve(&db, &public_url);
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, base, log) = nginx(dir.path(), port, &[a.clone(), b.clone()]);
    let http = reqwest::Client::new();
    congdan_tests::wait::until(
        "nginx to answer",
        std::time::Duration::from_secs(30),
        async || {
            let answer = http
                .get(format!("{base}/api/v1/health"))
                .send()
                .await
                .ok()?;
            answer.status().is_success().then_some(())
        },
    )
    .await
    .unwrap();

    // A device syncs, sends three reports with photos (chunked uploads) and
    // syncs again: every report once, with its photo, and nothing new to pull.
    let core = ready_profile(&dir.path().join("device.db"), &base).await;
    let photo = congdan_tests::photos::synthetic_jpeg(1600, 1200, 85).unwrap();
    for n in 0..3 {
        submit_with_photo(&core, n, &photo);
    }
    let report = core.drain(&|_| {}).await.unwrap();
    assert_eq!(
        (report.sent, report.pending, report.failed_permanent),
        (6, 0, 0),
        "{report:?}"
    );
    let again = core.drain(&|_| {}).await.unwrap();
    assert_eq!(again.sent, 0, "nothing sent twice: {again:?}");
    let (seen, with_photo) = arrived(&base).await;
    assert_each_once(&seen, 3);
    assert_eq!(with_photo, 3);
    core.sync(&|_| {}).await.unwrap();
    let mine = core.my_requests().unwrap();
    assert_eq!(mine.items.len(), 3, "{mine:?}");
    let second = core.sync(&|_| {}).await.unwrap();
    let pulled: Vec<_> = second
        .resources
        .iter()
        .filter(|r| !r.not_modified)
        .map(|r| r.resource.clone())
        .collect();
    assert!(
        pulled.is_empty(),
        "ETags agree across the processes, so nothing is pulled again: {pulled:?}"
    );

    // Both processes answered, the uploads' chunks included.
    let lines = std::fs::read_to_string(&log).unwrap();
    let by = |what: &str| -> HashSet<String> {
        lines
            .lines()
            .filter(|l| l.contains(what))
            .filter_map(|l| l.split_whitespace().nth(3).map(str::to_owned))
            .collect()
    };
    let both: HashSet<String> = [a, b].into_iter().collect();
    assert_eq!(by("/api/v1/"), both, "{lines}");
    assert_eq!(by("PATCH /api/v1/uploads/"), both, "{lines}");
    drop(cluster);
}
