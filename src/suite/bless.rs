//! `--bless`: writing actual outcomes into case files, keeping their comments and layout. Stated fields
//! that differ are rewritten in place; a case that states nothing gets a whole `[case.expect]`; a
//! scenario's steps get their actions and the incidents open at the end.

use super::run::Ran;
use super::{Case, CaseBody, Field};
use crate::secrets::Secrets;
use anyhow::{Context, Result, anyhow};
use toml_edit::{DocumentMut, Item, Table, TableLike};

/// The case file's text with the actual outcomes of `ran` written in, and how many values changed.
pub fn bless(text: &str, ran: &[(&Case, &Ran)], secrets: &Secrets) -> Result<(String, usize)> {
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
        changed += match case.body {
            CaseBody::Request { .. } => bless_request(entry, ran, secrets),
            CaseBody::Scenario { .. } => bless_scenario(entry, ran, secrets)?,
        };
    }
    Ok((doc.to_string(), changed))
}

fn bless_request(case: &mut Table, ran: &Ran, secrets: &Secrets) -> usize {
    if ran.compared.is_empty() {
        let mut expect = Table::new();
        for (field, value) in &ran.actual {
            expect.insert(
                &field.to_string(),
                Item::Value(value.redacted(secrets).to_edit()),
            );
        }
        case.insert("expect", Item::Table(expect));
        return ran.actual.len();
    }
    let Some(expect) = case.get_mut("expect").and_then(Item::as_table_like_mut) else {
        return 0;
    };
    let mut changed = 0;
    for c in ran.compared.iter().filter(|c| !c.holds()) {
        set(expect, &c.field.to_string(), &c.actual.redacted(secrets));
        changed += 1;
    }
    changed
}

fn bless_scenario(scenario: &mut Table, ran: &Ran, secrets: &Secrets) -> Result<usize> {
    let mut changed = 0;
    for (field, value) in &ran.actual {
        let stated = ran.compared.iter().find(|c| c.field == *field);
        if stated.is_some_and(|c| c.holds()) {
            continue;
        }
        match field {
            Field::Step(i) => {
                let step = scenario
                    .get_mut("step")
                    .and_then(|s| s.as_array_of_tables_mut())
                    .and_then(|s| s.get_mut(*i))
                    .ok_or_else(|| anyhow!("cannot find step {} of the scenario", i + 1))?;
                set(step, "expect", value);
            }
            _ => set(scenario, &field.to_string(), &value.redacted(secrets)),
        }
        changed += 1;
    }
    Ok(changed)
}

/// Sets `key` to `value`, keeping the comments and spacing around an existing value.
fn set(table: &mut dyn TableLike, key: &str, value: &super::val::Val) {
    let mut new = value.to_edit();
    if let Some(old) = table.get(key).and_then(Item::as_value) {
        *new.decor_mut() = old.decor().clone();
    }
    table.insert(key, Item::Value(new));
}
