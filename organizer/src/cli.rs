//! The command line, as the contract fixes it:
//! `organizer [--stack NAME | --table NAME] [--program ID] COMMAND`.

use clap::{Parser, Subcommand, ValueEnum};
use registration::domain::EmailAddress;
use std::path::PathBuf;

/// Publish programs; see, export, report on and act on one program's
/// registrations, with your own AWS credentials. The table comes from `--stack`,
/// `--table` or TABLE_NAME; the program from `--program`, else EVENT_ID, else the
/// deployment's own, else the only program in the table.
#[derive(Debug, Parser)]
#[command(name = "organizer", version, max_term_width = 100)]
pub struct Cli {
    /// The deployed CloudFormation stack: its TableName output and its EventId,
    /// EventTimezone and Capacity parameters.
    #[arg(long, global = true, value_name = "NAME", conflicts_with = "table")]
    pub stack: Option<String>,

    /// The DynamoDB table (else TABLE_NAME).
    #[arg(long, global = true, value_name = "NAME")]
    pub table: Option<String>,

    /// The program's id (else EVENT_ID, the deployment's own program, or the
    /// only program in the table). `--event` is another name for it.
    #[arg(long, global = true, value_name = "ID", alias = "event")]
    pub program: Option<String>,

    /// The AWS profile to use (else the SDK's standard chain).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// The AWS region to use (else the profile's or AWS_REGION).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// The IANA time zone that days are counted in (else EVENT_TIMEZONE, the
    /// stack's EventTimezone, or Asia/Karachi).
    #[arg(long, global = true, value_name = "ZONE")]
    pub timezone: Option<String>,

    /// The webinar's seats, shown by stats (else CAPACITY or the stack's
    /// Capacity parameter; unset means no limit).
    #[arg(long, global = true, value_name = "N")]
    pub capacity: Option<u32>,

    /// Your address, written (lower-cased) with each action in the deployment's
    /// audit log (else ORGANIZER_ADDRESS, else `command:` and your login name).
    #[arg(long, global = true, value_name = "ADDRESS", env = "ORGANIZER_ADDRESS", value_parser = parse_email)]
    pub organizer: Option<EmailAddress>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Who the audit log names for this command's actions.
    pub fn organizer_name(&self) -> String {
        match &self.organizer {
            Some(address) => address.to_string().to_lowercase(),
            None => {
                let login = ["USER", "LOGNAME", "USERNAME"]
                    .iter()
                    .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
                format!("command:{}", login.as_deref().unwrap_or("unknown"))
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Counts: total, by status, link and confirmation emails (sent, delivered,
    /// bounced, complained, owed), unreachable, by country (ECO members marked)
    /// and per day.
    Stats {
        /// Print the counts as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// One record per registration, oldest first: CSV (UTF-8 with a byte-order
    /// mark, for spreadsheets) or a JSON array.
    Export {
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// One registration: its status, times and email history (never a token).
    Show {
        #[arg(value_parser = parse_email)]
        email: EmailAddress,
    },
    /// Queue the link email again (or, with --confirmation, a pending
    /// registration's confirmation email): the next send-links run sends it once.
    Resend {
        #[arg(value_parser = parse_email)]
        email: EmailAddress,
        /// The confirmation email of a pending registration instead of the link.
        #[arg(long)]
        confirmation: bool,
    },
    /// Cancel as the participant's cancel link does; a freed seat goes to the
    /// first in line at the next send-links run.
    Cancel {
        #[arg(value_parser = parse_email)]
        email: EmailAddress,
    },
    /// Delete the registration and every trace of the address (erasure on
    /// request); a confirmed one's seat goes to the first in line at the next
    /// send-links run. Changes nothing without --yes.
    Erase {
        #[arg(value_parser = parse_email)]
        email: EmailAddress,
        /// Yes, erase it: this cannot be undone.
        #[arg(long)]
        yes: bool,
    },
    /// A self-contained HTML page for directors, printable: registrations per
    /// day, top countries, the path registered → confirmed → link sent →
    /// delivered, and the counts of `stats`.
    Report {
        /// The HTML file to write.
        #[arg(long, short, value_name = "FILE.html")]
        output: PathBuf,
    },
    /// Publish, list, show and close programs.
    #[command(subcommand)]
    Program(ProgramCommand),
    /// The deployment's audit log, every program's, newest first: who signed
    /// in or out of the console and each action, with the registration id.
    Audit {
        /// Print one JSON array of entries.
        #[arg(long)]
        json: bool,
    },
}

/// The programs the deployment serves, as data in its table.
#[derive(Debug, Subcommand)]
pub enum ProgramCommand {
    /// Check a program file (TOML) whole and store it: a new program, or new
    /// settings for an existing id (its registrations stay). Refused, with
    /// nothing written, on the first broken rule.
    Publish {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Read the Zoom link from standard input, so that the file (without
        /// it) can be committed.
        #[arg(long)]
        zoom_join_url_stdin: bool,
    },
    /// Every published program: id, title, start and registration window.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One program's settings (never its Zoom link).
    Show {
        #[arg(value_name = "ID")]
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Close the program's registration now.
    Close {
        #[arg(value_name = "ID")]
        id: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

fn parse_email(value: &str) -> Result<EmailAddress, String> {
    EmailAddress::parse(value.trim()).map_err(|rule| rule.to_string())
}
