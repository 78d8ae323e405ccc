//! The corpus test: every dossier of `fixtures/corpus/` (made by `tools/gen_fixtures`)
//! goes through [`dossier_verify::verify`] and its report is compared with the dossier's
//! truth file (`NAME.truth.json`).
//!
//! What is compared, each as one named expectation:
//! - `application.<field>` and `application.years.<year>.<figure>`: what the form says;
//! - `finding:<CODE>@<path>`: a planted defect is reported, by code and (where the truth
//!   pins it) the file path — the truth's page/sheet/row are there for people and for
//!   later tightening;
//! - `must_not:<CODE>`: a code the truth forbids for this dossier is absent;
//! - `batch:<CODE>`: cross-dossier codes, judged over the whole corpus as one batch;
//! - `verdict`: clean dossiers only.
//!
//! Expectations that do not hold yet are listed, each with a reason naming the issue
//! that will make it hold, in `tests/corpus_expected_failures.toml`. The test fails on a
//! failing expectation that is not listed AND on a listed one that now holds, so the
//! list only shrinks. After a change, `CORPUS_UPDATE_EXPECTED_FAILURES=1 cargo test
//! --test corpus` rewrites the list (keeping existing reasons); review the diff.
//!
//! Run with `OMP_THREAD_LIMIT=1` in the environment (OCR is 3–4× slower without it);
//! `CORPUS_ONLY=defect-15-inflated-count,clean-01-shenyang-region` limits the run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use dossier_verify::report::{Finding, Report};
use dossier_verify::{Config, DossierMeta};

const CORPUS: &str = "fixtures/corpus";
const LIST: &str = "tests/corpus_expected_failures.toml";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct ExpectedFailure {
    dossier: String,
    what: String,
    reason: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct FailureList {
    #[serde(default, rename = "expected_failure")]
    entries: Vec<ExpectedFailure>,
}

/// One named expectation and whether it holds, with what was seen when it does not.
struct Outcome {
    dossier: String,
    what: String,
    holds: bool,
    seen: String,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS)
}

fn truths() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(corpus_dir())
        .expect("fixtures/corpus exists (run tools/gen_fixtures/generate.py)");
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(stem) = name.strip_suffix(".truth.json") {
            let text = std::fs::read_to_string(&path).expect("readable truth file");
            let value: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: invalid JSON: {e}"));
            out.push((stem.to_string(), value));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(
        out.len() >= 25,
        "the corpus must hold at least 25 dossiers, found {}",
        out.len()
    );
    out
}

fn verify_one(stem: &str, truth: &Value, config: &Config) -> dossier_verify::Verified {
    let zip = corpus_dir().join(format!("{stem}.zip"));
    let bytes = std::fs::read(&zip).unwrap_or_else(|e| panic!("{}: {e}", zip.display()));
    let received = truth["received_at"]
        .as_str()
        .expect("truth has received_at");
    let meta = DossierMeta {
        filename: format!("{stem}.zip"),
        received_at: DateTime::parse_from_rfc3339(received).expect("received_at is RFC 3339"),
    };
    dossier_verify::verify(&bytes, &meta, config, &Default::default())
}

/// Verifies every dossier, two at a time (the machine has two cores), each worker taking
/// the next dossier when it is done (split in two halves, one worker finished 40 s early).
/// Not `batch::run`'s rayon pool: a pool of two with `par_iter` took 10% longer, timed
/// side by side twice (release build: 212 s against 194 s, 204 s against 181 s).
fn verify_all(truths: &[(String, Value)], config: &Config) -> Vec<dossier_verify::Verified> {
    let workers = 2;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut verified: Vec<(usize, dossier_verify::Verified)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((stem, truth)) = truths.get(i) else { break done };
                        done.push((i, verify_one(stem, truth, config)));
                    }
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a worker verifying dossiers panicked")).collect()
    });
    verified.sort_by_key(|(i, _)| *i);
    assert_eq!(verified.len(), truths.len(), "every dossier verified");
    verified.into_iter().map(|(_, v)| v).collect()
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(|s| s.trim().to_string())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(text).collect())
        .unwrap_or_default()
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-4,
        (None, None) => true,
        _ => false,
    }
}

