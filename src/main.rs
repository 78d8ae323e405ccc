//! The `dossier-verify` command: a thin shell around [`dossier_verify::verify`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use tracing_subscriber::fmt::format::FmtSpan;

use dossier_verify::{Config, DossierMeta};

#[derive(Parser)]
#[command(name = "dossier-verify", version, about = "核验辽宁省职业技能培训品牌申报材料 (辽人社函〔2024〕5号)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check one dossier and print its report (exit 0 whatever the verdict).
    Check {
        dossier: PathBuf,
        #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
        format: ReportFormat,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Check many dossiers (cross-dossier checks included), one report each plus a summary.
    Batch {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        #[arg(long)]
        jobs: Option<usize>,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print what was read from one file (text in reading order, or JSON with provenance).
    Extract {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
        format: ExtractFormat,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Start the HTTP service.
    Serve {
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        bind: Option<String>,
        #[arg(long)]
        data_dir: Option<PathBuf>,
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Json,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExtractFormat {
    Text,
    Json,
}

fn main() -> ExitCode {
    ensure_single_threaded_ocr();
    tracing_subscriber::fmt()
        // lopdf logs every object it cannot parse in a damaged PDF as an error; the file's
        // damage is already a finding of its own, so its log lines are noise to operators.
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("DOSSIER_VERIFY_LOG").unwrap_or_else(|_| "warn,lopdf=off".into()))
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal: a log file or journald gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        // Each enabled span's time on closing (a page's OCR, a seal's judging, a job):
        // how an operator sees where a dossier's time went.
        .with_span_events(if std::env::var_os("DOSSIER_VERIFY_LOG_TIMINGS").is_some() { FmtSpan::CLOSE } else { FmtSpan::NONE })
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("dossier-verify: {error:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check { dossier, format, config } => {
            let config = load_config(config.as_deref())?;
            let bytes = std::fs::read(&dossier).with_context(|| format!("cannot read {}", dossier.display()))?;
            let meta = DossierMeta { filename: file_name(&dossier), received_at: chrono::Local::now().fixed_offset() };
            let verified = dossier_verify::verify(&bytes, &meta, &config, &Default::default());
            match format {
                ReportFormat::Json => println!("{}", verified.report.to_json()),
                ReportFormat::Html => {
                    let extras = dossier_verify::report::html::Extras { seals: verified.seal_images, nav_html: None };
                    println!("{}", dossier_verify::report::html::render(&verified.report, &extras))
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Batch { inputs, out, jobs, config } => {
            let config = load_config(config.as_deref())?;
            let summary = dossier_verify::batch::run(&inputs, &out, jobs, &config)?;
            eprintln!(
                "dossier-verify: {} checked, {} could not be checked; reports and summary in {}",
                summary.checked,
                summary.not_checked,
                out.display()
            );
            // The exit code is the number of dossiers that could not be checked (capped at 255).
            Ok(ExitCode::from(u8::try_from(summary.not_checked).unwrap_or(u8::MAX)))
        }
        Command::Extract { file, format, config } => {
            let config = load_config(config.as_deref())?;
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let dump = dossier_verify::extract::dump::read(&file_name(&file), bytes, &config)
                .with_context(|| file.display().to_string())?;
            match format {
                ExtractFormat::Text => print!("{}", dossier_verify::extract::dump::to_text(&dump)),
                ExtractFormat::Json => println!("{}", dossier_verify::extract::dump::to_json(&dump)),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { config, bind, data_dir, database_url } => {
            let config = load_config(config.as_deref())?;
            let options = dossier_verify::server::ServeOptions::resolve(&config.settings.server, bind, data_dir, database_url);
            let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
            let served = runtime.block_on(async {
                let app = dossier_verify::server::Application::build(config, options).await?;
                eprintln!("dossier-verify: serving on port {}", app.port());
                app.run_until_stopped().await
            });
            // A verification still running on a blocking thread was given back to the queue:
            // do not wait for it.
            runtime.shutdown_timeout(std::time::Duration::from_secs(1));
            served?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    Ok(match path {
        Some(path) => Config::load(path)?,
        None => Config::builtin()?,
    })
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Debian's libtesseract links libgomp, which reads OMP_THREAD_LIMIT only when it loads:
/// without the limit a page takes 3–4× longer (threads fight over 2 cores). Setting the
/// variable from inside the process is too late, so the binary re-executes itself once
/// with it set.
fn ensure_single_threaded_ocr() {
    if std::env::var_os("OMP_THREAD_LIMIT").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else { return };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let error = std::process::Command::new(exe).args(std::env::args_os().skip(1)).env("OMP_THREAD_LIMIT", "1").exec();
        eprintln!("dossier-verify: could not re-execute with OMP_THREAD_LIMIT=1 ({error}); OCR will be slower");
    }
}
