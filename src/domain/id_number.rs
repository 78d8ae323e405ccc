//! Resident identity numbers (公民身份号码, GB 11643-1999): parsed once into an
//! [`IdNumber`] that is valid by construction — 18 characters, a GB/T 2260 division code
//! that exists or existed (an ID keeps the code of the place it was first issued, so
//! abolished codes are valid), a real birth date not after the reference day, and the
//! ISO 7064 MOD 11-2 check character (`X` accepted in either case).
//!
//! The division table is `config/data/gb2260.tsv` (its header names its sources), compiled in
//! and loaded once into a set.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

static DIVISIONS_TSV: &str = include_str!("../../config/data/gb2260.tsv");

/// Every GB/T 2260 code the table holds, current and abolished.
fn divisions() -> &'static foldhash::HashSet<u32> {
    static SET: OnceLock<foldhash::HashSet<u32>> = OnceLock::new();
    SET.get_or_init(|| {
        DIVISIONS_TSV
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split('\t').next())
            .filter_map(|code| code.parse().ok())
            .collect()
    })
}

/// Whether `code` (6 digits) is or was a GB/T 2260 division.
pub fn is_division(code: u32) -> bool {
    divisions().contains(&code)
}

/// `(code, name)` of every division whose code starts with `prefix` (e.g. "21" = 辽宁).
pub fn divisions_under(prefix: &str) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
    DIVISIONS_TSV
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('\t'))
        .filter(move |(code, _)| !prefix.is_empty() && code.starts_with(prefix))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn label_zh(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

/// Why a text is not a valid ID number. Messages are for reviewers (Chinese) and never
/// repeat the number itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("长度应为18位，实际为{0}位")]
    Length(usize),
    #[error("为15位旧版身份证号，应为18位")]
    OldFifteenDigit,
    #[error("含有非法字符（前17位应为数字，第18位为数字或X）")]
    Characters,
    #[error("前6位行政区划代码{0}不存在")]
    Division(String),
    #[error("出生日期{0}不是有效日期")]
    BirthDate(String),
    #[error("出生日期{0}晚于{1}")]
    BirthInFuture(String, NaiveDate),
    #[error("校验码错误：第18位应为{expected}，实际为{found}")]
    CheckDigit { expected: char, found: char },
}

