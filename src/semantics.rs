//! The readings of Callgoose behaviour that its documentation leaves open, and how they are chosen.
//!
//! Each service starts from the documented defaults, a filter file's `[semantics]` table may change them,
//! and command-line flags win over both.

use schemars::JsonSchema;
use serde::Deserialize;
use std::fmt;

/// How the (up to two) conditions of one trigger part combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// Every condition must hold (the default: the documentation's wording points this way).
    All,
    /// One condition holding is enough.
    Any,
}

impl fmt::Display for Combine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Combine::All => "all",
            Combine::Any => "any",
        })
    }
}

/// The readings in force for one service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Semantics {
    /// Whether "key value contains" compares case-sensitively.
    pub case_sensitive: bool,
    /// How the trigger conditions of one filter combine.
    pub conditions: Combine,
}

impl Default for Semantics {
    /// The reference's default readings: case-insensitive contains, all trigger conditions.
    fn default() -> Self {
        Semantics {
            case_sensitive: false,
            conditions: Combine::All,
        }
    }
}

/// A partial set of readings: what one layer (a filter file, or the command line) says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SemanticsLayer {
    /// Whether "key value contains" compares case-sensitively; default: no, as the documented example
    /// matches `this` against `This is content`.
    #[schemars(extend("default" = false))]
    pub case_sensitive: Option<bool>,
    /// How the two conditions of a trigger part combine: `all` must hold (the default), or `any` one.
    #[schemars(extend("default" = "all"))]
    pub conditions: Option<Combine>,
}

impl Semantics {
    /// Applies `layer` on top of these readings: what the layer states wins.
    pub fn with(self, layer: SemanticsLayer) -> Semantics {
        Semantics {
            case_sensitive: layer.case_sensitive.unwrap_or(self.case_sensitive),
            conditions: layer.conditions.unwrap_or(self.conditions),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_reference() {
        let s = Semantics::default();
        assert!(!s.case_sensitive);
        assert_eq!(s.conditions, Combine::All);
    }

    #[test]
    fn later_layers_win_and_silent_layers_keep() {
        let file = SemanticsLayer {
            case_sensitive: Some(true),
            conditions: Some(Combine::Any),
        };
        let cli = SemanticsLayer {
            case_sensitive: Some(false),
            conditions: None,
        };
        let s = Semantics::default().with(file).with(cli);
        assert!(!s.case_sensitive);
        assert_eq!(s.conditions, Combine::Any);
    }
}
