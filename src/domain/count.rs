//! [`Count`]: a number of persons as written — "2,150人", "2150", "２１５０人", "2150名",
//! "2150人次", "两千一百五十人", or a number cell.

use std::fmt;

use super::{chinese_numeral, compact, ParseError};

/// A whole, non-negative number of persons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count(u32);

/// Units a count may be written with, longest first (so "人次" is not cut to "次").
const UNITS: &[&str] = &["人次", "余人", "多人", "人", "名", "位", "个"];

impl Count {
    /// Parses a count. Thousands separators (`,` `，` `、` and thin spaces) are allowed
    /// only in groups of three; a fraction ("2150.5") is refused, "2150.0" is not.
    pub fn parse(text: &str) -> Result<Count, ParseError> {
        let s = compact(text);
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        let bad = || ParseError::NotACount(text.trim().to_string());
        let mut body = s.as_str();
        for unit in UNITS {
            if let Some(rest) = body.strip_suffix(unit) {
                body = rest;
                break;
            }
        }
        if body.is_empty() {
            return Err(bad());
        }
        if let Some(n) = chinese_numeral(body) {
            return u32::try_from(n).map(Count).map_err(|_| bad());
        }
        let body = body.strip_suffix(".0").or_else(|| body.strip_suffix(".00")).unwrap_or(body);
        let groups: Vec<&str> = body.split([',', '，', '、']).collect();
        let grouped_right = groups.len() == 1
            || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
        if !grouped_right || !groups.iter().all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad());
        }
        groups.concat().parse::<u32>().map(Count).map_err(|_| bad())
    }

    /// A count held by a number cell (2150.0); fractions and negatives refused.
    pub fn from_number(value: f64) -> Option<Count> {
        (value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= u32::MAX as f64).then_some(Count(value as u32))
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}人", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> u32 {
        Count::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).value()
    }

    #[test]
    fn written_counts() {
        assert_eq!(c("2,150人"), 2150);
        assert_eq!(c("2150"), 2150);
        assert_eq!(c("２１５０人"), 2150);
        assert_eq!(c("２，１５０ 人"), 2150);
        assert_eq!(c("2150 人"), 2150);
        assert_eq!(c("2150名"), 2150);
        assert_eq!(c("2150人次"), 2150);
        assert_eq!(c("1,234,567"), 1_234_567);
        assert_eq!(c("2150.0"), 2150);
        assert_eq!(c("两千一百五十人"), 2150);
        assert_eq!(c("0"), 0);
    }

    #[test]
    fn malformed_counts_are_refused() {
        for bad in ["", "人", "abc", "21,50", "2150.5", "-5", "2,1500", ",150", "1e3", "12%", "2150人左右", "99999999999"] {
            assert!(Count::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn number_cells() {
        assert_eq!(Count::from_number(2150.0).map(Count::value), Some(2150));
        assert_eq!(Count::from_number(2150.5), None);
        assert_eq!(Count::from_number(-1.0), None);
        assert_eq!(Count::from_number(f64::INFINITY), None);
    }
}
