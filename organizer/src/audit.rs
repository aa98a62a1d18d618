//! The deployment's audit log: each action of the command written to it
//! ([`Done`], [`record`]), and `organizer audit`, which prints it (every
//! program's), newest first, a page at a time: one line per action, or with
//! `--json` one array of objects (`at`, `organizer`, `action`, `program`,
//! `registration_id`).

use crate::failure::Failure;
use jiff::Timestamp;
use registration::store::{AuditEntry, DynamoStore};
use std::io::Write;

/// What a command did: what to print, and the action to write in the audit
/// log when it changed or handed out anything (none for a read, or for an
/// action that found nothing to do).
pub struct Done {
    pub out: String,
    pub action: Option<Action>,
}

/// One action, as its audit entry names it (never a participant's address).
pub struct Action {
    pub name: &'static str,
    pub program: String,
    pub registration_id: Option<String>,
}

impl Done {
    /// Nothing to write in the audit log.
    pub fn read(out: String) -> Self {
        Self { out, action: None }
    }

    /// `name` done on `program` (and on one registration of it).
    pub fn action(out: String, name: &'static str, program: &str, id: Option<&str>) -> Self {
        let action = Action {
            name,
            program: program.to_owned(),
            registration_id: id.map(str::to_owned),
        };
        Self {
            out,
            action: Some(action),
        }
    }
}

/// Write `done`'s action, by `organizer`, to the audit log. The action has
/// happened: a failed write says so, naming the cause.
pub async fn record(store: &DynamoStore, organizer: &str, done: &Done) -> Result<(), Failure> {
    let Some(action) = &done.action else {
        return Ok(());
    };
    let entry = AuditEntry {
        at: Timestamp::now(),
        organizer: organizer.to_owned(),
        action: action.name.to_owned(),
        program: Some(action.program.clone()),
        registration_id: action.registration_id.clone(),
    };
    store.append_audit(&entry).await.map_err(|e| {
        Failure::Output(format!(
            "{} was done, but its audit entry could not be written: {e}",
            action.name
        ))
    })
}

/// Entries read per request.
const PAGE: i32 = 100;

pub async fn run(store: &DynamoStore, json: bool, out: &mut impl Write) -> Result<(), Failure> {
    let write = |out: &mut dyn Write, text: &str| {
        out.write_all(text.as_bytes())
            .map_err(|e| Failure::Output(format!("standard output: {e}")))
    };
    let mut after: Option<String> = None;
    let mut first = true;
    if json {
        write(out, "[")?;
    }
    loop {
        let page = store.audit_page(after.as_deref(), PAGE).await?;
        for entry in &page.entries {
            let text = if json {
                let object =
                    serde_json::to_string(entry).map_err(|e| Failure::Output(e.to_string()))?;
                format!("{}\n  {object}", if first { "" } else { "," })
            } else {
                line(entry)
            };
            first = false;
            write(out, &text)?;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    if json {
        write(out, if first { "]\n" } else { "\n]\n" })?;
    }
    out.flush()
        .map_err(|e| Failure::Output(format!("standard output: {e}")))
}

/// One entry as a line: time, organizer, action, program, registration.
fn line(entry: &AuditEntry) -> String {
    format!(
        "{}  {}  {}  {}  {}\n",
        entry.at,
        entry.organizer,
        entry.action,
        entry.program.as_deref().unwrap_or("-"),
        entry.registration_id.as_deref().unwrap_or("-"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_time_organizer_action_program_and_registration() {
        let entry = AuditEntry {
            at: "2022-09-20T04:00:00Z".parse().unwrap(),
            organizer: "ana@example.org".into(),
            action: "cancel".into(),
            program: Some("bnr-li-ion-2022".into()),
            registration_id: None,
        };
        assert_eq!(
            line(&entry),
            "2022-09-20T04:00:00Z  ana@example.org  cancel  bnr-li-ion-2022  -\n"
        );
    }
}
