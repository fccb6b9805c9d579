//! Byte sizes as people write them on the command line (`256MB`, `1GiB`, `1048576`) and as messages
//! show them.

use std::fmt;

/// A number of bytes, shown in the largest unit that divides it (`256 MiB`, `256 MB`), else in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub usize);

/// The units a size may carry, case-insensitively: decimal (`KB`, `MB`, `GB`) and binary (`KiB`,
/// `MiB`, `GiB`).
const UNITS: [(&str, usize); 7] = [
    ("b", 1),
    ("kb", 1_000),
    ("mb", 1_000_000),
    ("gb", 1_000_000_000),
    ("kib", 1 << 10),
    ("mib", 1 << 20),
    ("gib", 1 << 30),
];

/// Parses a size: a whole number of bytes, optionally followed by a unit. Zero is refused: a limit
/// of nothing would refuse every body.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = text.split_at(digits);
    let unit = unit.trim_start().to_ascii_lowercase();
    let factor = if unit.is_empty() {
        Some(1)
    } else {
        UNITS.iter().find(|(u, _)| *u == unit).map(|(_, f)| *f)
    };
    let (Ok(number), Some(factor)) = (number.parse::<usize>(), factor) else {
        return Err(format!(
            "`{text}` is not a size: write a whole number of bytes, optionally with a unit (KB, MB, GB, KiB, MiB, GiB), such as 256MB or 1GiB"
        ));
    };
    match number.checked_mul(factor) {
        Some(0) => Err("the size must be at least 1 byte".to_owned()),
        Some(bytes) => Ok(bytes),
        None => Err(format!("`{text}` is too large a size")),
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        let units = [
            ("GiB", 1 << 30),
            ("GB", 1_000_000_000),
            ("MiB", 1 << 20),
            ("MB", 1_000_000),
            ("KiB", 1 << 10),
            ("KB", 1_000),
        ];
        for (unit, factor) in units {
            if n >= factor && n.is_multiple_of(factor) {
                return write!(f, "{} {unit}", n / factor);
            }
        }
        let bytes = if n == 1 { "byte" } else { "bytes" };
        write!(f, "{n} {bytes}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_with_and_without_units() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("256MB"), Ok(256_000_000));
        assert_eq!(parse_size("256 mb"), Ok(256_000_000));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("64KiB"), Ok(64 << 10));
        assert_eq!(parse_size("10b"), Ok(10));
    }

    #[test]
    fn bad_sizes_say_how_to_write_one() {
        for bad in ["", "MB", "1.5GB", "-1", "12 parsecs", "1e6"] {
            let e = parse_size(bad).unwrap_err();
            assert!(
                e.contains("is not a size: write a whole number"),
                "{bad}: {e}"
            );
        }
        assert_eq!(
            parse_size("0MB"),
            Err("the size must be at least 1 byte".to_owned())
        );
        assert_eq!(
            parse_size("99999999999999GiB"),
            Err("`99999999999999GiB` is too large a size".to_owned())
        );
    }

    #[test]
    fn sizes_show_in_the_largest_unit_that_divides_them() {
        assert_eq!(Size(256 << 20).to_string(), "256 MiB");
        assert_eq!(Size(1 << 30).to_string(), "1 GiB");
        assert_eq!(Size(256_000_000).to_string(), "256 MB");
        assert_eq!(Size(3000).to_string(), "3 KB");
        assert_eq!(Size(1001).to_string(), "1001 bytes");
        assert_eq!(Size(1).to_string(), "1 byte");
    }
}
