//! The web pages in a real headless Chromium (Debian's `/usr/bin/chromium`): a bureau
//! uploads a dossier, the service checks it, and a reviewer opens the report page. The
//! browser is driven through its command line (`--dump-dom` after the page's scripts ran,
//! `--screenshot`); the sign-in goes through `/login?token=…`, which sets the session cookie
//! and redirects. The test FAILS when Chromium is missing: CI must install it
//! (`apt-get install -y chromium`).

#[path = "api/helpers.rs"]
mod helpers;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use helpers::*;

fn chromium() -> PathBuf {
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"] {
        if Path::new(candidate).exists() {
            return PathBuf::from(candidate);
        }
    }
    panic!("Chromium is not installed (expected /usr/bin/chromium): `apt-get install -y chromium`");
}

/// Runs headless Chromium on `url` with a fresh profile; returns the DOM after scripts ran.
fn dump_dom(url: &str, screenshot: Option<&Path>) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut command = Command::new(chromium());
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--window-size=1280,1600",
        "--virtual-time-budget=5000",
    ]);
    command.arg(format!("--user-data-dir={}", profile.path().display()));
    match screenshot {
        Some(path) => {
            command.arg(format!("--screenshot={}", path.display()));
        }
        None => {
            command.arg("--dump-dom");
        }
    }
    command.arg(url);
    let output = command.output().expect("run chromium");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reviewer_sees_the_report_of_an_uploaded_dossier_in_chromium() {
    let app = spawn_app().await;
    let name = "沈阳市-家政服务.zip";
    let bytes = make_zip(&[
        ("1.沈阳市人社局推荐报告.txt", "推荐报告".as_bytes()),
        ("2.申报表.txt", "辽宁省职业技能培训品牌申报表".as_bytes()),
        ("3.依托单位材料/2022年培训人员名单.csv", "序号,姓名,身份证号\n1,张三,210102199001011234\n".as_bytes()),
    ]);
    // The bureau's page offers the upload form and lists its dossiers.
    let id = app.upload_ok(SHENYANG, name, bytes).await;
    let bureau_list = {
        let url = app.url(&format!("/login?token={SHENYANG}&next=/"));
        tokio::task::spawn_blocking(move || dump_dom(&url, None)).await.unwrap()
    };
    assert!(bureau_list.contains("id=\"upload\"") && bureau_list.contains("<progress"), "upload form with progress: {bureau_list}");
    assert!(bureau_list.contains(name), "the list shows the upload");

    let done = app.wait_done(REVIEWER, &id).await;
    assert_eq!(done["status"], "succeeded");
    let verdict = done["verdict"].as_str().unwrap().to_string();
    let label = match verdict.as_str() {
        "pass" => "通过",
        "needs_review" => "需人工复核",
        _ => "不予受理",
    };

    let url = app.url(&format!("/login?token={REVIEWER}&next=/dossiers/{id}"));
    let dom = tokio::task::spawn_blocking(move || dump_dom(&url, None)).await.unwrap();
    // The verdict comes first, then the findings, the figures, the seals and the files.
    let at = |needle: &str| dom.find(needle).unwrap_or_else(|| panic!("`{needle}` not on the page: {dom}"));
    assert!(at(&format!("核验结论：{label}")) < at("<h2 id=\"findings\">核验发现"));
    assert!(at("<h2 id=\"findings\">") < at("<h2 id=\"figures-title\">数据核对"));
    assert!(at("<h2 id=\"figures-title\">") < at("<h2 id=\"seals\">公章"));
    assert!(at("<h2 id=\"seals\">") < at("<h2 id=\"classification\">文件分类"));
    assert!(dom.contains(name));
    assert!(dom.contains("审核员"), "signed in as the reviewer");
    let (_, report) = app.get_json(REVIEWER, &format!("/api/v1/dossiers/{id}/report")).await;
    for finding in report["findings"].as_array().unwrap() {
        assert!(dom.contains(finding["code"].as_str().unwrap()), "finding {finding} shown");
    }
    for document in report["documents"].as_array().unwrap() {
        assert!(dom.contains(document["path"].as_str().unwrap()), "file {document} classified on the page");
    }

    // A screenshot for people to look at (kept under target/ for the record).
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-report.png");
    let url = app.url(&format!("/login?token={REVIEWER}&next=/dossiers/{id}"));
    let shot_path = shot.clone();
    tokio::task::spawn_blocking(move || dump_dom(&url, Some(&shot_path))).await.unwrap();
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real screenshot");
    tokio::time::sleep(Duration::from_millis(10)).await;
}