fn application_outcomes(stem: &str, truth: &Value, report: &Report, out: &mut Vec<Outcome>) {
    let want = &truth["application"];
    if want.is_null() {
        return;
    }
    let got = report.application.as_ref();
    let mut push = |what: &str, holds: bool, seen: String| {
        out.push(Outcome {
            dossier: stem.into(),
            what: format!("application.{what}"),
            holds,
            seen,
        })
    };
    let field = |f: fn(&dossier_verify::report::Application) -> Option<String>| got.and_then(f);
    for (name, value) in [
        ("brand_name", field(|a| a.brand_name.clone())),
        ("city", field(|a| a.city.clone())),
        ("scope", field(|a| a.scope.clone())),
        ("type", field(|a| a.brand_type.clone())),
    ] {
        let expected = text(&want[name]);
        push(
            name,
            value.as_deref().map(str::trim) == expected.as_deref(),
            format!("{value:?}, want {expected:?}"),
        );
    }
    for (name, value) in [
        ("occupations", got.map(|a| a.occupations.clone())),
        ("units", got.map(|a| a.units.clone())),
    ] {
        let expected = strings(&want[name]);
        let value: Option<Vec<String>> =
            value.map(|v| v.iter().map(|s| s.trim().to_string()).collect());
        push(
            name,
            value.as_ref() == Some(&expected),
            format!("{value:?}, want {expected:?}"),
        );
    }
    for year in want["years"].as_array().into_iter().flatten() {
        let Some(y) = year["year"].as_i64() else {
            continue;
        };
        let got_year = got.and_then(|a| a.years.iter().find(|f| i64::from(f.year) == y));
        let trainees = got_year.and_then(|f| f.trainees).map(u64::from);
        let want_trainees = year["trainees"].as_u64();
        push(
            &format!("years.{y}.trainees"),
            trainees == want_trainees,
            format!("{trainees:?}, want {want_trainees:?}"),
        );
        for rate in ["pass_rate", "employment_rate"] {
            let value = got_year.and_then(|f| {
                if rate == "pass_rate" {
                    f.pass_rate
                } else {
                    f.employment_rate
                }
            });
            let expected = year[rate].as_f64();
            push(
                &format!("years.{y}.{rate}"),
                close(value, expected),
                format!("{value:?}, want {expected:?}"),
            );
        }
    }
}

fn finding_matches(f: &Finding, code: &str, paths: &[String]) -> bool {
    f.code.as_str() == code
        && (paths.is_empty()
            || f.location
                .path
                .as_ref()
                .is_some_and(|p| paths.iter().any(|want| want == p)))
}

fn expected_paths(e: &Value) -> Vec<String> {
    let mut paths: Vec<String> = text(&e["path"]).into_iter().collect();
    paths.extend(strings(&e["also_accept_paths"]));
    paths
}

fn finding_outcomes(stem: &str, truth: &Value, report: &Report, out: &mut Vec<Outcome>) {
    let mut seen_names = BTreeSet::new();
    for e in truth["expected_findings"].as_array().into_iter().flatten() {
        if e["batch"].as_bool() == Some(true) {
            continue;
        }
        let code = text(&e["code"]).unwrap_or_default();
        let paths = expected_paths(e);
        let what = format!(
            "finding:{code}@{}",
            paths.first().map(String::as_str).unwrap_or("*")
        );
        if !seen_names.insert(what.clone()) {
            continue; // two planted instances in one file: one expectation
        }
        let holds = report
            .findings
            .iter()
            .any(|f| finding_matches(f, &code, &paths));
        let same_code: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code.as_str() == code)
            .map(|f| f.location.path.clone().unwrap_or_default())
            .collect();
        out.push(Outcome {
            dossier: stem.into(),
            what,
            holds,
            seen: format!("{code} reported at {same_code:?}"),
        });
    }
    for code in strings(&truth["must_not"]) {
        let hits: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code.as_str() == code)
            .map(|f| format!("{} ({})", f.location.describe_zh(), f.message))
            .collect();
        out.push(Outcome {
            dossier: stem.into(),
            what: format!("must_not:{code}"),
            holds: hits.is_empty(),
            seen: hits.join("; "),
        });
    }
    if truth["clean"].as_bool() == Some(true) {
        let want = text(&truth["expected_verdict"]).unwrap_or_default();
        let got = report.verdict.as_str();
        out.push(Outcome {
            dossier: stem.into(),
            what: "verdict".into(),
            holds: got == want,
            seen: format!("{got}, want {want}"),
        });
    }
}

