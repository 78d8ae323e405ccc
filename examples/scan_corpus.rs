//! Measures the scanned-form reader on Tesseract output of the generated corpus's
//! stamped scans: reads `DIR/<dossier>.p1.tsv` (and `.p2.tsv`), Tesseract TSV files made
//! from the red channel of each scan page at 200 dpi (chi_sim, PSM 3), turns them into
//! word boxes, runs `form::from_scanned` and compares every field with the truth
//! (`scanned_form_years` where the scan was made to differ). Prints mismatches and totals.
//!
//! Run: `cargo run --example scan_corpus -- /tmp/scan_tsv /work/corpus-preview`

use dossier_verify::config::Config;
use dossier_verify::extract::{form, ExtractedFile, FileMetadata, Page, TextSource, Word};
use dossier_verify::intake::{DocKind, Format};
use serde_json::Value;

/// Word rows (level 5) of a Tesseract TSV.
fn words(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 12 || f[0] != "5" || f[11].trim().is_empty() {
                return None;
            }
            let n = |i: usize| f[i].parse::<u32>().ok();
            let line_no = n(2)? * 10_000 + n(3)? * 100 + n(4)?;
            Some(Word { text: f[11].to_string(), bbox: [n(6)?, n(7)?, n(8)?, n(9)?], confidence: f[10].parse::<f64>().ok()? / 100.0, line: line_no })
        })
        .collect()
}

fn main() {
    let tsv_dir = std::env::args().nth(1).unwrap_or_else(|| "/tmp/scan_tsv".into());
    let corpus = std::env::args().nth(2).unwrap_or_else(|| "/work/corpus-preview".into());
    let config = Config::builtin().expect("config");
    let (mut ok, mut all) = (0, 0);
    let mut metas: Vec<_> = std::fs::read_dir(&tsv_dir).expect("dir").flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    metas.sort();
    for meta in metas {
        let base = meta.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let Ok(truth) = std::fs::read_to_string(format!("{corpus}/{base}.truth.json")) else { continue };
        let truth: Value = serde_json::from_str(&truth).expect("truth");
        let mut pages = Vec::new();
        for n in 1..=2u32 {
            if let Ok(tsv) = std::fs::read_to_string(format!("{tsv_dir}/{base}.p{n}.tsv")) {
                let words = words(&tsv);
                let text = words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ");
                pages.push(Page { number: n, text, source: TextSource::Ocr, confidence: None, words, width: 0, height: 0, seals: Vec::new() });
            }
        }
        let file = ExtractedFile {
            path: base.clone(),
            sha256: String::new(),
            format: Format::Pdf,
            kind: DocKind::ApplicationForm,
            classified_by: Vec::new(),
            pages,
            sheets: Vec::new(),
            metadata: FileMetadata::default(),
            unreadable: None,
        };
        let mut form = form::from_scanned(&file, &config.rules);
        // With the page image at hand (DIR/<dossier>.p1.png, the red channel OCR read),
        // the boxes are decided from their pixels.
        let png = format!("{tsv_dir}/{base}.p1.png");
        if let (Some(f), Ok(img), Some(page)) = (form.as_mut(), image::open(&png), file.pages.first()) {
            form::boxes::refine_with_image(f, page, &img.to_luma8(), &config.rules);
        }
        let app = &truth["application"];
        let mut check = |what: &str, got: Value, want: &Value| {
            all += 1;
            let ambiguous = want.is_null() && got.as_array().is_some_and(|a| a.len() > 1);
            if &got == want || ambiguous {
                ok += 1;
            } else {
                println!("{base}: {what}: got {got} want {want}");
            }
        };
        let form = form.as_ref();
        check("brand_name", form.and_then(|f| f.brand_name.as_ref()).map_or(Value::Null, |f| Value::String(f.text.clone())), &app["brand_name"]);
        let one = |v: Vec<&str>| if v.len() == 1 { Value::String(v[0].to_string()) } else if v.is_empty() { Value::Null } else { Value::from(v) };
        check("scope", form.map_or(Value::Null, |f| one(f.checked_scopes())), &app["scope"]);
        check("type", form.map_or(Value::Null, |f| one(f.checked_types())), &app["type"]);
        check("occupations", form.map_or(Value::Null, |f| Value::from(f.occupations.iter().map(|o| o.text.clone()).collect::<Vec<_>>())), &app["occupations"]);
        check("units", form.map_or(Value::Null, |f| Value::from(f.units.iter().map(|o| o.text.clone()).collect::<Vec<_>>())), &app["units"]);
        let years = if truth["scanned_form_years"].is_array() { &truth["scanned_form_years"] } else { &app["years"] };
        for y in years.as_array().into_iter().flatten() {
            let year = y["year"].as_i64().unwrap_or(0) as i32;
            let fy = form.and_then(|f| f.year(year));
            let num = |v: Option<f64>| v.map_or(Value::Null, |x| serde_json::json!(x));
            check(&format!("{year} trainees"), num(fy.and_then(|f| f.trainees.as_ref()).and_then(|f| f.value)), &serde_json::json!(y["trainees"].as_f64()));
            check(&format!("{year} pass_rate"), num(fy.and_then(|f| f.pass_rate.as_ref()).and_then(|f| f.value)), &serde_json::json!(y["pass_rate"].as_f64()));
            check(&format!("{year} employment_rate"), num(fy.and_then(|f| f.employment_rate.as_ref()).and_then(|f| f.value)), &serde_json::json!(y["employment_rate"].as_f64()));
        }
    }
    println!("scanned form fields: {ok}/{all} correct");
}
