//! Photos and PDFs of announcements (issue 10) through the real `congdan` CLI
//! and the real server: a village head attaches a photo and a PDF, an editor
//! approves, a resident's sync downloads both so they open offline; the share
//! link opens as a page in a browser; a draft with files written offline
//! arrives once, with its files, when the server is back.

use std::process::Output;

use congdan_tests::cli::{congdan, login, ok};
use congdan_tests::photos::{synthetic_jpeg, synthetic_pdf};
use congdan_tests::server::TestServer;
use serde_json::Value;

fn json(out: Output) -> Value {
    serde_json::from_slice(&ok(out).stdout).expect("JSON output")
}

/// The official list entry of `id` as the head sees it.
fn entry(db: &std::path::Path, id: &str) -> Value {
    let list = json(congdan(db, &["announcements", "--json"]));
    list.as_array()
        .and_then(|all| all.iter().find(|a| a["id"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("{id} not in {list}"))
}

#[tokio::test]
async fn a_photo_and_a_pdf_reach_residents_offline_and_the_link_opens_as_a_page() {
    let server = TestServer::seeded().await.unwrap();
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let (head, editor, resident) = (
        dir.path().join("head.db"),
        dir.path().join("editor.db"),
        dir.path().join("resident.db"),
    );
    let photo = dir.path().join("nha-van-hoa.jpg");
    std::fs::write(&photo, synthetic_jpeg(1200, 900, 85).unwrap()).unwrap();
    let plan = dir.path().join("ke-hoach.pdf");
    let pdf = synthetic_pdf("Ke hoach cap can cuoc");
    std::fs::write(&plan, &pdf).unwrap();
    let fake = dir.path().join("fake.pdf");
    std::fs::write(&fake, b"%PDF-1.4 not really, no trailer").unwrap();

    ok(login(&head, &url, "truongto1.badinh", "demo-2026"));
    // A file that only claims to be a PDF is refused and nothing is published.
    let out = congdan(
        &head,
        &[
            "announce",
            "draft",
            "--title",
            "x",
            "--body",
            "y",
            "--unit",
            "00004-01",
            "--attach",
            fake.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("PDF"), "{message}");

    let draft = json(congdan(
        &head,
        &[
            "announce",
            "draft",
            "--title",
            "Cấp căn cước tại nhà văn hoá",
            "--body",
            "Xem kế hoạch đính kèm.",
            "--unit",
            "00004-01",
            "--attach",
            photo.to_str().unwrap(),
            "--attach",
            plan.to_str().unwrap(),
            "--json",
        ],
    ));
    let id = draft["id"].as_str().unwrap().to_owned();
    let files = draft["attachments"]
        .as_array()
        .expect("attachments")
        .clone();
    assert_eq!(files.len(), 2, "{draft}");
    assert_eq!(files[0]["name"], "nha-van-hoa.jpg");
    assert_eq!(files[0]["mime"], "image/jpeg");
    assert_eq!(files[1]["name"], "ke-hoach.pdf");
    assert_eq!(files[1]["mime"], "application/pdf");
    assert_eq!(files[1]["bytes"], pdf.len());
    let pdf_url = files[1]["url"].as_str().unwrap().to_owned();

    // The PDF is a download in a sandbox, byte for byte what was sent.
    let http = reqwest::Client::new();
    let answer = http.get(&pdf_url).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(header("content-disposition"), "attachment");
    assert!(header("content-security-policy").starts_with("sandbox"));
    assert_eq!(answer.bytes().await.unwrap().as_ref(), pdf.as_slice());

    ok(congdan(&head, &["announce", "submit", &id]));
    ok(login(&editor, &url, "bientap.badinh", "demo-2026"));
    ok(congdan(&editor, &["announce", "approve", &id]));
    assert_eq!(
        entry(&head, &id)["attachments"],
        Value::Array(files.clone())
    );

    // The resident's sync downloads both; they are saved with the server down.
    ok(congdan(&resident, &["--server", &url, "set-unit", "00004"]));
    ok(congdan(&resident, &["set-unit", "00004-01"]));
    ok(congdan(&resident, &["sync"]));
    let page = http
        .get(format!("{url}/api/v1/announcements/{id}"))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<h1>Cấp căn cước tại nhà văn hoá</h1>"),
        "{html}"
    );
    assert!(html.contains("Tải tệp ke-hoach.pdf"), "{html}");
    drop(server);

    let saved = dir.path().join("saved");
    ok(congdan(
        &resident,
        &["announce", "files", &id, "--to", saved.to_str().unwrap()],
    ));
    assert_eq!(std::fs::read(saved.join("ke-hoach.pdf")).unwrap(), pdf);
    let jpeg = std::fs::read(saved.join("nha-van-hoa.jpg")).unwrap();
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "a JPEG");
    // Saving again never replaces what is there.
    let out = ok(congdan(
        &resident,
        &["announce", "files", &id, "--to", saved.to_str().unwrap()],
    ));
    let paths = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(paths.contains("ke-hoach (1).pdf"), "{paths}");
    assert_eq!(std::fs::read(saved.join("ke-hoach (1).pdf")).unwrap(), pdf);
}

#[tokio::test]
async fn a_draft_with_files_written_offline_arrives_once_with_its_files() {
    let mut server = TestServer::seeded().await.unwrap();
    let url = server.url();
    let addr = server.addr().to_string();
    let dir = tempfile::tempdir().unwrap();
    let head = dir.path().join("head.db");
    let plan = dir.path().join("lich-hop.pdf");
    std::fs::write(&plan, synthetic_pdf("Lich hop to")).unwrap();
    ok(login(&head, &url, "truongto1.badinh", "demo-2026"));
    // Registers the device while the server is up, like any earlier sync.
    ok(congdan(&head, &["sync"]));

    server.kill().await.unwrap();
    let draft = json(congdan(
        &head,
        &[
            "announce",
            "draft",
            "--title",
            "Họp tổ",
            "--body",
            "Xem lịch đính kèm.",
            "--unit",
            "00004-01",
            "--attach",
            plan.to_str().unwrap(),
            "--json",
        ],
    ));
    assert_eq!(draft["queued"], true, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();

    let db = server.db().to_path_buf();
    let _server = TestServer::start_at(&db, &addr).await.unwrap();
    ok(congdan(&head, &["outbox", "--drain"]));
    ok(congdan(&head, &["outbox", "--drain"]));
    let list = json(congdan(&head, &["announcements", "--json"]));
    let mine: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["title"] == "Họp tổ")
        .collect();
    assert_eq!(mine.len(), 1, "{list}");
    assert_eq!(mine[0]["id"], id.as_str());
    let files = mine[0]["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{list}");
    assert_eq!(files[0]["name"], "lich-hop.pdf");
    let outbox = json(congdan(&head, &["outbox", "--json"]));
    assert!(
        outbox["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["state"] == "done"),
        "{outbox}"
    );
}
