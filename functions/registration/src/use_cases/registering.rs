//! The registration use case: the program's window, uniqueness, storage and the
//! confirmation email, with every failure after the write left for the scheduled
//! run to retry. Which program a request is for is [`super::program_choice`]'s.

use crate::config::{EmailLimits, EventConfig, RegisterConfig};
use crate::domain::action_token::ActionToken;
use crate::domain::key::RegistrationKey;
use crate::domain::{NewRegistration, Submission};
use crate::limits::{Admission, Limits, SourceAddress};
use crate::mail::Mailer;
use crate::platform::after_response::AfterResponse;
use crate::platform::clock::{Clock, random_bytes, random_hex};
use crate::platform::window::HourWindow;
use crate::program::{Language, ProgramReader, ProgramSettings, ProgramSource};
use crate::store::{
    CreateError, Lease, LimitCounters, Outbox, Outboxes, PendingRegistration, Registration,
    Registrations, Renewal, StoreError, Tokens,
};
use crate::use_cases::owed_email::{Claimed, OwedEmails};
use jiff::{SignedDuration, Timestamp};
use tracing::Instrument;

/// A duplicate of a pending registration re-sends its email at most this often.
pub const RESEND_INTERVAL: SignedDuration = SignedDuration::from_mins(10);

/// How long the function that writes a registration holds it for its first email,
/// before the scheduled run may take over.
pub const FIRST_EMAIL_LEASE: SignedDuration = SignedDuration::from_mins(2);

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("registration is closed")]
    Closed,
    #[error("registration is not open yet")]
    NotOpen,
    #[error("no program was named and none is the only one open")]
    ProgramRequired,
    #[error("no program has this id")]
    UnknownProgram,
    #[error("this email address is already registered for this event")]
    AlreadyRegistered,
    #[error("too many requests from this source address")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the registration could not be stored")]
    Store(#[source] StoreError),
}

/// A stored, pending registration (or the look of one, for a bot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub registration_id: String,
}

/// Accepts registrations for every program the deployment serves.
pub struct Registrar<S, M, C, P = S> {
    pub config: RegisterConfig,
    /// The programs, cached per process (the deployment's own first).
    pub programs: ProgramReader<P, C>,
    pub store: S,
    pub mailer: M,
    pub clock: C,
    /// Recording a confirmation email's outcome waits here until the response has
    /// left: the participant's answer does not depend on it (the registration
    /// already sits in the confirmation outbox under a lease).
    pub after_response: AfterResponse,
    pub limits: Limits,
}

impl<S, M, C> Registrar<S, M, C>
where
    S: ProgramSource<Error = StoreError> + Clone,
    C: Clock + Clone,
{
    /// A registrar that reads the programs from its own store.
    pub fn new(config: RegisterConfig, store: S, mailer: M, clock: C) -> Self {
        Self::with_programs(config, store.clone(), store, mailer, clock)
    }
}

impl<S, M, C: Clock + Clone, P: ProgramSource> Registrar<S, M, C, P> {
    /// A registrar that reads the programs from `programs`.
    pub fn with_programs(
        config: RegisterConfig,
        programs: P,
        store: S,
        mailer: M,
        clock: C,
    ) -> Self {
        let limits = Limits::new(
            config.max_registrations_per_ip_per_hour,
            config.email_limits.clone(),
        );
        let mut reader = ProgramReader::new(programs, clock.clone());
        if let Some(own) = config.own.clone() {
            reader = reader.with_own(own);
        }
        Self {
            limits,
            config,
            programs: reader,
            store,
            mailer,
            clock,
            after_response: AfterResponse::default(),
        }
    }
}

