//! Every ID number of the rosters is a valid 公民身份号码 (`INVALID_ID_NUMBER`): GB 11643 —
//! 18 characters, an existing (or formerly existing) GB/T 2260 division code, a real
//! birth date not after the dossier's receipt, the MOD 11-2 check character (X in either
//! case). An ID stored as a number has lost its last digits (Excel keeps 15 significant
//! digits): it is reported as such, since it cannot be verified at all.
//!
//! 七(三): "对于材料混乱、情况不实、弄虚作假的地区和单位，将取消推荐资格" — invented ID
//! numbers are the most common sign of padded rosters. The parser is
//! [`crate::domain::id_number::IdNumber`].

use crate::domain::id_number::IdNumber;
use crate::domain::mask;
use crate::extract::IdCell;
use crate::report::{Code, Finding};

use super::common::{cell_location, RowFindings};
use super::population::identity_rows;
use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let mut out = RowFindings::new(Code::InvalidIdNumber, ctx.config.settings.tolerances.max_row_findings, "身份证号无效");
    for (table, record) in identity_rows(ctx.extracted) {
        let location = cell_location(table, record, "id_number");
        match &record.id {
            Some(IdCell::Text(text)) if !text.trim().is_empty() => {
                if let Err(error) = IdNumber::parse(text, ctx.received_on) {
                    let masked = mask::id(text);
                    out.push(
                        table,
                        Finding::new(
                            Code::InvalidIdNumber,
                            format!("{}的身份证号{masked}不符合国家标准GB 11643：{error}", location.describe_zh()),
                            location,
                        )
                        .expected("符合GB 11643的18位公民身份号码")
                        .actual(masked),
                    );
                }
            }
            Some(IdCell::NumberLostDigits(digits)) => {
                let masked = mask::id(digits);
                out.push(
                    table,
                    Finding::new(
                        Code::InvalidIdNumber,
                        format!(
                            "{}的身份证号以数值格式存储（{masked}），Excel只保留15位有效数字，末尾数位已丢失，无法核验该号码；请以文本格式提供",
                            location.describe_zh()
                        ),
                        location,
                    )
                    .expected("以文本格式存储的18位身份证号")
                    .actual(format!("数值格式，末尾数位丢失（{masked}）")),
                );
            }
            _ => {}
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::extract::TableKind;

    fn roster_2022(kit: &mut Kit) -> &mut crate::extract::PersonTable {
        kit.table_mut(TableKind::TrainingRoster, 2022)
    }

    #[test]
    fn valid_ids_pass() {
        assert!(Kit::clean().run(run).is_empty());
    }

    #[test]
    fn wrong_check_digit_is_reported_masked_at_its_cell() {
        let mut kit = Kit::clean();
        let table = roster_2022(&mut kit);
        table.columns.insert("id_number".into(), "C".into());
        let good = id_of(3);
        let bad = format!("{}{}", &good[..17], if good.ends_with('0') { '1' } else { '0' });
        table.records[3].id = Some(IdCell::Text(bad.clone()));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["INVALID_ID_NUMBER"]);
        let f = &findings[0];
        assert_eq!(f.location.cell.as_deref(), Some("C6"));
        assert_eq!(f.location.row, Some(6));
        assert!(f.message.contains("校验码"), "{}", f.message);
        assert!(!f.message.contains(&bad) && !f.actual.as_ref().unwrap().contains(&bad), "never the full number");
    }

    #[test]
    fn lowercase_x_is_valid() {
        let mut kit = Kit::clean();
        let id = (0..400).map(id_of).find(|id| id.ends_with('X')).expect("some generated id ends with X");
        roster_2022(&mut kit).records[0].id = Some(IdCell::Text(id.to_lowercase()));
        assert!(kit.run(run).is_empty());
    }

    #[test]
    fn number_with_lost_digits_cannot_be_verified() {
        let mut kit = Kit::clean();
        roster_2022(&mut kit).records[0].id = Some(IdCell::NumberLostDigits("210102199001011000".into()));
        let findings = kit.run(run);
        assert_eq!(codes(&findings), ["INVALID_ID_NUMBER"]);
        assert!(findings[0].message.contains("末尾数位已丢失") && findings[0].message.contains("无法核验"));
    }

    #[test]
    fn birth_after_receipt_is_invalid() {
        let mut kit = Kit::clean();
        kit.received_on = day(2024, 1, 20);
        roster_2022(&mut kit).records[0].id = Some(IdCell::Text(with_check("21010220240121001")));
        let findings = kit.run(run);
        assert!(findings[0].message.contains("晚于"), "{}", findings[0].message);
    }

    #[test]
    fn tracking_rows_of_listed_trainees_are_not_reported_twice() {
        let mut kit = Kit::clean();
        let bad = Some(IdCell::Text("2101021990".into()));
        roster_2022(&mut kit).records[0].id = bad.clone();
        kit.table_mut(TableKind::EmploymentTracking, 2022).records[0].id = bad;
        assert_eq!(kit.run(run).len(), 1);
    }

    #[test]
    fn many_bad_rows_are_summed_up_after_the_cap() {
        let mut kit = Kit::clean();
        kit.config.settings.tolerances.max_row_findings = 3;
        for r in roster_2022(&mut kit).records.iter_mut() {
            r.id = Some(IdCell::Text("123".into()));
        }
        let findings = kit.run(run);
        assert_eq!(findings.len(), 4);
        assert!(findings[3].message.contains("另有7行"), "{}", findings[3].message);
        assert_eq!(findings[3].location.row, None);
    }
}
