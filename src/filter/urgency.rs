//! How urgent an incident is: the urgency words a filter takes (`high`, `low`, or a priority) and the
//! priorities `P1` to `P5`, which Callgoose pages P1-P3 with high urgency and P4-P5 with low.

use std::fmt;

/// Incident urgency. Callgoose maps priorities P1-P3 to high and P4-P5 to low.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// Pages now.
    High,
    /// Waits.
    Low,
}

impl Urgency {
    /// The words a filter file may give, as Callgoose's form spells them; any case is accepted.
    pub const WORDS: [(&'static str, Urgency); 7] = [
        ("high", Urgency::High),
        ("low", Urgency::Low),
        ("P1", Urgency::High),
        ("P2", Urgency::High),
        ("P3", Urgency::High),
        ("P4", Urgency::Low),
        ("P5", Urgency::Low),
    ];

    /// Reads `high`, `low` (any case) or a priority `P1`..`P5`.
    pub fn parse(text: &str) -> Option<Urgency> {
        Urgency::WORDS
            .iter()
            .find(|(word, _)| word.eq_ignore_ascii_case(text))
            .map(|&(_, urgency)| urgency)
    }

    /// `high` or `low`.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::High => "high",
            Urgency::Low => "low",
        }
    }
}

impl fmt::Display for Urgency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An incident's priority, `P1` (the most urgent) to `P5`. Callgoose pages P1-P3 with high urgency and
/// P4-P5 with low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Priority(u8);

impl Priority {
    /// Reads `P1`..`P5` (any case).
    pub fn parse(text: &str) -> Option<Priority> {
        let level = text.strip_prefix(['P', 'p'])?;
        match level {
            "1" | "2" | "3" | "4" | "5" => level.parse().ok().map(Priority),
            _ => None,
        }
    }

    /// The urgency incidents of this priority page with.
    pub fn urgency(self) -> Urgency {
        if self.0 <= 3 {
            Urgency::High
        } else {
            Urgency::Low
        }
    }

    /// `P1`..`P5`.
    pub fn as_str(self) -> &'static str {
        ["P1", "P2", "P3", "P4", "P5"][usize::from(self.0 - 1)]
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{Priority, Urgency};

    #[test]
    fn urgency_words_and_priorities() {
        for (text, urgency) in [
            ("high", Urgency::High),
            ("HIGH", Urgency::High),
            ("Low", Urgency::Low),
            ("P1", Urgency::High),
            ("p3", Urgency::High),
            ("P4", Urgency::Low),
            ("p5", Urgency::Low),
        ] {
            assert_eq!(Urgency::parse(text), Some(urgency), "{text}");
        }
        assert_eq!(Urgency::parse("P6"), None);
        assert_eq!(Urgency::parse("urgent"), None);
    }

    #[test]
    fn priorities_page_with_their_urgency() {
        let read: Vec<_> = ["P1", "p2", "P3", "P4", "p5"]
            .iter()
            .map(|t| Priority::parse(t).map(|p| (p.as_str(), p.urgency())))
            .collect();
        use Urgency::{High, Low};
        assert_eq!(
            read,
            [
                Some(("P1", High)),
                Some(("P2", High)),
                Some(("P3", High)),
                Some(("P4", Low)),
                Some(("P5", Low))
            ]
        );
        for bad in ["P0", "P6", "P", "1", "P1 ", "P+1", "P01", "high"] {
            assert_eq!(Priority::parse(bad), None, "{bad}");
        }
    }
}
