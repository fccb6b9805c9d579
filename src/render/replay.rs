//! The `replay` reports: a timeline line per request and a summary (human), or one object per request
//! and a summary (JSON); with `--diff-filters`, the requests whose outcome changed and the counts side by
//! side. A request's values are masked with its own secrets (see `sanitize`), and an open incident's
//! with those of the request that opened it.
//!
//! One module per format: `human` writes the timeline and the tables, `json` the JSON Lines (and the
//! process endpoint's response body, which `serve` answers with); what a refused request's status
//! means is said here, once for both.

mod human;
mod json;

pub use human::HumanReplay;
pub use json::{JsonReplay, response_body};
pub(super) use json::{OpenJson, RecordJson, record_json};

/// What a refused request's status means: the human timeline and the JSON `error` say the same.
fn refusal(code: u16) -> Option<&'static str> {
    match code {
        401 => Some("unauthorized: the request carries no API token"),
        403 => Some("forbidden: the request's API token is none Callgoose knows"),
        _ => None,
    }
}
