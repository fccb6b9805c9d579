//! `--bless`: writing actual outcomes into case files, keeping their comments and layout. Stated fields
//! that differ are rewritten in place; a case that states nothing gets a whole `[case.expect]`; a
//! scenario's steps get their actions and the incidents open at the end. Values are written as they
//! are, so that they pass on the next run; a case whose values would hold a secret is not blessed.

use super::run::Ran;
use super::val::Val;
use super::{Case, CaseBody, Field};
use crate::secrets::{Kind, Mask};
use anyhow::{Context, Result, anyhow};
use toml_edit::{DocumentMut, Item, Table, TableLike};

/// The case file's text with the actual outcomes of `ran` written in, and how many values changed.
pub fn bless(text: &str, ran: &[(&Case, &Ran)]) -> Result<(String, usize)> {
    let mut doc: DocumentMut = text.parse().context("cannot re-read the case file")?;
    let mut changed = 0;
    for (case, ran) in ran {
        let (array, index) = match case.body {
            CaseBody::Request { .. } => ("case", case.index),
            CaseBody::Scenario { .. } => ("scenario", case.index),
        };
        let entry = doc
            .get_mut(array)
            .and_then(|a| a.as_array_of_tables_mut())
            .and_then(|a| a.get_mut(index))
            .ok_or_else(|| anyhow!("cannot find {array} #{} in the file", index + 1))?;
        let values = written(case, ran);
        changed += match case.body {
            CaseBody::Request { .. } if ran.compared.is_empty() => {
                let mut expect = Table::new();
                for (field, value) in &values {
                    expect.insert(&field.to_string(), Item::Value(value.to_edit()));
                }
                entry.insert("expect", Item::Table(expect));
                values.len()
            }
            CaseBody::Request { .. } => {
                let Some(expect) = entry.get_mut("expect").and_then(Item::as_table_like_mut) else {
                    continue;
                };
                for (field, value) in &values {
                    set(expect, &field.to_string(), value);
                }
                values.len()
            }
            CaseBody::Scenario { .. } => {
                for (field, value) in &values {
                    match field {
                        Field::Step(i) => {
                            let step = entry
                                .get_mut("step")
                                .and_then(|s| s.as_array_of_tables_mut())
                                .and_then(|s| s.get_mut(*i))
                                .ok_or_else(|| {
                                    anyhow!("cannot find step {} of the scenario", i + 1)
                                })?;
                            set(step, "expect", value);
                        }
                        _ => set(entry, &field.to_string(), value),
                    }
                }
                values.len()
            }
        };
    }
    Ok((doc.to_string(), changed))
}

/// The first value that blessing `ran` would write and that holds a secret by `mask`: its field and
/// what it holds. Such a case is not blessed: a mask in a case file could never pass, and a secret
/// must not be written.
pub fn secret(case: &Case, ran: &Ran, mask: Mask<'_>) -> Option<(Field, Kind)> {
    written(case, ran)
        .into_iter()
        .find_map(|(field, value)| value.secret(mask).map(|kind| (field, kind)))
}

/// The values blessing writes: a request case that states nothing gets its whole actual outcome;
/// otherwise every actual value that is not stated as it is.
fn written<'r>(case: &Case, ran: &'r Ran) -> Vec<(Field, &'r Val)> {
    match case.body {
        CaseBody::Request { .. } if ran.compared.is_empty() => {
            ran.actual.iter().map(|(f, v)| (*f, v)).collect()
        }
        CaseBody::Request { .. } => ran
            .compared
            .iter()
            .filter(|c| !c.holds())
            .map(|c| (c.field, &c.actual))
            .collect(),
        CaseBody::Scenario { .. } => ran
            .actual
            .iter()
            .filter(|(field, _)| !ran.compared.iter().any(|c| c.field == *field && c.holds()))
            .map(|(f, v)| (*f, v))
            .collect(),
    }
}

/// Sets `key` to `value`, keeping the comments and spacing around an existing value.
fn set(table: &mut dyn TableLike, key: &str, value: &Val) {
    let mut new = value.to_edit();
    if let Some(old) = table.get(key).and_then(Item::as_value) {
        *new.decor_mut() = old.decor().clone();
    }
    table.insert(key, Item::Value(new));
}
