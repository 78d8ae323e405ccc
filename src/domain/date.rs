//! [`Date`] and [`DateRange`]: calendar days as rosters and forms write them — Excel
//! serials (the 1900 system), "2022年3月5日", "2022.3.5", "2022/03/05", "2022-03-05",
//! "20220305", and ranges "2022.03.01-2022.03.20", "2022年3月1日至3月20日" (the end
//! inherits the year and month it leaves out).

use std::fmt;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::{compact, ParseError};

/// A calendar day that was read from a document. Years outside 1900–2100 are refused:
/// in a roster they are typing errors, not dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

/// A training period: `start` ≤ `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    start: Date,
    end: Date,
}

const YMD: &str = r"(\d{4})[年./-](\d{1,2})[月./-](\d{1,2})[日号]?";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?:{YMD}|(\d{{4}})(\d{{2}})(\d{{2}}))(?:\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?$")).expect("date pattern")
});

static RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^{YMD}(?:-|—|–|~|至|到|_)+(?:(\d{{4}})[年./-])?(?:(\d{{1,2}})[月./-])?(\d{{1,2}})[日号]?$"
    ))
    .expect("range pattern")
});

impl Date {
    pub fn parse(text: &str) -> Result<Date, ParseError> {
        let s = compact(text);
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        let bad = || ParseError::NotADate(text.trim().to_string());
        let caps = DATE.captures(&s).ok_or_else(bad)?;
        let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let (y, m, d) = match (num(1), num(2), num(3)) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            _ => (num(4).ok_or_else(bad)?, num(5).ok_or_else(bad)?, num(6).ok_or_else(bad)?),
        };
        Date::ymd(y, m, d).ok_or_else(bad)
    }

    /// An Excel serial day number (1900 date system, with Excel's phantom 1900-02-29).
    pub fn from_serial(serial: f64) -> Option<Date> {
        if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
            return None;
        }
        let days = serial.floor() as i64;
        if days == 60 {
            return None; // 1900-02-29 never existed
        }
        let base = NaiveDate::from_ymd_opt(1899, 12, if days < 60 { 31 } else { 30 })?;
        let date = base.checked_add_signed(chrono::Duration::days(days))?;
        Date::ymd(date.year() as u32, date.month(), date.day())
    }

    pub fn from_naive(date: NaiveDate) -> Option<Date> {
        Date::ymd(date.year() as u32, date.month(), date.day())
    }

    fn ymd(y: u32, m: u32, d: u32) -> Option<Date> {
        if !(1900..=2100).contains(&y) {
            return None;
        }
        NaiveDate::from_ymd_opt(y as i32, m, d).map(Date)
    }

    pub fn naive(self) -> NaiveDate {
        self.0
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl DateRange {
    /// Parses a period "start–end"; a single date is a one-day period.
    pub fn parse(text: &str) -> Result<DateRange, ParseError> {
        let s = compact(text);
        if s.is_empty() {
            return Err(ParseError::Empty);
        }
        if let Ok(day) = Date::parse(&s) {
            return Ok(DateRange { start: day, end: day });
        }
        let bad = || ParseError::NotADate(text.trim().to_string());
        let caps = RANGE.captures(&s).ok_or_else(bad)?;
        let num = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let (y, m, d) = (num(1).ok_or_else(bad)?, num(2).ok_or_else(bad)?, num(3).ok_or_else(bad)?);
        let start = Date::ymd(y, m, d).ok_or_else(bad)?;
        let end = Date::ymd(num(4).unwrap_or(y), num(5).unwrap_or(m), num(6).ok_or_else(bad)?).ok_or_else(bad)?;
        DateRange::new(start, end).ok_or_else(bad)
    }

    pub fn new(start: Date, end: Date) -> Option<DateRange> {
        (start <= end).then_some(DateRange { start, end })
    }

    pub fn start(self) -> Date {
        self.start
    }

    pub fn end(self) -> Date {
        self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        Date::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).to_string()
    }

    #[test]
    fn written_dates() {
        assert_eq!(d("2022年3月5日"), "2022-03-05");
        assert_eq!(d("2022 年 3 月 5 日"), "2022-03-05");
        assert_eq!(d("２０２２年３月５日"), "2022-03-05");
        assert_eq!(d("2022.3.5"), "2022-03-05");
        assert_eq!(d("2022/03/05"), "2022-03-05");
        assert_eq!(d("2022-03-05"), "2022-03-05");
        assert_eq!(d("2022-03-05 00:00:00"), "2022-03-05");
        assert_eq!(d("20220305"), "2022-03-05");
        assert_eq!(d("2022年3月5号"), "2022-03-05");
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in ["", "2022年13月5日", "2022.2.30", "2022", "2022年3月", "3月5日", "1850-01-01", "2022-03-05-", "abc", "44621x", "2022..3.5"] {
            assert!(Date::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn excel_serials() {
        assert_eq!(Date::from_serial(44625.0).unwrap().to_string(), "2022-03-05");
        assert_eq!(Date::from_serial(44625.75).unwrap().to_string(), "2022-03-05");
        assert_eq!(Date::from_serial(1.0).unwrap().to_string(), "1900-01-01");
        assert_eq!(Date::from_serial(61.0).unwrap().to_string(), "1900-03-01");
        assert_eq!(Date::from_serial(60.0), None);
        assert_eq!(Date::from_serial(0.0), None);
        assert_eq!(Date::from_serial(-3.0), None);
        assert_eq!(Date::from_serial(f64::NAN), None);
        assert_eq!(Date::from_serial(1e12), None);
    }

    #[test]
    fn ranges() {
        let r = |s: &str| {
            let r = DateRange::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            (r.start().to_string(), r.end().to_string())
        };
        let want = ("2022-03-01".to_string(), "2022-03-20".to_string());
        assert_eq!(r("2022.03.01-2022.03.20"), want);
        assert_eq!(r("2022年3月1日至3月20日"), want);
        assert_eq!(r("2022年3月1日至2022年3月20日"), want);
        assert_eq!(r("2022年3月1日-20日"), want);
        assert_eq!(r("2022/3/1~2022/3/20"), want);
        assert_eq!(r("2022-03-01—2022-03-20"), want);
        assert_eq!(r("2022-03-01 - 2022-03-20"), want);
        assert_eq!(r("2022.3.1－3.20"), want);
        assert_eq!(r("2022.03.01——2022.03.20"), want);
        assert_eq!(r("2022.03.01"), ("2022-03-01".to_string(), "2022-03-01".to_string()));
    }

    #[test]
    fn malformed_ranges_are_refused() {
        for bad in ["", "2022.03.20-2022.03.01", "2022.03.01-", "2022.03.01-2022.02.30", "三月", "2022.03.01至至"] {
            assert!(DateRange::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
