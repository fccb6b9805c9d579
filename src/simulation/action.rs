//! What a step did, in words: one [`Action`] per side of a step, named as scenarios state it, and what a
//! resolve closes.

use super::{Resolved, Step, Triggered};
use std::fmt;

/// `close incident #3`, `close incidents #3, #4`, or `close no incident`: what a resolve does, in words.
pub fn closing_words(ids: &[usize]) -> String {
    match ids {
        [] => "close no incident".to_owned(),
        [one] => format!("close incident #{one}"),
        many => format!(
            "close incidents {}",
            many.iter()
                .map(|id| format!("#{id}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// One word for what a step did, as scenarios state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// An incident was created.
    Created,
    /// A repeat was folded into an open incident.
    Duplicate,
    /// Open incidents were resolved.
    Resolved,
    /// A resolve part matched but nothing was open with its mapping value.
    NoOpenIncident,
    /// A trigger held, but its service is in maintenance: no incident was created.
    Suppressed,
    /// Nothing matched.
    Discarded,
    /// `401`: tokens are checked and the request carries none.
    Unauthorized,
    /// `403`: the request's token is not one Callgoose knows.
    Forbidden,
    /// The request's token is valid, but for other services only: this one never saw it.
    Unreached,
}

impl Action {
    /// Every action, with its name.
    pub const ALL: [(Action, &'static str); 9] = [
        (Action::Created, "created"),
        (Action::Duplicate, "duplicate"),
        (Action::Resolved, "resolved"),
        (Action::NoOpenIncident, "no-open-incident"),
        (Action::Suppressed, "suppressed"),
        (Action::Discarded, "discarded"),
        (Action::Unauthorized, "unauthorized"),
        (Action::Forbidden, "forbidden"),
        (Action::Unreached, "unreached"),
    ];

    /// Reads an action's name.
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(a, _)| *a)
    }

    /// The action's name.
    pub fn name(self) -> &'static str {
        Action::ALL
            .iter()
            .find(|(a, _)| *a == self)
            .map_or("", |(_, n)| n)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Step {
    /// The actions of this step, trigger side first: `[Discarded]` when nothing matched.
    pub fn actions(&self) -> Vec<Action> {
        let mut actions = Vec::new();
        match &self.triggered {
            Some(Triggered::Created(_)) => actions.push(Action::Created),
            Some(Triggered::Duplicate(_)) => actions.push(Action::Duplicate),
            None if self.suppressed => actions.push(Action::Suppressed),
            None => {}
        }
        match &self.resolved {
            Some(Resolved::Closed(_)) => actions.push(Action::Resolved),
            Some(Resolved::NoOpenIncident) => actions.push(Action::NoOpenIncident),
            None => {}
        }
        if actions.is_empty() {
            actions.push(Action::Discarded);
        }
        actions
    }
}
