//! Signed checkpoints in C2SP form, written while entries arrive.

use crate::harness::*;
use anumodan_ledger::checkpoint::open_checkpoint;
use anumodan_ledger::merkle::hash_from_base64;
use reqwest::StatusCode;
use std::collections::BTreeSet;
use std::time::{Duration as StdDuration, Instant};

#[tokio::test]
async fn signed_checkpoints_in_c2sp_form_keep_coming_while_entries_arrive() {
    let s = TestServer::start().await;
    let (key_line, key) = ledger_key(&s).await;
    let cat = s.seed().await;
    s.collect_ok(&cat, "stream-1", all_granted()).await;
    let first = s.wait_checkpoint(1).await;
    let first_size = first["size"].as_u64().unwrap();

    // A steady stream of validations for a while; checkpoints appear during it, not only
    // once it stops.
    let writer = {
        let api = s.api.clone();
        tokio::spawn(async move {
            // At least 1.2 s and 30 validations (at most 10 s, on a very busy machine).
            let start = Instant::now();
            let mut n = 0u64;
            while (start.elapsed() < StdDuration::from_millis(1200) || n < 30)
                && start.elapsed() < LEDGER_WAIT
            {
                api.validate("stream-1", "account").await;
                n += 1;
            }
            n
        })
    };
    let mut seen: BTreeSet<u64> = BTreeSet::new();
    while !writer.is_finished() {
        if let Some(c) = s.checkpoints().await.last() {
            seen.insert(c["size"].as_u64().unwrap());
        }
        tokio::time::sleep(StdDuration::from_millis(30)).await;
    }
    let validations = writer.await.unwrap();
    assert!(validations >= 30, "only {validations} validations");
    let during: Vec<u64> = seen.iter().copied().filter(|&n| n > first_size).collect();
    assert!(
        during.len() >= 3,
        "new checkpoints seen while entries arrived: {during:?}"
    );
    let size = ledger_size(&s).await;
    s.wait_checkpoint(size).await;

    // All of them: sizes increasing, each a signed C2SP note.
    let cps = s.checkpoints().await;
    let sizes = checkpoint_sizes(&cps);
    assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    assert_eq!(*sizes.last().unwrap(), size);
    let (name, key_id) = {
        let mut parts = key_line.splitn(3, '+');
        (
            parts.next().unwrap().to_string(),
            u32::from_str_radix(parts.next().unwrap(), 16).unwrap(),
        )
    };
    assert_eq!(name, "anumodan.local/ledger");
    let mut last_ts = 0u64;
    for c in &cps {
        let note = c["note"].as_str().unwrap();
        let lines: Vec<&str> = note.split('\n').collect();
        // origin, size, root, timestamp extension, blank line, one signature, final newline.
        assert_eq!(lines.len(), 7, "{note:?}");
        assert_eq!(lines[0], name, "origin line is the key name");
        assert_eq!(lines[1], c["size"].as_u64().unwrap().to_string());
        assert!(!lines[1].starts_with('0'));
        let root = hash_from_base64(lines[2]).expect("base64 SHA-256 root");
        let ts: u64 = lines[3]
            .strip_prefix("timestamp ")
            .unwrap_or_else(|| panic!("timestamp line: {note:?}"))
            .parse()
            .unwrap();
        assert!(ts >= last_ts, "timestamps never go back");
        last_ts = ts;
        // The manual clock: the test's T0.
        assert_eq!(ts, T0.unix_timestamp() as u64);
        assert_eq!(lines[4], "");
        let sig = lines[5]
            .strip_prefix(&format!("\u{2014} {name} "))
            .unwrap_or_else(|| panic!("signature line: {:?}", lines[5]));
        use base64::Engine;
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sig)
            .unwrap();
        assert_eq!(raw.len(), 4 + 64, "key id and Ed25519 signature");
        assert_eq!(u32::from_be_bytes(raw[..4].try_into().unwrap()), key_id);
        assert_eq!(lines[6], "", "the note ends with a newline");
        // It opens with the published key, to the same values.
        let cp = open_checkpoint(&key, note).unwrap();
        assert_eq!(cp.size, c["size"].as_u64().unwrap());
        assert_eq!(cp.root, root);
        assert_eq!(cp.timestamp(), Some(ts));
        assert_eq!(cp.to_text(), lines[..4].join("\n") + "\n");
        assert!(c["created_at"].is_string());
    }
    // The latest note is also at the well-known URL, verbatim.
    let res = s
        .client
        .get(format!("{}/.well-known/anumodan/checkpoint", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.text().await.unwrap(),
        cps.last().unwrap()["note"].as_str().unwrap()
    );
    // Pagination of the list by size.
    let (st, v) = s
        .get(&format!("/v1/audit/checkpoints?after={}&limit=2", sizes[0]))
        .await;
    assert_eq!(st, StatusCode::OK);
    let got = checkpoint_sizes(v.as_array().unwrap());
    assert_eq!(got, sizes[1..3.min(sizes.len())].to_vec());

    // Idle: no entries, no new checkpoints.
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    assert_eq!(s.checkpoints().await.len(), cps.len());
    // A later checkpoint carries the later time.
    s.advance_days(1);
    s.validate("stream-1", "account").await;
    let c = s.wait_checkpoint(size + 1).await;
    let cp = open_checkpoint(&key, c["note"].as_str().unwrap()).unwrap();
    assert_eq!(cp.timestamp(), Some(T0.unix_timestamp() as u64 + 86_400));
}