/// Batch-only codes: each truth `batch_group` is checked as one batch, the way a reviewer
/// re-checks one city's recommendations together.
fn batch_findings(truths: &[(String, Value)], verified: &[dossier_verify::Verified], config: &Config) -> BTreeMap<String, Vec<Finding>> {
    let mut groups: BTreeMap<String, Vec<dossier_verify::checks::cross_dossier::DossierDigest>> = BTreeMap::new();
    for ((_, truth), v) in truths.iter().zip(verified) {
        if let Some(group) = text(&truth["batch_group"]) {
            groups.entry(group).or_default().push(v.digest.clone());
        }
    }
    let mut by_sha: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for digests in groups.values() {
        for (dossier, finding) in dossier_verify::checks::cross_dossier::check_batch(digests, config) {
            by_sha.entry(dossier).or_default().push(finding);
        }
    }
    by_sha
}

fn batch_outcomes(
    truths: &[(String, Value)],
    verified: &[dossier_verify::Verified],
    config: &Config,
    out: &mut Vec<Outcome>,
) {
    let by_sha = batch_findings(truths, verified, config);
    for ((stem, truth), v) in truths.iter().zip(verified) {
        let findings = by_sha
            .get(&v.report.dossier.sha256)
            .cloned()
            .unwrap_or_default();
        for e in truth["expected_findings"].as_array().into_iter().flatten() {
            if e["batch"].as_bool() != Some(true) {
                continue;
            }
            let code = text(&e["code"]).unwrap_or_default();
            let paths = expected_paths(e);
            let holds = findings.iter().any(|f| finding_matches(f, &code, &paths));
            out.push(Outcome {
                dossier: stem.clone(),
                what: format!("batch:{code}"),
                holds,
                seen: format!("{} batch findings", findings.len()),
            });
        }
    }
}

/// The issue that will make a failing expectation hold, for a new list entry.
fn default_reason(what: &str) -> String {
    let code = what.split([':', '@']).nth(1).unwrap_or("");
    if what.starts_with("application.") {
        return "extraction of the 申报表 (DOCX/XLSX/scan) not built (issue 4)".into();
    }
    if what == "verdict" {
        return "verdict follows from findings; depends on extraction and checks (issues 4, 5, 6)"
            .into();
    }
    if what.starts_with("batch:") {
        return "batch cross-dossier checks not built (issue 7)".into();
    }
    if what.starts_with("must_not:") {
        return format!("false positive: {code} reported where the truth forbids it (needs extraction/checks, issues 4–6)");
    }
    let issue = match code {
        "ARCHIVE_INVALID" | "ARCHIVE_UNSAFE" | "FILE_UNSUPPORTED" => "issue 2",
        "FILE_UNREADABLE" | "LOW_OCR_CONFIDENCE" => "issue 4",
        "MISSING_STAMP" | "STAMP_ISSUER_MISMATCH" | "STAMP_ISSUER_UNCONFIRMED" | "STAMP_DUPLICATED_IMAGE" => "issue 6",
        _ => "issue 5",
    };
    format!("check {code} not built yet ({issue})")
}

