//! `POST requests.{fmt}` (form or multipart with `media` photos, idempotent by
//! `Idempotency-Key`; `api_key` in the body or the query string), `GET requests.{fmt}`
//! with Open311 filters and a 90-day window, `GET requests/{id}.{fmt}`,
//! `GET tokens/{token}.{fmt}`, `GET servicerequestupdates.{fmt}` and `GET media/{id}`.
//! Photo links are stored server-relative and answered absolute (public base URL).

use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, Utc};
use congdan_protocol::open311::{DetailedStatus, RequestToken, ServiceRequest, Status};

use super::body::{Received, read_body};
use super::validate::{Checked, Fields, bad_api_key, check, given_api_key};
use super::{Failure, Format, OPEN311_PREFIX, reply};
use crate::AppState;
use crate::deadlines::{add_working_hours, vietnam_offset};
use crate::holidays::HolidayCalendar;
use crate::routes::Routes;
use crate::storage::requests::{Idem, NewRequest, PrivateDetails, RequestFilter, ServiceRecord};

/// Longest window of `GET requests` and `servicerequestupdates`.
pub const MAX_WINDOW_DAYS: i64 = 90;
/// Most requests or updates in one answer.
const MAX_RESULTS: u32 = 1000;

/// Routes without large bodies.
pub fn router() -> Routes {
    Routes::new()
        .route("/requests/{file}", get(one))
        .route("/tokens/{file}", get(token))
        .route("/servicerequestupdates.json", get(updates))
        .route("/servicerequestupdates.xml", get(updates))
        .route("/media/{id}", get(media))
}

/// `requests.{fmt}`: POST takes photos, so the caller gives it a larger body limit.
pub fn upload_router() -> Routes {
    Routes::new()
        .route("/requests.json", get(search).post(create))
        .route("/requests.xml", get(search).post(create))
}

/// The unit's name as an agency ("Phường Ba Đình"): units are named with their
/// kind already ("Phường Ba Đình", kind "Phường"), older data without it.
pub fn agency_name(kind: &str, name: &str) -> String {
    if name.starts_with(kind) {
        name.to_owned()
    } else {
        format!("{kind} {name}").trim().to_owned()
    }
}

/// The `Idempotency-Key` header, which must be a UUID when present.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Failure> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|text| uuid::Uuid::parse_str(text.trim()).ok())
        .map(|key| Some(key.hyphenated().to_string()))
        .ok_or_else(|| Failure::bad("Idempotency-Key phải là một UUID."))
}

/// The device behind `Authorization: Bearer`, if the header is there (403 when the token is unknown).
pub async fn bearer_device(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<String>, Failure> {
    let Some(token) = crate::accounts::bearer(headers) else {
        return Ok(None);
    };
    match state
        .storage
        .device_by_token(crate::secrets::hash_token(token))
        .await?
    {
        Some(device) => Ok(Some(device)),
        None => Err(Failure::new(
            StatusCode::FORBIDDEN,
            "Mã thiết bị không hợp lệ.",
        )),
    }
}

/// Decodes each photo, drops its metadata and re-encodes it (content type
/// from the bytes). Errors: 422 for a file that is not a JPEG, PNG or WebP.
async fn sanitize_photos(raw: Vec<Vec<u8>>) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let mut photos = Vec::with_capacity(raw.len());
    for bytes in raw {
        let checked = tokio::task::spawn_blocking(move || {
            crate::images::sanitize(&bytes).map(|clean| (clean.mime.to_owned(), clean.bytes))
        })
        .await
        .map_err(|_| Failure::internal())?;
        match checked {
            Ok(photo) => photos.push(photo),
            Err(reason) => {
                tracing::info!(%reason, "rejected a photo");
                return Err(Failure::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Tệp media không phải ảnh JPEG, PNG hoặc WebP hợp lệ.",
                ));
            }
        }
    }
    Ok(photos)
}

fn notice(hours: u32, deadline: DateTime<Utc>) -> String {
    let local = deadline.with_timezone(&vietnam_offset());
    format!(
        "Hạn xử lý {hours} giờ làm việc, trước {}.",
        local.format("%H:%M ngày %d/%m/%Y")
    )
}

