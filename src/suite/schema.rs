//! The case-file format as written by hand: shared settings, `[[case]]` requests with the outcome they
//! expect, and `[[scenario]]` lifecycles of several requests. Every value keeps its span for errors.
//! The types also derive the JSON Schema that editors check case files with (`sqibs-filter schema
//! cases`): their doc comments are its descriptions, their `schemars` attributes its rules.

use super::shapes;
use crate::filter::shapes::StateWord;
use crate::schema_shape::FalseOr;
use crate::strict_toml::{Schema, fields_of, string_field};
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

/// A case file: what sample requests must make Callgoose do (`[[case]]`), and whole alert lifecycles
/// (`[[scenario]]`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "sqibs-filter case file", transform = shapes::require_cases)]
pub(super) struct CaseFileDoc {
    /// The filter file or folder the cases run against, relative to this file; default: `--filters`.
    #[schemars(with = "Option<String>")]
    pub filters: Option<Spanned<String>>,
    /// The service every case runs against unless it names its own; needed when the filters hold
    /// several services.
    #[schemars(with = "Option<String>")]
    pub service: Option<Spanned<String>>,
    /// The request's `from=` parameter for every case; default: the filter file's `from`.
    #[schemars(with = "Option<String>")]
    pub from: Option<Spanned<String>>,
    /// The cases: one request each, and the outcome it must have.
    #[schemars(with = "Vec<CaseDoc>")]
    #[serde(default)]
    pub case: Vec<Spanned<CaseDoc>>,
    /// The scenarios: requests sent in order through one simulation of Callgoose's incidents.
    #[schemars(with = "Vec<ScenarioDoc>")]
    #[serde(default)]
    pub scenario: Vec<Spanned<ScenarioDoc>>,
}

/// One `[[case]]`: one request and its expected outcome.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shapes::payload_or_body)]
pub(super) struct CaseDoc {
    /// The case's name in reports and for `--name`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The request body: a file, relative to this case file. Give this or `body`.
    #[schemars(with = "Option<String>")]
    pub payload: Option<Spanned<String>>,
    /// The request body itself, e.g. `'{"status": "firing"}'`. Give this or `payload`.
    #[schemars(with = "Option<String>")]
    pub body: Option<Spanned<String>>,
    /// The service this case runs against, over the file's `service`.
    #[schemars(with = "Option<String>")]
    pub service: Option<Spanned<String>>,
    /// The request's `from=` parameter for this case, over the file's `from`.
    #[schemars(with = "Option<String>")]
    pub from: Option<Spanned<String>>,
    /// Report the case as skipped instead of running it.
    #[serde(default)]
    pub skip: bool,
    /// `[case.expect]`: the outcome fields this case cares about; the rest are not compared. Needed
    /// unless `--bless` is about to write it.
    #[schemars(with = "Option<ExpectDoc>")]
    pub expect: Option<Spanned<ExpectDoc>>,
}

/// `[case.expect]`: the fields of the outcome a case cares about, each in the form written (a filter
/// by name or by position, a mapping key or `false`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ExpectDoc {
    /// The response code: 201 an incident was created, 200 a resolve part matched and nothing was
    /// created, 202 the request was discarded.
    #[schemars(with = "Option<shapes::ExpectedCode>")]
    pub code: Option<Spanned<toml::Value>>,
    /// The filter that creates the incident: its name, or its position from 1; `false`: none.
    #[schemars(with = "Option<FalseOr<shapes::FilterReference>>")]
    pub filter: Option<Spanned<toml::Value>>,
    /// The incident's urgency, `high` or `low`; `false`: no incident.
    #[schemars(with = "Option<FalseOr<shapes::ExpectedUrgency>>")]
    pub urgency: Option<Spanned<toml::Value>>,
    /// The incident's priority, `"P1"` to `"P5"` as reports show it; `false`: the filter gives none.
    #[schemars(with = "Option<FalseOr<shapes::ExpectedPriority>>")]
    pub priority: Option<Spanned<toml::Value>>,
    /// The incident's title, exactly; `false`: no incident.
    #[schemars(with = "Option<FalseOr<String>>")]
    pub title: Option<Spanned<toml::Value>>,
    /// The incident's description, exactly; `false`: no incident.
    #[schemars(with = "Option<FalseOr<String>>")]
    pub description: Option<Spanned<toml::Value>>,
    /// The incident's mapping key (the `map_with` value); `false`: no mapping key.
    #[schemars(with = "Option<FalseOr<String>>")]
    pub map_key: Option<Spanned<toml::Value>>,
    /// The resolve part that matches: `{ filter = "name" or position, map_key = "value" or false }`;
    /// `false`: none.
    #[schemars(with = "Option<FalseOr<ResolveExpectDoc>>")]
    pub resolve: Option<Spanned<toml::Value>>,
    /// The kinds of the request's warnings, e.g. `["title_fallback"]`; `[]`: none.
    #[schemars(with = "Option<Vec<String>>")]
    pub warnings: Option<Spanned<toml::Value>>,
}

