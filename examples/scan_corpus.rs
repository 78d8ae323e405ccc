//! Measures the scanned-form reader on the generated corpus: for every dossier whose
//! truth lists a scanned 申报表, unpacks the zip, reads only that scan through the real
//! extraction (render, OCR with its figure re-reads, `form::from_scanned`, checkboxes
//! from the page pixels) and compares every field with the truth (`scanned_form_years`
//! where the scan was made to differ). Prints mismatches and totals.
//!
//! Run: `OMP_THREAD_LIMIT=1 cargo run --example scan_corpus -- fixtures/corpus`
//! (`SCAN_ONLY=defect-07,clean-03` limits it to dossiers whose name contains one of those;
//! `SCAN_PSM=4` reads with another Tesseract page segmentation mode, `SCAN_WHITE_POINT=0.75`
//! with another white point of the OCR image).

use dossier_verify::config::Config;
use dossier_verify::extract::{self, Hooks};
use dossier_verify::intake;
use serde_json::Value;

fn main() {
    // DOSSIER_VERIFY_LOG=dossier_verify::extract=debug shows the OCR's second looks.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("DOSSIER_VERIFY_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let corpus = std::env::args().nth(1).unwrap_or_else(|| "fixtures/corpus".into());
    let only: Vec<String> = std::env::var("SCAN_ONLY").map(|v| v.split(',').map(str::to_string).collect()).unwrap_or_default();
    let mut config = Config::builtin().expect("config");
    // SCAN_PSM=4 measures another page segmentation mode for the first reading.
    if let Some(psm) = std::env::var("SCAN_PSM").ok().and_then(|v| v.parse().ok()) {
        config.settings.ocr.page_segmentation_mode = psm;
    }
    // SCAN_WHITE_POINT=0.75 measures another white point of the OCR image.
    if let Some(white) = std::env::var("SCAN_WHITE_POINT").ok().and_then(|v| v.parse().ok()) {
        config.settings.ocr.white_point = white;
    }
    let (mut ok, mut all) = (0, 0);
    // The 培训情况 figures (what FORM_VERSION_MISMATCH compares) apart from the rest.
    let (mut figures_ok, mut figures) = (0, 0);
    let mut truths: Vec<_> = std::fs::read_dir(&corpus).expect("corpus dir").flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(".truth.json")).collect();
    truths.sort();
    for truth_path in truths {
        let base = truth_path.file_name().and_then(|s| s.to_str()).unwrap_or_default().trim_end_matches(".truth.json").to_string();
        if !only.is_empty() && !only.iter().any(|o| base.contains(o.as_str())) {
            continue;
        }
        let truth: Value = serde_json::from_str(&std::fs::read_to_string(&truth_path).expect("truth")).expect("truth json");
        let scans: Vec<String> = truth["files"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["kind"] == "application_form" && f["format"] != "docx" && f["format"] != "xlsx")
            .filter_map(|f| f["path"].as_str().map(str::to_string))
            .collect();
        if scans.is_empty() || truth["application"].is_null() {
            continue;
        }
        let Ok(bytes) = std::fs::read(corpus.clone() + "/" + &base + ".zip") else { continue };
        let mut dossier = intake::unpack(&bytes, &format!("{base}.zip"), &config.settings.limits);
        dossier.entries.retain(|e| scans.contains(&e.path));
        let extracted = extract::extract(&dossier, &config, &Hooks::default());
        let app = &truth["application"];
        let mut check = |what: &str, got: Value, want: &Value| {
            all += 1;
            let figure = what.ends_with("trainees") || what.ends_with("rate");
            figures += usize::from(figure);
            let ambiguous = want.is_null() && got.as_array().is_some_and(|a| a.len() > 1);
            if &got == want || ambiguous {
                ok += 1;
                figures_ok += usize::from(figure);
            } else {
                println!("{base}: {what}: got {got} want {want}");
            }
        };
        let form = extracted.form_scanned.as_ref();
        check("brand_name", form.and_then(|f| f.brand_name.as_ref()).map_or(Value::Null, |f| Value::String(f.text.clone())), &app["brand_name"]);
        let one = |v: Vec<&str>| if v.len() == 1 { Value::String(v[0].to_string()) } else if v.is_empty() { Value::Null } else { Value::from(v) };
        check("scope", form.map_or(Value::Null, |f| one(f.checked_scopes())), &app["scope"]);
        check("type", form.map_or(Value::Null, |f| one(f.checked_types())), &app["type"]);
        check("occupations", form.map_or(Value::Null, |f| Value::from(f.occupations.iter().map(|o| o.text.clone()).collect::<Vec<_>>())), &app["occupations"]);
        check("units", form.map_or(Value::Null, |f| Value::from(f.units.iter().map(|o| o.text.clone()).collect::<Vec<_>>())), &app["units"]);
        for y in app["years"].as_array().into_iter().flatten() {
            let year = y["year"].as_i64().unwrap_or(0) as i32;
            // Where the scan was made to differ, its figures as printed on it.
            let printed = &truth["scanned_form_years"][year.to_string()];
            let want = |i: usize, key: &str| -> Value {
                match printed[i].as_str() {
                    Some(t) if t.ends_with('%') => serde_json::json!(t.trim_end_matches('%').parse::<f64>().ok().map(|v| (v * 10.0).round() / 1000.0)),
                    Some(t) => serde_json::json!(t.parse::<f64>().ok()),
                    None => serde_json::json!(y[key].as_f64()),
                }
            };
            let fy = form.and_then(|f| f.year(year));
            // The value, and where it does not parse the text read.
            let num = |f: Option<&dossier_verify::extract::Figure>| match f {
                Some(f) => f.value.map_or_else(|| serde_json::json!(format!("unparsed {:?}", f.text)), |x| serde_json::json!(x)),
                None => Value::Null,
            };
            check(&format!("{year} trainees"), num(fy.and_then(|f| f.trainees.as_ref())), &want(0, "trainees"));
            check(&format!("{year} pass_rate"), num(fy.and_then(|f| f.pass_rate.as_ref())), &want(1, "pass_rate"));
            check(&format!("{year} employment_rate"), num(fy.and_then(|f| f.employment_rate.as_ref())), &want(2, "employment_rate"));
        }
    }
    println!("scanned form fields: {ok}/{all} correct; the 培训情况 figures: {figures_ok}/{figures}");
}
