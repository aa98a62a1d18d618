//! `organizer`: the organizer's command. Wiring only: the command line, the
//! target (table, event, zone), the store, and one function per command; the
//! storage work is the library's (`registration::store`).

mod actions;
mod audit;
mod cli;
mod failure;
mod program;
mod read;
mod report;
mod show;
mod tally;
mod target;

use audit::Done;
use clap::Parser;
use cli::{Cli, Command};
use failure::Failure;
use registration::domain::EmailAddress;
use registration::domain::key::RegistrationKey;
use registration::export;
use registration::store::{DynamoStore, EventRegistrations, Registrations, Seats};
use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use target::Target;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Erase { email, yes: false } = &cli.command {
        // Erasure cannot be undone: without --yes it is a usage error, and
        // nothing is read or changed.
        eprintln!(
            "organizer: erase deletes {email}'s registration and every trace of the address; nothing was changed: add --yes to erase it"
        );
        return ExitCode::from(2);
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.line());
            ExitCode::from(failure.exit_status())
        }
    }
}

/// The SDK configuration: the functions' HTTPS client and credentials chain,
/// with bounds fit for a person waiting at a terminal rather than a Lambda's.
async fn sdk_config(cli: &Cli) -> aws_config::SdkConfig {
    registration::platform::aws::sdk_config_for(cli.profile.as_deref(), cli.region.as_deref())
        .await
        .to_builder()
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(Duration::from_secs(20))
                .operation_timeout(Duration::from_secs(60))
                .build(),
        )
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(6))
        .build()
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let sdk = sdk_config(&cli).await;
    if let Command::Program(command) = &cli.command {
        // Programs need the table only, not a program chosen.
        let (table, own) = target::resolve_table(&cli, &sdk).await?;
        let store = DynamoStore::new(registration::platform::aws::dynamodb(&sdk), &table);
        store.check_access().await?;
        let done = program::run(&store, own.as_deref(), command).await?;
        print(&done.out)?;
        return audit::record(&store, &cli.organizer_name(), &done).await;
    }
    if let Command::Audit { json } = &cli.command {
        // The audit log is the deployment's, whatever program is selected.
        let (table, _) = target::resolve_table(&cli, &sdk).await?;
        let store = DynamoStore::new(registration::platform::aws::dynamodb(&sdk), &table);
        store.check_access().await?;
        return audit::run(&store, *json, &mut std::io::stdout().lock()).await;
    }
    // Resolving checks the table's access before it reads the programs.
    let target = target::resolve(&cli, &sdk).await?;
    let store = DynamoStore::new(registration::platform::aws::dynamodb(&sdk), &target.table);
    let organizer = cli.organizer_name();
    let done = match cli.command {
        Command::Stats { json } => Done::read(stats(&store, &target, json).await?),
        Command::Export { format, output } => {
            export(&store, &target, format, output.as_deref()).await?;
            Done::action(String::new(), "export", &target.event_id, None)
        }
        Command::Show { email } => Done::read(show(&store, &target, &email).await?),
        Command::Resend {
            email,
            confirmation,
        } => actions::resend(&store, &key(&target, &email), &email, confirmation).await?,
        Command::Cancel { email } => actions::cancel(&store, &key(&target, &email), &email).await?,
        Command::Erase { email, .. } => {
            actions::erase(&store, &key(&target, &email), &email).await?
        }
        Command::Program(_) | Command::Audit { .. } => unreachable!("handled above"),
        Command::Report { output } => Done::read(report(&store, &target, &output).await?),
    };
    print(&done.out)?;
    audit::record(&store, &organizer, &done).await
}

/// `report`: the page written to `output`; what to print.
async fn report(
    store: &DynamoStore,
    target: &Target,
    output: &std::path::Path,
) -> Result<String, Failure> {
    // Checked before reading: a report without its heading is not written.
    let heading = target.heading()?;
    let tally = tally(store, target).await?;
    let event = report::Event {
        heading: &heading,
        timezone: &target.timezone,
        timezone_name: &target.timezone_name,
    };
    let page =
        report::render(&tally, &event).map_err(|e| Failure::Output(format!("the report: {e}")))?;
    std::fs::write(output, page)
        .map_err(|e| Failure::Output(format!("{}: {e}", output.display())))?;
    Ok(format!("report written to {}\n", output.display()))
}

fn print(out: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::Output(format!("standard output: {e}")))
}

fn key(target: &Target, email: &EmailAddress) -> RegistrationKey {
    RegistrationKey::for_address(&target.event_id, email)
}

async fn tally<S: EventRegistrations>(store: &S, target: &Target) -> Result<tally::Tally, Failure> {
    let mut tally = tally::Tally::new(&target.event_id, target.capacity, target.timezone.clone());
    read::each_registration(store, &target.event_id, |r| {
        tally.add(r);
        Ok(())
    })
    .await?;
    Ok(tally)
}

async fn stats<S: EventRegistrations>(
    store: &S,
    target: &Target,
    json: bool,
) -> Result<String, Failure> {
    let tally = tally(store, target).await?;
    if json {
        let mut text = serde_json::to_string_pretty(&tally.stats)
            .map_err(|e| Failure::Output(e.to_string()))?;
        text.push('\n');
        Ok(text)
    } else {
        Ok(tally::render_text(&tally, &target.timezone_name))
    }
}

/// Each waitlisted registration's place in line, by key id (the seats item,
/// read once).
async fn positions<S: EventRegistrations>(
    store: &S,
    event_id: &str,
) -> Result<HashMap<String, u32>, Failure> {
    let line = store.waiting_list(event_id).await?;
    Ok(line
        .iter()
        .zip(1u32..)
        .map(|(key, place)| (key.id().to_owned(), place))
        .collect())
}

async fn export<S: EventRegistrations>(
    store: &S,
    target: &Target,
    format: cli::Format,
    output: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let waitlist = positions(store, &target.event_id).await?;
    let out: Box<dyn Write> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| Failure::Output(format!("{}: {e}", path.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let format = match format {
        cli::Format::Csv => export::Format::Csv,
        cli::Format::Json => export::Format::Json,
    };
    let mut exporter = export::Exporter::start(format, out)?;
    read::each_registration(store, &target.event_id, |r| {
        exporter
            .write(&export::Row::new(r, &waitlist, target.language))
            .map_err(Failure::from)
    })
    .await?;
    exporter.finish().map_err(Failure::from)
}

async fn show<S: EventRegistrations + Registrations + Seats>(
    store: &S,
    target: &Target,
    email: &EmailAddress,
) -> Result<String, Failure> {
    let key = key(target, email);
    let registration = store
        .get(&key)
        .await?
        .filter(|r| r.expires_at > jiff::Timestamp::now())
        .ok_or_else(|| Failure::NoSuchRegistration(email.to_string()))?;
    let position = store.waitlist_position(&key).await?;
    Ok(show::render(
        &registration,
        position,
        &target.timezone,
        target.language,
    ))
}
