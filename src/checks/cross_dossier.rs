//! Batch-only checks over several dossiers: `CITY_DUPLICATE_TYPE` and
//! `CROSS_DOSSIER_PERSON`. They work on [`DossierDigest`]s, which carry no personal
//! data in clear: persons are keyed by a hash of their person key (ID number, else name +
//! phone), with where each was first listed.
//!
//! 七(三): "每市原则上推荐 1 个以上培训品牌（推荐 2 个及以上的应为不同类型）" — one city's
//! brands of one type are reported on each of them; and 四 counts each brand's own
//! trainees: a person counted in two dossiers' rosters for the same year is counted twice.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::report::{Code, Finding, Location};

/// What the batch checks need of one verified dossier.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DossierDigest {
    pub dossier: String,
    pub city: Option<String>,
    pub brand_type: Option<String>,
    pub brand_name: Option<String>,
    /// Year → hashed person keys found in that year's rosters.
    pub persons_by_year: BTreeMap<i32, BTreeSet<String>>,
    /// Year → hashed person key → where the person is first listed (path, sheet, row).
    #[serde(default)]
    pub person_rows: BTreeMap<i32, BTreeMap<String, Location>>,
    /// Path of the form the type and city were read from (where CITY_DUPLICATE_TYPE points).
    #[serde(default)]
    pub form_path: Option<String>,
}

/// The digest of one verified dossier.
pub fn digest(dossier_sha256: &str, extracted: &crate::extract::Extracted, config: &Config) -> DossierDigest {
    use crate::extract::{person_key, TableKind};
    let form = extracted.form();
    let checked_type = form.and_then(|f| match f.checked_types().as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
    });
    // The applicant (市局) names the city; else the brand name does (大连月嫂).
    let city = form
        .and_then(|f| {
            [f.applicant.as_ref(), f.brand_name.as_ref()].into_iter().flatten().find_map(|field| config.rules.city_named_in(&field.text))
        })
        .map(|c| c.name.clone());
    let mut persons_by_year: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
    let mut person_rows: BTreeMap<i32, BTreeMap<String, Location>> = BTreeMap::new();
    for table in extracted.tables.iter().filter(|t| t.kind == TableKind::TrainingRoster) {
        let Some(year) = table.year else { continue };
        let set = persons_by_year.entry(year).or_default();
        let rows = person_rows.entry(year).or_default();
        for record in &table.records {
            // Across dossiers a bare name is no identity (two 张伟 in two cities): only an ID
            // number, or a name with a phone, says who someone is.
            let by_id = matches!(&record.id, Some(crate::extract::IdCell::Text(id)) if !id.trim().is_empty());
            let has_phone = record.phone.as_deref().is_some_and(|p| !p.trim().is_empty());
            if !by_id && !has_phone {
                continue;
            }
            let key = crate::intake::sha256_hex(person_key(record).as_bytes());
            rows.entry(key.clone()).or_insert_with(|| super::common::row_location(table, record));
            set.insert(key);
        }
    }
    DossierDigest {
        dossier: dossier_sha256.to_string(),
        city,
        brand_type: checked_type,
        brand_name: form.and_then(|f| f.brand_name.as_ref()).map(|f| f.text.clone()),
        persons_by_year,
        person_rows,
        form_path: form.map(|f| f.path.clone()),
    }
}

/// Persons shared with other dossiers listed one by one in a finding before "等".
const PERSONS_LISTED: usize = 5;

/// The batch findings, each with the dossier (its `DossierDigest::dossier`) it belongs to.
pub fn check_batch(digests: &[DossierDigest], config: &Config) -> Vec<(String, Finding)> {
    let mut findings = Vec::new();
    findings.extend(city_duplicate_type(digests));
    findings.extend(cross_dossier_persons(digests, config));
    findings
}

fn label(digest: &DossierDigest) -> String {
    match &digest.brand_name {
        Some(name) => format!("“{name}”"),
        None => format!("材料{}", &digest.dossier[..digest.dossier.len().min(12)]),
    }
}

