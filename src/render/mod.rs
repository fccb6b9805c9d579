//! Everything the user sees is written here: the reports of each command (one module per format, each
//! implementing the report trait its command defines) and the error and warning lines on standard
//! error. Nothing else in the crate prints. Every value a report shows from a request passes `sanitize`
//! on the way, with that request's mask.

pub(crate) mod api_log;
mod github;
mod human;
pub(crate) mod init;
mod json;
pub(crate) mod junit;
pub(crate) mod lint;
mod messages;
mod palette;
mod replay;
mod test_human;
mod test_json;
mod trace_json;
mod why;

// Every report escapes and masks through it.
use crate::sanitize;

pub use github::GithubTest;
pub use human::HumanCheck;
pub use json::JsonCheck;
pub use messages::Messages;
pub use palette::Palette;
pub use replay::{HumanReplay, JsonReplay, response_body};
pub use test_human::HumanTest;
pub use test_json::JsonTest;

/// Clears a terminal, its scrollback too, and puts the cursor at the top, as `cargo watch` does before a
/// run.
pub fn clear_screen(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(b"\x1b[2J\x1b[3J\x1b[H")
}
