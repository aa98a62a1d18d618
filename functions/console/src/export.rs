//! A program's export, downloaded: the same records as `organizer export`
//! (the library's rows, in the contract's columns), CSV or JSON, as an
//! attachment. An answer holds at most what a Lambda response can carry;
//! past it the page points to `organizer export`.

use crate::Console;
use crate::sign_in::Organizer;
use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Response};
use registration::export::{Exporter, Format, Row};
use registration::i18n::Language;
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::store::{EventRegistrations, StoreError};
use std::collections::HashMap;

/// A Lambda response carries 6 MB; headers and the encoding need some of it.
const MAX_EXPORT_BYTES: usize = 5_500_000;

/// The program's records in `format`, or `None` when they outgrow a response;
/// `language` is the program's first.
async fn records<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    (program, language): (&str, Language),
    format: Format,
) -> Result<Option<Vec<u8>>, StoreError> {
    let waitlist: HashMap<String, u32> = console
        .store
        .waiting_list(program)
        .await?
        .iter()
        .zip(1u32..)
        .map(|(key, place)| (key.id().to_owned(), place))
        .collect();
    let now = console.clock.now();
    let internal = |e: registration::export::ExportError| StoreError::Internal(e.to_string());
    let mut exporter = Exporter::start(format, Vec::new()).map_err(internal)?;
    let mut cursor = None;
    loop {
        let page = console.store.event_page(program, cursor, None).await?;
        for r in page.registrations.iter().filter(|r| r.expires_at > now) {
            exporter
                .write(&Row::new(r, &waitlist, language))
                .map_err(internal)?;
        }
        if exporter.output().len() > MAX_EXPORT_BYTES {
            return Ok(None);
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    exporter.into_output().map(Some).map_err(internal)
}

/// `GET /organizer/programs/{id}/export?format=csv|json`: the download, audited
/// (`language`: the program's first).
pub async fn serve<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    organizer: &Organizer,
    (program, language): (&str, Language),
    format: Option<&str>,
) -> Result<Response<Body>, StoreError> {
    let (format, content_type, extension) = match format {
        Some("json") => (Format::Json, "application/json", "json"),
        _ => (Format::Csv, "text/csv; charset=utf-8", "csv"),
    };
    let Some(body) = records(console, (program, language), format).await? else {
        return Ok(crate::pages::message(
            StatusCode::PAYLOAD_TOO_LARGE,
            "This export is too large to download here",
            "Use `organizer export` from a terminal for a program this large.",
        ));
    };
    console
        .audit(organizer, "export", Some(program), None)
        .await?;
    let disposition = format!("attachment; filename=\"{program}-registrations.{extension}\"");
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_DISPOSITION, disposition)
        .header(header::CACHE_CONTROL, "no-store")
        .header("x-content-type-options", "nosniff")
        // lambda_http re-decodes a text type's body, which drops the CSV's
        // byte-order mark (spreadsheets need it to read UTF-8); with a content
        // coding it passes the bytes through as they are (base64 to API Gateway).
        .header(header::CONTENT_ENCODING, "identity")
        .body(Body::Binary(body))
        .expect("a response with valid headers"))
}