fn load_list() -> FailureList {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(LIST);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    toml::from_str(&text).unwrap_or_else(|e| panic!("{LIST}: {e}"))
}

fn write_list(outcomes: &[Outcome], old: &FailureList, checked: &BTreeSet<&str>) {
    let reasons: BTreeMap<(&str, &str), &str> = old
        .entries
        .iter()
        .map(|e| ((e.dossier.as_str(), e.what.as_str()), e.reason.as_str()))
        .collect();
    let mut entries: Vec<ExpectedFailure> = outcomes
        .iter()
        .filter(|o| !o.holds)
        .map(|o| ExpectedFailure {
            dossier: o.dossier.clone(),
            what: o.what.clone(),
            reason: reasons
                .get(&(o.dossier.as_str(), o.what.as_str()))
                .map(|r| r.to_string())
                .unwrap_or_else(|| default_reason(&o.what)),
        })
        .collect();
    // entries of dossiers not checked in this run (CORPUS_ONLY) stay as they were
    entries.extend(
        old.entries
            .iter()
            .filter(|e| !checked.contains(e.dossier.as_str()))
            .cloned(),
    );
    entries.sort();
    let mut text = String::from(
        "# Corpus expectations that do not hold yet (tests/corpus.rs). Each names the dossier,\n\
         # the expectation and why it fails today. The test fails when an expectation NOT listed\n\
         # here fails, and when one listed here holds: remove entries as features land\n\
         # (CORPUS_UPDATE_EXPECTED_FAILURES=1 cargo test --test corpus rewrites this file).\n\n",
    );
    // One entry per line (an array of inline tables), so diffs show exactly what changed.
    text.push_str("expected_failure = [\n");
    for e in &entries {
        let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
        text.push_str(&format!(
            "  {{ dossier = {}, what = {}, reason = {} }},\n",
            quote(&e.dossier),
            quote(&e.what),
            quote(&e.reason)
        ));
    }
    text.push_str("]\n");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(LIST);
    std::fs::write(&path, text).expect("write the expected-failure list");
}

