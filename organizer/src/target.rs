//! Which table, program, time zone and capacity the command works on, and the
//! program's title and start that head the report: a published program's
//! settings, or for the deployment's own program the deployed stack
//! (`--stack`), the flags or the environment.

use crate::cli::Cli;
use crate::failure::Failure;
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_cloudformation::types::Stack;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use registration::program::{Language, ProgramId, ProgramSettings};
use registration::store::{DynamoStore, EventRegistrations};

/// The time zone of the seed event, when nothing names one.
pub const DEFAULT_TIMEZONE: &str = "Asia/Karachi";

/// What every command works on.
#[derive(Debug, Clone)]
pub struct Target {
    pub table: String,
    pub event_id: String,
    pub timezone: TimeZone,
    pub timezone_name: String,
    pub capacity: Option<u32>,
    /// The event's title, as the functions show it (`EVENT_TITLE`).
    pub title: Setting,
    /// When the event starts (`EVENT_STARTS_AT`), RFC 3339.
    pub starts_at: Setting,
    /// The program's first language: that of its registrations stored without one.
    pub language: Language,
}

/// A setting only some commands need, with where it was looked for, so that a
/// command that needs it can name what to set.
#[derive(Debug, Clone)]
pub struct Setting {
    pub value: Option<String>,
    /// `EVENT_TITLE`, or the stack's parameter.
    pub source: String,
}

impl Setting {
    fn new(value: Option<String>, source: &str) -> Self {
        Self {
            value: value.filter(|v| !v.trim().is_empty()),
            source: source.to_owned(),
        }
    }

    /// The value, or a failure naming where it is missing.
    pub fn required(&self, what: &str) -> Result<&str, Failure> {
        self.value
            .as_deref()
            .ok_or_else(|| Failure::Config(format!("{what}: {} is not set", self.source)))
    }
}

/// What heads the report: the event's title and its start.
#[derive(Debug, Clone)]
pub struct Heading {
    pub title: String,
    pub starts_at: Timestamp,
}

impl Target {
    /// The report's heading; a failure naming the missing or malformed setting.
    pub fn heading(&self) -> Result<Heading, Failure> {
        const WHAT: &str = "the report is headed by the event's title and start";
        let title = self.title.required(WHAT)?.trim().to_owned();
        let starts_at = self.starts_at.required(WHAT)?;
        let starts_at = starts_at.trim().parse::<Timestamp>().map_err(|_| {
            Failure::Config(format!(
                "{} is not an RFC 3339 instant with offset: {starts_at}",
                self.starts_at.source
            ))
        })?;
        Ok(Heading { title, starts_at })
    }
}

/// What the stack says, when `--stack` names one.
#[derive(Debug, Default)]
struct FromStack {
    table: Option<String>,
    event_id: Option<String>,
    timezone: Option<String>,
    capacity: Option<String>,
    title: Option<String>,
    starts_at: Option<String>,
}

/// A variable's value, with an empty one counted as unset (as the functions do).
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

pub async fn resolve(cli: &Cli, sdk: &aws_config::SdkConfig) -> Result<Target, Failure> {
    let stack = match &cli.stack {
        Some(name) => describe_stack(sdk, name).await?,
        None => FromStack::default(),
    };
    let named_stack = cli.stack.is_some();
    let table = if named_stack {
        stack
            .table
            .ok_or_else(|| Failure::Stack("it has no TableName output".into()))?
    } else {
        cli.table
            .clone()
            .or_else(|| env("TABLE_NAME"))
            .ok_or(Failure::NoTarget("table"))?
    };
    let own = env("EVENT_ID").or(stack.event_id.clone().filter(|id| !id.trim().is_empty()));
    let store = DynamoStore::new(registration::platform::aws::dynamodb(sdk), &table);
    store.check_access().await?;
    let named = cli.program.clone().or(own);
    let (event_id, published) = choose_program(&store, named).await?;
    if let Some(program) = published {
        return from_program(cli, table, program);
    }
    // Not published: the deployment's own program, or one named by its id
    // alone (a stack deployed before programs were data): its settings from
    // the flags, the stack or the environment.
    // An explicit flag first; then the stack the organizer named; then the
    // environment the functions share; then the seed event's zone.
    let timezone_name = cli
        .timezone
        .clone()
        .or(stack.timezone)
        .or_else(|| env("EVENT_TIMEZONE"))
        .unwrap_or_else(|| DEFAULT_TIMEZONE.to_owned());
    let timezone = zone(&timezone_name)?;
    let capacity = match cli.capacity {
        Some(n) => Some(n),
        None => capacity(stack.capacity)?,
    };
    let (title, starts_at) = heading_settings(named_stack, stack.title, stack.starts_at);
    Ok(Target {
        table,
        event_id,
        timezone,
        timezone_name,
        capacity,
        title,
        starts_at,
        // The deployment's own program offers every language, English first.
        language: Language::En,
    })
}

/// The IANA zone of that name, or a failure naming it.
fn zone(name: &str) -> Result<TimeZone, Failure> {
    TimeZone::get(name).map_err(|_| Failure::Config(format!("{name} is not an IANA time zone")))
}

/// The seats: the stack's `Capacity`, else `CAPACITY`; `None` without either.
fn capacity(from_stack: Option<String>) -> Result<Option<u32>, Failure> {
    from_stack
        .filter(|c| !c.trim().is_empty())
        .or_else(|| env("CAPACITY"))
        .map(|c| {
            c.trim()
                .parse::<u32>()
                .map_err(|_| Failure::Config(format!("capacity {c:?} is not a whole number")))
        })
        .transpose()
}