fn city_duplicate_type(digests: &[DossierDigest]) -> Vec<(String, Finding)> {
    let mut groups: BTreeMap<(&str, &str), Vec<&DossierDigest>> = BTreeMap::new();
    for d in digests {
        if let (Some(city), Some(brand_type)) = (&d.city, &d.brand_type) {
            groups.entry((city, brand_type)).or_default().push(d);
        }
    }
    let mut findings = Vec::new();
    for ((city, brand_type), group) in groups {
        if group.len() < 2 {
            continue;
        }
        let names: Vec<String> = group.iter().map(|d| label(d)).collect();
        for d in &group {
            let others: Vec<String> = group.iter().filter(|o| o.dossier != d.dossier).map(|o| label(o)).collect();
            findings.push((
                d.dossier.clone(),
                Finding::new(
                    Code::CityDuplicateType,
                    format!(
                        "{city}本批次推荐了{}个“{brand_type}”类型的培训品牌（{}），本品牌{}与{}类型相同。依据：七(三) 推荐2个及以上的应为不同类型",
                        group.len(),
                        names.join("、"),
                        label(d),
                        others.join("、")
                    ),
                    d.form_path.as_ref().map_or_else(Location::default, Location::file),
                )
                .expected("同一城市推荐的品牌类型各不相同")
                .actual(format!("{}个“{brand_type}”品牌", group.len())),
            ));
        }
    }
    findings
}

