//! The brand name reads as a region / enterprise / school name followed by a trade or
//! occupation (`NAMING_RULE`).
//!
//! 五: "名称由行政区域名（企业名、院校名）+行业或职业（工种）组成，如XX市XX师（阿姨、师傅）、XX企业
//! XX工、##校XX员等…行政区域、企业名、院校名、职业（工种）名可使用代称或简称，代称或简称应为
//! 社会周知且含义清晰".
//!
//! The first part is found as: a city of the rules (full name or short form; a one-character
//! short form only where the name begins with it), a county or district of the province
//! (GB/T 2260 names under `[naming].division_code_prefix`, without their endings), a word
//! ending in one of `organisation_suffixes`, or the start of the name found in the
//! applicant's or a unit's own name (an enterprise's or school's short name) — unless that
//! start is itself an occupation word. The second part: a name ending in one of
//! `occupation_suffixes`, or naming one of `[naming].occupations` or the form's own
//! occupations. Either part missing is a warning: names are for reviewers to judge.

use crate::config::Config;
use crate::domain::id_number::divisions_under;
use crate::domain::names::normalize;
use crate::extract::FormData;
use crate::report::{Code, Finding};

use super::CheckContext;

pub fn run(ctx: &CheckContext) -> Vec<Finding> {
    let Some(form) = ctx.extracted.form() else { return Vec::new() };
    let Some(field) = form.brand_name.as_ref().filter(|f| !f.text.trim().is_empty()) else { return Vec::new() };
    let name = normalize(&field.text);
    let naming = &ctx.config.rules.naming;
    let occupations = occupation_words(ctx.config, form);
    let region = has_region(&name, ctx.config);
    let organisation = !region && has_organisation(&name, ctx.config, form, &occupations);
    let trade = naming.occupation_suffixes.iter().any(|s| name.ends_with(s.as_str()))
        || occupations.iter().any(|o| name.contains(o.as_str()));
    if (region || organisation) && trade {
        return Vec::new();
    }
    let mut missing = Vec::new();
    if !(region || organisation) {
        missing.push("行政区域名（企业名、院校名）");
    }
    if !trade {
        missing.push("行业或职业（工种）");
    }
    let location = super::common::in_file(&field.location, &form.path);
    vec![Finding::new(
        Code::NamingRule,
        format!(
            "品牌名称“{}”（{}）未体现{}，不符合命名规则。依据：{}",
            field.text,
            location.describe_zh(),
            missing.join("和"),
            naming.clause
        ),
        location.clone(),
    )
    .expected("行政区域名（企业名、院校名）+行业或职业（工种），如XX市XX师")
    .actual(&field.text)]
}

/// Occupation words: the rules' list and the form's occupations, also without their
/// ending (家政服务员 → 家政服务), at least two characters.
fn occupation_words(config: &Config, form: &FormData) -> Vec<String> {
    let mut suffixes = config.rules.naming.occupation_suffixes.clone();
    suffixes.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    let mut words: Vec<String> = config.rules.naming.occupations.iter().map(|o| normalize(o)).collect();
    for occupation in &form.occupations {
        let text = normalize(&occupation.text);
        if let Some(stem) = suffixes.iter().find_map(|s| text.strip_suffix(s.as_str())) {
            words.push(stem.to_string());
        }
        words.push(text);
    }
    words.retain(|w| w.chars().count() >= 2);
    words
}

fn has_region(name: &str, config: &Config) -> bool {
    for city in &config.rules.cities {
        if name.contains(&normalize(&city.name)) {
            return true;
        }
        for short in &city.short {
            let short = normalize(short);
            let fits = if short.chars().count() >= 2 { name.contains(&short) } else { name.starts_with(&short) };
            if fits && !short.is_empty() {
                return true;
            }
        }
    }
    let naming = &config.rules.naming;
    let mut suffixes = naming.division_suffixes.clone();
    suffixes.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
    divisions_under(&naming.division_code_prefix).any(|(_, names)| {
        names.split('/').any(|division| {
            let short = suffixes.iter().find_map(|s| division.strip_suffix(s.as_str())).unwrap_or(division);
            short.chars().count() >= 2 && name.contains(short)
        })
    })
}

fn has_organisation(name: &str, config: &Config, form: &FormData, occupations: &[String]) -> bool {
    if config.rules.naming.organisation_suffixes.iter().any(|s| name.contains(s.as_str())) {
        return true;
    }
    let bodies: Vec<String> = form.applicant.iter().chain(&form.units).map(|f| normalize(&f.text)).collect();
    let chars: Vec<char> = name.chars().collect();
    // The longest start of the name (two characters or more, the name's last character
    // left for the trade) that an applicant or unit name contains.
    (2..chars.len()).rev().any(|len| {
        let start: String = chars[..len].iter().collect();
        let is_occupation = occupations.iter().any(|o| o.contains(&start) || start.contains(o.as_str()));
        !is_occupation && bodies.iter().any(|b| b.contains(&start))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    fn named(name: &str) -> Vec<Finding> {
        let mut kit = Kit::clean();
        kit.form_mut().brand_name.as_mut().unwrap().text = name.into();
        kit.run(run)
    }

    #[test]
    fn region_plus_trade_is_fine() {
        for name in ["沈阳巧嫂", "大连月嫂", "沈阳市家政服务员", "新民厨师", "庄河海参养殖工", "沈城好阿姨", "辽宁工匠"] {
            assert!(named(name).is_empty(), "{name}");
        }
    }

    #[test]
    fn enterprise_short_name_from_its_unit() {
        assert!(named("巧嫂家政服务员").is_empty(), "巧嫂 is the unit's own name");
        assert!(named("XX集团焊工").is_empty());
    }

    #[test]
    fn no_region_is_reported() {
        let findings = named("金牌服务员");
        assert_eq!(codes(&findings), ["NAMING_RULE"]);
        assert!(findings[0].message.contains("行政区域名") && !findings[0].message.contains("和行业"), "{}", findings[0].message);
        assert_eq!(findings[0].location.cell.as_deref(), Some("B3"));
    }

    #[test]
    fn occupation_words_do_not_pass_for_an_organisation() {
        // The unit is a 家政服务 company, but 家政 alone is a trade, not its name.
        assert_eq!(codes(&named("家政服务员")), ["NAMING_RULE"]);
    }

    #[test]
    fn no_trade_is_reported() {
        let findings = named("沈阳幸福家园");
        assert_eq!(codes(&findings), ["NAMING_RULE"]);
        assert!(findings[0].message.contains("行业或职业"));
    }

    #[test]
    fn neither_part() {
        let findings = named("幸福万家行动");
        assert!(findings[0].message.contains("行政区域名（企业名、院校名）和行业或职业（工种）"), "{}", findings[0].message);
    }
}
