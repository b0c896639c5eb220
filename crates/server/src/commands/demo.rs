//! The demo officials of `seed --demo`: two tổ dân phố of Phường Ba Đình, one
//! account for every role, and announcements in each review state, so the
//! official screens have something real to show. Never for a real deployment;
//! a plain `seed` never calls this. The accounts are listed in README.md.

use chrono::{Duration, Utc};
use congdan_protocol::announcements::AnnouncementStatus;
use congdan_protocol::requests::Role;

use super::CommandError;
use crate::accounts::{DEMO_PASSWORD, DEMO_UNIT};
use crate::storage::Storage;
use crate::storage::announcements::{AnnouncementConflict, AnnouncementRow};
use crate::storage::audit::AuditRecord;

/// The demo villages: code, name (below [`DEMO_UNIT`]).
pub const DEMO_VILLAGES: &[(&str, &str)] = &[
    ("00004-01", "Tổ dân phố số 1"),
    ("00004-02", "Tổ dân phố số 2"),
];

/// The demo accounts besides the demo officer: username, display name, role,
/// unit. All have the password [`DEMO_PASSWORD`].
pub const DEMO_ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    (
        "truongto1.badinh",
        "Trần Thị Tổ Một",
        Role::VillageHead,
        "00004-01",
    ),
    (
        "truongto2.badinh",
        "Lê Văn Tổ Hai",
        Role::VillageHead,
        "00004-02",
    ),
    (
        "bientap.badinh",
        "Phạm Thu Biên Tập",
        Role::Editor,
        DEMO_UNIT,
    ),
    (
        "quantri.badinh",
        "Hoàng Minh Quản Trị",
        Role::Admin,
        DEMO_UNIT,
    ),
    ("cudan.badinh", "Đỗ Thị Cư Dân", Role::Resident, "00004-01"),
];

/// Id of the published demo announcement (fixed so a re-seed replaces it).
pub const DEMO_ANNOUNCEMENT: &str = "6f1c3a52-7d0e-4a8e-9a61-0c2d6b0e4a01";
/// Id of the demo announcement waiting for review.
pub const DEMO_SUBMITTED: &str = "6f1c3a52-7d0e-4a8e-9a61-0c2d6b0e4a02";

fn worker(e: impl std::fmt::Display) -> CommandError {
    CommandError::Worker(e.to_string())
}

/// Villages, accounts and announcements of the demo.
/// Skipped (with a warning) when the units were not seeded, since the
/// villages hang below [`DEMO_UNIT`].
pub async fn seed_officials(storage: &dyn Storage) -> Result<(), CommandError> {
    if storage.unit(DEMO_UNIT.to_owned()).await?.is_none() {
        tracing::warn!("demo officials skipped: unit {DEMO_UNIT} is not seeded");
        return Ok(());
    }
    for (code, name) in DEMO_VILLAGES {
        super::add_unit(storage, code, name, DEMO_UNIT).await?;
    }
    let now = Utc::now();
    for (username, name, role, unit) in DEMO_ACCOUNTS {
        crate::accounts::add_account(storage, username, DEMO_PASSWORD, name, *role, unit, now)
            .await
            .map_err(worker)?;
    }
    let (head, head_name, _, village) = DEMO_ACCOUNTS[0];
    let audit =
        |action: &'static str, id: &str, username: &str, role: Role, unit: &str| AuditRecord {
            at: now,
            username: username.to_owned(),
            role,
            unit: unit.to_owned(),
            action,
            target: id.to_owned(),
            detail: "seed --demo".to_owned(),
        };
    let draft = |id: &str, title: &str, body: &str, place: Option<&str>| AnnouncementRow {
        id: id.to_owned(),
        author: head.to_owned(),
        author_name: head_name.to_owned(),
        author_unit: village.to_owned(),
        title: title.to_owned(),
        body: body.to_owned(),
        units: vec![village.to_owned()],
        event_start: place.map(|_| now + Duration::days(3)),
        event_place: place.map(str::to_owned),
        status: AnnouncementStatus::Draft,
        return_comment: None,
        created_at: now,
        updated_at: now,
        published_at: None,
        attachments: Vec::new(),
    };
    let steps = [
        (
            draft(
                DEMO_ANNOUNCEMENT,
                "Làm căn cước cho người cao tuổi tại nhà văn hoá",
                "Công an phường làm thủ tục cấp căn cước tại nhà văn hoá tổ dân phố số 1. \
                 Mang theo căn cước cũ hoặc giấy khai sinh. Người cao tuổi, người ốm được \
                 ưu tiên; hộ nào không tự đi được báo tổ trưởng để cán bộ đến tận nhà.",
                Some("Nhà văn hoá tổ dân phố số 1"),
            ),
            true,
        ),
        (
            draft(
                DEMO_SUBMITTED,
                "Tổng vệ sinh ngõ xóm sáng Chủ nhật",
                "Mời các hộ cùng dọn vệ sinh ngõ, khơi thông cống rãnh. Tổ chuẩn bị bao \
                 tải và găng tay.",
                None,
            ),
            false,
        ),
    ];
    let (editor, _, _, editor_unit) = DEMO_ACCOUNTS[2];
    for (row, publish) in steps {
        let id = row.id.clone();
        match storage
            .save_draft(
                row,
                audit("announcement.draft", &id, head, Role::VillageHead, village),
            )
            .await?
        {
            Ok(_) => {}
            // Already submitted or published by an earlier seed: leave it.
            Err(AnnouncementConflict::WrongState(_)) => continue,
            Err(e) => return Err(worker(e)),
        }
        storage
            .move_announcement(
                id.clone(),
                vec![AnnouncementStatus::Draft],
                AnnouncementStatus::Submitted,
                None,
                audit("announcement.submit", &id, head, Role::VillageHead, village),
            )
            .await?
            .map_err(worker)?;
        if publish {
            storage
                .move_announcement(
                    id.clone(),
                    vec![AnnouncementStatus::Submitted],
                    AnnouncementStatus::Published,
                    None,
                    audit(
                        "announcement.approve",
                        &id,
                        editor,
                        Role::Editor,
                        editor_unit,
                    ),
                )
                .await?
                .map_err(worker)?;
        }
    }
    tracing::info!(
        accounts = DEMO_ACCOUNTS.len(),
        "seeded the demo officials and announcements"
    );
    Ok(())
}