fn public_view(
    service: &ServiceRecord,
    checked: &Checked,
    now: DateTime<Utc>,
    agency: String,
    calendar: &HolidayCalendar,
) -> ServiceRequest {
    let deadline = add_working_hours(now, service.deadline_hours, calendar);
    ServiceRequest {
        service_request_id: String::new(),
        status: Status::Open,
        status_notes: None,
        service_name: service.service.service_name.clone(),
        service_code: service.service.service_code.clone(),
        description: checked.description.clone(),
        agency_responsible: agency,
        service_notice: Some(notice(service.deadline_hours, deadline)),
        requested_datetime: now,
        updated_datetime: now,
        expected_datetime: Some(deadline),
        address: checked.address.clone(),
        address_id: checked.address_id.clone(),
        zipcode: checked.zipcode.clone(),
        lat: checked.lat,
        long: checked.long,
        media_url: checked.media_url.clone(),
        detailed_status: DetailedStatus::Submitted,
        officer: None,
        unit: checked.unit.clone(),
        village: checked.village.clone(),
        support_count: 0,
        media_urls: Vec::new(),
    }
}

async fn create(State(state): State<AppState>, headers: HeaderMap, request: Request) -> Response {
    let format = Format::of_path(request.uri().path());
    match create_inner(&state, &headers, request).await {
        Ok((created, replayed)) => {
            let mut response = reply(StatusCode::CREATED, format, "service_requests", &[created]);
            if replayed {
                response
                    .headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
            }
            response
        }
        Err(failure) => failure.render(format),
    }
}

async fn create_inner(
    state: &AppState,
    headers: &HeaderMap,
    request: Request,
) -> Result<(congdan_protocol::open311::RequestCreated, bool), Failure> {
    let key = idempotency_key(headers)?;
    let device = bearer_device(state, headers).await?;
    let query = query_pairs(request.uri().query())?;
    let Received {
        fields,
        photos: raw_photos,
        parts,
    } = read_body(request, state.config.max_upload_body_bytes).await?;
    let api_key = given_api_key(&fields, &query)?;
    if crate::api_keys::check(state.storage.as_ref(), api_key, (state.clock)())
        .await?
        .is_none()
    {
        return Err(bad_api_key());
    }
    let photos = sanitize_photos(raw_photos).await?;
    let code = fields
        .one("service_code")?
        .ok_or_else(|| Failure::bad("Thiếu service_code."))?
        .to_owned();
    let service = state.storage.service(code).await?.ok_or_else(|| {
        Failure::new(
            StatusCode::NOT_FOUND,
            "Không có dịch vụ với mã service_code này.",
        )
    })?;
    let mut checked = check(&fields, &service, photos.len())?;
    let triage = checked.unit.is_none();
    if triage {
        checked.unit = super::triage::place(state, checked.lat, checked.long).await?;
    }
    if let (Some(device), Some(claimed)) = (&device, &checked.device_id)
        && device != claimed
    {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "device_id không khớp với mã thiết bị.",
        ));
    }

    let agency = match &checked.unit {
        Some(unit) => match state.storage.unit(unit.clone()).await? {
            Some(found) => agency_name(&found.kind, &found.name),
            None => return Err(Failure::bad("Mã đơn vị (unit) không tồn tại.")),
        },
        None => service.agency.clone(),
    };
    let now = (state.clock)();
    // Days off and swaps from the day before (UTC vs local date) on.
    let since = now.with_timezone(&vietnam_offset()).date_naive().pred_opt();
    let calendar = HolidayCalendar::new(&state.storage.holidays(since, None).await?);
    let public = public_view(&service, &checked, now, agency, &calendar);
    let token = crate::secrets::random_token().map_err(|e| {
        tracing::error!(error = %e, "no randomness for a request token");
        Failure::internal()
    })?;
    let idem = key.map(|key| {
        let mut all: Vec<&[u8]> = vec![
            b"POST /open311/v2/requests",
            device.as_deref().unwrap_or("").as_bytes(),
        ];
        all.extend(parts.iter().map(Vec::as_slice));
        Idem {
            key,
            fingerprint: crate::secrets::fingerprint(&all),
        }
    });
    let new = NewRequest {
        public,
        token,
        triage,
        claim_hash: idem
            .as_ref()
            .map(|idem| crate::secrets::hash_token(&idem.key)),
        device_id: device,
        private: PrivateDetails {
            first_name: checked.first_name,
            last_name: checked.last_name,
            email: checked.email,
            phone: checked.phone,
            account_id: checked.account_id,
            attributes: checked.attributes,
        },
        media_ids: checked.media_ids,
        inline_media: photos,
        media_base: format!("{OPEN311_PREFIX}/media/"),
    };
    let written = state.storage.create_request(new, idem).await??;
    let replayed = written.is_replay();
    let created = written.into_inner();
    tracing::info!(
        request = created.service_request_id.as_deref().unwrap_or(""),
        replayed,
        "service request stored"
    );
    Ok((created, replayed))
}

/// Make a server-relative link (our photos, `/open311/v2/media/{id}`) absolute with
/// the configured public base URL; links to other sites stay as they are.
fn absolute(state: &AppState, link: &mut String) {
    if link.starts_with('/') {
        *link = state.config.public_url.join(link);
    }
}

