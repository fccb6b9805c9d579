//! The process exit status, decided in one place. The table is [`crate::cli::EXIT_CODES`] and the
//! README's.

use std::process::ExitCode;

/// How a run ended, worst last: merging keeps the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// 0: the run did what was asked (`check`: some request made Callgoose act).
    Success,
    /// 1: the run worked but the answer is "no" (`check`: every request was discarded).
    Failure,
    /// 2: usage error, bad filter file, or an input that could not be read.
    Error,
}

impl ExitStatus {
    /// The worse of two statuses.
    pub fn merge(self, other: ExitStatus) -> ExitStatus {
        self.max(other)
    }

    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::ExitStatus::*;

    #[test]
    fn merge_keeps_the_worst() {
        assert_eq!(Success.merge(Failure), Failure);
        assert_eq!(Failure.merge(Success), Failure);
        assert_eq!(Failure.merge(Error), Error);
        assert_eq!(Error.merge(Success), Error);
        assert_eq!(Success.merge(Success), Success);
    }

    #[test]
    fn codes_follow_the_table() {
        assert_eq!([Success.code(), Failure.code(), Error.code()], [0, 1, 2]);
    }
}