#[test]
fn corpus_reports_match_their_truth() {
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        eprintln!("note: OMP_THREAD_LIMIT is not set; OCR will be 3–4x slower");
    }
    let config = Config::builtin().expect("built-in config loads");
    // CORPUS_ONLY=name,name checks a few dossiers while developing (the list's other
    // entries are left alone).
    let only: Option<BTreeSet<String>> = std::env::var("CORPUS_ONLY")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let truths: Vec<_> = truths()
        .into_iter()
        .filter(|(s, _)| only.as_ref().is_none_or(|o| o.contains(s)))
        .collect();
    let verified = verify_all(&truths, &config);
    let mut outcomes = Vec::new();
    for ((stem, truth), v) in truths.iter().zip(&verified) {
        application_outcomes(stem, truth, &v.report, &mut outcomes);
        finding_outcomes(stem, truth, &v.report, &mut outcomes);
    }
    batch_outcomes(&truths, &verified, &config, &mut outcomes);

    let mut list = load_list();
    let checked: BTreeSet<&str> = truths.iter().map(|(s, _)| s.as_str()).collect();
    if std::env::var_os("CORPUS_UPDATE_EXPECTED_FAILURES").is_some() {
        write_list(&outcomes, &list, &checked);
        return;
    }
    list.entries
        .retain(|e| checked.contains(e.dossier.as_str()));
    let listed: BTreeSet<(&str, &str)> = list
        .entries
        .iter()
        .map(|e| (e.dossier.as_str(), e.what.as_str()))
        .collect();
    let known: BTreeSet<(&str, &str)> = outcomes
        .iter()
        .map(|o| (o.dossier.as_str(), o.what.as_str()))
        .collect();
    let mut problems = Vec::new();
    for o in &outcomes {
        let on_list = listed.contains(&(o.dossier.as_str(), o.what.as_str()));
        match (o.holds, on_list) {
            (false, false) => problems.push(format!(
                "FAILS (not on the list): {} {} — {}",
                o.dossier, o.what, o.seen
            )),
            (true, true) => problems.push(format!(
                "NOW HOLDS (remove from {LIST}): {} {}",
                o.dossier, o.what
            )),
            _ => {}
        }
    }
    for e in &list.entries {
        if !known.contains(&(e.dossier.as_str(), e.what.as_str())) {
            problems.push(format!("UNKNOWN entry in {LIST}: {} {}", e.dossier, e.what));
        }
    }
    let (right, stated, wrong) = narrative_figures(&truths, &verified);
    eprintln!("narrative figures: {right} of {stated} agree with the form's truth");
    for w in &wrong {
        eprintln!("  narrative figure read wrong: {w}");
    }
    // Issue 4: figures in narratives ≥ 95% right.
    if stated > 0 && right * 100 < stated * 95 {
        problems.push(format!("narrative figures: only {right} of {stated} right (≥ 95% required)"));
    }
    let holding = outcomes.iter().filter(|o| o.holds).count();
    eprintln!(
        "corpus: {} dossiers, {} expectations, {holding} hold, {} listed as expected failures",
        truths.len(),
        outcomes.len(),
        list.entries.len()
    );
    assert!(
        problems.is_empty(),
        "{} corpus problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Figures the recommendation report states (report `narratives`) against the truth's
/// application figures of the same year, over dossiers whose narratives were not planted
/// to differ: (right, stated, descriptions of the wrong ones). Units' own reports state
/// each unit's share, for which the truth has no figures.
fn narrative_figures(truths: &[(String, Value)], verified: &[dossier_verify::Verified]) -> (usize, usize, Vec<String>) {
    use dossier_verify::extract::Metric;
    let (mut right, mut stated, mut wrong) = (0, 0, Vec::new());
    for ((stem, truth), v) in truths.iter().zip(verified) {
        let planted = truth["expected_findings"].as_array().is_some_and(|list| list.iter().any(|f| f["code"] == "NARRATIVE_FIGURE_MISMATCH"));
        let Some(years) = truth["application"]["years"].as_array().filter(|_| !planted) else { continue };
        let reports: Vec<&str> = truth["files"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["kind"] == "recommendation_report")
            .filter_map(|f| f["path"].as_str())
            .collect();
        for n in v.report.narratives.iter().filter(|n| reports.contains(&n.path.as_str())) {
            let Some(year) = years.iter().find(|y| y["year"].as_i64() == Some(i64::from(n.year))) else { continue };
            let key = match n.metric {
                Metric::Trainees => "trainees",
                Metric::PassRate => "pass_rate",
                Metric::EmploymentRate => "employment_rate",
            };
            let Some(truth_value) = year[key].as_f64() else { continue };
            stated += 1;
            if (truth_value - n.value).abs() < 0.0005 {
                right += 1;
            } else {
                wrong.push(format!("{stem} {} {} {key}: read {} for {truth_value} in “{}”", n.path, n.year, n.value, n.sentence));
            }
        }
    }
    (right, stated, wrong)
}

/// The list must stay honest on its own: every entry has a reason naming an issue, and
/// no dossier it names is missing from the corpus.
#[test]
fn expected_failure_list_is_well_formed() {
    let list = load_list();
    let stems: BTreeSet<String> = truths().into_iter().map(|(s, _)| s).collect();
    for e in &list.entries {
        assert!(
            stems.contains(&e.dossier),
            "{LIST}: no dossier {}",
            e.dossier
        );
        assert!(
            e.reason.contains("issue"),
            "{LIST}: {} {}: the reason must name an issue",
            e.dossier,
            e.what
        );
    }
    let mut seen = BTreeSet::new();
    for e in &list.entries {
        assert!(
            seen.insert((&e.dossier, &e.what)),
            "{LIST}: duplicate entry {} {}",
            e.dossier,
            e.what
        );
    }
}

/// Every code of the contract is planted somewhere in the corpus.
#[test]
fn corpus_covers_every_code() {
    let mut planted = BTreeSet::new();
    for (_, truth) in truths() {
        for e in truth["expected_findings"].as_array().into_iter().flatten() {
            if let Some(code) = e["code"].as_str() {
                planted.insert(code.to_string());
            }
        }
    }
    let missing: Vec<_> = dossier_verify::report::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !planted.contains(*c))
        .collect();
    assert!(missing.is_empty(), "codes no dossier plants: {missing:?}");
}