/// A valid 18-character ID number (upper-case `X`) and the birth date it encodes.
/// Held as bytes, not a `String`: rosters are parsed by the thousand.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber([u8; 18], NaiveDate);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The MOD 11-2 check character of 17 digits.
pub fn check_char(body: &[u8; 17]) -> char {
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl IdNumber {
    /// Parses `text` (surrounding spaces ignored); the birth date must not be after `today`.
    pub fn parse(text: &str, today: NaiveDate) -> Result<IdNumber, IdError> {
        let trimmed = text.trim();
        let n = trimmed.chars().count();
        let raw = trimmed.as_bytes();
        if n == 15 && raw.iter().all(u8::is_ascii_digit) {
            return Err(IdError::OldFifteenDigit);
        }
        if n != 18 {
            return Err(IdError::Length(n));
        }
        if raw.len() != 18 || !raw[..17].iter().all(u8::is_ascii_digit) || !(raw[17].is_ascii_digit() || raw[17].eq_ignore_ascii_case(&b'X')) {
            return Err(IdError::Characters);
        }
        let mut bytes = [0u8; 18];
        bytes.copy_from_slice(raw);
        bytes[17] = bytes[17].to_ascii_uppercase();
        // All ASCII digits from here on (checked above).
        let digits = |range: std::ops::Range<usize>| bytes[range].iter().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        let text_of = |range: std::ops::Range<usize>| String::from_utf8_lossy(&bytes[range]).into_owned();
        if !is_division(digits(0..6)) {
            return Err(IdError::Division(text_of(0..6)));
        }
        let birth = NaiveDate::from_ymd_opt(digits(6..10) as i32, digits(10..12), digits(12..14))
            .filter(|d| d.year() >= 1900)
            .ok_or_else(|| IdError::BirthDate(text_of(6..14)))?;
        if birth > today {
            return Err(IdError::BirthInFuture(text_of(6..14), today));
        }
        let mut body = [0u8; 17];
        body.copy_from_slice(&bytes[..17]);
        let expected = check_char(&body);
        let found = bytes[17] as char;
        if expected != found {
            return Err(IdError::CheckDigit { expected, found });
        }
        Ok(IdNumber(bytes, birth))
    }

    pub fn as_str(&self) -> &str {
        // Digits and `X` only (checked in `parse`).
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.1
    }

    /// The 17th digit: odd for men, even for women.
    pub fn gender(&self) -> Gender {
        if (self.0[16] - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Completed years of age on `day`.
    pub fn age_on(&self, day: NaiveDate) -> i32 {
        let birth = self.birth_date();
        let mut age = day.year() - birth.year();
        if (day.month(), day.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age
    }

    /// For messages: `210102********1234`.
    pub fn masked(&self) -> String {
        super::mask::id(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 22).unwrap()
    }

    /// Builds a valid number from its first 17 digits.
    fn with_check(body: &str) -> String {
        let mut b = [0u8; 17];
        b.copy_from_slice(body.as_bytes());
        format!("{body}{}", check_char(&b))
    }

    #[test]
    fn the_standard_example_is_valid() {
        // GB 11643-1999 Annex: 11010519491231002X.
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(IdNumber::parse("11010519491231002x", today()).unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn check_digit_is_verified() {
        let good = with_check("21010219900101123");
        assert!(IdNumber::parse(&good, today()).is_ok());
        let last = good.chars().last().unwrap();
        let wrong = if last == '0' { '1' } else { '0' };
        let bad = format!("{}{wrong}", &good[..17]);
        assert!(matches!(IdNumber::parse(&bad, today()), Err(IdError::CheckDigit { .. })));
    }

    #[test]
    fn abolished_division_codes_are_accepted() {
        // 210121 新民县 became 210181 新民市 (1993); older people keep 210121.
        assert!(is_division(210121));
        assert!(is_division(210181));
        assert!(IdNumber::parse(&with_check("21012119600101123"), today()).is_ok());
    }

    #[test]
    fn unknown_division_is_refused() {
        assert!(!is_division(219999));
        assert_eq!(IdNumber::parse(&with_check("21999919900101123"), today()), Err(IdError::Division("219999".into())));
    }

    #[test]
    fn impossible_and_future_birth_dates_are_refused() {
        assert!(matches!(IdNumber::parse(&with_check("21010219900230123"), today()), Err(IdError::BirthDate(_))));
        assert!(matches!(IdNumber::parse(&with_check("21010220240123123"), today()), Err(IdError::BirthInFuture(..))));
        assert!(IdNumber::parse(&with_check("21010220240122123"), today()).is_ok(), "born on the reference day");
    }

    #[test]
    fn length_and_characters() {
        assert_eq!(IdNumber::parse("2101021990010112", today()), Err(IdError::Length(16)));
        assert_eq!(IdNumber::parse("210102900101123", today()), Err(IdError::OldFifteenDigit));
        assert_eq!(IdNumber::parse("2101021990O101123X", today()), Err(IdError::Characters));
        assert_eq!(IdNumber::parse("21010219900101123Y", today()), Err(IdError::Characters));
    }

    #[test]
    fn age_counts_completed_years() {
        let id = IdNumber::parse(&with_check("21010220080301123"), today()).unwrap();
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()), 15);
        assert_eq!(id.age_on(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()), 16);
        assert_eq!(id.gender(), Gender::Male);
    }

    #[test]
    fn liaoning_divisions_are_listed() {
        let names: Vec<_> = divisions_under("2101").map(|(_, name)| name).collect();
        assert!(names.iter().any(|n| n.contains("和平区")), "{names:?}");
        assert_eq!(divisions_under("").count(), 0);
    }
}
