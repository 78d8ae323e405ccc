//! Domain values parsed once and trusted after: ID numbers (GB 11643), rates, counts,
//! dates as they appear in Chinese forms and rosters. One parser per kind of value, used
//! by every extractor and check ("parse, don't validate").
//!
//! Every parser first normalises its input with [`compact`] (NFKC, so full-width digits
//! and `％` become ASCII, then all whitespace removed, because Tesseract puts spaces
//! between Han characters and digits).

pub mod count;
pub mod date;
pub mod names;
pub mod rate;

pub use count::Count;
pub use date::{Date, DateRange};
pub use rate::Rate;

use unicode_normalization::UnicodeNormalization;

/// Why a value did not parse. The message names the text, in Chinese, for findings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("空值")]
    Empty,
    #[error("“{0}”不是比率")]
    NotARate(String),
    #[error("“{0}”不是人数")]
    NotACount(String),
    #[error("“{0}”不是日期")]
    NotADate(String),
}

/// NFKC-normalised, whitespace removed: the form every parser matches on.
pub fn compact(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// NFKC-normalised and trimmed, inner spaces kept: how a value is shown as written.
pub fn normalise(text: &str) -> String {
    let s: String = text.nfkc().collect();
    s.trim().to_string()
}

/// The value of a number written in Chinese numerals (一…九, 十, 百, 千, 万, 两, 〇/零),
/// e.g. "两千一百五十" → 2150, "八" → 8. `None` if `text` holds anything else.
pub fn chinese_numeral(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let mut total: u64 = 0; // completed 万 groups
    let mut section: u64 = 0; // below 万
    let mut digit: Option<u64> = None;
    for c in text.chars() {
        let d = match c {
            '〇' | '零' => Some(0),
            '一' | '壹' => Some(1),
            '二' | '两' | '贰' => Some(2),
            '三' | '叁' => Some(3),
            '四' | '肆' => Some(4),
            '五' | '伍' => Some(5),
            '六' | '陆' => Some(6),
            '七' | '柒' => Some(7),
            '八' | '捌' => Some(8),
            '九' | '玖' => Some(9),
            _ => None,
        };
        if let Some(d) = d {
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            '万' => {
                section += digit.take().unwrap_or(0);
                total = total.checked_add(section.checked_mul(10_000)?)?;
                section = 0;
                continue;
            }
            _ => return None,
        };
        // "十五" means 15: a unit without a digit before it counts once.
        section += digit.take().unwrap_or(1) * unit;
    }
    Some(total + section + digit.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_folds_full_width_and_spaces() {
        assert_eq!(compact(" ２１５０ 人 "), "2150人");
        assert_eq!(compact("86.5 ％"), "86.5%");
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_numeral("两千一百五十"), Some(2150));
        assert_eq!(chinese_numeral("十五"), Some(15));
        assert_eq!(chinese_numeral("八"), Some(8));
        assert_eq!(chinese_numeral("一万零五百"), Some(10500));
        assert_eq!(chinese_numeral("三百零五"), Some(305));
        assert_eq!(chinese_numeral("八成"), None);
        assert_eq!(chinese_numeral(""), None);
    }
}

pub mod id_number;
pub mod mask;