fn cross_dossier_persons(digests: &[DossierDigest], config: &Config) -> Vec<(String, Finding)> {
    let mut findings = Vec::new();
    for &year in &config.rules.round.years {
        // Hashed person → the dossiers listing them that year.
        let mut seen: BTreeMap<&str, Vec<&DossierDigest>> = BTreeMap::new();
        for d in digests {
            for key in d.persons_by_year.get(&year).into_iter().flatten() {
                seen.entry(key).or_default().push(d);
            }
        }
        for d in digests {
            let mut shared: Vec<(&str, Vec<&DossierDigest>)> = Vec::new();
            for key in d.persons_by_year.get(&year).into_iter().flatten() {
                let others: Vec<&DossierDigest> = seen[key.as_str()].iter().filter(|o| o.dossier != d.dossier).copied().collect();
                if !others.is_empty() {
                    shared.push((key, others));
                }
            }
            if shared.is_empty() {
                continue;
            }
            let rows = d.person_rows.get(&year);
            let where_of = |key: &str| rows.and_then(|r| r.get(key)).cloned().unwrap_or_default();
            let mut others: BTreeSet<String> = BTreeSet::new();
            for (_, o) in &shared {
                others.extend(o.iter().map(|x| label(x)));
            }
            let listed: Vec<String> = shared.iter().take(PERSONS_LISTED).map(|(k, _)| where_of(k).describe_zh()).collect();
            let more = if shared.len() > PERSONS_LISTED { "等" } else { "" };
            findings.push((
                d.dossier.clone(),
                Finding::new(
                    Code::CrossDossierPerson,
                    format!(
                        "{year}年本品牌{}培训人员名单中有{}人同时被计入其他申报品牌（{}）的{year}年培训人员名单，见{}{more}",
                        label(d),
                        shared.len(),
                        others.into_iter().collect::<Vec<_>>().join("、"),
                        listed.join("、")
                    ),
                    where_of(shared[0].0),
                )
                .expected("同一人员同一年度只计入一个品牌")
                .actual(format!("{}人重复计入", shared.len())),
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;

    fn digest_of(kit: &Kit, name: &str) -> DossierDigest {
        let mut d = digest(name, &kit.extracted, &kit.config);
        d.brand_name = Some(name.into());
        d
    }

    #[test]
    fn digest_names_city_type_and_hashes_persons() {
        let kit = Kit::clean();
        let d = digest("abc", &kit.extracted, &kit.config);
        assert_eq!((d.city.as_deref(), d.brand_type.as_deref()), (Some("沈阳市"), Some("行政区域")));
        assert_eq!(d.persons_by_year[&2022].len(), 10);
        let json = serde_json::to_string(&d).unwrap();
        assert!(!json.contains(&id_of(0)), "no ID in clear");
        assert_eq!(d.person_rows[&2022].values().map(|l| l.row.unwrap()).min(), Some(3));
    }

    #[test]
    fn one_city_two_brands_of_one_type() {
        let kit = Kit::clean();
        let mut other = Kit::clean();
        other.extracted.tables.clear();
        let (a, b) = (digest_of(&kit, "沈阳巧嫂"), digest_of(&other, "沈阳厨师"));
        let findings = check_batch(&[a.clone(), b.clone()], &kit.config);
        assert_eq!(findings.len(), 2);
        assert!(findings.iter().all(|(_, f)| f.code == Code::CityDuplicateType));
        assert!(findings[0].1.message.contains("沈阳市本批次推荐了2个“行政区域”类型"));
        assert_eq!(findings[0].1.location.path.as_deref(), Some(FORM_DOCX), "points at the form that states the type");
        let mut c = b.clone();
        c.brand_type = Some("行业".into());
        assert!(check_batch(&[a, c], &kit.config).is_empty(), "different types are what the notice asks");
    }

    #[test]
    fn shared_trainees_across_dossiers_of_one_year() {
        let kit = Kit::clean();
        let mut other = Kit::clean();
        for b in other.form_mut().types.iter_mut() {
            b.checked = b.label == "行业";
        }
        // The other dossier's 2023 roster lists two of the first dossier's 2023 trainees; its 2022 roster is its own.
        for (i, r) in other.table_mut(crate::extract::TableKind::TrainingRoster, 2022).records.iter_mut().enumerate() {
            r.id = Some(crate::extract::IdCell::Text(id_of(500 + i as u32)));
        }
        for (i, r) in other.table_mut(crate::extract::TableKind::TrainingRoster, 2023).records.iter_mut().enumerate() {
            if i >= 2 {
                r.id = Some(crate::extract::IdCell::Text(id_of(600 + i as u32)));
            }
        }
        let findings = check_batch(&[digest_of(&kit, "沈阳巧嫂"), digest_of(&other, "沈阳家政员")], &kit.config);
        assert_eq!(findings.len(), 2, "one per dossier");
        for (dossier, f) in &findings {
            assert_eq!(f.code, Code::CrossDossierPerson);
            assert!(f.message.contains("2023年") && f.message.contains("有2人"), "{dossier}: {}", f.message);
            assert_eq!(f.location.path.as_deref(), Some(roster_path(2023).as_str()));
        }
    }

    #[test]
    fn persons_known_only_by_name_are_not_matched_across_dossiers() {
        let mut kit = Kit::clean();
        for r in kit.extracted.tables.iter_mut().flat_map(|t| t.records.iter_mut()) {
            r.id = None;
            r.phone = None;
        }
        let mut other = Kit::clean();
        for b in other.form_mut().types.iter_mut() {
            b.checked = b.label == "行业";
        }
        for r in other.extracted.tables.iter_mut().flat_map(|t| t.records.iter_mut()) {
            r.id = None;
            r.phone = None;
        }
        assert!(digest_of(&kit, "a").persons_by_year.is_empty() || digest_of(&kit, "a").persons_by_year.values().all(|s| s.is_empty()));
        assert!(check_batch(&[digest_of(&kit, "沈阳巧嫂"), digest_of(&other, "沈阳家政员")], &kit.config).is_empty());
    }

    #[test]
    fn a_person_in_two_years_of_one_dossier_is_not_cross_dossier() {
        let kit = Kit::clean();
        assert!(check_batch(&[digest_of(&kit, "沈阳巧嫂")], &kit.config).is_empty());
    }
}
