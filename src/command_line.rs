//! The command lines that hints print for the user to run: built from the options in force and quoted
//! for a POSIX shell, so that running one reproduces exactly what the hint is about.

use crate::semantics::SemanticsLayer;
use std::fmt;
use std::path::Path;

/// The program's name as the user types it.
const PROGRAM: &str = "sqibs-filter";

/// A `sqibs-filter` command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    words: Vec<String>,
}

impl CommandLine {
    /// `sqibs-filter COMMAND`.
    pub fn new(command: &str) -> CommandLine {
        CommandLine {
            words: vec![PROGRAM.to_owned(), command.to_owned()],
        }
    }

    /// Adds a flag or an option's value.
    pub fn arg(mut self, word: impl Into<String>) -> CommandLine {
        self.words.push(word.into());
        self
    }

    /// Adds an option with a path value.
    pub fn path_option(self, option: &str, path: &Path) -> CommandLine {
        self.arg(option).arg(path.display().to_string())
    }

    /// Adds the flags that force the readings of `layer`, as the command line that printed the hint
    /// forced them.
    pub fn semantics(mut self, layer: SemanticsLayer) -> CommandLine {
        // Written out field by field, so that a new reading cannot be forgotten here.
        let SemanticsLayer {
            case_sensitive,
            conditions,
            nested_keys,
            resolve_scope,
            null_values,
            empty_map_value,
        } = layer;
        match case_sensitive {
            Some(true) => self = self.arg("--case-sensitive"),
            Some(false) => self = self.arg("--case-insensitive"),
            None => {}
        }
        if let Some(how) = conditions {
            self = self.arg("--conditions").arg(how.to_string());
        }
        match nested_keys {
            Some(true) => self = self.arg("--nested-keys"),
            Some(false) => self = self.arg("--no-nested-keys"),
            None => {}
        }
        if let Some(scope) = resolve_scope {
            self = self.arg("--resolve-scope").arg(scope.to_string());
        }
        if let Some(null) = null_values {
            self = self.arg("--null-values").arg(null.to_string());
        }
        if let Some(empty) = empty_map_value {
            self = self.arg("--empty-map-value").arg(empty.to_string());
        }
        self
    }

    /// Adds positional paths last; behind `--` when one of them could be taken for a flag.
    pub fn paths<'p>(mut self, paths: impl IntoIterator<Item = &'p Path>) -> CommandLine {
        let paths: Vec<String> = paths.into_iter().map(|p| p.display().to_string()).collect();
        if paths.iter().any(|p| p.starts_with('-') && p != "-") {
            self.words.push("--".to_owned());
        }
        self.words.extend(paths);
        self
    }
}

impl fmt::Display for CommandLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, word) in self.words.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(&quote(word))?;
        }
        Ok(())
    }
}

/// `word` as a POSIX shell reads it back: as it is when that is safe, else in single quotes.
fn quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::{Combine, EmptyMapValue, NullValues, ResolveScope};

    #[test]
    fn words_are_quoted_only_when_needed() {
        let c = CommandLine::new("check")
            .arg("--explain")
            .path_option("--filters", Path::new("my filters/a.toml"))
            .paths([Path::new("it's.json"), Path::new("b.json")]);
        assert_eq!(
            c.to_string(),
            r"sqibs-filter check --explain --filters 'my filters/a.toml' 'it'\''s.json' b.json"
        );
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn paths_that_look_like_flags_follow_a_double_dash() {
        let c = CommandLine::new("check").paths([Path::new("-x.json"), Path::new("-")]);
        assert_eq!(c.to_string(), "sqibs-filter check -- -x.json -");
        let c = CommandLine::new("check").paths([Path::new("-")]);
        assert_eq!(c.to_string(), "sqibs-filter check -");
    }

    #[test]
    fn forced_readings_become_flags() {
        let layer = SemanticsLayer {
            case_sensitive: Some(false),
            conditions: Some(Combine::Any),
            nested_keys: Some(false),
            resolve_scope: Some(ResolveScope::Filter),
            null_values: Some(NullValues::Missing),
            empty_map_value: Some(EmptyMapValue::None),
        };
        let c = CommandLine::new("check").semantics(layer);
        assert_eq!(
            c.to_string(),
            "sqibs-filter check --case-insensitive --conditions any --no-nested-keys \
             --resolve-scope filter --null-values missing --empty-map-value none"
        );
        let none = CommandLine::new("check").semantics(SemanticsLayer::default());
        assert_eq!(none.to_string(), "sqibs-filter check");
    }
}
