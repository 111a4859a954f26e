//! The consent lifecycle of BRD 4.1.1 to 4.1.5 over HTTP: catalogue and notices, collection,
//! validation, update, renewal, withdrawal, expiry, history, listing, tenants and restarts,
//! retries with an idempotency key, and re-consent to a new notice version.

use crate::harness::*;
use serde_json::Value;
use std::collections::BTreeSet;

mod catalogue;
mod collect;
mod expiry;
mod history;
mod idempotency;
mod reconsent;
mod renew;
mod restart;
mod tenants;
mod update;
mod validate;
mod withdraw;

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id_of).collect()
}

fn codes(list: &Value, field: &str) -> BTreeSet<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|x| x[field].as_str().unwrap().to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}