/// `resolve = { filter = …, map_key = … }` inside an expectation.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ResolveExpectDoc {
    /// The filter whose resolve part matches: its name, or its position from 1.
    #[schemars(with = "Option<shapes::FilterReference>")]
    pub filter: Option<toml::Value>,
    /// The mapping value it resolves by; `false`: the payload has none.
    #[schemars(with = "Option<FalseOr<String>>")]
    pub map_key: Option<toml::Value>,
}

/// One `[[scenario]]`: requests through one simulation of Callgoose's incidents.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shapes::require_steps)]
pub(super) struct ScenarioDoc {
    /// The scenario's name in reports and for `--name`.
    #[schemars(with = "String")]
    pub name: Spanned<String>,
    /// The service this scenario runs against, over the file's `service`.
    #[schemars(with = "Option<String>")]
    pub service: Option<Spanned<String>>,
    /// The requests' `from=` parameter, over the file's `from`.
    #[schemars(with = "Option<String>")]
    pub from: Option<Spanned<String>>,
    /// Report the scenario as skipped instead of running it.
    #[serde(default)]
    pub skip: bool,
    /// The API tokens Callgoose knows, as `--token` takes them: `"SECRET"` (global: every service) or
    /// `"SERVICE=SECRET"` (that service only). Given: a step without a `token` is refused with 401, one
    /// whose token is none of these with 403, and one whose token is another service's never reaches
    /// this one (`unreached`). Absent: tokens are not checked.
    #[schemars(with = "Option<Vec<String>>")]
    pub tokens: Option<Spanned<Vec<String>>>,
    /// The requests, in order, each with the action it must take.
    #[schemars(with = "Vec<StepDoc>", length(min = 1))]
    #[serde(default)]
    pub step: Vec<Spanned<StepDoc>>,
    /// The mapping values still open at the end (`""` for an incident without one). Write it above the
    /// first `[[scenario.step]]`: keys after a header belong to that table.
    #[schemars(with = "Option<Vec<String>>")]
    pub open: Option<Spanned<Vec<String>>>,
}

/// One `[[scenario.step]]`: a request and the action it must take.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = shapes::payload_or_body)]
pub(super) struct StepDoc {
    /// The request body: a file, relative to this case file. Give this or `body`.
    #[schemars(with = "Option<String>")]
    pub payload: Option<Spanned<String>>,
    /// The request body itself. Give this or `payload`.
    #[schemars(with = "Option<String>")]
    pub body: Option<Spanned<String>>,
    /// The API token the request carries (checked against the scenario's `tokens`).
    #[schemars(with = "Option<String>", length(min = 1))]
    pub token: Option<Spanned<String>>,
    /// The service's state when this request arrives: `enabled`, `disabled` or `maintenance`;
    /// default: the filter file's (or `--maintenance`).
    #[schemars(with = "Option<StateWord>")]
    pub state: Option<Spanned<String>>,
    /// The action the request must take, or the actions joined with `+` (`created+resolved`). Needed
    /// unless `--bless` is about to write it.
    #[schemars(with = "Option<shapes::ExpectedActions>")]
    pub expect: Option<Spanned<String>>,
}

/// The JSON Schema of case files, as `generator` writes schemas (see `json_schema`).
pub(crate) fn json_schema(generator: schemars::SchemaGenerator) -> schemars::Schema {
    generator.into_root_schema_for::<CaseFileDoc>()
}

/// The kinds of table in a case file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    Root,
    Case,
    Expect,
    ResolveExpect,
    Scenario,
    Step,
}

impl Schema for Table {
    fn fields(self) -> &'static [&'static str] {
        match self {
            Table::Root => fields_of::<CaseFileDoc>(),
            Table::Case => fields_of::<CaseDoc>(),
            Table::Expect => fields_of::<ExpectDoc>(),
            Table::ResolveExpect => fields_of::<ResolveExpectDoc>(),
            Table::Scenario => fields_of::<ScenarioDoc>(),
            Table::Step => fields_of::<StepDoc>(),
        }
    }

    fn child(self, field: &str) -> Option<Table> {
        match (self, field) {
            (Table::Root, "case") => Some(Table::Case),
            (Table::Root, "scenario") => Some(Table::Scenario),
            (Table::Case, "expect") => Some(Table::Expect),
            (Table::Expect, "resolve") => Some(Table::ResolveExpect),
            (Table::Scenario, "step") => Some(Table::Step),
            _ => None,
        }
    }

    fn header(self) -> &'static str {
        match self {
            Table::Root => "the top level",
            Table::Case => "[[case]]",
            Table::Expect => "[case.expect]",
            Table::ResolveExpect => "the expected resolve",
            Table::Scenario => "[[scenario]]",
            Table::Step => "[[scenario.step]]",
        }
    }

    fn item_context(self, position: usize, item: &DeTable<'_>) -> Option<String> {
        let kind = match self {
            Table::Case => "case",
            Table::Scenario => "scenario",
            _ => return None,
        };
        let name = string_field(item, "name").unwrap_or("");
        Some(format!("in {kind} #{position} \"{name}\""))
    }
}
