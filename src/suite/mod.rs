//! Test suites: case files of expected incident actions, loaded, run and compared.
//!
//! A case file holds `[[case]]`s (one request and the fields of the outcome it expects) and
//! `[[scenario]]`s (requests in order through one simulation of Callgoose's incidents, with the action
//! each step should take and the incidents left open). `discover` finds case files, `schema` is the
//! file format, `load` reads it, `reach` bounds the files a case file may read, `run_case` runs a
//! case or scenario against its expectations, `coverage` tells which filter parts no case exercised
//! and `bless` writes actual outcomes back into the files.

pub mod bless;
pub mod coverage;
mod discover;
mod load;
mod reach;
pub mod run_case;
pub(crate) mod schema;
mod shapes;
pub mod val;

pub use discover::{Unusable, discover};
pub use load::{LoadOptions, ServiceCache, load_case_file};
// The rule that tells a case file from a filter file lives with the folder walker, which filter loading
// shares; the suite is where users of the library look for it.
pub use crate::walk::is_case_file;

use crate::access::Tokens;
use crate::filter::{Service, State};
use crate::payload::Payload;
use crate::secrets::Secrets;
use std::fmt;
use std::path::PathBuf;
use val::Val;

/// A loaded case file.
#[derive(Debug)]
pub struct CaseFile {
    /// The file, as found.
    pub path: PathBuf,
    /// Its text when it was loaded: what its cases ran from.
    pub text: String,
    /// It names no filters of its own: it runs against `--filters`.
    pub default_filters: bool,
    /// Its cases and scenarios, in file order.
    pub cases: Vec<Case>,
    /// Every file its outcomes depend on: its filter files and the payload files it names.
    pub reads: Vec<PathBuf>,
}

/// One case or scenario.
#[derive(Debug)]
pub struct Case {
    /// Its name.
    pub name: String,
    /// 1-based line of its `[[case]]` or `[[scenario]]`.
    pub line: usize,
    /// 0-based position among the file's cases, or among its scenarios.
    pub index: usize,
    /// `skip = true`: reported, not run.
    pub skip: bool,
    /// The service it runs against, with the case's `from` applied.
    pub service: Service,
    /// The secrets its reports hide: the tokens it names.
    pub secrets: Secrets,
    /// What it sends and expects.
    pub body: CaseBody,
}

/// A case's requests and expectations.
#[derive(Debug)]
pub enum CaseBody {
    /// One request.
    Request {
        /// The body sent.
        payload: Payload,
        /// The fields stated in `[case.expect]`; empty before a first `--bless`.
        expect: Vec<Stated>,
    },
    /// Several requests through one simulation.
    Scenario {
        /// The tokens Callgoose knows; none: tokens are not checked.
        tokens: Tokens,
        /// The requests, in order.
        steps: Vec<Step>,
        /// The expected actions of the steps and the incidents open at the end.
        expect: Vec<Stated>,
    },
}

/// One request of a scenario.
#[derive(Debug)]
pub struct Step {
    /// The body sent.
    pub payload: Payload,
    /// The token it carries.
    pub token: Option<String>,
    /// The service's state when it arrives, when the step says.
    pub state: Option<State>,
}

/// One expected value, where the case file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stated {
    /// What is expected.
    pub field: Field,
    /// The expected value, in the form written.
    pub value: Val,
    /// 1-based line of the statement.
    pub line: usize,
}

/// What a case can state about an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// The response code.
    Code,
    /// The filter whose trigger part fired, by name or position.
    Filter,
    /// The incident's urgency.
    Urgency,
    /// The incident's priority, or `false` for none.
    Priority,
    /// The incident's title.
    Title,
    /// The incident's description.
    Description,
    /// The incident's mapping value, or `false` for none.
    MapKey,
    /// The resolve part that matched, or `false` for none.
    Resolve,
    /// The kinds of warnings.
    Warnings,
    /// The action of a scenario's step (0-based).
    Step(usize),
    /// The mapping values of the incidents open after a scenario.
    Open,
}

impl Field {
    /// The fields of `[case.expect]`, in the order they are shown and blessed.
    pub const REQUEST: [(Field, &'static str); 9] = [
        (Field::Code, "code"),
        (Field::Filter, "filter"),
        (Field::Urgency, "urgency"),
        (Field::Priority, "priority"),
        (Field::Title, "title"),
        (Field::Description, "description"),
        (Field::MapKey, "map_key"),
        (Field::Resolve, "resolve"),
        (Field::Warnings, "warnings"),
    ];
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Step(i) => write!(f, "step {}", i + 1),
            Field::Open => f.write_str("open"),
            other => f.write_str(
                Field::REQUEST
                    .iter()
                    .find(|(field, _)| field == other)
                    .map_or("", |(_, name)| name),
            ),
        }
    }
}