/// The program meant: the one named (`--program`, `EVENT_ID`, the stack's own),
/// with its published settings when it is published; else the only published
/// program; else a usage error listing them (or saying there is none).
async fn choose_program(
    store: &DynamoStore,
    named: Option<String>,
) -> Result<(String, Option<ProgramSettings>), Failure> {
    if let Some(id) = named {
        let published = match ProgramId::parse(&id) {
            Ok(parsed) => store.published_program(&parsed).await?,
            Err(_) => None,
        };
        return Ok((id, published.map(|p| p.settings)));
    }
    let mut programs = store.published_programs().await?;
    match programs.len() {
        1 => {
            let settings = programs.remove(0).settings;
            Ok((settings.id.to_string(), Some(settings)))
        }
        0 => Err(Failure::NoTarget("program")),
        _ => {
            let ids: Vec<String> = programs.iter().map(|p| p.settings.id.to_string()).collect();
            Err(Failure::Usage(format!(
                "several programs: name one with --program ({})",
                ids.join(", ")
            )))
        }
    }
}

/// The target of a published program: its zone, seats, title and start, unless
/// `--timezone` or `--capacity` say otherwise.
fn from_program(cli: &Cli, table: String, program: ProgramSettings) -> Result<Target, Failure> {
    let timezone_name = cli.timezone.clone().unwrap_or(program.timezone.clone());
    let timezone = zone(&timezone_name)?;
    let source = format!("program {}", program.id);
    Ok(Target {
        table,
        event_id: program.id.to_string(),
        timezone,
        timezone_name,
        capacity: cli.capacity.or(program.capacity),
        title: Setting::new(Some(program.title.clone()), &source),
        starts_at: Setting::new(Some(program.starts_at.to_string()), &source),
        language: program.default_language(),
    })
}

/// The table and the deployment's own program id (its `EventId`, else
/// `EVENT_ID`; `None` when it has none), for the commands on programs, which
/// need no program chosen.
pub async fn resolve_table(
    cli: &Cli,
    sdk: &aws_config::SdkConfig,
) -> Result<(String, Option<String>), Failure> {
    if let Some(name) = &cli.stack {
        let stack = describe_stack(sdk, name).await?;
        let table = stack
            .table
            .ok_or_else(|| Failure::Stack("it has no TableName output".into()))?;
        return Ok((table, stack.event_id.filter(|id| !id.trim().is_empty())));
    }
    let table = cli
        .table
        .clone()
        .or_else(|| env("TABLE_NAME"))
        .ok_or(Failure::NoTarget("table"))?;
    Ok((table, env("EVENT_ID")))
}

/// The title and start: the named stack's parameters, else the variables the
/// functions read, so a terminal set up for `make dev` has them too.
fn heading_settings(
    named_stack: bool,
    stack_title: Option<String>,
    stack_starts_at: Option<String>,
) -> (Setting, Setting) {
    if named_stack {
        (
            Setting::new(stack_title, "the stack's EventTitle parameter"),
            Setting::new(stack_starts_at, "the stack's EventStartsAt parameter"),
        )
    } else {
        (
            Setting::new(env("EVENT_TITLE"), "EVENT_TITLE"),
            Setting::new(env("EVENT_STARTS_AT"), "EVENT_STARTS_AT"),
        )
    }
}

/// The stack's TableName output and event parameters (one DescribeStacks call).
async fn describe_stack(sdk: &aws_config::SdkConfig, name: &str) -> Result<FromStack, Failure> {
    let client = aws_sdk_cloudformation::Client::new(sdk);
    let output = client
        .describe_stacks()
        .stack_name(name)
        .send()
        .await
        .map_err(|err| {
            let code = err.code().unwrap_or_default().to_owned();
            let message = err.message().unwrap_or_default().to_owned();
            if code == "ValidationError" && message.contains("does not exist") {
                Failure::NoSuchStack(name.to_owned())
            } else if is_credentials(&code, &DisplayErrorContext(&err).to_string()) {
                Failure::Credentials(if code.is_empty() {
                    "none found".into()
                } else {
                    code
                })
            } else if code == "AccessDenied" {
                Failure::Denied(message)
            } else {
                Failure::Aws(DisplayErrorContext(&err).to_string())
            }
        })?;
    let stack = output
        .stacks()
        .first()
        .ok_or_else(|| Failure::NoSuchStack(name.to_owned()))?;
    Ok(from_stack(stack))
}

fn from_stack(stack: &Stack) -> FromStack {
    let output = |key: &str| {
        stack
            .outputs()
            .iter()
            .find(|o| o.output_key() == Some(key))
            .and_then(|o| o.output_value().map(str::to_owned))
    };
    let parameter = |key: &str| {
        stack
            .parameters()
            .iter()
            .find(|p| p.parameter_key() == Some(key))
            .and_then(|p| p.parameter_value().map(str::to_owned))
    };
    FromStack {
        table: output("TableName"),
        event_id: parameter("EventId"),
        timezone: parameter("EventTimezone"),
        capacity: parameter("Capacity"),
        title: parameter("EventTitle"),
        starts_at: parameter("EventStartsAt"),
    }
}

fn is_credentials(code: &str, cause: &str) -> bool {
    matches!(
        code,
        "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "ExpiredToken"
            | "MissingAuthenticationToken"
    ) || cause.to_ascii_lowercase().contains("credentials")
}
