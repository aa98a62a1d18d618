//! `organizer audit`: the deployment's audit log (every program's), newest
//! first, a page at a time: one line per action, or with `--json` one array of
//! objects (`at`, `organizer`, `action`, `program`, `registration_id`).

use crate::failure::Failure;
use registration::store::{AuditEntry, DynamoStore};
use std::io::Write;

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
