//! Runs of ID numbers, phone numbers or certificate numbers that go up (or down) by a
//! fixed step from one row to the next (`SEQUENTIAL_IDENTIFIERS`), of
//! `tolerances.sequential_run_length` rows or more.
//!
//! 七(三): "情况不实、弄虚作假…取消推荐资格" — real people's IDs and phones are not
//! consecutive; a padded roster filled down in Excel is. Compared in row order within one
//! roster: an ID on its first 17 digits (the check character differs from one
//! consecutive number to the next), a phone on its digits, a certificate number on its
//! last run of digits with the same text before it.

use crate::domain::mask;
use crate::extract::{IdCell, PersonRecord, PersonTable, TableKind};
use crate::report::{Code, Finding};

use super::common::{cell_location, RowFindings};
use super::CheckContext;

struct Kind {
    field: &'static str,
    label: &'static str,
    value: fn(&PersonRecord) -> Option<(&str, i128)>,
    mask: fn(&str) -> String,
}

const KINDS: [Kind; 3] = [
    Kind { field: "id_number", label: "身份证号", value: id_value, mask: mask::id },
    Kind { field: "phone", label: "联系电话", value: phone_value, mask: mask::phone },
    Kind { field: "certificate", label: "证书编号", value: certificate_value, mask: mask::identifier },
];

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let min_run = ctx.config.settings.tolerances.sequential_run_length.max(3);
    let mut out = RowFindings::new(Code::SequentialIdentifiers, ctx.config.settings.tolerances.max_row_findings, "编号连续递增");
    for table in ctx.extracted.tables.iter().filter(|t| t.kind == TableKind::TrainingRoster) {
        for kind in &KINDS {
            for (start, end, step) in runs(table, kind.value, min_run) {
                out.push(table, finding(table, kind, start, end, step));
            }
        }
    }
    out.finish()
}

/// Runs as (first index, last index, step) over the table's records.
fn runs(table: &PersonTable, value: fn(&PersonRecord) -> Option<(&str, i128)>, min_run: usize) -> Vec<(usize, usize, i128)> {
    let values: Vec<Option<(&str, i128)>> = table.records.iter().map(value).collect();
    let mut found = Vec::new();
    let mut start = 0;
    let mut step: Option<i128> = None;
    for i in 1..=values.len() {
        let next_step = match (values.get(i - 1).and_then(Option::as_ref), values.get(i).and_then(Option::as_ref)) {
            (Some((pa, a)), Some((pb, b))) if pa == pb && b != a => Some(b - a),
            _ => None,
        };
        let continues = next_step.is_some() && (step.is_none() || step == next_step);
        if continues {
            step = next_step;
            continue;
        }
        if let Some(s) = step {
            if i - start >= min_run {
                found.push((start, i - 1, s));
            }
        }
        // A new run may begin at the previous element with the new step.
        match next_step {
            Some(s) => {
                start = i - 1;
                step = Some(s);
            }
            None => {
                start = i;
                step = None;
            }
        }
    }
    found
}

fn finding(table: &PersonTable, kind: &Kind, start: usize, end: usize, step: i128) -> Finding {
    let first = &table.records[start];
    let last = &table.records[end];
    let text = |r: &PersonRecord| match kind.field {
        "id_number" => match &r.id {
            Some(IdCell::Text(t)) => t.trim().to_string(),
            _ => String::new(),
        },
        "phone" => r.phone.clone().unwrap_or_default(),
        _ => r.certificate.clone().unwrap_or_default(),
    };
    let count = end - start + 1;
    let location = cell_location(table, first, kind.field);
    Finding::new(
        Code::SequentialIdentifiers,
        format!(
            "{}第{}行至第{}行共{count}人的{}按固定步长{step}连续变化（{}……{}），真实人员的{}不会如此排列",
            super::common::table_label(table),
            first.row,
            last.row,
            kind.label,
            (kind.mask)(&text(first)),
            (kind.mask)(&text(last)),
            kind.label
        ),
        location,
    )
    .expected(format!("{}无规律", kind.label))
    .actual(format!("连续{count}个，步长{step}"))
}

