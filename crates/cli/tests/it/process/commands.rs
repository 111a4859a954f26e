//! Help and version, offline administration, configuration precedence, the benchmark.

use crate::harness::*;
use reqwest::StatusCode;

#[test]
fn version_and_help_on_every_subcommand() {
    let o = anumodan(&["--version"]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!("anumodan {}\n", env!("CARGO_PKG_VERSION"))
    );

    let o = anumodan(&["--help"]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let top = String::from_utf8_lossy(&o.stdout).into_owned();
    for sub in ["serve", "demo", "migrate", "fiduciary", "audit", "bench"] {
        assert!(top.contains(sub), "{sub} missing from --help:\n{top}");
    }

    for path in [
        &["serve"][..],
        &["demo"],
        &["migrate"],
        &["fiduciary"],
        &["fiduciary", "create"],
        &["audit"],
        &["audit", "verify"],
        &["audit", "export"],
        &["audit", "verify-export"],
        &["audit", "inclusion"],
        &["audit", "consistency"],
        &["bench"],
        &["compliance"],
        &["compliance", "report"],
    ] {
        let mut args = path.to_vec();
        args.push("--help");
        let o = anumodan(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", out_text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains(&format!("Usage: anumodan {}", path.join(" "))),
            "{args:?}:\n{out}"
        );
    }
    // The options that matter are documented where they apply.
    let serve_help = String::from_utf8_lossy(&anumodan(&["serve", "--help"]).stdout).into_owned();
    for opt in [
        "--listen",
        "--data-dir",
        "--config",
        "ANUMODAN_LISTEN",
        "ANUMODAN_DATA_DIR",
    ] {
        assert!(serve_help.contains(opt), "{opt} missing:\n{serve_help}");
    }

    // No subcommand, or an unknown one, is a usage error (exit 2) on stderr.
    for args in [&[][..], &["no-such-command"], &["serve", "--no-such-flag"]] {
        let o = anumodan(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", out_text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("Usage:"),
            "{}",
            out_text(&o)
        );
    }
}

#[tokio::test]
async fn fiduciary_create_and_migrate_work_offline_and_the_key_works() {
    let t = temp();
    let dir = t.path().join("data");

    let o = anumodan(&["migrate", "--data-dir", ps(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    assert!(has_store(&dir));
    assert!(schema_version(&dir) >= 1);
    let tables = with_db(&dir, table_names);
    for t in ["fiduciaries", "artefacts", "audit_log", "checkpoints"] {
        assert!(tables.iter().any(|n| n == t), "{t} in {tables:?}");
    }
    // Idempotent.
    let o = anumodan(&["migrate", "--data-dir", ps(&dir)]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("migrations applied"));

    let (id1, key1) = create_fiduciary(&dir, "Pune Municipal Corporation");
    let (id2, key2) = create_fiduciary(&dir, "Second Corporation");
    assert_ne!(id1, id2);
    assert_ne!(key1, key2);
    // The key is shown once and stored only as a hash.
    let bytes = all_store_bytes(&dir);
    assert!(bytes.len() > 1000);
    assert!(!bytes.windows(key1.len()).any(|w| w == key1.as_bytes()));
    // A name that is blank is refused.
    let o = anumodan(&[
        "fiduciary",
        "create",
        "--name",
        "   ",
        "--data-dir",
        ps(&dir),
    ]);
    assert_ne!(o.status.code(), Some(0), "{}", out_text(&o));

    // The server on that directory accepts the key, as that fiduciary.
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut p = Proc::spawn(serve(&dir, port), t.path(), "serve");
    p.wait_healthy(&url).await;
    let api = FiduciaryClient::new(http(), &url, &key1);
    let (st, v) = api.get("/v1/audit/entries").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items[0]["action"], "fiduciary.created");
    assert!(items.iter().all(|e| e["fiduciary"] == id1), "{v}");
    let (st, v) = api.api_as(&key2).get("/v1/purposes").await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = api.api_as("anm_not-a-key").get("/v1/purposes").await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    api.seed_small().await;

    // A graceful stop (SIGTERM) exits 0 with every entry under a signed checkpoint.
    if p.terminate() {
        let status = p.wait_exit().await;
        assert!(status.success(), "{status}: {}", p.logs());
        let o = audit_verify(&dir);
        assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("entries after it:      0"),
            "{}",
            out_text(&o)
        );
    } else {
        eprintln!("no `kill` command: graceful stop not tested");
        p.kill();
        assert_eq!(audit_verify(&dir).status.code(), Some(0));
    }
}

#[tokio::test]
async fn configuration_comes_from_flags_then_environment_then_file() {
    let t = temp();
    let client = http();
    let alive = |port: u16| {
        let client = client.clone();
        async move {
            client
                .get(format!("http://127.0.0.1:{port}/healthz"))
                .send()
                .await
                .is_ok()
        }
    };

    // The environment alone.
    let (p1, env_dir) = (free_port(), t.path().join("env-data"));
    let mut c = anumodan_cmd(&["serve"]);
    c.env("ANUMODAN_LISTEN", format!("127.0.0.1:{p1}"))
        .env("ANUMODAN_DATA_DIR", &env_dir);
    let mut p = Proc::spawn(c, t.path(), "env");
    p.wait_healthy(&format!("http://127.0.0.1:{p1}")).await;
    assert!(has_store(&env_dir));
    p.kill();

    // Flags override the environment.
    let (p2, flag_dir) = (free_port(), t.path().join("flag-data"));
    let mut c = serve(&flag_dir, p2);
    c.env("ANUMODAN_LISTEN", format!("127.0.0.1:{p1}"))
        .env("ANUMODAN_DATA_DIR", &env_dir);
    let mut p = Proc::spawn(c, t.path(), "flags");
    p.wait_healthy(&format!("http://127.0.0.1:{p2}")).await;
    assert!(!alive(p1).await, "the environment's address was used");
    assert!(has_store(&flag_dir));
    p.kill();

    // A TOML file, given with --config.
    let (p3, file_dir) = (free_port(), t.path().join("file-data"));
    let file = t.path().join("anumodan.toml");
    std::fs::write(
        &file,
        format!(
            "listen = \"127.0.0.1:{p3}\"\ndata_dir = \"{}\"\nlog_name = \"pune.example.gov.in/consent-ledger\"\ncheckpoint_interval_ms = 200\n",
            ps(&file_dir)
        ),
    )
    .unwrap();
    let mut p = Proc::spawn(
        anumodan_cmd(&["serve", "--config", ps(&file)]),
        t.path(),
        "file",
    );
    let url3 = format!("http://127.0.0.1:{p3}");
    p.wait_healthy(&url3).await;
    assert!(has_store(&file_dir));
    let key = client
        .get(format!("{url3}/.well-known/anumodan/ledger-key"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        key.starts_with("pune.example.gov.in/consent-ledger+"),
        "the file's log name: {key}"
    );
    p.kill();

    // The environment overrides the file (given here by ANUMODAN_CONFIG), and a flag overrides
    // both.
    let p4 = free_port();
    let mut c = anumodan_cmd(&["serve"]);
    c.env("ANUMODAN_CONFIG", &file)
        .env("ANUMODAN_LISTEN", format!("127.0.0.1:{p4}"));
    let mut p = Proc::spawn(c, t.path(), "file-env");
    p.wait_healthy(&format!("http://127.0.0.1:{p4}")).await;
    assert!(!alive(p3).await, "the file's address was used");
    p.kill();
    let p5 = free_port();
    let mut c = anumodan_cmd(&["serve", "--listen", &format!("127.0.0.1:{p5}")]);
    c.env("ANUMODAN_CONFIG", &file)
        .env("ANUMODAN_LISTEN", format!("127.0.0.1:{p4}"));
    let mut p = Proc::spawn(c, t.path(), "file-env-flag");
    p.wait_healthy(&format!("http://127.0.0.1:{p5}")).await;
    assert!(!alive(p4).await && !alive(p3).await);
    p.kill();

    // A file with an unknown key, a missing file, a bad value: refused with a clear message.
    let bad = t.path().join("bad.toml");
    std::fs::write(&bad, "listen = \"127.0.0.1:1\"\nno_such_setting = 1\n").unwrap();
    let missing = t.path().join("missing.toml");
    for (args, env) in [
        (vec!["serve", "--config", ps(&bad)], None),
        (vec!["serve", "--config", ps(&missing)], None),
        (vec!["serve"], Some(("ANUMODAN_LISTEN", "not an address"))),
    ] {
        let mut c = anumodan_cmd(&args);
        c.env("ANUMODAN_DATA_DIR", t.path().join("unused"));
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        let mut p = Proc::spawn(c, t.path(), "bad");
        let status = p.wait_exit().await;
        assert!(!status.success(), "{args:?} {env:?}: {}", p.logs());
        assert!(
            p.stderr().contains("configuration"),
            "{args:?} {env:?}: {}",
            p.logs()
        );
    }
}

/// `anumodan bench` runs every phase over real HTTP and prints its figures (a smoke test of the
/// command, in a debug build: the figures themselves are not asserted, only that they exist and
/// that nothing failed). With `--webhooks`, also the webhook phases: every webhook arrives
/// signed, and the latencies and validation ratios are printed.
#[test]
fn bench_prints_every_figure() {
    let o = anumodan(&[
        "bench",
        "--seconds",
        "1",
        "--connections",
        "4",
        "--rounds",
        "3",
        "--principals",
        "30",
        "--webhooks",
        "--webhook-rate",
        "20",
    ]);
    let text = out_text(&o);
    assert!(o.status.success(), "{text}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    for phase in [
        "healthz (ceiling)",
        "validate (audited, durable)",
        "collect",
        "withdraw",
    ] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(phase))
            .unwrap_or_else(|| panic!("no {phase} line:\n{text}"));
        assert!(
            line.contains("ops/s") && line.contains("p99") && line.contains("p99.9"),
            "{line}"
        );
        assert!(line.contains(", 0 errors)"), "errors in {phase}: {line}");
    }
    assert!(
        stdout.contains("(30 ok, 0 errors)"),
        "every collect and withdraw acknowledged:\n{text}"
    );
    assert!(stdout.contains("validations / healthz ceiling:"), "{text}");
    // Three rounds: one ratio each, then their median.
    let rounds = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("per round: "))
        .unwrap_or_else(|| panic!("no per-round line:\n{text}"));
    let (each, median) = rounds
        .split_once(" (median ")
        .unwrap_or_else(|| panic!("no median: {rounds}"));
    let pct = |v: &str| -> f64 {
        v.trim_end_matches([')', '%'])
            .parse()
            .unwrap_or_else(|_| panic!("not a percentage: {v:?} in {rounds}"))
    };
    let mut each: Vec<f64> = each.split_whitespace().map(pct).collect();
    assert_eq!(each.len(), 3, "{rounds}");
    each.sort_by(f64::total_cmp);
    assert!(
        (pct(median) - each[1]).abs() <= 1.0,
        "the median of {each:?} printed as {median}"
    );
    let bytes_line = stdout
        .lines()
        .find(|l| l.starts_with("bytes on disk per audited validation:"))
        .unwrap_or_else(|| panic!("no bytes line:\n{text}"));
    let bytes: f64 = bytes_line
        .split(':')
        .nth(1)
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("bytes figure not a number: {bytes_line}"));
    assert!(bytes > 0.0, "{bytes_line}");

    // The webhook phases: 20 withdrawals in the phase alone, 20 per round with webhooks (three
    // rounds), three processors each.
    let webhooks = stdout
        .split_once("\nwebhooks: ")
        .map(|(_, w)| w)
        .unwrap_or_else(|| panic!("no webhook section:\n{text}"));
    for phase in [
        "withdraw -> webhooks, alone",
        "validate alone",
        "validate + withdraw",
        "  its withdrawals",
        "validate + withdraw + webhooks",
        "  its withdrawals -> webhooks",
    ] {
        let line = webhooks
            .lines()
            .find(|l| l.starts_with(phase))
            .unwrap_or_else(|| panic!("no {phase} line:\n{text}"));
        assert!(
            line.contains("ops/s") && line.contains("p99.9") && line.contains(", 0 errors)"),
            "{line}"
        );
    }
    let received: Vec<&str> = webhooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("webhooks, 2xx -> received: "))
        .collect();
    assert_eq!(received.len(), 2, "{text}");
    for (line, n) in received.iter().zip([60, 180]) {
        assert!(
            line.starts_with(&format!("{n} of {n} received, {n} signed")),
            "every webhook arrives, signed: {line}"
        );
        for figure in ["p50", "p99", "p99.9", "max"] {
            assert!(line.contains(&format!(" {figure} ")), "{figure}: {line}");
        }
    }
    assert_eq!(
        webhooks
            .matches("2xx -> queued by the fan-out: p50")
            .count(),
        2,
        "{text}"
    );
    let ratios = webhooks
        .lines()
        .find_map(|l| l.strip_prefix("validations with webhooks / without: "))
        .unwrap_or_else(|| panic!("no validation ratio:\n{text}"));
    assert!(
        ratios.contains("%; with webhooks / validations alone: "),
        "{ratios}"
    );
    assert!(
        webhooks.contains("(medians "),
        "three rounds, their medians:\n{text}"
    );
}

