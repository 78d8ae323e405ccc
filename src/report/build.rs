//! Assembles the [`Report`] from what intake, extraction and the checks produced.

use crate::config::Rules;
use crate::extract::{Extracted, FormData, TableKind, TextSource};
use crate::intake::Dossier;

use super::{Application, DocumentSummary, Finding, NarrativeStatement, Report, RosterSummary, StampSummary, Verdict, YearFigures, SCHEMA};

pub fn build(dossier: &Dossier, extracted: &Extracted, findings: Vec<Finding>, received_at: &str, rules: &Rules) -> Report {
    let documents = extracted.files.iter().map(|file| {
        let ocr_pages: Vec<f64> = file.pages.iter().filter(|p| p.source == TextSource::Ocr).filter_map(|p| p.confidence).collect();
        let has_text = file.pages.iter().any(|p| p.source == TextSource::Text) || !file.sheets.is_empty();
        let text_source = match (has_text, !ocr_pages.is_empty()) {
            (true, true) => "mixed",
            (true, false) => "text",
            (false, true) => "ocr",
            (false, false) => "none",
        };
        DocumentSummary {
            path: file.path.clone(),
            sha256: file.sha256.clone(),
            kind: file.kind.as_str().to_string(),
            format: file.format.report_name().to_string(),
            pages: (!file.pages.is_empty()).then_some(file.pages.len() as u32),
            text_source: text_source.to_string(),
            ocr_confidence: (!ocr_pages.is_empty()).then(|| round3(ocr_pages.iter().sum::<f64>() / ocr_pages.len() as f64)),
            stamps: file
                .pages
                .iter()
                .flat_map(|p| p.seals.iter())
                .map(|s| StampSummary {
                    page: s.page,
                    bbox: s.bbox,
                    text: s.text.clone(),
                    confidence: round3(s.confidence),
                    read_by: s.read_by.map(|r| r.as_str().to_string()),
                    text_confidence: (s.read_by == Some(crate::seals::ReadBy::Ocr)).then(|| round3(s.text_confidence)),
                    issuer_check: s.issuer_check.map(|c| c.as_str().to_string()),
                })
                .collect(),
            classified_by: file.classified_by.clone(),
        }
    });

    let rosters = extracted.tables.iter().map(|table| {
        let persons = crate::extract::distinct_persons(&table.records);
        RosterSummary {
            path: table.path.clone(),
            sheet: table.sheet.clone(),
            kind: table.kind.as_str().to_string(),
            year: table.year,
            rows: table.records.len() as u32,
            persons: persons as u32,
            passed: match table.kind {
                TableKind::TrainingRoster => count_some(table.records.iter().map(|r| r.passed)),
                TableKind::EmploymentTracking => None,
            },
            employed_within_6_months: match table.kind {
                TableKind::EmploymentTracking => count_some(table.records.iter().map(|r| r.employed)),
                TableKind::TrainingRoster => None,
            },
        }
    });

    let narratives = extracted.narrative_figures.iter().map(|figure| NarrativeStatement {
        path: figure.location.path.clone().unwrap_or_default(),
        page: figure.location.page,
        year: figure.year,
        metric: figure.metric,
        value: figure.value,
        sentence: figure.sentence.clone(),
    });

    Report {
        schema: SCHEMA.to_string(),
        dossier: super::DossierInfo {
            sha256: dossier.sha256.clone(),
            filename: dossier.filename.clone(),
            received_at: received_at.to_string(),
        },
        verdict: Verdict::Pass,
        application: extracted.form().map(|form| application(form, rules)),
        documents: documents.collect(),
        rosters: rosters.collect(),
        narratives: narratives.collect(),
        findings,
    }
    .finalize()
}

/// How many records state the flag as true; `None` when no record states it at all.
fn count_some(values: impl Iterator<Item = Option<bool>>) -> Option<u32> {
    let mut stated = false;
    let mut count = 0;
    for v in values.flatten() {
        stated = true;
        count += u32::from(v);
    }
    stated.then_some(count)
}

fn application(form: &FormData, rules: &Rules) -> Application {
    let years = &rules.round.years;
    let checked = |boxes: &[&str]| if boxes.len() == 1 { Some(boxes[0].to_string()) } else { None };
    // The city the applicant (the city bureau) or, failing that, the brand name names;
    // the applicant's own words when neither names a city of the round.
    let city = [&form.applicant, &form.brand_name]
        .into_iter()
        .flatten()
        .find_map(|field| rules.city_named_in(&field.text))
        .map(|city| city.name.clone())
        .or_else(|| form.applicant.as_ref().map(|a| a.text.clone()));
    Application {
        brand_name: form.brand_name.as_ref().map(|f| f.text.clone()),
        city,
        scope: checked(&form.checked_scopes()),
        brand_type: checked(&form.checked_types()),
        occupations: form.occupations.iter().map(|f| f.text.clone()).collect(),
        units: form.units.iter().map(|f| f.text.clone()).collect(),
        years: years
            .iter()
            .map(|&year| {
                let row = form.year(year);
                let value = |pick: fn(&crate::extract::FormYear) -> &Option<crate::extract::Figure>| {
                    row.and_then(|r| pick(r).as_ref()).and_then(|f| f.value)
                };
                YearFigures {
                    year,
                    trainees: value(|r| &r.trainees).map(|v| v.round() as u32),
                    pass_rate: value(|r| &r.pass_rate).map(round4),
                    employment_rate: value(|r| &r.employment_rate).map(round4),
                }
            })
            .collect(),
        source: form.path.clone(),
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn round4(v: f64) -> f64 {
    (v * 10000.0).round() / 10000.0
}
