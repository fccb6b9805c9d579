//! The case-file format as written by hand: shared settings, `[[case]]` requests with the outcome they
//! expect, and `[[scenario]]` lifecycles of several requests. Every value keeps its span for errors.

use crate::strict_toml::{Schema, fields_of, string_field};
use serde::Deserialize;
use toml::Spanned;
use toml::de::DeTable;

/// A whole case file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CaseFileDoc {
    pub filters: Option<Spanned<String>>,
    pub service: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    #[serde(default)]
    pub case: Vec<Spanned<CaseDoc>>,
    #[serde(default)]
    pub scenario: Vec<Spanned<ScenarioDoc>>,
}

/// One `[[case]]`: one request and its expected outcome.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CaseDoc {
    pub name: Spanned<String>,
    pub payload: Option<Spanned<String>>,
    pub body: Option<Spanned<String>>,
    pub service: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    #[serde(default)]
    pub skip: bool,
    pub expect: Option<Spanned<ExpectDoc>>,
}

/// `[case.expect]`: the fields of the outcome a case cares about, each in the form written (a filter
/// by name or by position, a mapping key or `false`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExpectDoc {
    pub code: Option<Spanned<toml::Value>>,
    pub filter: Option<Spanned<toml::Value>>,
    pub urgency: Option<Spanned<toml::Value>>,
    pub priority: Option<Spanned<toml::Value>>,
    pub title: Option<Spanned<toml::Value>>,
    pub description: Option<Spanned<toml::Value>>,
    pub map_key: Option<Spanned<toml::Value>>,
    pub resolve: Option<Spanned<toml::Value>>,
    pub warnings: Option<Spanned<toml::Value>>,
}

/// `resolve = { filter = …, map_key = … }` inside an expectation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResolveExpectDoc {
    pub filter: Option<toml::Value>,
    pub map_key: Option<toml::Value>,
}

/// One `[[scenario]]`: requests through one simulation of Callgoose's incidents.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScenarioDoc {
    pub name: Spanned<String>,
    pub service: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    #[serde(default)]
    pub skip: bool,
    #[serde(default)]
    pub step: Vec<Spanned<StepDoc>>,
    pub open: Option<Spanned<Vec<String>>>,
}

/// One `[[scenario.step]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StepDoc {
    pub payload: Option<Spanned<String>>,
    pub body: Option<Spanned<String>>,
    pub expect: Option<Spanned<String>>,
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