/// Decimals of `lat`/`long` in public answers: 3 decimals is about 111 m of
/// latitude (and less of longitude) at Vietnam's latitudes, enough to find the
/// place and not the house. The reporter (`/api/v1/my/requests`) and officers
/// (`/api/v1/officer/requests`) see the exact position.
pub const PUBLIC_POSITION_DECIMALS: i32 = 3;

/// A coordinate rounded to [`PUBLIC_POSITION_DECIMALS`].
pub fn public_coordinate(value: f64) -> f64 {
    let scale = 10f64.powi(PUBLIC_POSITION_DECIMALS);
    (value * scale).round() / scale
}

/// What the public may see of requests: the position rounded to about 100 m
/// and the typed address without its house numbers (the stored body carries
/// no contact data; see `PrivateDetails`).
fn public_positions(requests: &mut [ServiceRequest]) {
    for request in requests {
        request.lat = request.lat.map(public_coordinate);
        request.long = request.long.map(public_coordinate);
        request.address = request.address.as_deref().map(public_address);
    }
}

/// A typed address without the parts that find the house: words holding a
/// digit ("12", "12A", "34/5") and the "số"/"nhà" before them. "Số 12 ngõ 34
/// Đội Cấn" becomes "ngõ Đội Cấn": the street is still there for neighbours.
pub fn public_address(address: &str) -> String {
    let words: Vec<&str> = address.split_whitespace().collect();
    let has_digit = |w: &str| w.chars().any(|c| c.is_ascii_digit());
    let kept: Vec<&str> = words
        .iter()
        .enumerate()
        .filter(|(i, w)| {
            let numbered_next = words.get(i + 1).is_some_and(|n| has_digit(n));
            let lead = matches!(
                w.to_lowercase().as_str(),
                "số" | "so" | "nhà" | "nha" | "sn"
            );
            !(has_digit(w) || (lead && numbered_next))
        })
        .map(|(_, w)| w.trim_matches(','))
        .filter(|w| !w.is_empty())
        .collect();
    kept.join(" ")
}

/// Absolute photo links in requests about to be answered (stored relative, so a
/// changed public URL applies to old requests too).
fn absolute_links(state: &AppState, requests: &mut [ServiceRequest]) {
    for request in requests {
        if let Some(link) = &mut request.media_url {
            absolute(state, link);
        }
        for link in &mut request.media_urls {
            absolute(state, link);
        }
    }
}

fn query_pairs(raw: Option<&str>) -> Result<Fields, Failure> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw.unwrap_or(""))
        .map(Fields)
        .map_err(|_| Failure::bad("Chuỗi tham số không hợp lệ."))
}

fn date(fields: &Fields, name: &str) -> Result<Option<DateTime<Utc>>, Failure> {
    fields
        .one(name)?
        .map(|text| {
            DateTime::parse_from_rfc3339(text)
                .map(|at| at.with_timezone(&Utc))
                .map_err(|_| Failure::bad(format!("{name} phải là ngày giờ ISO 8601 (RFC 3339).")))
        })
        .transpose()
}

/// `start_date`/`end_date` with the default and largest window of 90 days.
fn window(fields: &Fields, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), Failure> {
    let span = Duration::days(MAX_WINDOW_DAYS);
    let (start, end) = match (date(fields, "start_date")?, date(fields, "end_date")?) {
        (Some(start), Some(end)) => (start, end),
        (Some(start), None) => (start, start + span),
        (None, Some(end)) => (end - span, end),
        (None, None) => (now - span, now),
    };
    if start > end {
        return Err(Failure::bad("start_date phải trước end_date."));
    }
    if end - start > span {
        return Err(Failure::bad(format!(
            "Khoảng thời gian tối đa là {MAX_WINDOW_DAYS} ngày."
        )));
    }
    Ok((start, end))
}

fn list(fields: &Fields, name: &str) -> Result<Option<Vec<String>>, Failure> {
    Ok(fields.one(name)?.map(|text| {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_owned)
            .collect()
    }))
}

async fn search(
    State(state): State<AppState>,
    format: Format,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let fields = query_pairs(raw.as_deref())?;
        let mut filter = RequestFilter {
            limit: MAX_RESULTS,
            ..RequestFilter::default()
        };
        filter.ids = list(&fields, "service_request_id")?;
        if filter.ids.is_none() {
            // Open311: with ids, the other filters are ignored.
            let (start, end) = window(&fields, (state.clock)())?;
            filter.start = Some(start);
            filter.end = Some(end);
            filter.service_codes = list(&fields, "service_code")?;
            filter.units = list(&fields, "unit")?;
            filter.status = match fields.one("status")? {
                None => None,
                Some("open") => Some(Status::Open),
                Some("closed") => Some(Status::Closed),
                Some(_) => return Err(Failure::bad("status phải là open hoặc closed.")),
            };
        }
        Ok::<_, Failure>(state.storage.find_requests(filter).await?)
    }
    .await;
    match result {
        Ok(mut requests) => {
            absolute_links(&state, &mut requests);
            public_positions(&mut requests);
            reply(StatusCode::OK, format, "service_requests", &requests)
        }
        Err(failure) => failure.render(format),
    }
}

