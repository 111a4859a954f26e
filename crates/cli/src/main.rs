//! `anumodan`: the one binary. Serves the API, seeds a demo, administers fiduciaries offline,
//! verifies and exports the audit ledger, and benchmarks itself.

/// mimalloc: the service allocates many small buffers per request; glibc's allocator showed up
/// at several percent of CPU in profiles of the benchmark.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod audit;
mod bench;
mod compliance;
mod demo;
/// `anumodan admin` (staff accounts); `admin` alone names the store's fiduciary administration.
#[path = "admin.rs"]
mod staff_admin;

use anumodan_core::clock::SystemClock;
use anumodan_server::config::{Config, Overrides};
use anumodan_store::admin;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "anumodan", version, about = "Consent management for India's DPDP Act, 2023", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the configuration comes from; flags override `ANUMODAN_*` variables, which override
/// the TOML file, which overrides the defaults.
#[derive(Args, Clone, Default)]
pub(crate) struct Common {
    /// Data directory holding the embedded database and keys [env: ANUMODAN_DATA_DIR] [default: data]
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL: use that database (shared by every node) instead of the embedded one;
    /// DATA_DIR then holds only the keys [env: ANUMODAN_DATABASE_URL]
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// TOML configuration file [env: ANUMODAN_CONFIG]
    #[arg(long, env = "ANUMODAN_CONFIG")]
    config: Option<PathBuf>,
}

/// TLS termination by the server itself (`serve` only).
#[derive(Args, Clone, Default)]
struct Tls {
    /// PEM certificate chain; with --tls-key the server speaks TLS 1.3 only [env: ANUMODAN_TLS_CERT]
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate (PKCS#8, PKCS#1 or SEC1) [env: ANUMODAN_TLS_KEY]
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

impl Common {
    pub(crate) fn load(&self, listen: Option<SocketAddr>) -> anyhow::Result<Config> {
        self.load_with(listen, &Tls::default())
    }

    fn load_with(&self, listen: Option<SocketAddr>, tls: &Tls) -> anyhow::Result<Config> {
        let o = Overrides {
            listen,
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
            tls_cert: tls.tls_cert.clone(),
            tls_key: tls.tls_key.clone(),
        };
        Config::load(self.config.as_deref(), &o).map_err(|e| anyhow::anyhow!("configuration: {e}"))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (on the embedded database, or on PostgreSQL with --database-url).
    Serve {
        /// Address to listen on [env: ANUMODAN_LISTEN] [default: 127.0.0.1:8080]
        #[arg(long)]
        listen: Option<SocketAddr>,
        #[command(flatten)]
        tls: Tls,
        #[command(flatten)]
        common: Common,
    },
    /// Run the service with a seeded demo fiduciary and print how to try it.
    Demo {
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Keep the demo data here (default: a new temporary directory, removed on exit).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Apply the embedded schema migrations and exit.
    Migrate {
        #[command(flatten)]
        common: Common,
    },
    /// Manage data fiduciaries (offline: stop the server first).
    Fiduciary {
        #[command(subcommand)]
        command: FiduciaryCommand,
    },
    /// Administer staff accounts (offline: stop the server first).
    Admin {
        #[command(subcommand)]
        command: staff_admin::AdminCommand,
    },
    /// Print every route and who may call it (the permission matrix, as Markdown), or the
    /// OpenAPI document; both come from the route registry.
    Routes {
        /// Print the OpenAPI 3.1 document (JSON) instead of the matrix.
        #[arg(long)]
        openapi: bool,
    },
    /// Verify, export and prove the audit ledger.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Master keys that wrap principals' data keys (offline: stop the server first).
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Benchmark a server on a temporary store over real HTTP and print the figures.
    Bench(bench::BenchArgs),
    /// The compliance matrix (docs/compliance.md) for people who do not read Markdown.
    Compliance {
        #[command(subcommand)]
        command: compliance::ComplianceCommand,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Print the current master key's id and how many data keys each master key wraps.
    Status {
        #[command(flatten)]
        common: Common,
    },
    /// Add a new master key, make it current and re-wrap every data key under it. Older keys
    /// stay in DATA_DIR/keys/master/ (delete one only once `keys status` shows it wraps none).
    RotateMaster {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum FiduciaryCommand {
    /// Register a fiduciary and print its id and a new API key as JSON.
    Create {
        #[arg(long)]
        name: String,
        #[command(flatten)]
        common: Common,
    },
}

fn init_logging(cfg: &Config) {
    let mut filter = tracing_subscriber::EnvFilter::try_new(&cfg.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // The PostgreSQL driver logs every statement with its parameters at debug level; those
    // may be personal data, so its logs stop at info whatever the filter asks.
    for quiet in ["tokio_postgres=info", "postgres=info"] {
        if let Ok(d) = quiet.parse() {
            filter = filter.add_directive(d);
        }
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if cfg.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            listen,
            tls,
            common,
        } => {
            let cfg = common.load_with(listen, &tls)?;
            init_logging(&cfg);
            let running = anumodan_server::start(&cfg, Arc::new(SystemClock), true).await?;
            tracing::info!(url = %running.url(), data_dir = %cfg.data_dir.display(), "anumodan serving");
            running.wait().await?;
            tracing::info!("stopped");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { listen, data_dir } => demo::run(listen, data_dir).await,
        Command::Migrate { common } => {
            let cfg = common.load(None)?;
            let store = anumodan_server::open_store(&cfg, Arc::new(SystemClock))?;
            let on_postgres = store.is_postgres();
            drop(store);
            if on_postgres {
                println!("migrations applied to the PostgreSQL database");
            } else {
                println!("migrations applied in {}", cfg.data_dir.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Fiduciary {
            command: FiduciaryCommand::Create { name, common },
        } => {
            let cfg = common.load(None)?;
            let store = anumodan_server::open_store(&cfg, Arc::new(SystemClock))?;
            let (f, key) = store
                .write_raw(move |tx| admin::create_fiduciary(tx, &name, "cli"))
                .await?;
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "id": f.id,
                    "name": f.name,
                    "api_key": key.api_key,
                    "api_key_id": key.id,
                }))?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys { command } => {
            let (common, rotate) = match command {
                KeysCommand::Status { common } => (common, false),
                KeysCommand::RotateMaster { common } => (common, true),
            };
            let cfg = common.load(None)?;
            let store = anumodan_server::open_store(&cfg, Arc::new(SystemClock))?;
            let mut out = serde_json::Map::new();
            if rotate {
                let (id, n) = store
                    .rotate_master_key_recorded("cli".into(), None)
                    .await?
                    .map_err(|reason| anyhow::anyhow!("{reason}"))?;
                out.insert("new_master_key".into(), id.into());
                out.insert("rewrapped".into(), n.into());
            }
            let (current, counts) = store.master_key_status().await?;
            out.insert("current_master_key".into(), current.into());
            out.insert(
                "data_keys_by_master_key".into(),
                serde_json::to_value(counts)?,
            );
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin { command } => staff_admin::run(command).await,
        Command::Audit { command } => audit::run(command).await,
        Command::Routes { openapi } => {
            let (_, doc, routes) = anumodan_server::api::registry().split();
            if openapi {
                println!("{}", serde_json::to_string_pretty(&doc)?);
            } else {
                print!(
                    "{}",
                    anumodan_server::api::registry::matrix_markdown(&routes)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench(args) => bench::run(args).await,
        Command::Compliance { command } => {
            compliance::run(command)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