/// The corpus itself is what its truth says, as the product's own spreadsheet library
/// (calamine) sees it: every roster/tracking table opens, its sheet exists, the header
/// sits on the stated row, and the persons' rows number what the truth says. This holds
/// today, whatever extraction can do, and catches a generator that drifts.
#[test]
fn corpus_tables_match_their_truth() {
    use calamine::{open_workbook_auto_from_rs, Data, Reader};
    use std::io::{Cursor, Read};

    let mut checked = 0;
    for (stem, truth) in truths() {
        let rosters = truth["rosters"].as_array().cloned().unwrap_or_default();
        if rosters.is_empty()
            || truth["defects"]
                .as_array()
                .is_some_and(|d| d.iter().any(|t| t["tag"] == "archive_truncated"))
        {
            continue;
        }
        let bytes = std::fs::read(corpus_dir().join(format!("{stem}.zip"))).expect("zip readable");
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid zip");
        // entry names as the contract wants them: UTF-8, or decoded from GBK
        let mut by_name = BTreeMap::new();
        for i in 0..archive.len() {
            let file = archive.by_index(i).expect("entry");
            let raw = file.name_raw().to_vec();
            // (GBK-encoded Chinese is practically never valid UTF-8)
            let name = match std::str::from_utf8(&raw) {
                Ok(s) => s.to_string(),
                Err(_) => encoding_rs::GBK.decode(&raw).0.into_owned(),
            };
            by_name.insert(name, i);
        }
        for r in rosters {
            let path = text(&r["path"]).expect("roster path");
            let index = *by_name
                .get(&path)
                .unwrap_or_else(|| panic!("{stem}: no entry {path}"));
            let mut data = Vec::new();
            archive
                .by_index(index)
                .expect("entry")
                .read_to_end(&mut data)
                .expect("entry bytes");
            let mut book = open_workbook_auto_from_rs(Cursor::new(data))
                .unwrap_or_else(|e| panic!("{stem}: {path}: {e}"));
            let sheet = text(&r["sheet"]).expect("sheet name");
            let range = book
                .worksheet_range(&sheet)
                .unwrap_or_else(|e| panic!("{stem}: {path} [{sheet}]: {e}"));
            let first_row = range.start().map(|(row, _)| row as usize).unwrap_or(0);
            let header_row = r["header_row"].as_u64().expect("header_row") as usize;
            let rows: Vec<&[Data]> = range.rows().collect();
            let header = rows
                .get(header_row - 1 - first_row)
                .unwrap_or_else(|| panic!("{stem}: {path}: no header row"));
            let header_text: Vec<String> = header.iter().map(|c| c.to_string()).collect();
            assert!(
                header_text.iter().any(|h| h.contains("姓名")),
                "{stem}: {path} [{sheet}] row {header_row} is not a header: {header_text:?}"
            );
            let persons = rows[header_row - first_row..]
                .iter()
                .filter(|row| {
                    let first = row.first().map(|c| c.to_string()).unwrap_or_default();
                    let filled = row.iter().filter(|c| !matches!(c, Data::Empty)).count();
                    filled >= 3 && !first.starts_with("合计") && !first.starts_with("填表人")
                })
                .count();
            assert_eq!(
                persons as u64,
                r["rows"].as_u64().expect("rows"),
                "{stem}: {path} [{sheet}] person rows"
            );
            checked += 1;
        }
    }
    assert!(checked >= 60, "only {checked} tables checked");
}
