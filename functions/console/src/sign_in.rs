//! Signing in and out: the emailed single-use link, the session it starts, the
//! session a request carries, and its end. Secrets are 256 random bits; only
//! their SHA-256 is stored. Whether an address is an organizer's shows in no
//! answer: an unlisted, limited or failed request looks like a sent one.

use crate::Console;
use crate::email::sign_in_email;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use registration::domain::EmailAddress;
use registration::mail::Mailer;
use registration::platform::clock::{Clock, random_bytes};
use registration::store::{AuditEntry, StoreError};
use sha2::{Digest, Sha256};

/// How long an emailed sign-in link works.
pub const SIGN_IN_LINK_LIFETIME: SignedDuration = SignedDuration::from_mins(15);
/// How long a session lasts.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);
/// Sign-in emails to one address in an hour.
pub const SIGN_IN_EMAILS_PER_HOUR: u32 = 5;

/// A new secret: 256 random bits, unpadded base64url (43 characters).
pub fn new_secret() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(secret.as_bytes()))
}

/// A signed-in organizer: the address, and the session's secret (for sign-out).
#[derive(Clone, PartialEq, Eq)]
pub struct Organizer {
    pub address: String,
    pub session: String,
}

impl std::fmt::Debug for Organizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Organizer(<redacted>)")
    }
}

impl<M: Mailer, C: Clock> Console<M, C> {
    /// Email a sign-in link to `address` if it is an organizer's and its hourly
    /// count allows; otherwise do nothing. Failures are logged, never shown.
    #[tracing::instrument(skip_all)]
    pub async fn request_sign_in(&self, address: &str, link_base: &str) {
        let Ok(address) = EmailAddress::parse(address.trim()) else {
            tracing::info!("sign-in requested for a malformed address");
            return;
        };
        if !self.config.organizers.contains(address.as_ref()) {
            tracing::info!("sign-in requested for an address not in ORGANIZER_EMAILS");
            return;
        }
        if let Err(err) = self.send_sign_in(&address, link_base).await {
            tracing::error!(error = %err, "sign-in link not sent");
        }
    }

    async fn send_sign_in(&self, address: &EmailAddress, link_base: &str) -> Result<(), String> {
        let now = self.clock.now();
        let organizer = address.as_ref().to_lowercase();
        let allowed = self
            .store
            .count_sign_in_email(&organizer, now, SIGN_IN_EMAILS_PER_HOUR)
            .await
            .map_err(|e| e.to_string())?;
        if !allowed {
            tracing::info!("sign-in link refused: the address's hourly limit is reached");
            return Ok(());
        }
        let token = new_secret();
        self.store
            .put_sign_in(
                &secret_hash(&token),
                &organizer,
                now + SIGN_IN_LINK_LIFETIME,
            )
            .await
            .map_err(|e| e.to_string())?;
        let url = format!("{link_base}/organizer/sign-in?token={token}");
        let email = sign_in_email(address.clone(), &url);
        let message_id = self.mailer.send(&email).await.map_err(|e| e.to_string())?;
        tracing::info!(message_id, "sign-in link sent");
        Ok(())
    }

    /// Use a sign-in link: the new session's secret when the link was good (once,
    /// within its time) and its address is still listed.
    #[tracing::instrument(skip_all)]
    pub async fn open_session(&self, token: &str) -> Result<Option<Organizer>, StoreError> {
        let now = self.clock.now();
        let Some(address) = self.store.take_sign_in(&secret_hash(token), now).await? else {
            tracing::info!("sign-in link refused: unknown, used or expired");
            return Ok(None);
        };
        if !self.config.organizers.contains(&address) {
            tracing::info!("sign-in link refused: the address left ORGANIZER_EMAILS");
            return Ok(None);
        }
        let session = new_secret();
        let hash = secret_hash(&session);
        self.store
            .put_session(&hash, &address, now + SESSION_LIFETIME)
            .await?;
        let organizer = Organizer { address, session };
        if let Err(err) = self.audit(&organizer, "sign-in", None, None).await {
            // No session without its audit entry.
            let _ = self.store.delete_session(&hash).await;
            return Err(err);
        }
        Ok(Some(organizer))
    }

    /// The organizer whose session `secret` is, while it holds and the address
    /// is listed.
    pub async fn session(&self, secret: &str) -> Result<Option<Organizer>, StoreError> {
        let Some(session) = self.store.get_session(&secret_hash(secret)).await? else {
            return Ok(None);
        };
        let holds = session.expires_at > self.clock.now()
            && self.config.organizers.contains(&session.organizer);
        Ok(holds.then(|| Organizer {
            address: session.organizer,
            session: secret.to_owned(),
        }))
    }

    /// End the session on the server.
    pub async fn sign_out(&self, organizer: &Organizer) -> Result<(), StoreError> {
        self.store
            .delete_session(&secret_hash(&organizer.session))
            .await?;
        self.audit(organizer, "sign-out", None, None).await
    }

    /// Write one audit entry for an action of `organizer`.
    pub async fn audit(
        &self,
        organizer: &Organizer,
        action: &str,
        program: Option<&str>,
        registration_id: Option<&str>,
    ) -> Result<(), StoreError> {
        let entry = AuditEntry {
            at: self.clock.now(),
            organizer: organizer.address.clone(),
            action: action.to_owned(),
            program: program.map(str::to_owned),
            registration_id: registration_id.map(str::to_owned),
        };
        self.store.append_audit(&entry).await
    }
}

/// An instant as the pages show it.
pub fn shown(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_carry_256_random_bits_and_hash_apart() {
        let (a, b) = (new_secret(), new_secret());
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, b);
        assert_ne!(secret_hash(&a), a);
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert_ne!(secret_hash(&a), secret_hash(&b));
    }
}
