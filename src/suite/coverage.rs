//! Which filter parts no case exercised: a trigger part that never fired or a resolve part that never
//! matched is untested, whatever the rest of the suite says.

use super::run_case::{Hit, Part};
use crate::filter::Service;
use std::collections::HashSet;
use std::fmt;

/// A filter part that no case exercised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    /// The service.
    pub service: String,
    /// The filter's 1-based position.
    pub position: usize,
    /// The filter's name.
    pub filter: String,
    /// The part.
    pub part: Part,
    /// The filter file.
    pub file: String,
    /// The 1-based line of the part's table in it.
    pub line: usize,
}

impl fmt::Display for Uncovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = match self.part {
            Part::Trigger => "trigger",
            Part::Resolve => "resolve",
        };
        write!(
            f,
            "{}: filter #{} \"{}\": the {part} part",
            self.service, self.position, self.filter
        )
    }
}

/// The parts of `services` that `hits` does not include, in service and filter order.
pub fn uncovered<'s>(
    services: impl IntoIterator<Item = &'s Service>,
    hits: &HashSet<Hit>,
) -> Vec<Uncovered> {
    let mut missing = Vec::new();
    for service in services {
        for filter in &service.filters {
            let mut parts = vec![(Part::Trigger, filter.trigger.line)];
            if let Some(resolve) = &filter.resolve {
                parts.push((Part::Resolve, resolve.line));
            }
            for (part, line) in parts {
                let hit = Hit {
                    service: service.name.clone(),
                    position: filter.position,
                    part,
                };
                if !hits.contains(&hit) {
                    missing.push(Uncovered {
                        service: service.name.clone(),
                        position: filter.position,
                        filter: filter.name.clone(),
                        part,
                        file: service.file.display().to_string(),
                        line,
                    });
                }
            }
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::parse_service;
    use crate::semantics::SemanticsLayer;
    use std::path::Path;

    #[test]
    fn lists_parts_without_hits() {
        let s = parse_service(
            Path::new("s.toml"),
            r#"
[[filter]]
urgency = "low"
[filter.trigger]
conditions = [{ key = "a", contains = ["x"] }]
title_from = "t"
[filter.resolve]
conditions = [{ key = "a", contains = ["y"] }]
mapped_with = "id"
[[filter]]
name = "two"
urgency = "low"
[filter.trigger]
conditions = [{ key = "b", contains = ["x"] }]
title_from = "t"
"#,
            SemanticsLayer::default(),
        )
        .unwrap();
        let hits = HashSet::from([Hit {
            service: "s".into(),
            position: 1,
            part: Part::Trigger,
        }]);
        let missing: Vec<String> = uncovered([&s], &hits)
            .iter()
            .map(|u| u.to_string())
            .collect();
        assert_eq!(
            missing,
            [
                "s: filter #1 \"filter 1\": the resolve part",
                "s: filter #2 \"two\": the trigger part"
            ]
        );
    }
}
