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
