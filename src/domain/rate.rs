//! [`Rate`]: a proportion in [0, 1] as forms and narratives write it — "86.5%", "86.5％",
//! "85 %", "0.865", a bare "86.5" (a percentage, since it is above 1), "八成" / "八成五".

use std::fmt;

use super::{chinese_numeral, compact, ParseError};

/// A rate as a fraction in [0, 1]. Once parsed, always in range.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Rate(f64);

impl Rate {
    /// Parses a rate as written. A number above 1 without a sign is read as a percentage
    /// (a form's 培训合格率 cell often holds "86.5"); anything above 100% is refused.
    pub fn parse(text: &str) -> Result<Rate, ParseError> {
        let s = compact(text);
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        let bad = || ParseError::NotARate(text.trim().to_string());
        if let Some(tenths) = s.strip_suffix('成').map(|x| (x, None)).or_else(|| split_cheng(&s)) {
            // "八成" = 0.8, "八成五" = 0.85.
            let (whole, rest) = tenths;
            let w = chinese_numeral(whole).or_else(|| whole.parse().ok()).ok_or_else(bad)?;
            let r = match rest {
                Some(r) => chinese_numeral(r).or_else(|| r.parse().ok()).ok_or_else(bad)?,
                None => 0,
            };
            if w > 10 || r > 9 {
                return Err(bad());
            }
            return Rate::from_fraction(w as f64 / 10.0 + r as f64 / 100.0).ok_or_else(bad);
        }
        let (number, percent) = match s.strip_suffix('%').or_else(|| s.strip_suffix('‰')) {
            Some(n) if s.ends_with('‰') => (n, Some(1000.0)),
            Some(n) => (n, Some(100.0)),
            None => (s.as_str(), None),
        };
        let number = number.strip_prefix("百分之").map(|n| (n, true)).unwrap_or((number, false));
        let (digits, written_pct) = number;
        let value: f64 = match digits.parse::<f64>() {
            Ok(v) if v.is_finite() && is_plain_number(digits) => v,
            _ if written_pct => chinese_numeral(digits).ok_or_else(bad)? as f64,
            _ => return Err(bad()),
        };
        let fraction = match (percent, written_pct) {
            (Some(div), _) => value / div,
            (None, true) => value / 100.0,
            (None, false) => return Rate::from_number(value).ok_or_else(bad),
        };
        Rate::from_fraction(fraction).ok_or_else(bad)
    }

    /// A rate held by a number cell: 0.865 as a fraction, 86.5 as a percentage.
    pub fn from_number(value: f64) -> Option<Rate> {
        if !value.is_finite() || value < 0.0 {
            return None;
        }
        if value <= 1.0 {
            Rate::from_fraction(value)
        } else {
            Rate::from_fraction(value / 100.0)
        }
    }

    fn from_fraction(value: f64) -> Option<Rate> {
        // Round away binary noise (86.5 / 100 = 0.8650000000000001).
        let value = (value * 1e9).round() / 1e9;
        (0.0..=1.0).contains(&value).then_some(Rate(value))
    }

    /// The fraction in [0, 1].
    pub fn value(self) -> f64 {
        self.0
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = (self.0 * 1000.0).round() / 10.0;
        write!(f, "{pct}%")
    }
}

fn split_cheng(s: &str) -> Option<(&str, Option<&str>)> {
    let (a, b) = s.split_once('成')?;
    (!b.is_empty()).then_some((a, Some(b)))
}

/// Digits with at most one decimal point: refuses "1e3", "inf", "+5", "8.6.5".
fn is_plain_number(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.') && s.matches('.').count() <= 1 && s != "."
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> f64 {
        Rate::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).value()
    }

    #[test]
    fn percent_forms() {
        assert_eq!(r("86.5%"), 0.865);
        assert_eq!(r("86.5％"), 0.865);
        assert_eq!(r("85 %"), 0.85);
        assert_eq!(r("８６．５％"), 0.865);
        assert_eq!(r("100%"), 1.0);
        assert_eq!(r("0%"), 0.0);
        assert_eq!(r("百分之八十六"), 0.86);
        assert_eq!(r("百分之86"), 0.86);
    }

    #[test]
    fn bare_numbers() {
        assert_eq!(r("0.865"), 0.865);
        assert_eq!(r("86.5"), 0.865);
        assert_eq!(r("1"), 1.0);
        assert_eq!(r(" 61 "), 0.61);
    }

    #[test]
    fn cheng() {
        assert_eq!(r("八成"), 0.8);
        assert_eq!(r("八成五"), 0.85);
        assert_eq!(r("十成"), 1.0);
    }

    #[test]
    fn malformed_values_are_refused() {
        for bad in ["", "  ", "abc", "86.5.1%", "120%", "150", "-5%", "1e3", "inf", "NaN", "%", "约八十%", "十一成"] {
            assert!(Rate::parse(bad).is_err(), "{bad:?} should not parse");
        }
        assert_eq!(Rate::parse(""), Err(ParseError::Empty));
    }

    #[test]
    fn from_number_cells() {
        assert_eq!(Rate::from_number(0.61).map(Rate::value), Some(0.61));
        assert_eq!(Rate::from_number(61.0).map(Rate::value), Some(0.61));
        assert_eq!(Rate::from_number(-0.1), None);
        assert_eq!(Rate::from_number(f64::NAN), None);
        assert_eq!(Rate::from_number(101.0), None);
    }

    #[test]
    fn display_is_a_percentage() {
        assert_eq!(Rate::parse("0.865").unwrap().to_string(), "86.5%");
    }
}
