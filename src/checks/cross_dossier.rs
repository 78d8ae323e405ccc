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

/// The batch-only findings over several dossiers' digests.
///
/// `CITY_DUPLICATE_TYPE`: the notice (§二) asks each city to integrate brands of one trade
/// rather than present "多个同质化培训品牌"; two dossiers of one city with the same 品牌类型
/// are flagged for a reviewer. `CROSS_DOSSIER_PERSON`: one person (same hashed key) counted
/// in the rosters of two dossiers for the same year.
pub fn findings(digests: &[DossierDigest]) -> Vec<crate::report::Finding> {
    use crate::report::{Code, Finding, Location};
    let label = |d: &DossierDigest| match &d.brand_name {
        Some(name) => format!("“{name}”"),
        None => format!("材料 {}", d.dossier.get(..12).unwrap_or(&d.dossier)),
    };
    let mut out = Vec::new();
    let mut by_city_type: BTreeMap<(&str, &str), Vec<&DossierDigest>> = BTreeMap::new();
    for d in digests {
        if let (Some(city), Some(kind)) = (d.city.as_deref(), d.brand_type.as_deref()) {
            by_city_type.entry((city, kind)).or_default().push(d);
        }
    }
    for ((city, kind), group) in by_city_type {
        if group.len() > 1 {
            let names: Vec<String> = group.iter().map(|d| label(d)).collect();
            out.push(
                Finding::new(
                    Code::CityDuplicateType,
                    format!("{city}推荐了{}个品牌类型同为“{kind}”的品牌：{}。通知要求同一市同类品牌予以整合，请核实", group.len(), names.join("、")),
                    Location::default(),
                )
                .expected(1)
                .actual(group.len()),
            );
        }
    }
    for (i, a) in digests.iter().enumerate() {
        for b in &digests[i + 1..] {
            for (year, persons) in &a.persons_by_year {
                let Some(other) = b.persons_by_year.get(year) else { continue };
                let shared = persons.intersection(other).count();
                if shared > 0 && a.dossier != b.dossier {
                    out.push(
                        Finding::new(
                            Code::CrossDossierPerson,
                            format!("{year}年有{shared}人同时计入{}和{}两份申报材料的培训人员名单", label(a), label(b)),
                            Location::default(),
                        )
                        .actual(shared),
                    );
                }
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
    fn same_city_same_type_and_shared_persons_are_flagged() {
        let digests = [
            digest("a", "沈阳市", "行政区域", &["p1", "p2"]),
            digest("b", "沈阳市", "行政区域", &["p2", "p3"]),
            digest("c", "大连市", "行政区域", &["p9"]),
        ];
        let found = findings(&digests);
        let codes: Vec<Code> = found.iter().map(|f| f.code).collect();
        assert_eq!(codes, vec![Code::CityDuplicateType, Code::CrossDossierPerson]);
        assert!(found[0].message.contains("沈阳市") && found[0].message.contains("品牌a") && found[0].message.contains("品牌b"));
        assert_eq!(found[1].actual.as_deref(), Some("1"));
        assert!(findings(&digests[2..]).is_empty());
    }
}