fn id_value(record: &PersonRecord) -> Option<(&str, i128)> {
    let Some(IdCell::Text(text)) = &record.id else { return None };
    let body = text.trim().as_bytes().get(..17)?;
    body.iter().all(u8::is_ascii_digit).then(|| ("", fold_digits(body.iter().copied())))
}

fn phone_value(record: &PersonRecord) -> Option<(&str, i128)> {
    let digits = record.phone.as_deref()?.bytes().filter(u8::is_ascii_digit);
    let count = digits.clone().count();
    (7..=20).contains(&count).then(|| ("", fold_digits(digits)))
}

fn fold_digits(digits: impl Iterator<Item = u8>) -> i128 {
    digits.fold(0i128, |n, d| n * 10 + i128::from(d - b'0'))
}

fn certificate_value(record: &PersonRecord) -> Option<(&str, i128)> {
    let text = record.certificate.as_deref()?.trim();
    let digits_at = text.rfind(|c: char| !c.is_ascii_digit()).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    let (prefix, digits) = text.split_at(digits_at);
    if digits.len() < 3 || digits.len() > 30 {
        return None;
    }
    digits.parse().ok().map(|n| (prefix, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    fn roster(kit: &mut Kit) -> &mut PersonTable {
        kit.table_mut(TableKind::TrainingRoster, 2022)
    }

    #[test]
    fn generated_identifiers_are_not_sequential() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn five_consecutive_ids_are_a_run_four_are_not() {
        let mut kit = Kit::clean();
        for (i, r) in roster(&mut kit).records.iter_mut().enumerate().skip(2).take(4) {
            r.id = Some(IdCell::Text(with_check(&format!("21010219900101{:03}", 100 + i))));
        }
        assert!(kit.run(run).is_empty(), "4 in a row");
        roster(&mut kit).records[6].id = Some(IdCell::Text(with_check("21010219900101106")));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["SEQUENTIAL_IDENTIFIERS"]);
        assert_eq!(findings[0].location.row, Some(5));
        assert!(findings[0].message.contains("第5行至第9行共5人的身份证号"), "{}", findings[0].message);
        assert!(!findings[0].message.contains("21010219900101102"));
    }

    #[test]
    fn phones_with_step_ten() {
        let mut kit = Kit::clean();
        for (i, r) in roster(&mut kit).records.iter_mut().enumerate() {
            r.phone = Some(format!("1380000{:04}", i * 10));
        }
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["SEQUENTIAL_IDENTIFIERS"]);
        assert_eq!(findings[0].actual.as_deref(), Some("连续10个，步长10"));
    }

    #[test]
    fn certificates_need_the_same_prefix() {
        let mut kit = Kit::clean();
        for (i, r) in roster(&mut kit).records.iter_mut().enumerate() {
            let prefix = if i % 2 == 0 { "A" } else { "B" };
            r.certificate = Some(format!("{prefix}2022{:04}", i));
        }
        assert!(kit.run(run).is_empty());
        for (i, r) in roster(&mut kit).records.iter_mut().enumerate() {
            r.certificate = Some(format!("证A2022{:04}", 50 - i));
        }
        assert_eq!(kit.run(run)[0].actual.as_deref(), Some("连续10个，步长-1"), "decreasing counts too");
    }

    #[test]
    fn a_gap_breaks_the_run() {
        let mut kit = Kit::clean();
        for (i, r) in roster(&mut kit).records.iter_mut().enumerate() {
            r.phone = Some(format!("1380000{:04}", i));
        }
        roster(&mut kit).records[4].phone = None;
        // Rows 0–3 and 5–9: runs of 4 and 5.
        let findings = kit.run(run);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].location.row, Some(8));
    }

    #[test]
    fn runs_split_where_the_step_changes() {
        let table = table("t.xlsx", None, TableKind::TrainingRoster, Some(2022), {
            let values = [1, 2, 3, 4, 5, 7, 9, 11, 13];
            values
                .iter()
                .enumerate()
                .map(|(i, v)| PersonRecord { row: i as u32 + 2, phone: Some(format!("1380000{v:04}")), ..PersonRecord::default() })
                .collect()
        });
        assert_eq!(runs(&table, phone_value, 5), vec![(0, 4, 1), (4, 8, 2)]);
    }
}
