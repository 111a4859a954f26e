//! `anumodan admin create`: bootstraps a platform administrator offline (the data directory
//! must not be in use by a server). The password comes from a file or `ANUMODAN_ADMIN_PASSWORD`,
//! never from the command line (which other users of the machine can see).

use anumodan_core::authz::{BuiltinRole, Scope};
use anumodan_core::clock::SystemClock;
use anumodan_store::staff::{self, RoleRef};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a platform staff account holding the Admin role at platform scope. It signs in
    /// with POST /v1/session and must enrol a second factor (TOTP) before doing anything else.
    Create {
        /// 3-64 characters from a-z, 0-9, '.', '_', '-' and '@'
        #[arg(long)]
        username: String,
        /// File holding the password (first line; at least 12 characters). Without it the
        /// password is read from ANUMODAN_ADMIN_PASSWORD.
        #[arg(long)]
        password_file: Option<PathBuf>,
        #[command(flatten)]
        common: crate::Common,
    },
    /// Lift a staff account's sign-in lock-out (offline): the lock of the name as a whole and of
    /// its second factor, and with --address the lock of that client address. Recorded in the
    /// ledger. Locks also lift by themselves (an hour at most).
    Unlock {
        #[arg(long)]
        username: String,
        /// The client address the owner signs in from (as the server sees it).
        #[arg(long)]
        address: Option<String>,
        #[command(flatten)]
        common: crate::Common,
    },
}

fn password(file: Option<PathBuf>) -> anyhow::Result<String> {
    let pw = match file {
        Some(f) => {
            let text =
                std::fs::read_to_string(&f).map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?;
            text.lines().next().unwrap_or_default().to_string()
        }
        None => std::env::var("ANUMODAN_ADMIN_PASSWORD").map_err(|_| {
            anyhow::anyhow!(
                "give the password with --password-file FILE or ANUMODAN_ADMIN_PASSWORD"
            )
        })?,
    };
    staff::check_password(&pw).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(pw)
}

/// Hashes a password on a blocking thread (it is slow on purpose); one error, whether the
/// thread or the hash failed.
async fn hash_password(pw: String) -> anyhow::Result<String> {
    match tokio::task::spawn_blocking(move || staff::hash_password(&pw)).await {
        Ok(hash) => Ok(hash?),
        Err(e) => Err(anyhow::anyhow!("password hashing stopped: {e}")),
    }
}

pub async fn run(cmd: AdminCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        AdminCommand::Create {
            username,
            password_file,
            common,
        } => {
            let username =
                staff::normalize_username(&username).map_err(|e| anyhow::anyhow!("{e}"))?;
            let pw = password(password_file)?;
            let cfg = common.load(None)?;
            let store = anumodan_server::open_store(&cfg, Arc::new(SystemClock))?;
            let hash = hash_password(pw).await?;
            let name = username.clone();
            let created = store
                .transact(move |tx| {
                    let v = staff::create_staff(tx, &name, None, &hash, false, "cli")?;
                    let role = RoleRef::Builtin(BuiltinRole::Admin);
                    staff::change_role(tx, v.id, role, Scope::Platform, true, "cli", None)?;
                    Ok(v)
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "id": created.id,
                    "username": created.username,
                    "role": "admin",
                    "scope": "platform",
                }))?
            );
            Ok(ExitCode::SUCCESS)
        }
        AdminCommand::Unlock {
            username,
            address,
            common,
        } => {
            let cfg = common.load(None)?;
            let store = anumodan_server::open_store(&cfg, Arc::new(SystemClock))?;
            let lifted = store
                .transact(move |tx| Ok(staff::unlock(tx, &username, address.as_deref(), "cli")?))
                .await?;
            println!("{}", serde_json::json!({ "locks_lifted": lifted }));
            Ok(ExitCode::SUCCESS)
        }
    }
}
