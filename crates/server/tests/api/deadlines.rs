//! Working-hour deadlines of new Open311 requests skip the public holidays in the
//! database's `holidays` table (issue 13: Tết 2027).

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::http::Request;
use chrono::{TimeZone, Utc};
use congdan_protocol::open311::{RequestCreated, ServiceRequest};
use congdan_server::deadlines::{add_working_hours, vietnam_offset};
use congdan_server::holidays::HolidayCalendar;
use congdan_server::{AppState, app};
use tower::ServiceExt;

use crate::support::test_app;

const FORM: &str = "api_key=congdan-demo-key&service_code=ha-tang-giao-thong&lat=21.0341&long=105.8372\
&description=%E1%BB%94%20g%C3%A0&attribute[loai_hu_hong]=o-ga&attribute[nguy_hiem]=co&unit=00001";

// Issue 13: a request filed on the last afternoon before Tết Đinh Mùi is due after it.
#[tokio::test]
async fn a_request_filed_before_tet_2027_is_due_after_the_holiday() {
    let t = test_app().await;
    t.seed_units().await;
    congdan_server::commands::seed_demo(t.storage.as_ref())
        .await
        .unwrap();
    congdan_server::commands::holidays::add_missing_builtin_years(t.storage.as_ref())
        .await
        .unwrap();
    // Thursday 4/2/2027 16:00 in Hà Nội.
    let now = vietnam_offset()
        .with_ymd_and_hms(2027, 2, 4, 16, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let router = app(AppState::new(t.storage.clone()).with_clock(Arc::new(move || now)));
    let answer = router
        .clone()
        .oneshot(
            Request::post("/open311/v2/requests.json")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(FORM))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = answer.status();
    let body = to_bytes(answer.into_body(), usize::MAX).await.unwrap();
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let created: Vec<RequestCreated> = serde_json::from_slice(&body).unwrap();
    let id = created[0].service_request_id.clone().unwrap();

    let answer = router
        .oneshot(
            Request::get(format!("/open311/v2/requests/{id}.json"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = to_bytes(answer.into_body(), usize::MAX).await.unwrap();
    let request: Vec<ServiceRequest> = serde_json::from_slice(&body).unwrap();
    let due = request[0].expected_datetime.unwrap();
    // Friday 5/2 and Monday 8/2 to Thursday 11/2 are off: nothing after Thursday
    // 17:00 counts before Friday 12/2 07:30.
    let after_tet = vietnam_offset()
        .with_ymd_and_hms(2027, 2, 12, 7, 30, 0)
        .unwrap()
        .with_timezone(&Utc);
    assert!(due > after_tet, "due {due}");
    let hours = t
        .storage
        .service("ha-tang-giao-thong".into())
        .await
        .unwrap()
        .unwrap()
        .deadline_hours;
    let calendar = HolidayCalendar::from_iter(congdan_server::holidays::builtin());
    assert_eq!(due, add_working_hours(now, hours, &calendar));
    let notice = created[0].service_notice.as_deref().unwrap();
    assert!(notice.contains("/02/2027"), "{notice}");
}
