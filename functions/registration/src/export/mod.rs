//! `export`: one record per registration, in the contract's columns and order,
//! as CSV (RFC 4180 by the csv crate, UTF-8 with a byte-order mark, cells that
//! a spreadsheet would run as a formula prefixed with `'`) or one JSON array,
//! each written as the registrations stream by.

pub mod delivery;

use crate::program::Language;
use crate::store::Registration;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

/// The contract's columns, in order.
pub const COLUMNS: [&str; 18] = [
    "registration_id",
    "full_name",
    "email",
    "country",
    "organization",
    "designation",
    "phone",
    "status",
    "waitlist_position",
    "unreachable",
    "registered_at",
    "confirmed_at",
    "cancelled_at",
    "confirmation_delivery",
    "link_sent_at",
    "link_delivery",
    "reminder_sent_at",
    "language",
];

/// One exported record; its fields are the columns, in order.
#[derive(Debug, Serialize)]
pub struct Row<'a> {
    registration_id: &'a str,
    full_name: &'a str,
    email: &'a str,
    country: &'a str,
    organization: &'a str,
    designation: Option<&'a str>,
    phone: Option<&'a str>,
    status: &'static str,
    waitlist_position: Option<u32>,
    unreachable: bool,
    registered_at: String,
    confirmed_at: Option<String>,
    cancelled_at: Option<String>,
    confirmation_delivery: Option<&'static str>,
    link_sent_at: Option<String>,
    link_delivery: Option<&'static str>,
    reminder_sent_at: Option<String>,
    language: &'static str,
}

/// RFC 3339 in UTC, to the second (as stored, which is UTC already).
fn utc(at: jiff::Timestamp) -> String {
    at.to_string()
}

impl<'a> Row<'a> {
    /// The record of `r`, its place in `waitlist` (by key id), and its language,
    /// `program_language` (the program's first) when it was stored without one.
    pub fn new(
        r: &'a Registration,
        waitlist: &HashMap<String, u32>,
        program_language: Language,
    ) -> Self {
        Self {
            registration_id: &r.registration_id,
            full_name: &r.full_name,
            email: &r.email,
            country: &r.country,
            organization: &r.organization,
            designation: r.designation.as_deref(),
            phone: r.phone.as_deref(),
            status: r.status.as_str(),
            waitlist_position: waitlist.get(r.key().id()).copied(),
            unreachable: r.unreachable,
            registered_at: utc(r.registered_at),
            confirmed_at: r.confirmed_at.map(utc),
            cancelled_at: r.cancelled_at.map(utc),
            confirmation_delivery: delivery::confirmation(r).map(|d| d.as_str()),
            link_sent_at: r.link_sent_at.map(utc),
            link_delivery: delivery::link(r).map(|d| d.as_str()),
            reminder_sent_at: delivery::reminder_sent_at(r).map(utc),
            language: r.language().unwrap_or(program_language).code(),
        }
    }

    /// The CSV cells, in the columns' order, each made safe for spreadsheets.
    fn cells(&self) -> [String; COLUMNS.len()] {
        let text = |v: Option<&str>| v.unwrap_or_default().to_owned();
        [
            self.registration_id.to_owned(),
            self.full_name.to_owned(),
            self.email.to_owned(),
            self.country.to_owned(),
            self.organization.to_owned(),
            text(self.designation),
            text(self.phone),
            self.status.to_owned(),
            self.waitlist_position
                .map(|p| p.to_string())
                .unwrap_or_default(),
            self.unreachable.to_string(),
            self.registered_at.clone(),
            text(self.confirmed_at.as_deref()),
            text(self.cancelled_at.as_deref()),
            text(self.confirmation_delivery),
            text(self.link_sent_at.as_deref()),
            text(self.link_delivery),
            text(self.reminder_sent_at.as_deref()),
            self.language.to_owned(),
        ]
        .map(defuse)
    }
}

/// A cell a spreadsheet would take for a formula (or a control sequence)
/// starts with `'`, which spreadsheets show as text.
pub fn defuse(cell: String) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell,
    }
}

/// The export's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// Why an export could not be written (its output failed).
#[derive(Debug, thiserror::Error)]
#[error("the export: {0}")]
pub struct ExportError(String);

/// Writes records as they come, in one format.
pub enum Exporter<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json { out: W, first: bool },
}

const BYTE_ORDER_MARK: &[u8] = "\u{feff}".as_bytes();