/// `anumodan compliance report` (issue 25, item 4): the matrix as HTML and PDF, with the version,
/// the commit and the last verification.
#[test]
fn compliance_report_writes_the_matrix_as_html_and_pdf_with_its_verification() {
    let dir = temp();
    let out = dir.path().join("report");
    let stamp = dir.path().join("verified.json");
    std::fs::write(
        &stamp,
        r#"{"verified_at": "2026-12-07T20:00:00Z", "commit": "0123abc", "summary": []}"#,
    )
    .unwrap();
    let o = anumodan(&[
        "compliance",
        "report",
        "--out",
        out.to_str().unwrap(),
        "--verified",
        stamp.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let html = std::fs::read_to_string(out.join("compliance.html")).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(
        html.contains(&format!("Anumodan {}, commit ", env!("CARGO_PKG_VERSION"))),
        "{html}"
    );
    assert!(html.contains("Last verified against the tests: 2026-12-07T20:00:00Z"));
    // Every part of the matrix, a status cell marked, Markdown never left raw.
    for id in [
        "<td>O-1</td>",
        "<td>21.7</td>",
        "<td>DG-26</td>",
        "<td>N-1</td>",
        "<td>A-4</td>",
        "<td>X8</td>",
    ] {
        assert!(html.contains(id), "{id} missing");
    }
    assert!(html.contains("<td class=\"s-done\">done</td>"));
    assert!(html.matches("<tr>").count() >= 240);
    assert!(!html.contains("**") && !html.contains("|---"));

    // The PDF, read back by poppler's pdftotext (an independent reader, installed by
    // `.ci/run`): every row's id, the version and the verification are text in it.
    let pdf = std::fs::read(out.join("compliance.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let o = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(out.join("compliance.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: .ci/run installs it");
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for want in [
        "Anumodan compliance matrix",
        "O-1",
        "DG-26",
        "A-4",
        "X8",
        "departs",
        "Last verified against the tests: 2026-12-07T20:00:00Z",
    ] {
        assert!(text.contains(want), "{want} not in the PDF's text");
    }
    assert!(text.contains("page 1 of "), "a footer on each page");

    // Without a stamp, the report says so; a stamp that is not one is refused.
    let o = anumodan(&["compliance", "report", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", out_text(&o));
    let html = std::fs::read_to_string(out.join("compliance.html")).unwrap();
    assert!(html.contains("no verification given"));
    std::fs::write(&stamp, "not json").unwrap();
    let o = anumodan(&[
        "compliance",
        "report",
        "--out",
        out.to_str().unwrap(),
        "--verified",
        stamp.to_str().unwrap(),
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not a verification stamp"),
        "{}",
        out_text(&o)
    );
}
