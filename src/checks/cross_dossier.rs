//! Batch-only checks over several dossiers: `CITY_DUPLICATE_TYPE` and
//! `CROSS_DOSSIER_PERSON`. They work on [`DossierDigest`]s, which carry no personal
//! data in clear: persons are keyed by a salted hash of their ID number.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// What the batch checks need of one verified dossier.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DossierDigest {
    pub dossier: String,
    pub city: Option<String>,
    pub brand_type: Option<String>,
    pub brand_name: Option<String>,
    /// Year → hashed person keys found in that year's rosters.
    pub persons_by_year: BTreeMap<i32, BTreeSet<String>>,
}

/// The digest of one verified dossier.
pub fn digest(dossier_sha256: &str, extracted: &crate::extract::Extracted, config: &crate::config::Config) -> DossierDigest {
    use crate::extract::{person_key, TableKind};
    let form = extracted.form();
    let checked_type = form.and_then(|f| match f.checked_types().as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
    });
    let city = form
        .and_then(|f| f.applicant.as_ref().or(f.brand_name.as_ref()))
        .and_then(|field| config.rules.city_named_in(&field.text))
        .map(|c| c.name.clone());
    let mut persons_by_year: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
    for table in extracted.tables.iter().filter(|t| t.kind == TableKind::TrainingRoster) {
        let Some(year) = table.year else { continue };
        let set = persons_by_year.entry(year).or_default();
        for record in &table.records {
            set.insert(crate::intake::sha256_hex(person_key(record).as_bytes()));
        }
    }
    DossierDigest {
        dossier: dossier_sha256.to_string(),
        city,
        brand_type: checked_type,
        brand_name: form.and_then(|f| f.brand_name.as_ref()).map(|f| f.text.clone()),
        persons_by_year,
    }
}

/// The batch findings, each with the dossier (its `DossierDigest::dossier`) it belongs to.
///
/// (A minimal version for the service; the checks branch carries the full one with the
/// same signature, which replaces this at merge.) `CITY_DUPLICATE_TYPE`: notice 七(三),
/// "推荐 2 个及以上的应为不同类型"; `CROSS_DOSSIER_PERSON`: one hashed person in the rosters of
/// two dossiers for the same year.
pub fn check_batch(digests: &[DossierDigest], config: &crate::config::Config) -> Vec<(String, crate::report::Finding)> {
    use crate::report::{Code, Finding, Location};
    let label = |d: &DossierDigest| match &d.brand_name {
        Some(name) => format!("“{name}”"),
        None => format!("材料{}", d.dossier.get(..12).unwrap_or(&d.dossier)),
    };
    let mut out = Vec::new();
    let mut by_city_type: BTreeMap<(&str, &str), Vec<&DossierDigest>> = BTreeMap::new();
    for d in digests {
        if let (Some(city), Some(kind)) = (d.city.as_deref(), d.brand_type.as_deref()) {
            by_city_type.entry((city, kind)).or_default().push(d);
        }
    }
    for ((city, kind), group) in by_city_type {
        if group.len() < 2 {
            continue;
        }
        let names: Vec<String> = group.iter().map(|d| label(d)).collect();
        for d in &group {
            let message = format!("{city}本批次推荐了{}个“{kind}”类型的培训品牌（{}）。依据：七(三) 推荐2个及以上的应为不同类型", group.len(), names.join("、"));
            out.push((d.dossier.clone(), Finding::new(Code::CityDuplicateType, message, Location::default()).actual(group.len())));
        }
    }
    for &year in &config.rules.round.years {
        for d in digests {
            let Some(persons) = d.persons_by_year.get(&year) else { continue };
            let mut shared = 0;
            let mut others = BTreeSet::new();
            for key in persons {
                let mut found = false;
                for o in digests.iter().filter(|o| o.dossier != d.dossier) {
                    if o.persons_by_year.get(&year).is_some_and(|p| p.contains(key)) {
                        others.insert(label(o));
                        found = true;
                    }
                }
                shared += usize::from(found);
            }
            if shared > 0 {
                let others: Vec<String> = others.into_iter().collect();
                let message = format!("{year}年本品牌培训人员名单中有{shared}人同时计入{}的培训人员名单", others.join("、"));
                out.push((d.dossier.clone(), Finding::new(Code::CrossDossierPerson, message, Location::default()).actual(shared)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Code;

    fn digest(id: &str, city: &str, kind: &str, persons: &[&str]) -> DossierDigest {
        DossierDigest {
            dossier: id.into(),
            city: Some(city.into()),
            brand_type: Some(kind.into()),
            brand_name: Some(format!("品牌{id}")),
            persons_by_year: BTreeMap::from([(2022, persons.iter().map(|p| p.to_string()).collect())]),
        }
    }

    #[test]
    fn same_city_same_type_and_shared_persons_are_flagged_on_each_dossier() {
        let config = crate::config::Config::builtin().unwrap();
        let digests = [
            digest("a", "沈阳市", "行政区域", &["p1", "p2"]),
            digest("b", "沈阳市", "行政区域", &["p2", "p3"]),
            digest("c", "大连市", "行政区域", &["p9"]),
        ];
        let found = check_batch(&digests, &config);
        let codes: Vec<(&str, Code)> = found.iter().map(|(d, f)| (d.as_str(), f.code)).collect();
        assert_eq!(
            codes,
            vec![("a", Code::CityDuplicateType), ("b", Code::CityDuplicateType), ("a", Code::CrossDossierPerson), ("b", Code::CrossDossierPerson)]
        );
        assert!(found[2].1.message.contains("品牌b") && found[2].1.actual.as_deref() == Some("1"));
        assert!(check_batch(&digests[2..], &config).is_empty());
    }
}