impl<S, M, C, P> Registrar<S, M, C, P>
where
    S: Registrations + Tokens + Outboxes + LimitCounters,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
    P: ProgramSource<Error = StoreError>,
{
    /// Whether `program` takes registrations now: `Closed` from its closing on,
    /// `NotOpen` before its opening.
    pub fn window_check(&self, program: &ProgramSettings) -> Result<(), RegisterError> {
        let now = self.clock.now();
        if now >= program.registration_closes_at {
            Err(RegisterError::Closed)
        } else if program
            .registration_opens_at
            .is_some_and(|opens| now < opens)
        {
            Err(RegisterError::NotOpen)
        } else {
            Ok(())
        }
    }

    /// Count one registration posted from `source` against its rate on this
    /// instance, before any DynamoDB call.
    pub fn admit(&self, source: &SourceAddress) -> Admission {
        self.limits.source_rate.check(source)
    }

    /// Count one view of the form from `source` against its rate on this instance.
    pub fn admit_form(&self, source: &SourceAddress) -> Admission {
        self.limits.form_rate.check(source)
    }

    /// Register a submission from `source` for `program`, in `language` (one
    /// of the program's). `link_base` is the absolute base of the links in its emails.
    pub async fn register(
        &self,
        program: &ProgramSettings,
        submission: Submission,
        language: Language,
        link_base: &str,
        source: &SourceAddress,
    ) -> Result<Registered, RegisterError> {
        self.window_check(program)?;
        if let Admission::TooMany { retry_after_secs } = self.admit(source) {
            // Not logged one by one: a flood would fill the log; the API's access
            // log counts the 429s.
            tracing::debug!(retry_after_secs, "a source address passed its rate");
            return Err(RegisterError::TooManyRequests { retry_after_secs });
        }
        let participant = match submission {
            Submission::Participant(participant) => participant,
            Submission::Bot => {
                tracing::info!("honeypot field filled; answered as a success, nothing stored");
                return Ok(Registered {
                    registration_id: new_registration_id(),
                });
            }
        };
        let now = self.clock.now();
        let pending = self.pending(program, participant, language, link_base, now);
        let event = program.event(&self.config.table_name);
        self.store_and_email(&event, pending, source, now).await
    }

    /// Store a pending registration, counted on its source address: one DynamoDB
    /// round trip (the put and its source's count at once) before the answer. Its
    /// confirmation email follows the answer: the email caps' two counters (taken
    /// only for a registration stored, so concurrent duplicates cannot use up a
    /// mailbox's day), SES, then the outcome recorded.
    async fn store_and_email(
        &self,
        event: &EventConfig,
        pending: PendingRegistration,
        source: &SourceAddress,
        now: Timestamp,
    ) -> Result<Registered, RegisterError> {
        let token = ActionToken::generate(&pending.key);
        let counter = self.limits.source_counter(source, now);
        let limit = self.limits.registrations_per_source;
        let created = self
            .store
            .create_pending_counted(&pending, &token.hash(), &counter, limit)
            .await;
        let registration = match created {
            Ok(registration) => registration,
            Err(err) => return Err(self.not_created(event, err, now)),
        };
        let registration_id = registration.registration_id.clone();
        let span = tracing::info_span!("registration", %registration_id);
        span.in_scope(|| tracing::info!("registration stored as pending"));
        let lease = pending.lease.owner;
        self.email_after_response(event, registration, token, lease, span);
        Ok(Registered { registration_id })
    }

    /// Why a registration was not stored (a duplicate's email again follows the
    /// answer).
    fn not_created(&self, event: &EventConfig, err: CreateError, now: Timestamp) -> RegisterError {
        match err {
            CreateError::SourceLimitReached => {
                tracing::info!("a source address passed its hourly limit");
                RegisterError::TooManyRequests {
                    retry_after_secs: HourWindow::of(now).seconds_left(now),
                }
            }
            CreateError::AlreadyRegistered(existing) => {
                if let Some(existing) = existing {
                    self.resend_if_pending(event, *existing, now);
                }
                RegisterError::AlreadyRegistered
            }
            CreateError::Store(err) => RegisterError::Store(err),
        }
    }

    /// After the response: send the confirmation email of `registration`, held
    /// by the lease `owner`, and record its outcome. A failed email changes
    /// nothing for the answer already given: the registration is stored and the
    /// run retries the email, as it does if the process dies first.
    fn email_after_response(
        &self,
        event: &EventConfig,
        registration: Registration,
        token: ActionToken,
        owner: String,
        span: tracing::Span,
    ) {
        let email = self.confirmation_email(event);
        self.after_response
            .defer(async move { email.send(registration, &owner, token).await }.instrument(span));
    }

    /// What a confirmation email sent after the response needs, owned.
    fn confirmation_email(&self, event: &EventConfig) -> ConfirmationEmail<S, M, C> {
        ConfirmationEmail {
            event: event.clone(),
            caps: self.limits.emails.clone(),
            store: self.store.clone(),
            mailer: self.mailer.clone(),
            clock: self.clock.clone(),
        }
    }

    /// When an unconfirmed registration expires: [`RegisterConfig::pending_expires_after`]
    /// after its last confirmation email, and never after its data's retention.
    fn pending_expiry(&self, starts_at: Timestamp, now: Timestamp) -> Timestamp {
        let expires = now
            .checked_add(self.config.pending_expires_after)
            .unwrap_or(now);
        expires.min(self.retain_until(starts_at))
    }

    /// [`RegisterConfig::retention_days`] after the program's start.
    fn retain_until(&self, starts_at: Timestamp) -> Timestamp {
        let retention = SignedDuration::from_hours(24 * i64::from(self.config.retention_days));
        starts_at.checked_add(retention).unwrap_or(starts_at)
    }

    /// What is stored for a new participant: pending, under this function's
    /// lease for its first email, expiring unconfirmed after
    /// [`pending_expiry`](Self::pending_expiry), its data kept until
    /// [`retain_until`](Self::retain_until) once confirmed.
    fn pending(
        &self,
        program: &ProgramSettings,
        participant: NewRegistration,
        language: Language,
        link_base: &str,
        now: Timestamp,
    ) -> PendingRegistration {
        let registration_id = new_registration_id();
        PendingRegistration {
            key: RegistrationKey::for_address(program.id.as_ref(), &participant.email),
            lease: self.lease(&registration_id, now),
            registration_id,
            participant,
            link_base: link_base.to_owned(),
            registered_at: now,
            expires_at: self.pending_expiry(program.starts_at, now),
            retain_until: self.retain_until(program.starts_at),
            language: program.language_for(Some(language)),
        }
    }

    fn lease(&self, registration_id: &str, now: Timestamp) -> Lease {
        Lease {
            owner: format!("register:{registration_id}:{}", random_hex::<6>()),
            until: now.checked_add(FIRST_EMAIL_LEASE).unwrap_or(now),
        }
    }

    /// A duplicate of a still-pending registration gets its email again, at most
    /// once per [`RESEND_INTERVAL`], after the response: the participant's answer
    /// (409) depends on none of it, and failures are logged.
    fn resend_if_pending(&self, event: &EventConfig, existing: Registration, now: Timestamp) {
        // Nothing goes to an address that bounced permanently or complained.
        if !existing.lifecycle().may_receive(Outbox::Confirmation) {
            return;
        }
        let span = tracing::info_span!("registration", registration_id = %existing.registration_id);
        let key = existing.key();
        let token = ActionToken::generate(&key);
        let lease = self.lease(&existing.registration_id, now);
        let expires_at = self.pending_expiry(event.starts_at, now);
        let resend_before = now.checked_sub(RESEND_INTERVAL).unwrap_or(now);
        let email = self.confirmation_email(event);
        self.after_response.defer(
            async move {
                let renewal = Renewal {
                    token_hash: &token.hash(),
                    now,
                    resend_before,
                    lease: &lease,
                    expires_at,
                };
                match email.store.renew_confirmation(&key, &renewal).await {
                    Ok(true) => {
                        tracing::info!("confirmation email sent again for a duplicate");
                        email.send(existing, &lease.owner, token).await;
                    }
                    Ok(false) => tracing::info!(
                        "duplicate within the re-send interval, or with the most links a registration may hold; no email"
                    ),
                    Err(err) => tracing::error!(error = %err, "could not renew a confirmation token"),
                }
            }
            .instrument(span),
        );
    }
}

/// A confirmation email owed after the response: through the owed-email
/// pipeline when the email caps allow it (past a cap, the registration is
/// released to the paced send-links run), then its outcome recorded.
struct ConfirmationEmail<S, M, C> {
    event: EventConfig,
    caps: EmailLimits,
    store: S,
    mailer: M,
    clock: C,
}

impl<S: Tokens + Outboxes + LimitCounters, M: Mailer, C: Clock> ConfirmationEmail<S, M, C> {
    async fn send(&self, registration: Registration, owner: &str, token: ActionToken) {
        let owed = OwedEmails {
            event: &self.event,
            zoom: None,
            caps: Some(&self.caps),
            store: &self.store,
            mailer: &self.mailer,
            clock: &self.clock,
        };
        let claimed = Claimed::registered(registration, owner, token);
        owed.send(claimed).await.record(&self.store).await;
    }
}

fn new_registration_id() -> String {
    uuid::Builder::from_random_bytes(random_bytes())
        .into_uuid()
        .to_string()
}
