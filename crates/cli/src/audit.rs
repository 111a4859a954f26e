//! `anumodan audit ...`: verify, export and prove the ledger, offline.

use crate::Common;
use anumodan_ledger::export::verify_export;
use anumodan_ledger::merkle::{self, hash_to_base64};
use anumodan_ledger::note::{NoteSigner, NoteVerifier};
use anumodan_ledger::verify::Report;
use anumodan_store::read::{ConnSource, all_checkpoints};
use anumodan_store::verify::{export_db, open_database, verify_db};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Recompute every entry hash, the Merkle tree and every checkpoint signature; exit
    /// non-zero naming the first bad entry or checkpoint.
    Verify {
        #[command(flatten)]
        common: Common,
        /// The verifier key (a C2SP key line, or a file holding it). Default: derived from the
        /// data directory's signing key. An auditor should pass the key published earlier.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Write the log, its checkpoints and the public key as files in DIR.
    Export {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        out: PathBuf,
    },
    /// Check an export offline with nothing but the public key.
    VerifyExport {
        dir: PathBuf,
        /// The verifier key (a C2SP key line, or a file holding it), from a trusted channel.
        #[arg(long)]
        public_key: String,
    },
    /// Print an inclusion proof for an entry against a checkpoint (latest by default).
    Inclusion {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        index: u64,
        #[arg(long)]
        tree_size: Option<u64>,
    },
    /// Print a consistency proof between two checkpoints.
    Consistency {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        from: u64,
        #[arg(long)]
        to: Option<u64>,
    },
}

fn key_from(arg: &str) -> anyhow::Result<NoteVerifier> {
    let text = if Path::new(arg).is_file() {
        std::fs::read_to_string(arg)?
    } else {
        arg.to_string()
    };
    NoteVerifier::from_verifier_key(text.trim()).map_err(|e| anyhow::anyhow!("public key: {e}"))
}

fn local_key(cfg: &anumodan_server::Config) -> anyhow::Result<NoteVerifier> {
    let path = cfg
        .ledger_signing_key
        .clone()
        .unwrap_or_else(|| cfg.data_dir.join("keys").join("ledger-signing.key"));
    let text =
        std::fs::read_to_string(&path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(NoteSigner::from_private_key(text.trim())
        .map_err(|e| anyhow::anyhow!("signing key: {e}"))?
        .verifier())
}

fn print_report(what: &str, r: &Report) {
    println!("{what}: OK");
    println!("  entries verified:      {}", r.entries);
    println!("  checkpoints verified:  {}", r.checkpoints);
    println!("  latest checkpoint:     {}", r.latest_checkpoint_size());
    println!("  entries after it:      {}", r.uncovered_entries);
    println!("  root of all entries:   {}", hash_to_base64(&r.root));
}

pub async fn run(cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    // Reads the database synchronously (PostgreSQL's client must not block an async thread).
    anumodan_store::db::off_runtime(move || run_sync(cmd))
}

fn run_sync(cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AuditCommand::Verify { common, public_key } => {
            let cfg = common.load(None)?;
            let key = match public_key {
                Some(k) => key_from(&k)?,
                None => local_key(&cfg)?,
            };
            let conn = open_database(
                cfg.database_url.as_deref(),
                &cfg.data_dir.join("anumodan.db"),
            )?;
            match verify_db(&conn, &key) {
                Ok((r, artefacts)) => {
                    print_report("ledger", &r);
                    println!("  artefact versions verified: {artefacts}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("ledger verification FAILED: {e}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        AuditCommand::Export { common, out } => {
            let cfg = common.load(None)?;
            let key = local_key(&cfg)?;
            let conn = open_database(
                cfg.database_url.as_deref(),
                &cfg.data_dir.join("anumodan.db"),
            )?;
            let (n, c) = export_db(&conn, &out, &key.to_verifier_key())?;
            println!(
                "exported {n} entries and {c} checkpoints to {}",
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::VerifyExport { dir, public_key } => {
            let key = key_from(&public_key)?;
            match verify_export(&dir, &key) {
                Ok(r) => {
                    print_report("export", &r);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("export verification FAILED: {e}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        AuditCommand::Inclusion {
            common,
            index,
            tree_size,
        } => {
            let cfg = common.load(None)?;
            let conn = open_database(
                cfg.database_url.as_deref(),
                &cfg.data_dir.join("anumodan.db"),
            )?;
            let cps = all_checkpoints(&conn)?;
            let cp = match tree_size {
                Some(n) => cps.iter().find(|c| c.size == n),
                None => cps.last(),
            }
            .ok_or_else(|| anyhow::anyhow!("no such checkpoint"))?;
            let proof = merkle::inclusion_proof(&ConnSource(&conn), index, cp.size)?;
            let leaf: Vec<u8> = conn.query_row(
                "SELECT hash FROM audit_log WHERE idx = ?1",
                [index as i64],
                |r| r.get(0),
            )?;
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "index": index,
                    "tree_size": cp.size,
                    "leaf_hash": leaf.try_into().map(|h: [u8; 32]| hash_to_base64(&h)).unwrap_or_default(),
                    "proof": proof.iter().map(hash_to_base64).collect::<Vec<_>>(),
                    "checkpoint": cp.note,
                }))?
            );
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Consistency { common, from, to } => {
            let cfg = common.load(None)?;
            let conn = open_database(
                cfg.database_url.as_deref(),
                &cfg.data_dir.join("anumodan.db"),
            )?;
            let cps = all_checkpoints(&conn)?;
            let a = cps
                .iter()
                .find(|c| c.size == from)
                .ok_or_else(|| anyhow::anyhow!("no checkpoint of size {from}"))?;
            let b = match to {
                Some(n) => cps.iter().find(|c| c.size == n),
                None => cps.last(),
            }
            .ok_or_else(|| anyhow::anyhow!("no such checkpoint"))?;
            let proof = merkle::consistency_proof(&ConnSource(&conn), a.size, b.size)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "from": a.size,
                    "to": b.size,
                    "proof": proof.iter().map(hash_to_base64).collect::<Vec<_>>(),
                    "from_checkpoint": a.note,
                    "to_checkpoint": b.note,
                }))?
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
