//! Why a command failed, as the one line it prints on stderr (exit status 1).

use registration::store::{AccessError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("no such registration: {0}")]
    NoSuchRegistration(String),
    #[error("no such table: {0}")]
    NoSuchTable(String),
    #[error("no such stack: {0}")]
    NoSuchStack(String),
    #[error("the stack cannot be used: {0}")]
    Stack(String),
    #[error("no {0} given: use --stack, or --table (or TABLE_NAME) and --program")]
    NoTarget(&'static str),
    /// Which program is meant cannot be told (exit status 2).
    #[error("{0}")]
    Usage(String),
    #[error("AWS credentials missing or refused: {0}")]
    Credentials(String),
    #[error("not allowed by IAM: {0}")]
    Denied(String),
    #[error("{0}")]
    Config(String),
    /// The registration is not in a state the action applies to.
    #[error("{0}")]
    NotApplicable(String),
    /// A program file or a program command refused: the key and the rule.
    #[error("{0}")]
    Refused(String),
    #[error("no such program: {0}")]
    NoSuchProgram(String),
    #[error("could not write {0}")]
    Output(String),
    #[error("AWS request failed: {0}")]
    Aws(String),
}

impl From<registration::export::ExportError> for Failure {
    fn from(err: registration::export::ExportError) -> Self {
        Self::Output(err.to_string())
    }
}

impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        Self::Aws(err.to_string())
    }
}

impl From<AccessError> for Failure {
    fn from(err: AccessError) -> Self {
        match err {
            AccessError::NoSuchTable(table) => Self::NoSuchTable(table),
            AccessError::Credentials(cause) => Self::Credentials(cause),
            AccessError::Denied(cause) => Self::Denied(cause),
            AccessError::Store(err) => err.into(),
        }
    }
}

impl Failure {
    /// The exit status: 2 for a usage error, else 1.
    pub fn exit_status(&self) -> u8 {
        match self {
            Self::Usage(_) => 2,
            _ => 1,
        }
    }

    /// The line printed: one line, whatever the cause's text held.
    pub fn line(&self) -> String {
        let text = self.to_string();
        let one: Vec<&str> = text.split_whitespace().collect();
        format!("organizer: {}", one.join(" "))
    }
}