async fn one(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((id, format)) = Format::split(&file) else {
        return Failure::new(StatusCode::NOT_FOUND, "Đường dẫn Open311 không tồn tại.")
            .render(Format::Json);
    };
    let filter = RequestFilter {
        ids: Some(vec![id.to_owned()]),
        limit: 1,
        ..RequestFilter::default()
    };
    match state.storage.find_requests(filter).await {
        Ok(mut found) if !found.is_empty() => {
            absolute_links(&state, &mut found);
            public_positions(&mut found);
            reply(StatusCode::OK, format, "service_requests", &found)
        }
        Ok(_) => Failure::new(StatusCode::NOT_FOUND, "Không tìm thấy phản ánh.").render(format),
        Err(e) => Failure::from(e).render(format),
    }
}

async fn token(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some((token, format)) = Format::split(&file) else {
        return Failure::new(StatusCode::NOT_FOUND, "Đường dẫn Open311 không tồn tại.")
            .render(Format::Json);
    };
    match state.storage.request_by_token(token.to_owned()).await {
        Ok(Some(id)) => reply(
            StatusCode::OK,
            format,
            "service_requests",
            &[RequestToken {
                service_request_id: id,
                token: token.to_owned(),
            }],
        ),
        Ok(None) => Failure::new(StatusCode::NOT_FOUND, "Không tìm thấy token.").render(format),
        Err(e) => Failure::from(e).render(format),
    }
}

async fn updates(
    State(state): State<AppState>,
    format: Format,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let fields = query_pairs(raw.as_deref())?;
        let (start, end) = window(&fields, (state.clock)())?;
        Ok::<_, Failure>(state.storage.updates(start, end, MAX_RESULTS).await?)
    }
    .await;
    match result {
        Ok(mut list) => {
            for update in &mut list {
                if let Some(link) = &mut update.media_url {
                    absolute(&state, link);
                }
            }
            reply(StatusCode::OK, format, "service_request_updates", &list)
        }
        Err(failure) => failure.render(format),
    }
}

async fn media(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.storage.media(id).await {
        Ok(Some((mime, bytes))) => {
            // A document is a download, and whatever it holds runs nowhere.
            let disposition = if mime == crate::documents::PDF_MIME {
                "attachment"
            } else {
                "inline"
            };
            let mime = HeaderValue::from_str(&mime)
                .unwrap_or(HeaderValue::from_static("application/octet-stream"));
            (
                [
                    (
                        header::CONTENT_DISPOSITION,
                        HeaderValue::from_static(disposition),
                    ),
                    (
                        header::CONTENT_SECURITY_POLICY,
                        HeaderValue::from_static("sandbox; default-src 'none'"),
                    ),
                    (header::CONTENT_TYPE, mime),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=31536000, immutable"),
                    ),
                    (
                        header::X_CONTENT_TYPE_OPTIONS,
                        HeaderValue::from_static("nosniff"),
                    ),
                ],
                Body::from(bytes),
            )
                .into_response()
        }
        Ok(None) => Failure::new(StatusCode::NOT_FOUND, "Không tìm thấy tệp.").render(Format::Json),
        Err(e) => Failure::from(e).render(Format::Json),
    }
}

#[cfg(test)]
mod tests {
    use super::{agency_name, public_address};

    #[test]
    fn a_unit_named_with_its_kind_is_not_named_twice() {
        assert_eq!(agency_name("Phường", "Phường Ba Đình"), "Phường Ba Đình");
        assert_eq!(agency_name("Xã", "Tân Lập"), "Xã Tân Lập");
        assert_eq!(agency_name("", "Đặc khu Côn Đảo"), "Đặc khu Côn Đảo");
    }

    #[test]
    fn public_addresses_keep_the_street_not_the_house() {
        assert_eq!(public_address("12 Đội Cấn"), "Đội Cấn");
        assert_eq!(
            public_address("Số 12 ngõ 34/5 Đội Cấn, Ba Đình"),
            "ngõ Đội Cấn Ba Đình"
        );
        assert_eq!(public_address("nhà 7A, thôn Đông"), "thôn Đông");
        assert_eq!(public_address("Chợ Đồng Xuân"), "Chợ Đồng Xuân");
        assert_eq!(public_address(""), "");
    }
}
