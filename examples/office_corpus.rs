//! Measures the office readers on a generated corpus (`/work/corpus-preview` by default):
//! for every dossier zip with a `.truth.json`, reads its DOCX/XLSX/XLS/CSV files through
//! the extraction pipeline and compares the editable 申报表's fields and every roster's
//! kind, year, header row, row count and passed count with the truth. Prints each
//! mismatch and the totals. (PDF and images are left to the PDF/OCR readers.)
//!
//! Run: `cargo run --example office_corpus -- /work/corpus-preview`

use std::io::Read;

use dossier_verify::config::Config;
use dossier_verify::extract::{self, IdCell};
use dossier_verify::intake::{self, Dossier, Entry, Format};
use serde_json::Value;

fn format_of(name: &str) -> Option<Format> {
    let lower = name.to_lowercase();
    let ext = lower.rsplit('.').next()?;
    Some(match ext {
        "docx" => Format::Docx,
        "xlsx" | "xlsm" => Format::Xlsx,
        "xls" => Format::Xls,
        "ods" => Format::Ods,
        "csv" => Format::Csv,
        "et" => Format::Et,
        _ => return None,
    })
}

fn name_of(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(raw).0.into_owned(),
    }
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/work/corpus-preview".into());
    let config = Config::builtin().expect("config");
    let (mut fields_ok, mut fields_all, mut rosters_ok, mut rosters_all) = (0, 0, 0, 0);
    let mut paths: Vec<_> = std::fs::read_dir(&dir).expect("dir").flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "zip")).collect();
    paths.sort();
    for path in paths {
        let truth_path = path.with_extension("truth.json");
        let Ok(truth) = std::fs::read_to_string(&truth_path) else { continue };
        let truth: Value = serde_json::from_str(&truth).expect("truth json");
        let bytes = std::fs::read(&path).expect("zip");
        let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else { continue };
        let mut entries = Vec::new();
        for i in 0..archive.len() {
            let Ok(mut f) = archive.by_index(i) else { continue };
            let name = name_of(f.name_raw());
            let Some(format) = format_of(&name) else { continue };
            let mut data = Vec::new();
            if f.read_to_end(&mut data).is_err() {
                continue;
            }
            entries.push(Entry { path: name, sha256: intake::sha256_hex(&data), bytes: data, format });
        }
        let dossier = Dossier { sha256: String::new(), filename: String::new(), entries, findings: Vec::new() };
        let extracted = extract::extract(&dossier, &config, &Default::default());
        let label = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        for f in &extracted.findings {
            println!("{label}: finding {:?} {}", f.code, f.message);
        }

        // The editable form, field by field.
        let app = &truth["application"];
        let source = app["source"].as_str().unwrap_or_default();
        let editable_expected = format_of(source).is_some();
        if editable_expected && app.is_object() {
            let form = extracted.form_editable.as_ref();
            let mut check = |what: &str, got: Value, want: &Value| {
                fields_all += 1;
                // A null single value in the truth means "not exactly one": two boxes ticked.
                let ambiguous = want.is_null() && got.as_array().is_some_and(|a| a.len() > 1);
                if &got == want || ambiguous {
                    fields_ok += 1;
                } else {
                    println!("{label}: form {what}: got {got} want {want}");
                }
            };
            let text = |f: Option<&extract::Field>| f.map_or(Value::Null, |f| Value::String(f.text.clone()));
            check("brand_name", text(form.and_then(|f| f.brand_name.as_ref())), &app["brand_name"]);
            let one = |v: Vec<&str>| if v.len() == 1 { Value::String(v[0].to_string()) } else if v.is_empty() { Value::Null } else { Value::from(v) };
            check("scope", form.map_or(Value::Null, |f| one(f.checked_scopes())), &app["scope"]);
            check("type", form.map_or(Value::Null, |f| one(f.checked_types())), &app["type"]);
            check("occupations", form.map_or(Value::Null, |f| Value::from(f.occupations.iter().map(|o| o.text.clone()).collect::<Vec<_>>())), &app["occupations"]);
            check("units", form.map_or(Value::Null, |f| Value::from(f.units.iter().map(|o| o.text.clone()).collect::<Vec<_>>())), &app["units"]);
            for y in app["years"].as_array().into_iter().flatten() {
                let year = y["year"].as_i64().unwrap_or(0) as i32;
                let fy = form.and_then(|f| f.year(year));
                let num = |v: Option<f64>| v.map_or(Value::Null, |x| serde_json::json!(x));
                check(&format!("{year} trainees"), num(fy.and_then(|f| f.trainees.as_ref()).and_then(|f| f.value)), &serde_json::json!(y["trainees"].as_f64()));
                check(&format!("{year} pass_rate"), num(fy.and_then(|f| f.pass_rate.as_ref()).and_then(|f| f.value)), &serde_json::json!(y["pass_rate"].as_f64()));
                check(&format!("{year} employment_rate"), num(fy.and_then(|f| f.employment_rate.as_ref()).and_then(|f| f.value)), &serde_json::json!(y["employment_rate"].as_f64()));
            }
        }

        // Every roster of the truth.
        for r in truth["rosters"].as_array().into_iter().flatten() {
            if format_of(r["path"].as_str().unwrap_or_default()).is_none() {
                continue;
            }
            rosters_all += 1;
            let table = extracted.tables.iter().find(|t| t.path == r["path"].as_str().unwrap_or_default() && t.sheet.as_deref() == r["sheet"].as_str());
            let Some(t) = table else {
                println!("{label}: roster not found: {} [{}]", r["path"], r["sheet"]);
                continue;
            };
            // The truth counts distinct persons who passed (a person listed twice once).
            let passed_records: Vec<_> = t.records.iter().filter(|x| x.passed == Some(true)).cloned().collect();
            let passed = extract::distinct_persons(&passed_records);
            let lost = t.records.iter().any(|x| matches!(x.id, Some(IdCell::NumberLostDigits(_))));
            let got = serde_json::json!({
                "kind": t.kind.as_str(), "year": t.year, "rows": t.records.len(), "header_row": t.header_row,
                "passed": if t.kind.as_str() == "training_roster" { Value::from(passed) } else { Value::Null }, "ids_as_numbers": lost,
            });
            let want = serde_json::json!({
                "kind": r["kind"], "year": r["year"], "rows": r["rows"], "header_row": r["header_row"], "passed": r["passed"], "ids_as_numbers": r["ids_as_numbers"],
            });
            if got == want {
                rosters_ok += 1;
            } else {
                println!("{label}: roster {} [{}]: got {got} want {want}", r["path"], r["sheet"]);
            }
        }
    }
    println!("form fields: {fields_ok}/{fields_all} correct; rosters: {rosters_ok}/{rosters_all} exact");
}