impl<W: Write> Exporter<W> {
    pub fn start(format: Format, mut out: W) -> Result<Self, ExportError> {
        match format {
            Format::Csv => {
                out.write_all(BYTE_ORDER_MARK).map_err(output)?;
                let mut csv = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(out);
                csv.write_record(COLUMNS).map_err(output)?;
                Ok(Self::Csv(Box::new(csv)))
            }
            Format::Json => {
                out.write_all(b"[").map_err(output)?;
                Ok(Self::Json { out, first: true })
            }
        }
    }

    pub fn write(&mut self, row: &Row<'_>) -> Result<(), ExportError> {
        match self {
            Self::Csv(csv) => csv.write_record(row.cells()).map_err(output),
            Self::Json { out, first } => {
                let separator: &[u8] = if *first { b"\n" } else { b",\n" };
                *first = false;
                out.write_all(separator).map_err(output)?;
                serde_json::to_writer(&mut *out, row).map_err(output)
            }
        }
    }

    pub fn finish(self) -> Result<(), ExportError> {
        let mut out = self.into_output()?;
        out.flush().map_err(output)
    }

    /// What was written so far (less what the CSV writer still buffers).
    pub fn output(&self) -> &W {
        match self {
            Self::Csv(csv) => csv.get_ref(),
            Self::Json { out, .. } => out,
        }
    }

    /// Close the records (the JSON array) and hand the output back.
    pub fn into_output(self) -> Result<W, ExportError> {
        match self {
            Self::Csv(csv) => csv.into_inner().map_err(output),
            Self::Json { mut out, first } => {
                let end: &[u8] = if first { b"]\n" } else { b"\n]\n" };
                out.write_all(end).map_err(output)?;
                Ok(out)
            }
        }
    }
}

fn output(err: impl std::fmt::Display) -> ExportError {
    ExportError(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_prefixed_with_a_quote() {
        for cell in ["=1+1", "+92 300", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(defuse(cell.into()), format!("'{cell}"));
        }
        for cell in ["Ayesha", "", "1=1", "'quoted", "Ülkü"] {
            assert_eq!(defuse(cell.into()), cell);
        }
    }

    /// A stored registration, as DynamoDB would give it back.
    pub(crate) fn registration() -> Registration {
        serde_json::from_value(serde_json::json!({
            "pk": "EVENT#e#REG#AAAAAAAAAAAAAAAAAAAAAA",
            "event_id": "e",
            "registration_id": "r-1",
            "full_name": "Ülkü, \"Ü\"",
            "email": "u@example.org",
            "country": "TR",
            "organization": "=cmd",
            "phone": "+90 1",
            "status": "waitlisted",
            "registered_at": "2022-09-20T04:00:00Z",
            "confirmed_at": "2022-09-20T05:00:00Z",
            "link_base": "https://x",
            "confirmation_message_id": "m",
            "expires_at": 1_900_000_000
        }))
        .expect("a registration")
    }

    #[test]
    fn a_json_record_has_the_contracts_columns_in_order() {
        let r = registration();
        let waitlist = HashMap::from([("AAAAAAAAAAAAAAAAAAAAAA".to_owned(), 3)]);
        let json = serde_json::to_string(&Row::new(&r, &waitlist, Language::Ru)).unwrap();
        let mut at = 0;
        for column in COLUMNS {
            let found = json[at..].find(&format!("\"{column}\":")).expect(column);
            at += found;
        }
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["waitlist_position"], 3);
        assert_eq!(value["unreachable"], false);
        assert_eq!(value["designation"], serde_json::Value::Null);
        assert_eq!(value["confirmation_delivery"], "sent");
        assert_eq!(value["link_delivery"], serde_json::Value::Null);
        // Stored before registrations kept a language: the program's first.
        assert_eq!(value["language"], "ru");
    }

    #[test]
    fn csv_cells_are_defused_and_absent_values_empty() {
        let r = registration();
        let cells = Row::new(&r, &HashMap::new(), Language::En).cells();
        assert_eq!(cells[4], "'=cmd");
        assert_eq!(cells[6], "'+90 1");
        assert_eq!(cells[5], "");
        assert_eq!(cells[8], "");
        assert_eq!(cells[9], "false");
        assert_eq!(cells[17], "en");
    }

    #[test]
    fn a_registration_s_own_language_is_exported_after_the_reminder() {
        let mut stored = serde_json::to_value(registration()).unwrap();
        stored["language"] = "fa".into();
        let r: Registration = serde_json::from_value(stored).unwrap();
        let cells = Row::new(&r, &HashMap::new(), Language::En).cells();
        assert_eq!(COLUMNS[16..], ["reminder_sent_at", "language"]);
        assert_eq!(cells[17], "fa");
    }
}
