//! Colour by role, decided once per stream: callers say what a piece of text is, never which colour.

use colored::Colorize;

/// The colours of one output stream; plain when colour is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    on: bool,
}

impl Palette {
    /// A palette that colours when `on`.
    pub fn new(on: bool) -> Palette {
        if on {
            // `colored` has one global switch; the decision per stream is ours, so let it always colour
            // what we ask it to.
            colored::control::set_override(true);
        }
        Palette { on }
    }

    /// No colour at all.
    pub fn plain() -> Palette {
        Palette { on: false }
    }

    fn paint(&self, text: &str, style: fn(&str) -> colored::ColoredString) -> String {
        if self.on {
            style(text).to_string()
        } else {
            text.to_owned()
        }
    }

    /// The name of an input or a request.
    pub fn heading(&self, text: &str) -> String {
        self.paint(text, |t| t.bold())
    }

    /// A service name.
    pub fn service(&self, text: &str) -> String {
        self.paint(text, |t| t.cyan().bold())
    }

    /// An incident created.
    pub fn created(&self, text: &str) -> String {
        self.paint(text, |t| t.green().bold())
    }

    /// An incident resolved.
    pub fn resolved(&self, text: &str) -> String {
        self.paint(text, |t| t.blue().bold())
    }

    /// A request discarded.
    pub fn discarded(&self, text: &str) -> String {
        self.paint(text, |t| t.yellow())
    }

    /// A field label.
    pub fn label(&self, text: &str) -> String {
        self.paint(text, |t| t.dimmed())
    }

    /// A hint on what to do.
    pub fn hint(&self, text: &str) -> String {
        self.paint(text, |t| t.dimmed())
    }

    /// What a case file expects, in a diff.
    pub fn expected(&self, text: &str) -> String {
        self.paint(text, |t| t.red())
    }

    /// What a run gave, in a diff.
    pub fn actual(&self, text: &str) -> String {
        self.paint(text, |t| t.green())
    }

    /// The word `warning`.
    pub fn warning(&self, text: &str) -> String {
        self.paint(text, |t| t.yellow().bold())
    }

    /// The word `error`.
    pub fn error(&self, text: &str) -> String {
        self.paint(text, |t| t.red().bold())
    }
}
