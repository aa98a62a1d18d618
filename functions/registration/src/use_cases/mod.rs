//! What the functions do, one module per use case: registering, confirming,
//! cancelling, sending the links, recording SES's feedback, the owed-email
//! pipeline they share, which program a participant's request is for, and resolving the token behind a confirm or cancel URL.

pub mod action;
pub mod cancelling;
pub mod confirming;
pub mod owed_email;
pub mod program_choice;
pub mod recording_feedback;
pub mod registering;
pub mod send_links;
