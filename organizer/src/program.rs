//! `program publish | list | show | close`: the programs the deployment
//! serves, as data in its table. A program file is checked whole before
//! anything is written; the Zoom link is stored but never printed.

use crate::audit::Done;
use crate::cli::ProgramCommand;
use crate::failure::Failure;
use jiff::Timestamp;
use registration::program::{ProgramId, ProgramSettings, parse_program_file};
use registration::store::{DynamoStore, PublishOutcome, PublishedProgram};
use serde_json::{Value, json};
use std::io::Read;
use std::path::Path;

/// Run one program command on the table; `own` is the deployment's own
/// program id, which publish refuses. What to print on stdout, and what
/// publish and close did, for the audit log.
pub async fn run(
    store: &DynamoStore,
    own: Option<&str>,
    command: &ProgramCommand,
) -> Result<Done, Failure> {
    let now = Timestamp::now();
    match command {
        ProgramCommand::Publish {
            file,
            zoom_join_url_stdin,
        } => publish(store, own, file, *zoom_join_url_stdin, now).await,
        ProgramCommand::List { json } => {
            let programs = store.published_programs().await?;
            Ok(Done::read(if *json {
                let all: Vec<Value> = programs.iter().map(|p| to_json(p, now)).collect();
                pretty(&Value::Array(all))
            } else {
                list_text(&programs, now)
            }))
        }
        ProgramCommand::Show { id, json } => {
            let program = find(store, id).await?;
            Ok(Done::read(if *json {
                pretty(&to_json(&program, now))
            } else {
                show_text(&program, now)
            }))
        }
        ProgramCommand::Close { id } => {
            let id = program_id(id)?;
            let program = store
                .close_program(&id, now)
                .await?
                .ok_or_else(|| Failure::NoSuchProgram(id.to_string()))?;
            let closed = program.settings.registration_closes_at;
            let out = format!("{id}: registration closed at {closed}\n");
            Ok(Done::action(out, "program-close", id.as_ref(), None))
        }
    }
}

async fn publish(
    store: &DynamoStore,
    own: Option<&str>,
    file: &Path,
    zoom_join_url_stdin: bool,
    now: Timestamp,
) -> Result<Done, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::Refused(format!("{}: {e}", file.display())))?;
    let zoom = if zoom_join_url_stdin {
        let mut link = String::new();
        std::io::stdin()
            .read_to_string(&mut link)
            .map_err(|e| Failure::Refused(format!("standard input: {e}")))?;
        Some(link)
    } else {
        None
    };
    let refused = |rule: String| Failure::Refused(format!("{}: {rule}", file.display()));
    let settings =
        parse_program_file(&text, zoom.as_deref()).map_err(|e| refused(e.to_string()))?;
    if own == Some(settings.id.as_ref()) {
        return Err(refused(format!(
            "id: {} is the deployment's own program (EVENT_ID), set by its variables",
            settings.id
        )));
    }
    match store.publish_program(&settings, now).await? {
        PublishOutcome::Published => Ok(Done::action(
            format!("published {}: {}\n", settings.id, settings.title),
            "program-publish",
            settings.id.as_ref(),
            None,
        )),
        PublishOutcome::CapacityBelowSeats { taken } => Err(refused(format!(
            "capacity: {} is below the {taken} seats already taken",
            settings.capacity.unwrap_or_default()
        ))),
    }
}

fn program_id(id: &str) -> Result<ProgramId, Failure> {
    // Not a slug: no program can have it.
    ProgramId::parse(id).map_err(|_| Failure::NoSuchProgram(id.to_owned()))
}

async fn find(store: &DynamoStore, id: &str) -> Result<PublishedProgram, Failure> {
    store
        .published_program(&program_id(id)?)
        .await?
        .ok_or_else(|| Failure::NoSuchProgram(id.to_owned()))
}

/// Where registration stands at `now`.
fn status(p: &ProgramSettings, now: Timestamp) -> &'static str {
    if p.is_open(now) {
        "open"
    } else if now < p.registration_closes_at {
        "not-yet-open"
    } else {
        "closed"
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Every setting but the Zoom link, times in RFC 3339 UTC.
fn to_json(program: &PublishedProgram, now: Timestamp) -> Value {
    let p = &program.settings;
    let text: serde_json::Map<String, Value> = p
        .text
        .iter()
        .map(|(language, text)| {
            let words = json!({"title": text.title, "summary": text.summary});
            (language.code().to_owned(), words)
        })
        .collect();
    let instant = |at: Option<Timestamp>| at.map(|at| at.to_string());
    json!({
        "id": p.id.as_ref(),
        "title": p.title,
        "host": p.host,
        "starts_at": p.starts_at.to_string(),
        "duration": p.duration.to_string(),
        "timezone": p.timezone,
        "registration_opens_at": instant(p.registration_opens_at),
        "registration_closes_at": p.registration_closes_at.to_string(),
        "links_send_at": instant(p.links_send_at),
        "reminder_before": p.reminder_before.map(|d| d.to_string()),
        "capacity": p.capacity,
        "contact_email": p.contact_email,
        "languages": p.languages.iter().map(|l| l.code()).collect::<Vec<_>>(),
        "text": text,
        "status": status(p, now),
        "published_at": program.published_at.to_string(),
        "closed_at": instant(program.closed_at),
    })
}

/// An instant in the program's zone, for people.
fn local(p: &ProgramSettings, at: Timestamp) -> String {
    at.to_zoned_datetime(p.time_zone())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

fn list_text(programs: &[PublishedProgram], now: Timestamp) -> String {
    if programs.is_empty() {
        return "no programs published\n".to_owned();
    }
    let mut out = String::new();
    for program in programs {
        let p = &program.settings;
        out.push_str(&format!(
            "{}  {}  starts {}  registration {} until {}  {}\n",
            p.id,
            p.title,
            local(p, p.starts_at),
            p.registration_opens_at
                .map_or("open".to_owned(), |at| format!("from {}", local(p, at))),
            local(p, p.registration_closes_at),
            status(p, now),
        ));
    }
    out
}

fn show_text(program: &PublishedProgram, now: Timestamp) -> String {
    let p = &program.settings;
    let at = |at: Option<Timestamp>| at.map_or("-".to_owned(), |at| local(p, at));
    let languages: Vec<&str> = p.languages.iter().map(|l| l.code()).collect();
    let mut lines = vec![
        format!("id                      {}", p.id),
        format!("title                   {}", p.title),
        format!("host                    {}", p.host),
        format!("starts                  {}", local(p, p.starts_at)),
        format!("duration                {}", p.duration),
        format!("time zone               {}", p.timezone),
        format!("registration opens      {}", at(p.registration_opens_at)),
        format!(
            "registration closes     {}",
            local(p, p.registration_closes_at)
        ),
        format!("links sent from         {}", at(p.links_send_at)),
        format!(
            "reminder before         {}",
            p.reminder_before.map_or("-".into(), |d| d.to_string())
        ),
        format!(
            "capacity                {}",
            p.capacity.map_or("no limit".into(), |c| c.to_string())
        ),
        format!(
            "contact                 {}",
            p.contact_email.as_deref().unwrap_or("-")
        ),
        format!("languages               {}", languages.join(", ")),
        "zoom link               set (never shown)".to_owned(),
        format!("status                  {}", status(p, now)),
        format!("published               {}", local(p, program.published_at)),
    ];
    for (language, text) in &p.text {
        let title = text.title.as_deref().unwrap_or(&p.title);
        lines.push(format!("[{}] {title}\n{}", language.code(), text.summary));
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}
